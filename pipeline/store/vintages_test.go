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
