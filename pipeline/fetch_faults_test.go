package pipeline

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/sources/fetch"
	"github.com/mappa-etl/mappa/sources/govuk/govuktest"
)

// TestRunFaults checks that each fault ends in a clear error for the file
// it hit, leaves no stray file in the archive, leaves the year it hit as it
// was, and does not stop the other years.
func TestRunFaults(t *testing.T) {
	const year = "2019-20"
	tests := []struct {
		name    string
		fault   func(l *liveFixture)
		wantErr string
	}{
		{"404", func(l *liveFixture) { l.srv.Remove(l.fx.ReleaseFor(year).FilePath) }, "404 Not Found"},
		{"503 always", func(l *liveFixture) {
			l.srv.AddFault(l.fx.ReleaseFor(year).FilePath, govuktest.Fault{Kind: govuktest.Status, Status: 503})
		}, "503 Service Unavailable (after 2 retries)"},
		{"hung server", func(l *liveFixture) {
			l.srv.AddFault(l.fx.ReleaseFor(year).FilePath, govuktest.Fault{Kind: govuktest.Hang})
		}, "timeout awaiting response headers"},
		{"body cut short", func(l *liveFixture) {
			l.srv.AddFault(l.fx.ReleaseFor(year).FilePath, govuktest.Fault{Kind: govuktest.CutShort})
		}, "body cut short"},
		{"HTML page served as a spreadsheet", func(l *liveFixture) {
			l.srv.AddFault(l.fx.ReleaseFor(year).FilePath, govuktest.Fault{Kind: govuktest.Body,
				Body: []byte("<!DOCTYPE html><html><body>Sorry, we're having problems</body></html>")})
		}, "not a spreadsheet"},
		{"redirect to a host not allowed", func(l *liveFixture) {
			l.srv.AddFault(l.fx.ReleaseFor(year).FilePath, govuktest.Fault{Kind: govuktest.Redirect, Location: "https://evil.example/x.xlsx"})
		}, "host not allowed"},
		{"429 with Retry-After, always", func(l *liveFixture) {
			l.srv.AddFault(l.fx.ReleaseFor(year).FilePath, govuktest.Fault{Kind: govuktest.Status, Status: 429, RetryAfter: "0"})
		}, "429 Too Many Requests (after 2 retries)"},
		{"oversized file", func(l *liveFixture) {
			l.srv.AddFault(l.fx.ReleaseFor(year).FilePath, govuktest.Fault{Kind: govuktest.Body, Body: make([]byte, 2<<20)})
		}, "file exceeds the size limit: declared 2097152 bytes, limit 1048576"},
		{"oversized file, no length declared", func(l *liveFixture) {
			// A valid workbook's signature first, so only the size can refuse it.
			body := append([]byte("PK\x03\x04"), make([]byte, 2<<20)...)
			l.srv.AddFault(l.fx.ReleaseFor(year).FilePath, govuktest.Fault{Kind: govuktest.Chunked, Body: body})
		}, "file exceeds the size limit: more than 1048576 bytes"},
		{"invalid JSON page", func(l *liveFixture) {
			l.srv.SetJSON(l.fx.ReleaseFor(year).PagePath, []byte(`{"title": "MAPPA annual report 2019 to 2020", "details": {`))
		}, "invalid JSON"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l := loadedLiveFixture(t)
			yearBefore, filesBefore := dumpYear(t, l.store, year), archiveFiles(t, l.archive)
			m, _ := l.archive.Manifest()
			// Upstream restates 2020-21 too: it must load despite the fault.
			restate(t, l, "2020-21")
			tc.fault(l)
			totals, err := l.run(t)
			if !errors.Is(err, ErrSomeFailed) {
				t.Fatalf("err = %v, want ErrSomeFailed", err)
			}
			var failed []store.RunFile
			for _, f := range totals.Files {
				if f.Status == store.FileFailed {
					failed = append(failed, f)
				}
			}
			if len(failed) != 1 || !strings.Contains(failed[0].Error, tc.wantErr) {
				t.Fatalf("failed files = %+v, want one whose error contains %q", failed, tc.wantErr)
			}
			if figure.JoinYears(totals.Years, ",") != "2020-21" {
				t.Errorf("years loaded = %v, want the restated 2020-21 only", totals.Years)
			}
			if got := dumpYear(t, l.store, year); got != yearBefore {
				t.Errorf("%s changed in the database", year)
			}
			filesAfter := archiveFiles(t, l.archive)
			if len(filesAfter) != len(filesBefore)+1 {
				t.Errorf("archive files went from %d to %d, want one more (the restatement): %v", len(filesBefore), len(filesAfter), filesAfter)
			}
			m2, _ := l.archive.Manifest()
			if len(m2.Files) != len(m.Files)+1 {
				t.Errorf("manifest entries went from %d to %d, want one more", len(m.Files), len(m2.Files))
			}
		})
	}
}

