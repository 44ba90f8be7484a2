package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"go.uber.org/zap"

	"github.com/mappa-etl/mappa/sources"
	"github.com/mappa-etl/mappa/sources/govuktest"
)

// liveFixture is a fake GOV.UK with the bundled fixtures, an empty archive
// and database, and a runner with quick timeouts and retries.
type liveFixture struct {
	srv     *govuktest.Server
	fx      *govuktest.Fixture
	archive *sources.Archive
	store   *Store
	cfg     RunConfig
}

// newLiveFixture's runs cap downloads at 1 MiB (the largest fixture is
// 0.6 MiB), retry twice and give up after 300 ms without data.
func newLiveFixture(t *testing.T) *liveFixture {
	t.Helper()
	srv, fx, err := govuktest.NewMAPPA("../testdata/published")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	a, err := sources.OpenArchive(filepath.Join(t.TempDir(), "archive"))
	if err != nil {
		t.Fatal(err)
	}
	a.Now = func() time.Time { return time.Date(2026, 11, 1, 7, 0, 0, 0, time.UTC) }
	return &liveFixture{srv: srv, fx: fx, archive: a, store: openTestStore(t),
		cfg: RunConfig{Population: fx.Population, Lookups: fx.Lookups}}
}

func (l *liveFixture) run(t *testing.T) (RunTotals, error) {
	t.Helper()
	f, err := sources.NewFetcher(l.srv.URL(""), sources.WithRetries(2, time.Millisecond, 5*time.Millisecond),
		sources.WithTimeouts(time.Second, 300*time.Millisecond), sources.WithRateLimit(1000), sources.WithMaxBytes(1<<20))
	if err != nil {
		t.Fatal(err)
	}
	r := &Runner{Archive: l.archive, Store: l.store, Fetcher: f, Log: zap.NewNop()}
	return r.Run(context.Background(), l.cfg)
}

func statuses(t RunTotals) map[string]int {
	out := map[string]int{}
	for _, f := range t.Files {
		out[f.Status]++
	}
	return out
}

