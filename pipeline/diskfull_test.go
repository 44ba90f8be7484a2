package pipeline

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/sources/archive"
)

// TestDiskFullLeavesNoPartialYear runs a fetch against the fake GOV.UK with
// the database capped, with PRAGMA max_page_count, at half the size a full
// load needs: SQLite then fails with SQLITE_FULL ("database or disk is
// full") exactly as on a full disk. The years that fit load; the year that
// hit the cap leaves nothing (its transaction rolls back); the run reports
// it failed. The next run, with room, loads the rest from the archive and
// ends with the data of an uncapped run.
//
// The cap is per connection, so the store is held to one connection.
// mappa's commands cannot set it, which is why this test is here rather
// than beside the scheduler's.
func TestDiskFullLeavesNoPartialYear(t *testing.T) {
	ctx := context.Background()
	ref := loadedLiveFixture(t)
	want := pipelinetest.Dump(t, ref.store.DB)
	full := pragmaInt(t, ref.store.DB, "page_count")

	st := openTestStore(t)
	st.DB.SetMaxOpenConns(1)
	empty := pragmaInt(t, st.DB, "page_count")
	limit := empty + (full-empty)/2
	if got := pragmaInt(t, st.DB, fmt.Sprintf("max_page_count = %d", limit)); got != limit {
		t.Fatalf("max_page_count = %d, want %d", got, limit)
	}
	a, err := archive.Open(filepath.Join(t.TempDir(), "archive"))
	if err != nil {
		t.Fatal(err)
	}
	a.Now = ref.archive.Now
	l := &liveFixture{srv: ref.srv, fx: ref.fx, archive: a, store: st, cfg: ref.cfg}

	totals, err := l.run(t)
	if got := pragmaInt(t, st.DB, "max_page_count"); got != limit {
		t.Fatalf("the cap did not hold for the whole run: max_page_count = %d", got)
	}
	if !errors.Is(err, ErrSomeFailed) {
		t.Fatalf("run with the disk full: %v, want ErrSomeFailed", err)
	}
	var failed []string
	for _, f := range totals.Files {
		if f.Status != store.FileFailed {
			continue
		}
		if len(failed) == 0 {
			t.Logf("first failure: %s %s: %s", f.Kind, f.Period, f.Error)
		}
		failed = append(failed, strings.TrimSpace(f.Kind+" "+f.Period))
		if !strings.Contains(f.Error, "database or disk is full") {
			t.Errorf("%s %s failed with %q, want database or disk is full", f.Kind, f.Period, f.Error)
		}
	}
	t.Logf("capped at %d of the %d pages a full load takes: loaded %v; failed %v", limit, full, totals.Years, failed)
	if len(totals.Years) == 0 || len(totals.Years) >= 12 || len(failed) == 0 {
		t.Fatalf("the cap did not land part way through the area tables (loaded %v, failed %v): the test proves nothing", totals.Years, failed)
	}
	if res := pragmaStrings(t, st.DB, "integrity_check"); !slices.Equal(res, []string{"ok"}) {
		t.Errorf("integrity_check: %q", res)
	}

	// Each year is whole or absent: a loaded year has its release and
	// every observation of the uncapped run; any other year has no row in
	// any table. Each mid-year population likewise.
	refYears, err := ref.store.Years(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, year := range refYears {
		got := yearOwnRows(t, st, year)
		if slices.Contains(totals.Years, year) {
			if got != yearOwnRows(t, ref.store, year) {
				t.Errorf("%s was loaded but differs from the uncapped run's", year)
			}
			continue
		}
		var n int
		if err := st.DB.QueryRow(`SELECT (SELECT COUNT(*) FROM releases WHERE financial_year = ?1)
			+ (SELECT COUNT(*) FROM observations WHERE financial_year = ?1) + (SELECT COUNT(*) FROM rso_rates WHERE financial_year = ?1)
			+ (SELECT COUNT(*) FROM growth WHERE financial_year = ?1) + (SELECT COUNT(*) FROM check_results WHERE financial_year = ?1)`, year).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%s failed with the disk full but left %d rows", year, n)
		}
	}
	popRows := func(st *store.Store) map[string]string {
		out := map[string]string{}
		err := store.EachRow(ctx, st.DB, `SELECT mid_year, group_concat(area_code || ':' || persons_10plus || ':' || persons_all_ages, ',')
			FROM (SELECT * FROM population ORDER BY mid_year, area_code) GROUP BY mid_year`, nil, func(rows *sql.Rows) error {
			var y, list string
			err := rows.Scan(&y, &list)
			out[y] = list
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	refPops := popRows(ref.store)
	for y, list := range popRows(st) {
		if list != refPops[y] {
			t.Errorf("population mid-%s is partial or different", y)
		}
	}

	// Room again: the next run loads what failed, from the archive.
	if got := pragmaInt(t, st.DB, "max_page_count = 1073741823"); got <= limit {
		t.Fatalf("max_page_count = %d after raising it", got)
	}
	start := time.Now()
	again, err := l.run(t)
	if err != nil {
		t.Fatalf("run with room again: %v", err)
	}
	var missing []figure.FinancialYear
	for _, y := range refYears {
		if !slices.Contains(totals.Years, y) {
			missing = append(missing, y)
		}
	}
	if !slices.Equal(again.Years, missing) {
		t.Errorf("the run with room loaded %v, want the years that failed, %v", again.Years, missing)
	}
	if pipelinetest.Dump(t, st.DB) != want {
		t.Error("after the run with room, the data differ from an uncapped run's")
	}
	t.Logf("with room, the next run loaded %v in %v", again.Years, time.Since(start).Round(time.Millisecond))
}

func pragmaInt(t *testing.T, db *sql.DB, pragma string) int {
	t.Helper()
	var n int
	if err := db.QueryRow("PRAGMA " + pragma).Scan(&n); err != nil {
		t.Fatalf("PRAGMA %s: %v", pragma, err)
	}
	return n
}

func pragmaStrings(t *testing.T, db *sql.DB, pragma string) []string {
	t.Helper()
	var out []string
	if err := store.EachRow(context.Background(), db, "PRAGMA "+pragma, nil, func(rows *sql.Rows) error {
		var s string
		err := rows.Scan(&s)
		out = append(out, s)
		return err
	}); err != nil {
		t.Fatalf("PRAGMA %s: %v", pragma, err)
	}
	return out
}

// yearOwnRows renders what a year's own file gives it: its release and
// observations (rates, growth and checks depend on other files too).
func yearOwnRows(t *testing.T, st *store.Store, year figure.FinancialYear) string {
	t.Helper()
	return pipelinetest.DumpQueries(t, st.DB, []string{
		"SELECT * FROM releases WHERE financial_year = ?",
		"SELECT * FROM observations WHERE financial_year = ? ORDER BY 1, 2, 3, 4, 5",
	}, year)
}
