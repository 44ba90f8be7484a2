package report_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/report"
)

// formats are how the page shows each area_summary column, written out
// here rather than taken from the page's own table of formats.
var formats = map[string]func(report.Value) string{
	"rsos": report.FormatCount, "violent_offenders": report.FormatCount, "terrorism_offenders": report.FormatCount, "total_offenders": report.FormatCount,
	"population_10plus": report.FormatCount, "rso_rate_per_100k": report.FormatRate,
	"rso_rate_per_100k_published": report.FormatPublished, "rso_growth_pct": report.FormatGrowth,
}

// summaryValue reads one figure straight from area_summary.
func summaryValue(t *testing.T, db *sql.DB, year, area, column string) (report.Value, bool) {
	t.Helper()
	if _, ok := formats[column]; !ok {
		t.Fatalf("page shows column %q, which the test does not know", column)
	}
	var v sql.NullFloat64
	err := db.QueryRow("SELECT "+column+" FROM area_summary WHERE financial_year = ? AND area_code = ?", year, area).Scan(&v)
	if err == sql.ErrNoRows {
		return report.Value{}, false
	}
	if err != nil {
		t.Fatal(err)
	}
	if !v.Valid {
		return report.Value{}, true
	}
	return figure.Of(v.Float64), true
}

// checkFigures compares every figure cell of the page (a td with
// data-column) with area_summary, and returns how many it compared.
func checkFigures(t *testing.T, db *sql.DB, doc *html.Node) int {
	t.Helper()
	cells := findAll(doc, func(n *html.Node) bool { return n.Data == "td" && hasAttr(n, "data-column") })
	for _, c := range cells {
		year, area, column := attr(c, "data-year"), attr(c, "data-area-code"), attr(c, "data-column")
		want, ok := summaryValue(t, db, year, area, column)
		if !ok {
			t.Errorf("%s %s %s: shown, but area_summary has no row", year, area, column)
			continue
		}
		wantRaw := ""
		if want.Known() {
			wantRaw = strconv.FormatFloat(want.Float(), 'f', -1, 64)
		}
		if got := attr(c, "data-value"); got != wantRaw {
			t.Errorf("%s %s %s: data-value %q, area_summary %q", year, area, column, got, wantRaw)
		}
		if got, want := ownText(c), formats[column](want); got != want {
			t.Errorf("%s %s %s: shows %q, want %q", year, area, column, got, want)
		}
	}
	return len(cells)
}

func TestFiguresMatchDatabase(t *testing.T) {
	st := openStore(t)
	for _, tc := range []struct {
		name, year, area string
		// wantCells: 43 area rows × 8 figures (44 with the National
		// Security Division, from 2022-23), 43 bar chart rows × 2, the 42 tiles of the map, and
		// per loaded year 3 for each count chart and 1 per rate series.
		wantCells int
	}{
		{"latest year, Essex", "", "Essex", 44*8 + 43*2 + 42 + 13*(3+3+2)},
		{"2019-20, no area", "2019-20", "", 43*8 + 43*2 + 42 + 13*(3+1)},
		{"first year, England and Wales chosen", "2013-14", "England and Wales", 43*8 + 43*2 + 42 + 13*(3+1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := []report.Option{report.WithYear(figure.FinancialYear(tc.year))}
			if tc.area != "" {
				opts = append(opts, report.WithArea(tc.area))
			}
			doc := parse(t, render(t, st, opts...))
			if n := checkFigures(t, st.DB, doc); n != tc.wantCells {
				t.Errorf("compared %d figures, want %d", n, tc.wantCells)
			}
		})
	}
}

// TestAreaTable checks the table's rows: every area once, by computed rate,
// the chosen area marked, and England and Wales last.
func TestAreaTable(t *testing.T) {
	st := openStore(t)
	doc := parse(t, render(t, st, report.WithYear("2019-20"), report.WithArea("E23000028")))
	rows := findAll(byID(t, doc, "area-table"), func(n *html.Node) bool { return n.Data == "tr" && hasAttr(n, "data-area-code") })
	var got []string
	for _, r := range rows {
		got = append(got, attr(r, "data-area-code"))
		if want := attr(r, "data-area-code") == "E23000028"; strings.Contains(attr(r, "class"), "chosen") != want {
			t.Errorf("%s: class %q, chosen should be %v", attr(r, "data-area-code"), attr(r, "class"), want)
		}
	}
	dbRows, err := st.DB.Query(`SELECT area_code FROM area_summary WHERE financial_year = '2019-20'
		ORDER BY area_code = 'K04000001', rso_rate_per_100k DESC`)
	if err != nil {
		t.Fatal(err)
	}
	defer dbRows.Close()
	var want []string
	for dbRows.Next() {
		var c string
		if err := dbRows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		want = append(want, c)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") || len(want) != 43 {
		t.Errorf("area rows\n got %v\nwant %v", got, want)
	}
	for _, c := range findAll(byID(t, doc, "area-table"), func(n *html.Node) bool { return strings.Contains(attr(n, "class"), "checks") }) {
		if text(c) != "none" {
			t.Errorf("failing checks %q on consistent fixtures", text(c))
		}
	}
}

