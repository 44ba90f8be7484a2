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

// TestAnEarlierEditionAdded: an edition dated before the one loaded is
// kept beside it but does not replace it in population.
func TestAnEarlierEditionAdded(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a, err := archive.Open(filepath.Join(dir, "archive"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, filepath.Join(dir, "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
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
	if want := "2024-03-01|option|0\n2024-07-15|option|1\n2024-07-15"; !strings.Contains(got, "2024-03-01|option|0") || !strings.Contains(got, "2024-07-15|option|1") ||
		!strings.HasSuffix(got, "2024-07-15") {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
