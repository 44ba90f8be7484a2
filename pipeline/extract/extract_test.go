package extract

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
	"github.com/mappa-etl/mappa/schema"
	"github.com/mappa-etl/mappa/sources/sheet"
)

func find(t *testing.T, obs []figure.Observation, area string, col figure.Column) figure.Observation {
	t.Helper()
	for _, o := range obs {
		if o.AreaCode == area && o.Column == col {
			return o
		}
	}
	t.Fatalf("no observation for %s %+v", area, col)
	return figure.Observation{}
}

func TestExtractLegacyLayouts(t *testing.T) {
	rsos := figure.Column{Measure: figure.MeasureOffenders, Category: "1", Level: figure.All}
	for _, tc := range []struct {
		name       string
		totalFirst bool
	}{{"total last", false}, {"total first", true}} {
		t.Run(tc.name, func(t *testing.T) {
			contents := &sheet.Sheet{Name: "Contents", Rows: [][]string{{"Contents"}, {"Table 1", "Area tables"}}}
			ex, err := New().Extract(pipelinetest.Book(contents, pipelinetest.LegacySheet(tc.totalFirst)), "2019-20")
			if err != nil {
				t.Fatal(err)
			}
			// 43 rows (42 areas + total) with 10 columns, minus 6 blank total cells.
			if got, want := len(ex.Observations), 42*10+4; got != want {
				t.Errorf("observations = %d, want %d", got, want)
			}
			essex := find(t, ex.Observations, "E23000028", rsos)
			if *essex.Number != float64(pipelinetest.RSOsFor(10)) || essex.Sheet != "Table 1" {
				t.Errorf("Essex RSOs = %v at %s", *essex.Number, essex.Cell)
			}
			avon := find(t, ex.Observations, "E23000036", figure.Column{Measure: figure.MeasureOffenders, Category: "1", Level: "3"})
			if *avon.Number != 0 || avon.Marker != "-" {
				t.Errorf("Avon and Somerset level 3 = %v %q, want 0 with marker -", *avon.Number, avon.Marker)
			}
			if london := find(t, ex.Observations, "E23000001", rsos); *london.Number != float64(pipelinetest.RSOsFor(20)) {
				t.Errorf("London (labelled London¹) RSOs = %v", *london.Number)
			}
			total := find(t, ex.Observations, schema.EnglandAndWales, figure.Column{Measure: figure.MeasureOffenders, Category: figure.All, Level: figure.All})
			if *total.Number <= 0 || !strings.HasPrefix(total.Cell, "J") {
				t.Errorf("total = %v at %s", *total.Number, total.Cell)
			}
			rate := find(t, ex.Observations, schema.EnglandAndWales, figure.Column{Measure: figure.MeasureRSORate, Category: "1", Level: figure.All})
			if *rate.Number != 119 {
				t.Errorf("published rate = %v", *rate.Number)
			}
		})
	}
}

func TestExtractCellAddresses(t *testing.T) {
	ex, err := New().Extract(pipelinetest.Book(pipelinetest.LegacySheet(false)), "2019-20")
	if err != nil {
		t.Fatal(err)
	}
	// Avon and Somerset is the first area, on row 5; its category 1 total is column E.
	o := find(t, ex.Observations, "E23000036", figure.Column{Measure: figure.MeasureOffenders, Category: "1", Level: figure.All})
	if o.Cell != "E5" {
		t.Errorf("cell = %s, want E5", o.Cell)
	}
}

func TestExtractAccessibleSplitSheets(t *testing.T) {
	t1 := &sheet.Sheet{Name: "Table_1", Rows: [][]string{
		{"Table 1: offenders"}, {"This table shows ..."},
		{"Area code", "Area", "Category 2: Violent offenders - Total", "Category 1: Registered sexual offenders - Total [note 2]", "Category 3: Other dangerous offenders - Level 1"},
	}}
	t2 := &sheet.Sheet{Name: "Table_2", Rows: [][]string{
		{"Table 2: rates"},
		{"Area", "RSOs per 100,000 population aged 10 and over [note 4]", "RSOs cautioned or convicted for breach of notification requirements"},
	}}
	for i, a := range schema.Areas() {
		label := a.Name + " [note 3]"
		t1.Rows = append(t1.Rows, []string{a.Code, label, "1,200", fmt.Sprint(pipelinetest.RSOsFor(i)), "[z]"})
		t2.Rows = append([][]string{t2.Rows[0], t2.Rows[1], {label, "101", "[c]"}}, t2.Rows[2:]...)
	}
	ex, err := New().Extract(pipelinetest.Book(&sheet.Sheet{Name: "Cover_sheet", Rows: [][]string{{"MAPPA"}}}, t1, t2), "2021-22")
	if err != nil {
		t.Fatal(err)
	}
	if got := len(ex.Observations); got != 42*5 {
		t.Errorf("observations = %d, want %d", got, 42*5)
	}
	v := find(t, ex.Observations, "W15000004", figure.Column{Measure: figure.MeasureOffenders, Category: "2", Level: figure.All})
	if *v.Number != 1200 {
		t.Errorf("violent = %v, want 1200 from text 1,200", *v.Number)
	}
	c := find(t, ex.Observations, "W15000004", figure.Column{Measure: figure.MeasureBreachConvictions, Category: "1", Level: figure.All})
	if c.Number != nil || c.Marker != "[c]" || c.Sheet != "Table_2" {
		t.Errorf("breach = %+v, want NULL with [c]", c)
	}
	// The area code column sits left of the names, which key the table.
	if o := find(t, ex.Observations, "W15000004", figure.Column{Measure: figure.MeasureOffenders, Category: "1", Level: figure.All}); o.Cell[0] != 'D' {
		t.Errorf("RSOs read from %s, want column D", o.Cell)
	}
	if len(ex.Unmapped) != 0 {
		t.Errorf("unmapped = %v, want none (an area code column is no measure)", ex.Unmapped)
	}
}

