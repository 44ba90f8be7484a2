package pipeline

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestRunOutcomes(t *testing.T) {
	st := openTestStore(t)
	ctx := context.Background()
	killed, err := st.StartRun(ctx, "run", nil, time.Now()) // never finished: the process died
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	for _, tc := range []struct {
		name string
		err  error
	}{{RunOK, nil}, {RunFailed, errors.New("boom")}, {RunInterrupted, context.Canceled}} {
		id, err := st.StartRun(ctx, "run", nil, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		totals := RunTotals{Years: []string{"2019-20"}, Files: []RunFile{
			{URL: "u1", Kind: "area-tables", Status: FileFetched}, {URL: "u2", Kind: "population", Status: FileUnchanged},
			{URL: "u3", Kind: "page", Status: FileFailed, Error: "404"}}}
		if err := st.FinishRun(ctx, id, tc.err, totals); err != nil {
			t.Fatal(err)
		}
		ids[tc.name] = id
	}
	ids["failed (killed)"] = killed
	for want, id := range ids {
		var outcome, msg string
		var fetched, unchanged, failed, files int
		err := st.DB.QueryRow(`SELECT outcome, COALESCE(error, ''), files_fetched, files_unchanged, files_failed,
			(SELECT COUNT(*) FROM run_files f WHERE f.run_id = r.run_id) FROM runs r WHERE run_id = ?`, id).
			Scan(&outcome, &msg, &fetched, &unchanged, &failed, &files)
		if err != nil {
			t.Fatal(err)
		}
		if want == "failed (killed)" {
			if outcome != RunFailed || msg == "" {
				t.Errorf("a run that never finished: outcome %q, error %q; want failed with a reason", outcome, msg)
			}
			continue
		}
		if outcome != want || fetched != 1 || unchanged != 1 || failed != 1 || files != 3 {
			t.Errorf("run %d: %s %d/%d/%d, %d files; want %s 1/1/1, 3 files", id, outcome, fetched, unchanged, failed, files, want)
		}
	}
}
