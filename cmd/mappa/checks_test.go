package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/sources/archive"
	"github.com/mappa-etl/mappa/sources/govuk/govuktest"
)

// TestRunSpeaksOfFailingChecks is issue 15's problem 3: a run that loaded
// years with failing checks said only "21 fetched, 0 failed" and exited 0.
// Given one population estimate only (mid-2013), every later year's rates
// are computed on it and most disagree with those published: the run now
// prints the failures grouped by cause with area names and a hint, logs a
// warning per cause, and with --fail-on-checks exits 4.
func TestRunSpeaksOfFailingChecks(t *testing.T) {
	srv, fx, err := govuktest.NewMAPPA("../../testdata/published")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	dir := t.TempDir()
	cfg, _ := json.Marshal(map[string]any{"population": map[string]string{"2013": fx.Population["2013"]}, "lookups": fx.Lookups})
	if err := os.WriteFile(filepath.Join(dir, "mappa.json"), cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"run", "--source", srv.URL(""), "--rate", "1000", "--config", filepath.Join(dir, "mappa.json"),
		"--db", filepath.Join(dir, "m.db")}
	for _, tc := range []struct {
		name  string
		extra []string
		want  int
	}{
		{"without --fail-on-checks", nil, exitOK},
		{"with --fail-on-checks", []string{"--fail-on-checks"}, exitChecks},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			app := &App{Stdout: &stdout, Stderr: &stderr}
			if got := app.Main(context.Background(), append(args, tc.extra...)); got != tc.want {
				t.Fatalf("exit %d, want %d; stderr:\n%s", got, tc.want, stderr.String())
			}
			out := stdout.String()
			if i := strings.Index(out, "failing checks, "); i >= 0 {
				t.Logf("%s", out[i:i+strings.IndexByte(out[i:], '\n')])
			}
			for _, want := range []string{
				"failing checks, ",
				"  2019-20 rate_matches_published: 43 areas (London, Cumbria, Lancashire, ",
				"what to do: the rates were computed on another population estimate than the release's: add the ONS estimate it used (the MoJ has used mid-2018 or mid-2019 for 2019-20): mappa add population FILE",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("stdout lacks %q:\n%s", want, out)
				}
			}
			if !strings.Contains(stderr.String(), `"msg":"failing check","financial_year":"2019-20","check":"rate_matches_published","areas":43`) {
				t.Errorf("no warning logged for the failing check:\n%s", stderr.String())
			}
			if tc.want == exitChecks && !strings.Contains(stderr.String(), "failing (--fail-on-checks); see mappa status") {
				t.Errorf("stderr does not say why it exits %d:\n%s", tc.want, stderr.String())
			}
			// status groups the same failures by cause.
			stdout.Reset()
			if got := app.Main(context.Background(), []string{"status", "--db", filepath.Join(dir, "m.db")}); got != exitOK {
				t.Fatalf("status: exit %d", got)
			}
			for _, want := range []string{"14 causes (every one: mappa status --json, or the check_results table):",
				"  2019-20 rate_matches_published: 43 areas (London, Cumbria, Lancashire, "} {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("status lacks %q:\n%s", want, stdout.String())
				}
			}
		})
	}
}

// TestInterruptedRunExits130 is issue 15's problem 5, Ctrl-C: a run
// stopped by SIGINT exited 1 with "context canceled". It now exits 130
// (143 for SIGTERM, as shells report signals), says it was interrupted,
// and the run is recorded as interrupted.
func TestInterruptedRunExits130(t *testing.T) {
	skipProcessSuite(t)
	for _, tc := range []struct {
		sig  syscall.Signal
		want int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			srv, _, err := govuktest.NewMAPPA("../../testdata/published")
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			srv.AddFault("/api/content"+govuktest.CollectionPath, govuktest.Fault{Kind: govuktest.Hang, Delay: 30 * time.Second})
			dir := t.TempDir()
			// A database that exists, so the run is recorded in it.
			file, _ := filepath.Abs("../../testdata/published/MAPPA_Annual_Report_2019-20_Area_Tables.xlsx")
			if r := execMappa(t, dir, "add", "area-tables", file); r.code != 0 {
				t.Fatalf("add: %+v", r)
			}
			cmd := mappaCommand(t, dir, "run", "--source", srv.URL(""), "--rate", "100", "--timeout", "60s")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			pipelinetest.WaitFor(20*time.Second, func() bool { return len(srv.Requests()) > 0 })
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			err = cmd.Wait()
			if code, _ := pipelinetest.ExitStatus(t, cmd, err); code != tc.want {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.want, stderr.String())
			}
			if want := "mappa run: interrupted; nothing was half done (open transactions rolled back)\n"; !strings.HasSuffix(stderr.String(), want) {
				t.Errorf("stderr ends %q, want %q", tail(stderr.String()), want)
			}
			st, err := store.Open(context.Background(), filepath.Join(dir, "mappa.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			rep, err := st.Status(context.Background(), 1)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Runs) != 1 || rep.Runs[0].Command != "run" || rep.Runs[0].Outcome != string(store.RunInterrupted) {
				t.Errorf("last run %+v, want run interrupted", rep.Runs)
			}
		})
	}
}

func tail(s string) string { return s[max(0, len(s)-200):] }

// TestInterruptedRebuildIsRecorded: a rebuild stopped by a signal (its
// context cancelled) exits 130, leaves the database as it was, and is
// recorded in it as interrupted; before, the record was lost with the
// context.
func TestInterruptedRebuildIsRecorded(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "m.db")
	archiveDir, _ := filepath.Abs("../../testdata/archive")
	var stdout, stderr bytes.Buffer
	app := &App{Stdout: &stdout, Stderr: &stderr}
	if code := app.Main(context.Background(), []string{"rebuild", "--db", db, "--archive", archiveDir}); code != exitOK {
		t.Fatalf("rebuild: exit %d\n%s", code, stderr.String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	stderr.Reset()
	if code := app.Main(ctx, []string{"rebuild", "--db", db, "--archive", archiveDir}); code != exitInterrupted {
		t.Fatalf("interrupted rebuild: exit %d, want %d\n%s", code, exitInterrupted, stderr.String())
	}
	if want := "mappa rebuild: interrupted; nothing was half done (open transactions rolled back)\n"; stderr.String() != want {
		t.Errorf("stderr %q, want %q", stderr.String(), want)
	}
	// Interrupted while building (the signal came before the database
	// opened above; here, once the rebuild has begun).
	a, err := archive.Open(archiveDir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rebuildDB(ctx, app, db, a, "rebuild", []string{"--db", db}); !errors.Is(err, context.Canceled) {
		t.Fatalf("rebuild with a cancelled context: %v", err)
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rep, err := st.Status(context.Background(), 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Runs) != 2 || rep.Runs[0].Command != "rebuild" || rep.Runs[0].Outcome != string(store.RunInterrupted) || len(rep.Releases) != 13 {
		t.Errorf("runs %+v and %d releases, want the rebuild recorded as interrupted and 13 releases", rep.Runs, len(rep.Releases))
	}
}
