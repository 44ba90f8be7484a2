package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/mappa-etl/mappa/pipeline/figure"
)

func TestRunOutcomes(t *testing.T) {
	st := openTestStore(t)
	ctx := context.Background()
	started := time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC)
	killed, err := st.StartRun(ctx, "run", nil, started) // never finished: the process died
	if err != nil {
		t.Fatal(err)
	}
	ids := map[Outcome]int64{}
	for _, tc := range []struct {
		name Outcome
		err  error
	}{{RunOK, nil}, {RunFailed, errors.New("boom")}, {RunInterrupted, context.Canceled}} {
		id, err := st.StartRun(ctx, "run", []string{"--source", "http://127.0.0.1:1"}, started)
		if err != nil {
			t.Fatal(err)
		}
		// 3 fetched, 2 unchanged, 1 failed: distinct counts, so a swap of
		// two counters is caught.
		totals := RunTotals{Years: []figure.FinancialYear{"2019-20", "2020-21"}, Files: []RunFile{
			{URL: "u1", Kind: "area-tables", Status: FileFetched}, {URL: "u2", Kind: "population", Status: FileUnchanged},
			{URL: "u3", Kind: "page", Status: FileFailed, Error: "404"}, {URL: "u4", Kind: "area-tables", Status: FileFetched},
			{URL: "u5", Kind: "lookup", Status: FileUnchanged}, {URL: "u6", Kind: "population", Status: FileFetched}}}
		if err := st.FinishRun(ctx, id, tc.err, totals); err != nil {
			t.Fatal(err)
		}
		ids[tc.name] = id
	}
	ids["failed (killed)"] = killed
	for want, id := range ids {
		var msg, args, startedAt, finishedAt, years string
		var outcome Outcome
		var fetched, unchanged, failed, files int
		err := st.DB.QueryRow(`SELECT outcome, COALESCE(error, ''), args, started_at, COALESCE(finished_at, ''),
			COALESCE(years_loaded, ''), files_fetched, files_unchanged, files_failed,
			(SELECT COUNT(*) FROM run_files f WHERE f.run_id = r.run_id) FROM runs r WHERE run_id = ?`, id).
			Scan(&outcome, &msg, &args, &startedAt, &finishedAt, &years, &fetched, &unchanged, &failed, &files)
		if err != nil {
			t.Fatal(err)
		}
		if startedAt != "2026-11-27T07:00:00Z" {
			t.Errorf("run %d: started_at %q", id, startedAt)
		}
		if want == "failed (killed)" {
			if outcome != RunFailed || msg == "" || finishedAt != "" {
				t.Errorf("a run that never finished: outcome %q, error %q, finished_at %q; want failed with a reason, no end", outcome, msg, finishedAt)
			}
			continue
		}
		if outcome != want || fetched != 3 || unchanged != 2 || failed != 1 || files != 6 {
			t.Errorf("run %d: %s %d/%d/%d, %d files; want %s 3/2/1, 6 files", id, outcome, fetched, unchanged, failed, files, want)
		}
		if years != "2019-20,2020-21" || args != "--source http://127.0.0.1:1" {
			t.Errorf("run %d: years_loaded %q, args %q", id, years, args)
		}
		if end, err := time.Parse(time.RFC3339, finishedAt); err != nil || time.Since(end) > time.Minute {
			t.Errorf("run %d: finished_at %q (%v), want the time it finished", id, finishedAt, err)
		}
		if (msg == "") != (want == RunOK) {
			t.Errorf("run %d (%s): error %q", id, want, msg)
		}
	}
}

// TestCopyRunsByColumnName: the run history is copied by column name, so a
// later migration that adds a column to runs or run_files (here simulated
// on the new database) does not break the copy, and every value lands in
// its own column.
func TestCopyRunsByColumnName(t *testing.T) {
	ctx := context.Background()
	old := openTestStore(t)
	started := time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC)
	id, err := old.StartRun(ctx, "run", []string{"--rate", "5"}, started)
	if err != nil {
		t.Fatal(err)
	}
	totals := RunTotals{Files: []RunFile{{URL: "u1", Kind: "area-tables", Status: FileFetched},
		{URL: "u2", Kind: "area-tables", Status: FileFetched}, {URL: "u3", Kind: "page", Status: FileFailed, Error: "404"}}}
	if err := old.FinishRun(ctx, id, nil, totals); err != nil {
		t.Fatal(err)
	}
	cur := openTestStore(t)
	for _, q := range []string{"ALTER TABLE runs ADD COLUMN host TEXT", "ALTER TABLE run_files ADD COLUMN note TEXT"} {
		if _, err := cur.DB.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if err := cur.CopyRuns(ctx, old.Path); err != nil {
		t.Fatal(err)
	}
	var args string
	var outcome Outcome
	var fetched, failed, files int
	err = cur.DB.QueryRow(`SELECT args, outcome, files_fetched, files_failed,
		(SELECT COUNT(*) FROM run_files f WHERE f.run_id = r.run_id AND f.note IS NULL) FROM runs r WHERE run_id = ? AND host IS NULL`, id).
		Scan(&args, &outcome, &fetched, &failed, &files)
	if err != nil {
		t.Fatal(err)
	}
	if args != "--rate 5" || outcome != RunOK || fetched != 2 || failed != 1 || files != 3 {
		t.Errorf("copied run: args %q, outcome %q, %d fetched, %d failed, %d files; want --rate 5, ok, 2, 1, 3", args, outcome, fetched, failed, files)
	}
}
