package pipeline_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/mappa-etl/mappa/pipeline"
	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/schema"
	"github.com/mappa-etl/mappa/sources/archive"
	"github.com/mappa-etl/mappa/sources/sheet"
)

// rebasedEstimate writes a police-force-area MYE2 workbook of mid-year
// from the database's estimate of it, every Welsh area 2% lower (as the
// Census 2021 rebasing of November 2023 was), dated released on.
func rebasedEstimate(t *testing.T, db *sql.DB, dir string, mid int, released string) string {
	t.Helper()
	head := []string{"Code", "Name", "Geography", "All ages"}
	for a := 0; a <= 90; a++ {
		head = append(head, strconv.Itoa(a))
	}
	head[len(head)-1] = "90+"
	row := func(code, name string, ten, all int64) []string {
		r := append([]string{code, name, "Police Force Area", strconv.FormatInt(all, 10), strconv.FormatInt(all-ten, 10)},
			make([]string, 90)...)
		for i := 5; i < len(r); i++ {
			r[i] = "0"
		}
		r[4+10] = strconv.FormatInt(ten, 10) // everyone aged 10+ counted at 10
		return r
	}
	rows := [][]string{{"Mid-" + strconv.Itoa(mid) + " population estimates rebased on Census 2021: persons"}, {}, head}
	var ewTen, ewAll int64
	var areas [][]string
	for _, a := range schema.Areas() {
		var ten, all int64
		if err := db.QueryRow(`SELECT persons_10plus, persons_all_ages FROM population WHERE mid_year = ? AND area_code = ?`,
			mid, a.Code).Scan(&ten, &all); err != nil {
			t.Fatal(err)
		}
		if a.Country == "Wales" {
			ten, all = ten*98/100, all*98/100
		}
		ewTen, ewAll = ewTen+ten, ewAll+all
		areas = append(areas, row(a.Code, a.Name, ten, all))
	}
	rows = append(append(rows, row(schema.EnglandAndWales, "ENGLAND AND WALES", ewTen, ewAll)), areas...)
	path := filepath.Join(dir, "rebased-mid-"+strconv.Itoa(mid)+".xlsx")
	pipelinetest.WriteXLSX(t, path, &sheet.Workbook{Sheets: []*sheet.Sheet{
		{Name: "Notes", Rows: [][]string{{"Release date:", released}}},
		{Name: "MYE2 - Persons", Rows: rows},
	}})
	return path
}