// TestRunInterrupted stops a run mid-download, as SIGTERM does: the run
// ends as interrupted, and the archive and the database keep only what
// completed before.
func TestRunInterrupted(t *testing.T) {
	l := loadedLiveFixture(t)
	before, files := pipelinetest.Dump(t, l.store.DB), archiveFiles(t, l.archive)
	restate(t, l, "2019-20")
	l.srv.AddFault(l.fx.ReleaseFor("2019-20").FilePath, govuktest.Fault{Kind: govuktest.Hang})
	f, err := fetch.New(l.srv.URL(""), fetch.WithTimeouts(time.Second, time.Minute), fetch.WithRateLimit(1000))
	if err != nil {
		t.Fatal(err)
	}
	// Stop the run (as SIGTERM does) once the hung download has begun.
	ctx, cancel := context.WithCancel(context.Background())
	l.srv.Requests()
	go func() {
		defer cancel()
		reached := pipelinetest.WaitFor(30*time.Second, func() bool {
			for _, req := range l.srv.Requests() {
				if req.Path == l.fx.ReleaseFor("2019-20").FilePath {
					return true
				}
			}
			return false
		})
		if !reached {
			t.Error("the run never reached the hung download")
		}
	}()
	id, err := l.store.StartRun(context.Background(), "run", nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	r := &Runner{Archive: l.archive, Store: l.store, Fetcher: f, Log: zap.NewNop()}
	totals, runErr := r.Run(ctx, l.cfg)
	if !errors.Is(runErr, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", runErr)
	}
	if err := l.store.FinishRun(ctx, id, runErr, totals); err != nil {
		t.Fatalf("recording an interrupted run: %v", err)
	}
	var outcome store.Outcome
	if err := l.store.DB.QueryRow(`SELECT outcome FROM runs WHERE run_id = ?`, id).Scan(&outcome); err != nil || outcome != store.RunInterrupted {
		t.Errorf("outcome = %q (%v), want %q", outcome, err, store.RunInterrupted)
	}
	if pipelinetest.Dump(t, l.store.DB) != before {
		t.Error("an interrupted run changed the data")
	}
	if got := archiveFiles(t, l.archive); strings.Join(got, " ") != strings.Join(files, " ") {
		t.Errorf("archive files changed: %v", got)
	}
}

// TestRunRecoversFromTransientFaults checks that faults that clear up on a
// retry cost nothing: the restated year loads and the run succeeds.
func TestRunRecoversFromTransientFaults(t *testing.T) {
	const year = "2021-22"
	tests := []struct {
		name  string
		fault govuktest.Fault
	}{
		{"503 then success", govuktest.Fault{Kind: govuktest.Status, Status: 503, Times: 1}},
		{"429 with Retry-After then success", govuktest.Fault{Kind: govuktest.Status, Status: 429, RetryAfter: "1", Times: 1}},
		{"body cut short then success", govuktest.Fault{Kind: govuktest.CutShort, Times: 1}},
		{"stall then success", govuktest.Fault{Kind: govuktest.Hang, Times: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l := loadedLiveFixture(t)
			restate(t, l, year)
			l.srv.AddFault(l.fx.ReleaseFor(year).FilePath, tc.fault)
			l.srv.Requests()
			start := time.Now()
			totals, err := l.run(t)
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			if figure.JoinYears(totals.Years, ",") != year {
				t.Errorf("years loaded = %v, want [%s]", totals.Years, year)
			}
			hits := 0
			for _, r := range l.srv.Requests() {
				if r.Path == l.fx.ReleaseFor(year).FilePath {
					hits++
				}
			}
			if hits != 2 {
				t.Errorf("%d requests for the file, want 2 (the fault, then the retry)", hits)
			}
			if tc.fault.RetryAfter == "1" && time.Since(start) < time.Second {
				t.Errorf("run took %v: Retry-After: 1 was not honoured", time.Since(start))
			}
		})
	}
}

// TestRunFailsWhenNothingIsFound: a collection that yields no area tables
// means GOV.UK changed shape; the run must fail, not report success.
func TestRunFailsWhenNothingIsFound(t *testing.T) {
	l := loadedLiveFixture(t)
	l.srv.SetJSON("/api/content"+govuktest.CollectionPath, map[string]any{"title": "MAPPA annual reports", "details": map[string]any{}})
	totals, err := l.run(t)
	if err == nil || !strings.Contains(err.Error(), "no area tables found") {
		t.Fatalf("err = %v, want no area tables found", err)
	}
	if n := totals.Count(store.FileFailed); n != 1 {
		t.Errorf("%d failed files, want 1 (the collection)", n)
	}
}
