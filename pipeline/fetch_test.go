package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"go.uber.org/zap"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/sources/archive"
	"github.com/mappa-etl/mappa/sources/fetch"
	"github.com/mappa-etl/mappa/sources/govuk/govuktest"
)

// liveFixture is a fake GOV.UK with the bundled fixtures, an empty archive
// and database, and a runner with quick timeouts and retries.
type liveFixture struct {
	srv     *govuktest.Server
	fx      *govuktest.Fixture
	archive *archive.Archive
	store   *store.Store
	cfg     RunConfig
}

// newLiveFixture's runs cap downloads at 1 MiB (the largest fixture is
// 0.6 MiB), retry twice and give up after 300 ms without data.
func newLiveFixture(t testing.TB) *liveFixture {
	t.Helper()
	srv, fx, err := govuktest.NewMAPPA("../testdata/published")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	a, err := archive.Open(filepath.Join(t.TempDir(), "archive"))
	if err != nil {
		t.Fatal(err)
	}
	a.Now = func() time.Time { return time.Date(2026, 11, 1, 7, 0, 0, 0, time.UTC) }
	return &liveFixture{srv: srv, fx: fx, archive: a, store: openTestStore(t),
		cfg: RunConfig{Population: fx.Population, Lookups: fx.Lookups}}
}

// loadedLiveFixture is a liveFixture after a first, clean run.
func loadedLiveFixture(t testing.TB) *liveFixture {
	t.Helper()
	l := newLiveFixture(t)
	if _, err := l.run(t); err != nil {
		t.Fatalf("first run: %v", err)
	}
	return l
}

func (l *liveFixture) run(t testing.TB) (store.RunTotals, error) {
	t.Helper()
	f, err := fetch.New(l.srv.URL(""), fetch.WithRetries(2, time.Millisecond, 5*time.Millisecond),
		fetch.WithTimeouts(time.Second, 300*time.Millisecond), fetch.WithRateLimit(1000), fetch.WithMaxBytes(1<<20))
	if err != nil {
		t.Fatal(err)
	}
	r := &Runner{Archive: l.archive, Store: l.store, Fetcher: f, Log: zap.NewNop()}
	return r.Run(context.Background(), l.cfg)
}

// archiveFiles lists the archive's files/ directory and anything stray at
// its top level.
func archiveFiles(t *testing.T, a *archive.Archive) []string {
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
	if totals.Count(store.FileFetched) != 27 || totals.Count(store.FileFailed) != 0 {
		t.Fatalf("first run files = %+v, want 27 fetched", totals.Files)
	}
	if len(totals.Years) != 13 || totals.Years[0] != "2013-14" || totals.Years[12] != "2025-26" {
		t.Fatalf("years loaded = %v", totals.Years)
	}
	first := pipelinetest.Dump(t, l.store.DB)
	l.srv.Requests()

	totals, err = l.run(t)
	if err != nil {
		t.Fatalf("second run: %v", err)
	}
	if totals.Count(store.FileUnchanged) != 27 || len(totals.Years) != 0 {
		t.Fatalf("second run files = %+v, years %v; want all unchanged, none loaded", totals.Files, totals.Years)
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
	if got := pipelinetest.Dump(t, l.store.DB); got != first {
		t.Error("second run changed the database")
	}
}

func TestRunMatchesRebuildOfFixtureArchive(t *testing.T) {
	l := loadedLiveFixture(t)
	rebuilt := filepath.Join(t.TempDir(), "rebuilt.db")
	if _, err := Rebuild(context.Background(), l.archive, rebuilt, zap.NewNop(), nil); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), rebuilt)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if pipelinetest.Dump(t, st.DB) != pipelinetest.Dump(t, l.store.DB) {
		t.Error("rebuilding from the fetched archive gives different data from the run that fetched it")
	}
	var rate float64
	err = l.store.DB.QueryRow(`SELECT rso_rate_per_100k FROM area_summary WHERE financial_year = '2019-20' AND area_name = 'Essex'`).Scan(&rate)
	if err != nil || rate < 98.95 || rate > 99.05 {
		t.Errorf("Essex 2019-20 rate = %v (%v), want 99.0", rate, err)
	}
}

func TestRunLoadsWhatAStoppedRunArchived(t *testing.T) {
	l := loadedLiveFixture(t)
	want := pipelinetest.Dump(t, l.store.DB)
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
	if figure.JoinYears(totals.Years, ",") != "2020-21" {
		t.Errorf("years loaded = %v, want [2020-21]", totals.Years)
	}
	if got := pipelinetest.Dump(t, l.store.DB); got != want {
		t.Error("catching up did not restore the database")
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
func dumpYear(t *testing.T, st *store.Store, year string) string {
	t.Helper()
	out := pipelinetest.DumpQueries(t, st.DB, []string{
		"SELECT * FROM releases WHERE financial_year = ?",
		"SELECT * FROM observations WHERE financial_year = ? ORDER BY 1, 2, 3, 4, 5",
		"SELECT * FROM rso_rates WHERE financial_year = ? ORDER BY 1, 2",
		"SELECT * FROM check_results WHERE financial_year = ? ORDER BY 1, 2, 3",
	}, year)
	if out == "" {
		t.Fatalf("no rows for %s", year)
	}
	return out
}

// TestRunFollowsARevertedRestatement: upstream restates a year, then
// reverts to the original file. The original becomes current again and is
// loaded, rather than a 304 confirming a file the database no longer holds.
func TestRunFollowsARevertedRestatement(t *testing.T) {
	l := loadedLiveFixture(t)
	original, originalYear := pipelinetest.Dump(t, l.store.DB), dumpYear(t, l.store, "2020-21")
	rel := l.fx.ReleaseFor("2020-21")
	body, err := os.ReadFile(filepath.Join("../testdata/published", rel.Filename))
	if err != nil {
		t.Fatal(err)
	}
	restate(t, l, "2020-21")
	if totals, err := l.run(t); err != nil || figure.JoinYears(totals.Years, ",") != "2020-21" {
		t.Fatalf("restated run: years %v, %v", totals.Years, err)
	}
	if pipelinetest.Dump(t, l.store.DB) == original {
		t.Fatal("the restatement changed nothing; the test proves nothing")
	}
	l.srv.SetFile(rel.FilePath, govuktest.File{Body: body, ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		Modified: time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)})
	totals, err := l.run(t)
	if err != nil || figure.JoinYears(totals.Years, ",") != "2020-21" {
		t.Fatalf("reverted run: years %v, %v", totals.Years, err)
	}
	if got := dumpYear(t, l.store, "2020-21"); got != originalYear {
		t.Errorf("after the revert, 2020-21 differs from the original load:\n%.300s\nwant\n%.300s", got, originalYear)
	}
}

func openTestStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