// TestEditionsOfOneMidYear adds the Census-2021-rebased edition of mid-2019
// beside the original: population holds the latest, both stay in
// population_editions, and the 2019-20 rates keep the edition that
// reproduces what the release published. A rebuild gives the same.
func TestEditionsOfOneMidYear(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if err := pipelinetest.CopyTree("../testdata/archive", filepath.Join(dir, "archive")); err != nil {
		t.Fatal(err)
	}
	a, err := archive.Open(filepath.Join(dir, "archive"))
	if err != nil {
		t.Fatal(err)
	}
	a.Now = func() time.Time { return time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC) }
	dbPath := filepath.Join(dir, "m.db")
	if _, err := pipeline.Rebuild(ctx, a, dbPath, zap.NewNop(), nil); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var original string
	if err := st.DB.QueryRow(`SELECT edition FROM population_sources WHERE mid_year = 2019`).Scan(&original); err != nil {
		t.Fatal(err)
	}
	res, err := pipeline.AddFile(ctx, a, st, zap.NewNop(), archive.KindPopulation, "2019", rebasedEstimate(t, st.DB, dir, 2019, "30 November 2023"))
	if err != nil || !res.Loaded || res.Entry.Edition != "2023-11-30" || res.Entry.EditionFrom != archive.EditionFromFile {
		t.Fatalf("add the rebased edition: %+v, %v", res, err)
	}

	query := func(q string) string {
		t.Helper()
		return strings.TrimSpace(pipelinetest.DumpQueries(t, st.DB, []string{q}))
	}
	check := func() {
		t.Helper()
		if got, want := query(`SELECT mid_year, edition, is_current FROM population_sources WHERE mid_year = 2019 ORDER BY edition`),
			"2019|"+original+"|0\n2019|2023-11-30|1"; got != want {
			t.Errorf("population_sources of mid-2019:\n%s\nwant\n%s", got, want)
		}
		// Cardiff's South Wales is 2% lower in the rebased edition, which
		// population now holds; Essex is the same in both.
		if got := query(`SELECT p.edition, p.persons_10plus * 100 / o.persons_10plus FROM population p
				JOIN population_editions o ON o.mid_year = p.mid_year AND o.area_code = p.area_code AND o.edition = '` + original + `'
				WHERE p.mid_year = 2019 AND p.area_code IN ('W15000003', 'E23000020') ORDER BY p.area_code`); got != "2023-11-30|100\n2023-11-30|97" &&
			got != "2023-11-30|100\n2023-11-30|98" {
			t.Errorf("population mid-2019 Essex and South Wales against the original: %s", got)
		}
		if got, want := query(`SELECT rates_population_mid_year, rates_population_edition, rates_reproduced, rates_published
				FROM releases WHERE financial_year = '2019-20'`), "2019|"+original+"|43|43"; got != want {
			t.Errorf("2019-20 rate basis %s, want %s", got, want)
		}
		if got := query(`SELECT COUNT(*) FROM rso_rates WHERE financial_year = '2019-20' AND population_edition <> '` + original + `'`); got != "0" {
			t.Errorf("%s 2019-20 rates on another edition", got)
		}
		if got := query(`SELECT COUNT(*) FROM check_results WHERE status = 'fail'`); got != "0" {
			t.Errorf("%s checks fail: %s", got, query(`SELECT financial_year, check_name, subject, detail FROM check_results WHERE status = 'fail' LIMIT 5`))
		}
		if got := query(`SELECT status FROM check_results WHERE financial_year = '2019-20' AND check_name = 'population_reconciles_to_england_and_wales'`); got != "pass" {
			t.Errorf("2019-20 reconciliation %q", got)
		}
	}
	check()

	// A rebuild from the archive alone loads both editions, the same way.
	before := query(`SELECT * FROM population_editions ORDER BY 1, 2, 3`)
	st.Close()
	if _, err := pipeline.Rebuild(ctx, a, dbPath, zap.NewNop(), nil); err != nil {
		t.Fatal(err)
	}
	if st, err = store.Open(ctx, dbPath); err != nil {
		t.Fatal(err)
	}
	check()
	if after := query(`SELECT * FROM population_editions ORDER BY 1, 2, 3`); after != before {
		t.Error("population_editions differ after a rebuild")
	}
	pending, err := func() ([]archive.Entry, error) {
		m, err := a.Manifest()
		if err != nil {
			return nil, err
		}
		return pipeline.Pending(ctx, st, m)
	}()
	if err != nil || len(pending) != 0 {
		t.Errorf("pending after a rebuild: %v, %v", pending, err)
	}
}

