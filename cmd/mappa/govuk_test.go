package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/xuri/excelize/v2"

	"github.com/mappa-etl/mappa/pipeline"
	"github.com/mappa-etl/mappa/sources/govuk/govuktest"
)

// setupGOVUK starts a fake GOV.UK for one script: $GOVUK is its origin and
// $WORK/mappa.json a config file naming its population and lookup files.
func setupGOVUK(fixtures string) func(env *testscript.Env) error {
	return func(env *testscript.Env) error {
		srv, fx, err := govuktest.NewMAPPA(filepath.Join(fixtures, "published"))
		if err != nil {
			return err
		}
		env.Defer(srv.Close)
		env.Values[govukKey{}] = srv
		env.Values[fixtureKey{}] = fx
		env.Setenv("GOVUK", srv.URL(""))
		cfg, err := json.MarshalIndent(map[string]any{"population": fx.Population, "lookups": fx.Lookups}, "", "  ")
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(env.WorkDir, "mappa.json"), cfg, 0o644)
	}
}

type govukKey struct{}
type fixtureKey struct{}

// govukCmd changes or inspects the fake GOV.UK from a script:
//
//	govuk fail YEAR STATUS   the year's area tables answer STATUS from now on
//	govuk html YEAR          the year's area tables are an HTML error page
//	govuk restate YEAR       the year's area tables change (a restatement)
//	govuk edit YEAR          the year's release page is republished, as when
//	                         a publisher replaces its attachment
//	govuk withdraw YEAR TEXT the year's page is withdrawn with that notice
//	govuk drop YEAR          the collection stops listing the year's page
//	govuk clear              remove every fault
//	[!] govuk conditional    every file request since the last check was conditional
//	govuk requests API INPUTS FILES
//	                         since the last check, that many Content API,
//	                         population or lookup, and attachment requests
//	                         (redirects included), every file request conditional
func govukCmd(ts *testscript.TestScript, neg bool, args []string) {
	srv := ts.Value(govukKey{}).(*govuktest.Server)
	fx := ts.Value(fixtureKey{}).(*govuktest.Fixture)
	if len(args) == 0 {
		ts.Fatalf("usage: govuk fail|html|restate|edit|withdraw|drop|clear|conditional|requests ...")
	}
	switch args[0] {
	case "fail":
		code, err := strconv.Atoi(args[2])
		ts.Check(err)
		srv.AddFault(fx.ReleaseFor(args[1]).FilePath, govuktest.Fault{Kind: govuktest.Status, Status: code})
	case "html":
		srv.AddFault(fx.ReleaseFor(args[1]).FilePath, govuktest.Fault{Kind: govuktest.Body,
			Body: []byte("<!DOCTYPE html><html><title>GOV.UK - error</title></html>")})
	case "restate":
		rel := fx.ReleaseFor(args[1])
		f, err := excelize.OpenFile(filepath.Join(ts.Getenv("FIXTURES"), "published", rel.Filename))
		ts.Check(err)
		defer f.Close()
		ts.Check(f.SetCellStr(f.GetSheetList()[0], "A1", "Restated"))
		buf, err := f.WriteToBuffer()
		ts.Check(err)
		srv.SetFile(rel.FilePath, govuktest.File{Body: buf.Bytes(), ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Modified: time.Now()})
	case "edit":
		path := fx.ReleaseFor(args[1]).PagePath
		var page map[string]any
		ts.Check(json.Unmarshal(srv.JSON(path), &page))
		page["public_updated_at"] = time.Now().UTC().Format(time.RFC3339)
		srv.SetJSON(path, page)
	case "withdraw": // govuk withdraw YEAR TEXT: the page answers with a withdrawal notice
		path := fx.ReleaseFor(args[1]).PagePath
		var page map[string]any
		ts.Check(json.Unmarshal(srv.JSON(path), &page))
		page["withdrawn_notice"] = map[string]any{"explanation": strings.Join(args[2:], " "), "withdrawn_at": "2026-11-02T09:30:00Z"}
		srv.SetJSON(path, page)
	case "drop": // govuk drop YEAR: the collection no longer lists the year's page
		coll := "/api/content" + govuktest.CollectionPath
		var c map[string]any
		ts.Check(json.Unmarshal(srv.JSON(coll), &c))
		links := c["links"].(map[string]any)
		page := strings.TrimPrefix(fx.ReleaseFor(args[1]).PagePath, "/api/content")
		var kept []any
		for _, d := range links["documents"].([]any) {
			if d.(map[string]any)["base_path"] != page {
				kept = append(kept, d)
			}
		}
		links["documents"] = kept
		srv.SetJSON(coll, c)
	case "requests":
		var got [3]int
		var plain []string
		for _, r := range srv.Requests() {
			switch {
			case strings.HasPrefix(r.Path, "/api/"):
				got[0]++
				continue
			case strings.HasPrefix(r.Path, "/ons/"):
				got[1]++
			default:
				got[2]++
			}
			if r.Status != 302 && !r.Conditional() {
				plain = append(plain, r.Path)
			}
		}
		if want := strings.Join(args[1:], " "); fmt.Sprint(got[0], got[1], got[2]) != want || len(plain) > 0 {
			ts.Fatalf("requests: %d Content API, %d inputs, %d attachments (want %s); unconditional: %v", got[0], got[1], got[2], want, plain)
		}
	case "clear":
		srv.ClearFaults()
	case "conditional":
		var plain []string
		for _, r := range srv.Requests() {
			if !strings.HasPrefix(r.Path, "/api/") && r.Status != 302 && !r.Conditional() {
				plain = append(plain, r.Path)
			}
		}
		if (len(plain) == 0) == neg {
			ts.Fatalf("unconditional file requests: %v", plain)
		}
	default:
		ts.Fatalf("govuk: unknown subcommand %q", args[0])
	}
}

// holdLock takes the writer lock of a database, as another mappa would,
// until the script ends: holdlock DB.
func holdLock(ts *testscript.TestScript, neg bool, args []string) {
	unlock, err := pipeline.LockWriter(ts.MkAbs(args[0]))
	ts.Check(err)
	ts.Defer(func() { unlock() })
}

// waitRun waits up to a minute for N finished runs of COMMAND in DB:
// waitrun DB COMMAND N.
func waitRun(ts *testscript.TestScript, neg bool, args []string) {
	want, err := strconv.Atoi(args[2])
	ts.Check(err)
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if n := finishedRuns(ts.MkAbs(args[0]), args[1]); n >= want {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	ts.Fatalf("no %d finished %s runs in %s after a minute", want, args[1], args[0])
}

func finishedRuns(db, command string) int {
	if _, err := os.Stat(db); err != nil {
		return 0
	}
	conn, err := sql.Open("sqlite3", "file:"+db+"?mode=ro&_busy_timeout=1000")
	if err != nil {
		return 0
	}
	defer conn.Close()
	var n int
	conn.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM runs WHERE command = ? AND finished_at IS NOT NULL`, command).Scan(&n)
	return n
}
