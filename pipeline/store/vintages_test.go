package store

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mappa-etl/mappa/pipeline/extract"
	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
)

// TestVintagesAndRevisions loads a year, a restatement changing one figure
// and dropping another, the restatement again, and the first file again
// (a restatement withdrawn upstream): four loads, three vintages, and
// revisions lists exactly the figures that differ between consecutive
// ones, while observations holds the current vintage's.
func TestVintagesAndRevisions(t *testing.T) {
	ctx := context.Background()
	st := openTestStore(t)
	ex, err := extract.New().Extract(pipelinetest.Book(pipelinetest.LegacySheet(false)), "2019-20")
	if err != nil {
		t.Fatal(err)
	}
	first := ex.Observations
	restated := slices.Clone(first)
	i := slices.IndexFunc(restated, func(o figure.Observation) bool { return o.Number != nil && *o.Number > 100 })
	changed := restated[i]
	n := *changed.Number + 5
	restated[i].Number = &n
	dropped := restated[len(restated)-1]
	restated = restated[:len(restated)-1]
	a, b := src("area-tables", "2019-20"), src("area-tables", "2019-20 restated")
	b.URL = "https://assets.publishing.service.gov.uk/restated.xlsx"
	for _, load := range []struct {
		src SourceFile
		obs []figure.Observation
	}{{a, first}, {b, restated}, {b, restated}, {a, first}} {
		rel := Release{FinancialYear: "2019-20", PublishedAt: "2020-10-29T09:30:00Z"}
		if err := st.LoadAreaTables(ctx, rel, load.src, load.obs); err != nil {
			t.Fatal(err)
		}
	}
	got := pipelinetest.DumpQueries(t, st.DB, []string{
		"SELECT vintage, substr(source_sha256, 1, 8), is_current, COALESCE(url, '') FROM vintages ORDER BY vintage",
		`SELECT previous_vintage, vintage, area_code, measure, category, level, COALESCE(previous_value, ''), COALESCE(value, ''),
			COALESCE(previous_cell, ''), COALESCE(cell, '') FROM revisions ORDER BY vintage, area_code, measure, category, level`,
	})
	key := func(o figure.Observation) string {
		return strings.Join([]string{o.AreaCode, o.Measure, o.Category, o.Level}, "|")
	}
	fmtFloat := func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
	num := func(o figure.Observation) string { return fmtFloat(*o.Number) }
	want := strings.Join([]string{
		"1|" + a.SHA256[:8] + "|0|",
		"2|" + b.SHA256[:8] + "|0|" + b.URL,
		"3|" + a.SHA256[:8] + "|1|",
		"1|2|" + key(changed) + "|" + num(changed) + "|" + fmtFloat(n) + "|" + changed.Sheet + "!" + changed.Cell + "|" + changed.Sheet + "!" + changed.Cell,
		"1|2|" + key(dropped) + "|" + num(dropped) + "||" + dropped.Sheet + "!" + dropped.Cell + "|",
		"2|3|" + key(changed) + "|" + fmtFloat(n) + "|" + num(changed) + "|" + changed.Sheet + "!" + changed.Cell + "|" + changed.Sheet + "!" + changed.Cell,
		"2|3|" + key(dropped) + "||" + num(dropped) + "||" + dropped.Sheet + "!" + dropped.Cell,
	}, "\n") + "\n"
	if got != want {
		t.Errorf("vintages and revisions:\n%s\nwant\n%s", got, want)
	}
	var current int
	if err := st.DB.QueryRow("SELECT COUNT(*) FROM observations WHERE source_sha256 = ?", a.SHA256).Scan(&current); err != nil || current != len(first) {
		t.Errorf("observations hold %d figures of the current file, want %d (%v)", current, len(first), err)
	}
}

// TestRepublishedFiguresAreAVintage: a 2019-20 release republishing one
// 2018-19 figure revised makes vintage 2 of 2018-19, the first with that
// figure replaced and from the 2019-20 file's cell; loading that file
// again adds none; figures of a year not loaded are recorded as not
// loaded.
func TestRepublishedFiguresAreAVintage(t *testing.T) {
	ctx := context.Background()
	st := openTestStore(t)
	extractYear := func(y figure.FinancialYear) []figure.Observation {
		ex, err := extract.New().Extract(pipelinetest.Book(pipelinetest.LegacySheet(false)), y)
		if err != nil {
			t.Fatal(err)
		}
		return ex.Observations
	}
	if err := st.LoadAreaTables(ctx, Release{FinancialYear: "2018-19"}, src("area-tables", "2018-19"), extractYear("2018-19")); err != nil {
		t.Fatal(err)
	}
	release := extractYear("2019-20")
	back := release[0]
	back.FinancialYear, back.Sheet, back.Cell = "2018-19", "Table_1b", "C7"
	n := *back.Number + 1
	back.Number = &n
	gone := back
	gone.FinancialYear = "2016-17"
	obs := append(slices.Clone(release), back, gone)
	for range 2 {
		if err := st.LoadAreaTables(ctx, Release{FinancialYear: "2019-20"}, src("area-tables", "2019-20"), obs); err != nil {
			t.Fatal(err)
		}
	}
	got := pipelinetest.DumpQueries(t, st.DB, []string{
		"SELECT financial_year, vintage, is_current, COALESCE(republished_in, '') FROM vintages ORDER BY 1, 2",
		"SELECT financial_year, area_code, previous_value, value, previous_cell, cell FROM revisions",
		"SELECT value, sheet || '!' || cell, source_sha256 = ? FROM observations WHERE financial_year = '2018-19' AND area_code = ? AND measure = ? AND category = ? AND level = ?",
		"SELECT financial_year, sheet || '!' || cell, header FROM unmapped_columns",
	}, src("area-tables", "2019-20").SHA256, back.AreaCode, back.Measure, back.Category, back.Level)
	fmtFloat := func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
	want := "2018-19|1|0|\n2018-19|2|1|2019-20\n2019-20|1|1|\n" +
		"2018-19|" + back.AreaCode + "|" + fmtFloat(n-1) + "|" + fmtFloat(n) + "|" + release[0].Sheet + "!" + release[0].Cell + "|Table_1b!C7\n" +
		fmtFloat(n) + "|Table_1b!C7|1\n" +
		"2019-20|Table_1b!C7|" + back.Measure + " figures of 2016-17, a year not loaded: " + back.Column.String() + "\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// 2016-17 loaded later: the row saying it is not loaded goes.
	if err := st.LoadAreaTables(ctx, Release{FinancialYear: "2016-17"}, src("area-tables", "2016-17"), extractYear("2016-17")); err != nil {
		t.Fatal(err)
	}
	if got := pipelinetest.DumpQueries(t, st.DB, []string{"SELECT COUNT(*) FROM unmapped_columns"}); got != "0\n" {
		t.Errorf("unmapped columns after 2016-17 loaded: %s", got)
	}
}
