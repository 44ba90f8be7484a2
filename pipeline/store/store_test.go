package store

import (
	"context"
	"crypto/sha256"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mappa-etl/mappa/pipeline/derive"
	"github.com/mappa-etl/mappa/pipeline/extract"
	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
	"github.com/mappa-etl/mappa/schema"
)

func openTestStore(t testing.TB) *Store {
	t.Helper()
	st, err := Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// testEdition is the edition the tests' estimates are loaded as.
const testEdition figure.Edition = "2020-06-24"

// testEstimate is pops loaded as testEdition, stated by the file.
func testEstimate(how figure.PopulationSource, pops []figure.Population) Estimate {
	return Estimate{Edition: testEdition, EditionFrom: "file", How: how, Populations: pops}
}

func testPopulation(year figure.MidYear) []figure.Population {
	var pops []figure.Population
	var sum int64
	for i, a := range schema.Areas() {
		p := int64(pipelinetest.RSOsFor(i)) * 100000 / 120
		sum += p
		pops = append(pops, figure.Population{MidYear: year, AreaCode: a.Code, Persons10Plus: p, PersonsAllAges: p * 113 / 100})
	}
	return append(pops, figure.Population{MidYear: year, AreaCode: schema.EnglandAndWales, Persons10Plus: sum, PersonsAllAges: sum * 113 / 100})
}

func src(kind, period string) SourceFile {
	sum := sha256.Sum256([]byte(kind + period))
	return SourceFile{SHA256: fmt.Sprintf("%x", sum), Kind: kind, Period: period, Filename: kind + period, MediaType: "x", Bytes: 1, FetchedAt: "2026-01-01T00:00:00Z"}
}

func loadLegacyYear(t *testing.T, st *Store, year figure.FinancialYear) {
	t.Helper()
	ex, err := extract.New().Extract(pipelinetest.Book(pipelinetest.LegacySheet(false)), year)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.LoadAreaTables(context.Background(), Release{FinancialYear: year}, src("area-tables", year.String()), ex.Observations); err != nil {
		t.Fatal(err)
	}
}

func TestLoadDeriveAndCheck(t *testing.T) {
	ctx := context.Background()
	st := openTestStore(t)
	if err := st.LoadPopulation(ctx, src("population", "2019"), testEstimate(figure.PopulationSource{Sheet: "MYE2 - Persons", Level: "police force area"}, testPopulation(2019))); err != nil {
		t.Fatal(err)
	}
	loadLegacyYear(t, st, "2019-20")
	loadLegacyYear(t, st, "2020-21")

	var rsos, rate, growth float64
	var mid int
	err := st.DB.QueryRow(`SELECT rsos, rso_rate_per_100k, population_mid_year, rso_growth_pct FROM area_summary
		WHERE financial_year = '2020-21' AND area_code = 'E23000028'`).Scan(&rsos, &rate, &mid, &growth)
	if err != nil {
		t.Fatal(err)
	}
	// Essex (index 10): 1270 RSOs over a population of 1270*100000/120.
	if rsos != 1270 || mid != 2019 || growth != 0 || rate < 119.99 || rate > 120.01 {
		t.Errorf("Essex 2020-21: rsos %v rate %v mid-%d growth %v", rsos, rate, mid, growth)
	}
	var status, detail string
	if err := st.DB.QueryRow(`SELECT status, detail FROM check_results WHERE financial_year = '2019-20'
		AND check_name = 'total_equals_sum_of_areas' AND subject = 'offenders category 1 level all'`).Scan(&status, &detail); err != nil {
		t.Fatal(err)
	}
	if derive.Status(status) != derive.CheckPass {
		t.Errorf("total check: %s %s", status, detail)
	}
	// The legacy sheet publishes 120 everywhere and 119 for the total;
	// computed rates are 120, so the national rate check must fail.
	if err := st.DB.QueryRow(`SELECT status FROM check_results WHERE financial_year = '2019-20'
		AND check_name = 'rate_matches_published' AND subject = 'K04000001'`).Scan(&status); err != nil {
		t.Fatal(err)
	}
	if derive.Status(status) != derive.CheckFail {
		t.Errorf("national rate check = %s, want fail", status)
	}
}

func TestReloadIdenticalChangesNothing(t *testing.T) {
	st := openTestStore(t)
	loadLegacyYear(t, st, "2019-20")
	before := pipelinetest.Dump(t, st.DB)
	loadLegacyYear(t, st, "2019-20")
	if after := pipelinetest.Dump(t, st.DB); after != before {
		t.Error("reloading identical input changed the database")
	}
}

func TestISOTimestamp(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"GOV.UK with milliseconds and BST", "2020-10-29T09:30:00.000+01:00", "2020-10-29T08:30:00Z"},
		{"already UTC", "2019-10-31T09:30:00Z", "2019-10-31T09:30:00Z"},
		{"empty stays empty", "", ""},
		{"not a timestamp is kept", "31 October 2019", "31 October 2019"},
	} {
		if got := isoTimestamp(tc.in); got != tc.want {
			t.Errorf("%s: isoTimestamp(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

// A load that fails part-way (an unknown area code in the first, a middle
// or the last row) rolls back whole; rows go in 200 to a statement, and a
// bad row in any statement still fails the load naming its sheet and cell.
func TestBulkLoadNamesTheFailingRow(t *testing.T) {
	st := openTestStore(t)
	loadLegacyYear(t, st, "2019-20")
	before := pipelinetest.Dump(t, st.DB)
	ex, err := extract.New().Extract(pipelinetest.Book(pipelinetest.LegacySheet(false)), "2019-20")
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []int{0, rowsPerInsert - 1, rowsPerInsert + 7, len(ex.Observations) - 1} {
		t.Run(fmt.Sprint("row ", at), func(t *testing.T) {
			obs := slices.Clone(ex.Observations)
			obs[at].AreaCode, obs[at].Sheet, obs[at].Cell = "E99999999", "Bad sheet", "Z99"
			err := st.LoadAreaTables(context.Background(), Release{FinancialYear: "2019-20"}, src("area-tables", "2019-20"), obs)
			if err == nil || !strings.Contains(err.Error(), "insert E99999999 "+obs[at].Measure+" from Bad sheet!Z99") {
				t.Errorf("error = %v, want it to name Bad sheet!Z99", err)
			}
			if pipelinetest.Dump(t, st.DB) != before {
				t.Error("a failed load changed the database")
			}
		})
	}
	if len(ex.Observations) <= rowsPerInsert+7 {
		t.Fatalf("only %d observations: the test needs more than one statement's worth", len(ex.Observations))
	}
}

// TestRestatementForgetsTheFileItReplaces: a revised estimate leaves
// source_files listing the current file of its period only, as a rebuild
// of the same archive would; other periods keep theirs; a restated year
// keeps both files, each a vintage of it.
func TestRestatementForgetsTheFileItReplaces(t *testing.T) {
	ctx := context.Background()
	st := openTestStore(t)
	how := figure.PopulationSource{Sheet: "MYE2 - Persons", Level: "police force area"}
	revised := func(f SourceFile) SourceFile {
		f.SHA256 = strings.Repeat("f", 56) + f.SHA256[:8]
		return f
	}
	ex, err := extract.New().Extract(pipelinetest.Book(pipelinetest.LegacySheet(false)), "2019-20")
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []func() error{
		func() error {
			return st.LoadPopulation(ctx, src("population", "2019"), testEstimate(how, testPopulation(2019)))
		},
		func() error {
			return st.LoadPopulation(ctx, revised(src("population", "2019")), testEstimate(how, testPopulation(2019)))
		},
		func() error {
			return st.LoadPopulation(ctx, src("population", "2020"), testEstimate(how, testPopulation(2020)))
		},
		func() error {
			return st.LoadAreaTables(ctx, Release{FinancialYear: "2019-20"}, src("area-tables", "2019-20"), ex.Observations)
		},
		func() error {
			return st.LoadAreaTables(ctx, Release{FinancialYear: "2019-20"}, revised(src("area-tables", "2019-20")), ex.Observations)
		},
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	got := pipelinetest.DumpQueries(t, st.DB, []string{"SELECT kind, period, sha256 FROM source_files ORDER BY kind, period, sha256"})
	want := "area-tables|2019-20|" + src("area-tables", "2019-20").SHA256 + "\n" +
		"area-tables|2019-20|" + revised(src("area-tables", "2019-20")).SHA256 + "\n" +
		"population|2019|" + revised(src("population", "2019")).SHA256 + "\n" +
		"population|2020|" + src("population", "2020").SHA256 + "\n"
	if got != want {
		t.Errorf("source_files:\n%swant\n%s", got, want)
	}
}