func TestExtractErrors(t *testing.T) {
	mutate := func(f func(s *sheet.Sheet)) *sheet.Workbook {
		s := pipelinetest.LegacySheet(false)
		f(s)
		return pipelinetest.Book(s)
	}
	for _, tc := range []struct {
		name     string
		wb       *sheet.Workbook
		want     error
		wantCell string
	}{
		{"unknown area", mutate(func(s *sheet.Sheet) { s.Rows[10][0] = "Atlantis" }), ErrUnknownArea, "A11"},
		{"duplicate area", mutate(func(s *sheet.Sheet) { s.Rows[10][0] = "Essex" }), ErrDuplicateArea, "A15"},
		{"bad value", mutate(func(s *sheet.Sheet) { s.Rows[7][4] = "twelve" }), figure.ErrNotNumber, "E8"},
		{"figures without label", mutate(func(s *sheet.Sheet) { s.Rows[len(s.Rows)-1] = []string{"", "12"} }), nil, "B" + fmt.Sprint(len(pipelinetest.LegacySheet(false).Rows))},
		{"no area column", pipelinetest.Book(&sheet.Sheet{Name: "Notes", Rows: [][]string{{"Essex"}, {"Kent"}}}), ErrNoAreaColumn, ""},
		// Every header unmapped: recorded, and the file still fails for
		// want of its RSO counts.
		{"header maps to nothing", mutate(func(s *sheet.Sheet) {
			for c := 1; c < len(s.Rows[2]); c++ {
				s.Rows[2][c] = "Widgets"
			}
			s.Rows[3] = []string{}
		}), ErrNoRSOs, ""},
		{"unknown area with markers only", mutate(func(s *sheet.Sheet) {
			s.Rows[10] = []string{"Atlantis", "[z]", "[z]"}
		}), ErrUnknownArea, "A11"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New().Extract(tc.wb, "2019-20")
			if err == nil {
				t.Fatal("no error")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
			var ce *sheet.CellError
			if tc.wantCell != "" && (!errors.As(err, &ce) || ce.Cell != tc.wantCell || ce.File != "test.xlsx") {
				t.Errorf("error %v, want a cell error at %s", err, tc.wantCell)
			}
		})
	}
}

// TestExtractNamesTheLeftmostBadCell: a row with two bad cells (C8 and
// F8) names C8, on every run, and the observations of a row come out in
// column order. Columns were once kept in a map, so the cell named and the
// order depended on map iteration.
func TestExtractNamesTheLeftmostBadCell(t *testing.T) {
	s := pipelinetest.LegacySheet(false)
	s.Rows[7][2], s.Rows[7][5] = "twelve", "nine"
	for range 20 {
		_, err := New().Extract(pipelinetest.Book(s), "2019-20")
		var ce *sheet.CellError
		if !errors.As(err, &ce) || ce.Cell != "C8" {
			t.Fatalf("error %v, want a cell error at C8", err)
		}
		if want := `test.xlsx, sheet "Table 1", cell C8: "twelve" is neither a number nor a known marker`; err.Error() != want {
			t.Fatalf("error %q, want %q", err, want)
		}
	}
	ex, err := New().Extract(pipelinetest.Book(pipelinetest.LegacySheet(false)), "2019-20")
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(ex.Observations); i++ {
		a, b := ex.Observations[i-1], ex.Observations[i]
		if a.AreaCode == b.AreaCode && len(a.Cell) == len(b.Cell) && a.Cell > b.Cell {
			t.Fatalf("observations out of column order: %s before %s", a.Cell, b.Cell)
		}
	}
}

// FuzzExtract feeds the table locator a sheet built from fuzzed text: rows
// split on newlines, cells on tabs. It must not panic, and every
// observation of a successful extraction holds a value or a marker. Seeds
// are a synthetic legacy table and every sheet of the area-tables fixtures
// in testdata/published.
func FuzzExtract(f *testing.F) {
	f.Add(pipelinetest.SheetText(pipelinetest.LegacySheet(false), "\t"))
	f.Add("Area\tRSOs\nEssex\t12\nKent\t[c]\n")
	for _, wb := range pipelinetest.Workbooks(f, "area-tables") {
		for _, sh := range wb.Sheets {
			f.Add(pipelinetest.SheetText(sh, "\t"))
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		sh := &sheet.Sheet{Name: "F"}
		for _, line := range strings.Split(s, "\n") {
			sh.Rows = append(sh.Rows, strings.Split(line, "\t"))
		}
		ex, err := New().Extract(pipelinetest.Book(sh), "2019-20")
		if err != nil {
			return
		}
		for _, o := range ex.Observations {
			if o.Number == nil && o.Marker == "" {
				t.Fatalf("observation with neither value nor marker: %+v", o)
			}
		}
	})
}