// emptyArchiveAndStore opens a new archive and database in a temporary
// directory, which it returns.
func emptyArchiveAndStore(t *testing.T) (string, *archive.Archive, *store.Store) {
	t.Helper()
	dir := t.TempDir()
	a, err := archive.Open(filepath.Join(dir, "archive"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), filepath.Join(dir, "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return dir, a, st
}

// TestAnEarlierEditionAdded: an edition dated before the one loaded is
// kept beside it but does not replace it in population.
func TestAnEarlierEditionAdded(t *testing.T) {
	ctx := context.Background()
	dir, a, st := emptyArchiveAndStore(t)
	pub := pipelinetest.PublishedDir()
	if _, err := pipeline.AddFile(ctx, a, st, zap.NewNop(), archive.KindPopulation, "2023", filepath.Join(pub, "mye23tablesew_pfa.xlsx"),
		pipeline.WithEdition("2024-07-15")); err != nil {
		t.Fatal(err)
	}
	earlier := rebasedEstimate(t, st.DB, dir, 2023, "not dated")
	res, err := pipeline.AddFile(ctx, a, st, zap.NewNop(), archive.KindPopulation, "2023", earlier, pipeline.WithEdition(figure.Edition("2024-03-01")))
	if err != nil || res.Entry.EditionFrom != archive.EditionFromOption {
		t.Fatalf("add an earlier edition: %+v, %v", res, err)
	}
	got := strings.TrimSpace(pipelinetest.DumpQueries(t, st.DB, []string{
		`SELECT edition, edition_from, is_current FROM population_sources ORDER BY edition`,
		`SELECT DISTINCT edition FROM population`,
	}))
	if want := "2024-03-01|option|0\n2024-07-15|option|1\n2024-07-15"; got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// backSeriesFile writes a long-format back series of mid-years first to
// last: one authority of each MAPPA area (from the bundled code history),
// both sexes, every age, counts growing by one a year.
func backSeriesFile(t *testing.T, dir string, first, last int) string {
	t.Helper()
	head := []string{"ladcode21", "laname21", "country", "sex", "age"}
	for y := first; y <= last; y++ {
		head = append(head, "population_"+strconv.Itoa(y))
	}
	rows := [][]string{{"Back series: population estimates by local authority, sex and single year of age"}, {}, head}
	seen := map[string]bool{}
	for _, la := range schema.LocalAuthorities() {
		area := schema.MAPPAArea(la.PFA)
		if seen[area] || la.Abolished != 0 || area != la.PFA { // London needs the Met, not the City alone
			continue
		}
		seen[area] = true
		for sex := 1; sex <= 2; sex++ {
			for age := 0; age <= 90; age++ {
				r := []string{la.Code, la.Name, la.Code[:1], strconv.Itoa(sex), strconv.Itoa(age)}
				for y := first; y <= last; y++ {
					r = append(r, strconv.Itoa(100+age+y-first))
				}
				rows = append(rows, r)
			}
		}
	}
	if len(seen) != 42 {
		t.Fatalf("the code history gives authorities in %d areas", len(seen))
	}
	path := filepath.Join(dir, "myeb1.xlsx")
	pipelinetest.WriteXLSX(t, path, &sheet.Workbook{Sheets: []*sheet.Sheet{
		{Name: "Notes", Rows: [][]string{{"Date published: 30 November 2023"}}},
		{Name: "MYEB1", Rows: rows},
	}})
	return path
}

// TestBackSeriesThroughAdd: a back series added as the span it holds loads
// as one edition of each mid-year, with no lookup; added as one mid-year
// it is refused and nothing changes.
func TestBackSeriesThroughAdd(t *testing.T) {
	ctx := context.Background()
	dir, a, st := emptyArchiveAndStore(t)
	path := backSeriesFile(t, dir, 2012, 2014)
	if _, err := pipeline.AddFile(ctx, a, st, zap.NewNop(), archive.KindPopulation, "2012", path); err == nil ||
		!strings.Contains(err.Error(), `myeb1.xlsx, sheet "MYEB1", cell F3: the back series holds mid-2012, mid-2013, mid-2014; add it as population 2012-2014`) {
		t.Fatalf("added as one mid-year: %v", err)
	}
	if n := pipelinetest.DumpQueries(t, st.DB, []string{`SELECT COUNT(*) FROM population_sources`}); strings.TrimSpace(n) != "0" {
		t.Fatalf("a refused file loaded %s estimates", n)
	}
	res, err := pipeline.AddFile(ctx, a, st, zap.NewNop(), archive.KindPopulation, "2012-2014", path)
	if err != nil || res.Entry.Edition != "2023-11-30" {
		t.Fatalf("add the back series: %+v, %v", res, err)
	}
	// 42 authorities of 2 sexes: each age's count is 100+age in mid-2012,
	// one more each year after; aged 10+ is ages 10 to 90.
	got := strings.TrimSpace(pipelinetest.DumpQueries(t, st.DB, []string{
		`SELECT mid_year, edition, level, lookup, reconciliation FROM population_sources ORDER BY mid_year`,
		`SELECT mid_year, COUNT(*), SUM(persons_10plus), MAX(persons_all_ages) FROM population_editions
			WHERE area_code <> 'K04000001' GROUP BY mid_year ORDER BY mid_year`,
	}))
	want := strings.Join([]string{
		"2012|2023-11-30|local authority|bundled local authority code history|not_checked",
		"2013|2023-11-30|local authority|bundled local authority code history|not_checked",
		"2014|2023-11-30|local authority|bundled local authority code history|not_checked",
		"2012|42|" + strconv.Itoa(42*2*(81*100+(10+90)*81/2)) + "|" + strconv.Itoa(2*(91*100+90*91/2)),
		"2013|42|" + strconv.Itoa(42*2*(81*101+(10+90)*81/2)) + "|" + strconv.Itoa(2*(91*101+90*91/2)),
		"2014|42|" + strconv.Itoa(42*2*(81*102+(10+90)*81/2)) + "|" + strconv.Itoa(2*(91*102+90*91/2)),
	}, "\n")
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