// TestMissingFiguresAndFailingChecks puts a marker and failing checks into
// a copy of the fixtures: the page says why a figure is missing and which
// checks failed, for the area and for the year.
func TestMissingFiguresAndFailingChecks(t *testing.T) {
	st := openStore(t,
		`UPDATE observations SET value = NULL, marker = '[c]' WHERE financial_year = '2025-26'
			AND area_code = 'E23000028' AND measure = 'offenders' AND category = '1' AND level = 'all'`,
		`INSERT OR REPLACE INTO check_results VALUES ('2025-26', 'category_total_equals_levels', 'E23000028 category 2', 'fail', 'total 562, levels sum to 561')`,
		`INSERT OR REPLACE INTO check_results VALUES ('2025-26', 'total_equals_sum_of_areas', 'offenders category 2 level all', 'fail', 'England and Wales 23638, sum of areas 23637')`,
		`INSERT OR REPLACE INTO check_results VALUES ('2023-24', 'all_areas_present', 'areas', 'fail', 'another year')`,
		`DELETE FROM rso_rates WHERE financial_year = '2025-26' AND area_code = 'E23000028'`,
	)
	doc := parse(t, render(t, st, report.WithArea("Essex")))
	checkFigures(t, st.DB, doc)
	var essex *html.Node
	for _, r := range findAll(byID(t, doc, "area-table"), tag("tr")) {
		if attr(r, "data-area-code") == "E23000028" {
			essex = r
		}
	}
	if essex == nil {
		t.Fatal("no Essex row")
	}
	// which is the cell's data-column or class.
	for _, tc := range []struct{ name, which, want string }{
		{"marker and its meaning", "rsos", "– ([c] confidential)"},
		{"no computed rate", "rso_rate_per_100k", "– (no RSO count or no population estimate)"},
		{"failing check", "checks", "category_total_equals_levels (E23000028 category 2): total 562, levels sum to 561"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, c := range findAll(essex, tag("td")) {
				if attr(c, "data-column") == tc.which || strings.Contains(attr(c, "class"), tc.which) {
					if text(c) != tc.want {
						t.Errorf("shows %q, want %q", text(c), tc.want)
					}
					return
				}
			}
			t.Error("cell not found")
		})
	}
	caption := text(byID(t, doc, "chart-rates-caption"))
	if want := "No computed rate (no RSO count or population estimate): Essex."; !strings.Contains(caption, want) || strings.Contains(caption, "Essex: ") {
		t.Errorf("rate chart caption %q: want %q and no rank for Essex", caption, want)
	}
	year := text(byID(t, doc, "year-checks"))
	if want := "total_equals_sum_of_areas (offenders category 2 level all): England and Wales 23638, sum of areas 23637"; year != want {
		t.Errorf("year checks %q, want %q", year, want)
	}
}

func TestCaptionsStateFindings(t *testing.T) {
	st := openStore(t)
	var top string
	var topRate, national float64
	if err := st.DB.QueryRow(`SELECT area_name, rso_rate_per_100k FROM area_summary
		WHERE financial_year = '2025-26' AND area_type = 'police_force_area' ORDER BY rso_rate_per_100k DESC LIMIT 1`).Scan(&top, &topRate); err != nil {
		t.Fatal(err)
	}
	if err := st.DB.QueryRow(`SELECT rso_rate_per_100k FROM area_summary
		WHERE financial_year = '2025-26' AND area_code = 'K04000001'`).Scan(&national); err != nil {
		t.Fatal(err)
	}
	doc := parse(t, render(t, st, report.WithArea("Essex")))
	caption := text(byID(t, doc, "chart-rates-caption"))
	for _, want := range []string{
		fmt.Sprintf("%s has the highest rate, %s per 100,000", top, report.FormatRate(figure.Of(topRate))),
		fmt.Sprintf("England and Wales %s.", report.FormatRate(figure.Of(national))),
		"Essex: 120.3, 35th of 42.",
	} {
		if !strings.Contains(caption, want) {
			t.Errorf("rate chart caption %q lacks %q", caption, want)
		}
	}
	if want := "Cleveland has the highest rate, 214.8 per 100,000 aged 10 and over"; !strings.Contains(caption, want) {
		t.Errorf("rate chart caption %q lacks the calibration %q", caption, want)
	}
}