// archiveFiles lists the archive's files/ directory and anything stray at
// its top level.
func archiveFiles(t *testing.T, a *sources.Archive) []string {
	t.Helper()
	var out []string
	for _, dir := range []string{".", "files", "rejected"} {
		entries, err := os.ReadDir(filepath.Join(a.Dir, dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if !e.IsDir() {
				out = append(out, filepath.Join(dir, e.Name()))
			}
		}
	}
	sort.Strings(out)
	return out
}

func TestRunFetchesLoadsAndThenOnlyRevalidates(t *testing.T) {
	l := newLiveFixture(t)
	totals, err := l.run(t)
	if err != nil {
		t.Fatalf("first run: %v (files %+v)", err, totals.Files)
	}
	if got := statuses(totals); got[FileFetched] != 26 || got[FileFailed] != 0 {
		t.Fatalf("first run statuses = %v, want 26 fetched", got)
	}
	if len(totals.Years) != 12 || totals.Years[0] != "2013-14" || totals.Years[11] != "2024-25" {
		t.Fatalf("years loaded = %v", totals.Years)
	}
	first := dump(t, l.store)
	l.srv.Requests()

	totals, err = l.run(t)
	if err != nil {
		t.Fatalf("second run: %v", err)
	}
	if got := statuses(totals); got[FileUnchanged] != 26 || len(totals.Years) != 0 {
		t.Fatalf("second run statuses = %v, years %v; want all unchanged, none loaded", got, totals.Years)
	}
	for _, r := range l.srv.Requests() {
		if strings.HasPrefix(r.Path, "/api/") {
			continue
		}
		if r.Status == 302 { // old upload URLs redirect; the redirect target answers
			continue
		}
		if !r.Conditional() || r.Status != 304 {
			t.Errorf("second run: %s %s conditional=%v status %d; want a conditional request answered 304", r.Method, r.Path, r.Conditional(), r.Status)
		}
	}
	if got := dump(t, l.store); got != first {
		t.Error("second run changed the database")
	}
}

func TestRunMatchesRebuildOfFixtureArchive(t *testing.T) {
	l := newLiveFixture(t)
	if _, err := l.run(t); err != nil {
		t.Fatal(err)
	}
	rebuilt := filepath.Join(t.TempDir(), "rebuilt.db")
	if _, err := Rebuild(context.Background(), l.archive, rebuilt, zap.NewNop(), nil); err != nil {
		t.Fatal(err)
	}
	st, err := OpenStore(context.Background(), rebuilt)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if dump(t, st) != dump(t, l.store) {
		t.Error("rebuilding from the fetched archive gives different data from the run that fetched it")
	}
	var rate float64
	err = l.store.DB.QueryRow(`SELECT rso_rate_per_100k FROM area_summary WHERE financial_year = '2019-20' AND area_name = 'Essex'`).Scan(&rate)
	if err != nil || rate < 98.95 || rate > 99.05 {
		t.Errorf("Essex 2019-20 rate = %v (%v), want 99.0", rate, err)
	}
}

func TestRunLoadsWhatAStoppedRunArchived(t *testing.T) {
	l := newLiveFixture(t)
	if _, err := l.run(t); err != nil {
		t.Fatal(err)
	}
	want := dump(t, l.store)
	// A crash after archiving but before loading: the database lacks a year
	// the archive holds. The next run, with nothing new upstream, loads it.
	if _, err := l.store.DB.Exec(`DELETE FROM observations WHERE financial_year = '2020-21';
		DELETE FROM rso_rates WHERE financial_year = '2020-21'; DELETE FROM growth WHERE financial_year IN ('2020-21', '2021-22');
		DELETE FROM check_results WHERE financial_year = '2020-21'; DELETE FROM releases WHERE financial_year = '2020-21'`); err != nil {
		t.Fatal(err)
	}
	totals, err := l.run(t)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(totals.Years, ",") != "2020-21" {
		t.Errorf("years loaded = %v, want [2020-21]", totals.Years)
	}
	if got := dump(t, l.store); got != want {
		t.Error("catching up did not restore the database")
	}
}

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
		{"invalid JSON page", func(l *liveFixture) {
			l.srv.SetJSON(l.fx.ReleaseFor(year).PagePath, []byte(`{"title": "MAPPA annual report 2019 to 2020", "details": {`))
		}, "invalid JSON"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l := newLiveFixture(t)
			if _, err := l.run(t); err != nil {
				t.Fatal(err)
			}
			yearBefore, filesBefore := dumpYear(t, l.store, year), archiveFiles(t, l.archive)
			m, _ := l.archive.Manifest()
			// Upstream restates 2020-21 too: it must load despite the fault.
			restate(t, l, "2020-21")
			tc.fault(l)
			totals, err := l.run(t)
			if !errors.Is(err, ErrSomeFailed) {
				t.Fatalf("err = %v, want ErrSomeFailed", err)
			}
			var failed []RunFile
			for _, f := range totals.Files {
				if f.Status == FileFailed {
					failed = append(failed, f)
				}
			}
			if len(failed) != 1 || !strings.Contains(failed[0].Error, tc.wantErr) {
				t.Fatalf("failed files = %+v, want one whose error contains %q", failed, tc.wantErr)
			}
			if strings.Join(totals.Years, ",") != "2020-21" {
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

// restate publishes a changed file for a year: its title cell edited.
func restate(t *testing.T, l *liveFixture, year string) {
	t.Helper()
	rel := l.fx.ReleaseFor(year)
	f, err := excelize.OpenFile(filepath.Join("../testdata/published", rel.Filename))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if err := f.SetCellStr(sheets[0], "A1", "Restated "+year); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	l.srv.SetFile(rel.FilePath, govuktest.File{Body: buf.Bytes(), ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Modified: time.Now()})
}

// dumpYear renders the rows of one financial year.
func dumpYear(t *testing.T, st *Store, year string) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		"SELECT * FROM releases WHERE financial_year = ?",
		"SELECT * FROM observations WHERE financial_year = ? ORDER BY 1, 2, 3, 4, 5",
		"SELECT * FROM rso_rates WHERE financial_year = ? ORDER BY 1, 2",
		"SELECT * FROM check_results WHERE financial_year = ? ORDER BY 1, 2, 3",
	} {
		rows, err := st.DB.Query(q, year)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(&b, vals...)
		}
		rows.Close()
	}
	if b.Len() == 0 {
		t.Fatalf("no rows for %s", year)
	}
	return b.String()
}

// TestRunInterrupted stops a run mid-download, as SIGTERM does: the run
// ends as interrupted, and the archive and the database keep only what
// completed before.
func TestRunInterrupted(t *testing.T) {
	l := newLiveFixture(t)
	if _, err := l.run(t); err != nil {
		t.Fatal(err)
	}
	before, files := dump(t, l.store), archiveFiles(t, l.archive)
	restate(t, l, "2019-20")
	l.srv.AddFault(l.fx.ReleaseFor("2019-20").FilePath, govuktest.Fault{Kind: govuktest.Hang})
	f, err := sources.NewFetcher(l.srv.URL(""), sources.WithTimeouts(time.Second, time.Minute), sources.WithRateLimit(1000))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(time.Second, cancel)
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
	var outcome string
	if err := l.store.DB.QueryRow(`SELECT outcome FROM runs WHERE run_id = ?`, id).Scan(&outcome); err != nil || outcome != RunInterrupted {
		t.Errorf("outcome = %q (%v), want %q", outcome, err, RunInterrupted)
	}
	if dump(t, l.store) != before {
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
			l := newLiveFixture(t)
			if _, err := l.run(t); err != nil {
				t.Fatal(err)
			}
			restate(t, l, year)
			l.srv.AddFault(l.fx.ReleaseFor(year).FilePath, tc.fault)
			l.srv.Requests()
			start := time.Now()
			totals, err := l.run(t)
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			if strings.Join(totals.Years, ",") != year {
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