func TestColumnsAreDescribedFromDatabase(t *testing.T) {
	st := openStore(t)
	doc := parse(t, render(t, st))
	heads := findAll(byID(t, doc, "area-table"), func(n *html.Node) bool { return n.Data == "th" && hasAttr(n, "data-column") })
	terms := findAll(doc, func(n *html.Node) bool { return n.Data == "dt" && hasAttr(n, "data-column") })
	if len(heads) != 9 || len(terms) != len(heads) {
		t.Fatalf("%d column headings and %d descriptions, want 9 each", len(heads), len(terms))
	}
	for i, dt := range terms {
		col := attr(dt, "data-column")
		if col != attr(heads[i], "data-column") || text(dt) != text(heads[i]) {
			t.Errorf("description %d is of %q (%q), heading of %q (%q)", i, col, text(dt), attr(heads[i], "data-column"), text(heads[i]))
		}
		var want string
		if err := st.DB.QueryRow(`SELECT description FROM columns WHERE table_name = 'area_summary' AND column_name = ?`, col).Scan(&want); err != nil {
			t.Errorf("%s: %v", col, err)
			continue
		}
		dd := dt.NextSibling
		for dd != nil && dd.Type != html.ElementNode {
			dd = dd.NextSibling
		}
		if dd == nil || !strings.HasPrefix(text(dd), strings.Join(strings.Fields(want), " ")) {
			t.Errorf("%s: described as %q, columns table says %q", col, text(dd), want)
		}
	}
}

func TestOptions(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	t.Run("default year is the latest", func(t *testing.T) {
		r, err := report.Build(ctx, st)
		if err != nil || r.Year != "2025-26" || r.Area != nil || r.AreaTrend != nil {
			t.Fatalf("Build() = year %q area %v, %v", r.Year, r.Area, err)
		}
	})
	for _, tc := range []struct{ name, year, area, wantErr string }{
		{"unknown year", "2031-32", "", "no figures loaded for 2031-32 (loaded: 2013-14 to 2025-26)"},
		{"unknown area", "", "Atlantis", `unknown area "Atlantis": give an ONS code (E23000028), a name (Essex) or NSD for the National Security Division`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := report.Build(ctx, st, report.WithYear(figure.FinancialYear(tc.year)), report.WithArea(tc.area))
			if err == nil || err.Error() != tc.wantErr {
				t.Errorf("Build() error %v, want %q", err, tc.wantErr)
			}
		})
	}
	t.Run("area by name or code gives the same page", func(t *testing.T) {
		byCode := render(t, st, report.WithArea("E23000028"))
		for _, name := range []string{"Essex", "essex"} {
			if !bytes.Equal(render(t, st, report.WithArea(name)), byCode) {
				t.Errorf("--area %s differs from --area E23000028", name)
			}
		}
	})
	for _, tc := range []struct {
		name      string
		opts      []report.Option
		wantCount int // count trend figures
		wantArea  bool
	}{
		{"no area: England and Wales trend only", nil, 1, false},
		{"area: its trend too", []report.Option{report.WithArea("Essex")}, 2, true},
		{"England and Wales chosen: no second trend", []report.Option{report.WithArea("K04000001")}, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := parse(t, render(t, st, tc.opts...))
			figs := findAll(doc, func(n *html.Node) bool {
				return n.Data == "figure" && strings.HasPrefix(attr(n, "id"), "chart-counts-")
			})
			if len(figs) != tc.wantCount {
				t.Errorf("%d count trend figures, want %d", len(figs), tc.wantCount)
			}
			rateHead := text(findAll(byID(t, doc, "chart-rate-trend"), tag("thead"))[0])
			if got := strings.Contains(rateHead, "Essex"); got != tc.wantArea {
				t.Errorf("rate trend table head %q: has Essex %v, want %v", rateHead, got, tc.wantArea)
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	// Two stores and two builds, so no state is shared between renders.
	a := render(t, openStore(t), report.WithArea("Essex"))
	b := render(t, openStore(t, "SELECT 1"), report.WithArea("Essex"))
	if !bytes.Equal(a, b) {
		t.Error("two renders of the same database differ")
	}
}

func TestWriteFile(t *testing.T) {
	r, err := report.Build(context.Background(), openStore(t))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "r.html")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := r.Write(&want); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, want.Bytes()) {
		t.Errorf("file holds %d bytes (%v), want the %d rendered", len(got), err, want.Len())
	}
	if err := r.WriteFile(filepath.Join(t.TempDir(), "no", "such", "dir", "r.html")); err == nil {
		t.Error("WriteFile into a missing directory succeeded")
	}
}
