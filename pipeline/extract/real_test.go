package extract

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
	"github.com/mappa-etl/mappa/schema"
	"github.com/mappa-etl/mappa/sources/sheet"
)

// checkExtraction compares an extraction with the figures a real-shaped
// table holds: every one read, into its own measure, and nothing else.
func checkExtraction(t *testing.T, ex *Result, want map[string]map[figure.Column]figure.Value, unmapped string) {
	t.Helper()
	n := 0
	for _, cols := range want {
		n += len(cols)
	}
	if len(ex.Observations) != n {
		t.Errorf("%d observations, want %d", len(ex.Observations), n)
	}
	for _, o := range ex.Observations {
		w, ok := want[o.AreaCode][o.Column]
		if !ok {
			t.Errorf("unexpected %s %+v = %v at %s!%s", o.AreaCode, o.Column, o.Float(), o.Sheet, o.Cell)
			continue
		}
		if !w.Equal(o.Value) {
			t.Errorf("%s %+v = %v %q at %s!%s, want %v %q", o.AreaCode, o.Column, o.Float(), o.Marker, o.Sheet, o.Cell, w.Float(), w.Marker)
		}
	}
	var got []string
	for _, u := range ex.Unmapped {
		got = append(got, u.Header)
	}
	if wantU := []string{unmapped}; unmapped != "" && strings.Join(got, "|") != unmapped {
		t.Errorf("unmapped = %q, want %q", got, wantU)
	} else if unmapped == "" && len(got) > 0 {
		t.Errorf("unmapped = %q, want none", got)
	}
}

// TestExtractRealShapes reads every real-shaped table as built, and
// through the real readers as XLSX and as ODS: the same figures land in
// the same measures from each, the NSD's category 4 among them.
func TestExtractRealShapes(t *testing.T) {
	dir := t.TempDir()
	for _, s := range pipelinetest.RealShapes {
		for _, format := range []string{"in memory", "xlsx", "ods"} {
			t.Run(s.String()+" "+format, func(t *testing.T) {
				wb, want, unmapped := pipelinetest.RealShaped(s)
				if format != "in memory" {
					path := pipelinetest.WriteWorkbook(t, dir, strings.ReplaceAll(s.String(), " ", "-"), format, wb)
					var err error
					if wb, err = sheet.OpenFile(path); err != nil {
						t.Fatal(err)
					}
				}
				ex, err := New().Extract(wb, s.Year)
				if err != nil {
					t.Fatal(err)
				}
				checkExtraction(t, ex, want, unmapped)
				if s.Year.Start() < 2022 {
					return
				}
				nsd := find(t, ex.Observations, schema.NationalSecurityDivision, figure.Column{Measure: figure.MeasureOffenders, Category: "4", Level: "2"})
				if s.Accessible && nsd.Sheet != "Table_1" {
					t.Errorf("NSD category 4 level 2 read from %s!%s, want Table_1", nsd.Sheet, nsd.Cell)
				}
			})
		}
	}
}

// TestExtractRepeatedFigure: the RSO count printed on two sheets is one
// figure, kept at its first cell; two cells that disagree fail the file
// naming both.
func TestExtractRepeatedFigure(t *testing.T) {
	s := pipelinetest.Shape{Year: "2024-25", Accessible: true}
	wb, _, _ := pipelinetest.RealShaped(s)
	ex, err := New().Extract(wb, s.Year)
	if err != nil {
		t.Fatal(err)
	}
	essex := find(t, ex.Observations, "E23000028", figure.Column{Measure: figure.MeasureOffenders, Category: "1", Level: figure.All})
	if essex.Sheet != "Table_1" {
		t.Errorf("Essex RSOs kept from %s!%s, want Table_1 (the first cell)", essex.Sheet, essex.Cell)
	}
	// Table_2 column C is the repeated count; row 6 is Avon and Somerset
	// (England and Wales is first, on row 5).
	t2 := wb.Sheets[1]
	t2.Rows[5][2] = "1"
	_, err = New().Extract(wb, s.Year)
	var ce *sheet.CellError
	if !errors.Is(err, ErrRepeatDiffers) || !errors.As(err, &ce) || ce.Cell != "C6" || ce.Sheet != "Table_2" ||
		!strings.Contains(err.Error(), "at Table_1!") {
		t.Errorf("error %v, want a repeat that differs at Table_2!C6 naming the Table_1 cell", err)
	}
}

// TestExtractRepeatedFigureOnOneSheet: a legacy table repeats the RSO
// count in a second column of the same sheet; equal, it is one figure from
// the first column; one cell changed, the file fails naming both.
func TestExtractRepeatedFigureOnOneSheet(t *testing.T) {
	s := pipelinetest.Shape{Year: "2024-25", Accessible: false}
	wb, _, _ := pipelinetest.RealShaped(s)
	ex, err := New().Extract(wb, s.Year)
	if err != nil {
		t.Fatal(err)
	}
	essex := find(t, ex.Observations, "E23000028", figure.Column{Measure: figure.MeasureOffenders, Category: "1", Level: figure.All})
	if essex.Cell != "E16" {
		t.Errorf("Essex RSOs kept from %s, want E16 (the category 1 total, left of its repeat)", essex.Cell)
	}
	sh := wb.Sheets[0]
	col := slices.Index(sh.Rows[3], "Registered sexual offenders (category 1 total)")
	sh.Rows[15][col] = "1"
	_, err = New().Extract(wb, s.Year)
	var ce *sheet.CellError
	if !errors.Is(err, ErrRepeatDiffers) || !errors.As(err, &ce) || ce.Cell != sheet.CellName(15, col) || !strings.Contains(err.Error(), "!E16") {
		t.Errorf("error %v, want a repeat that differs at %s naming E16", err, sheet.CellName(15, col))
	}
}

// TestExtractRefusesWithItsCell: each kind of bad input fails the file
// with one error naming the sheet and cell.
func TestExtractRefusesWithItsCell(t *testing.T) {
	for _, tc := range []struct {
		name  string
		shape pipelinetest.Shape
		year  figure.FinancialYear
		edit  func(wb *sheet.Workbook)
		want  error
		cell  string
	}{
		{"category 4 before 2022-23", pipelinetest.Shape{Year: "2022-23", Accessible: true}, "2021-22",
			func(*sheet.Workbook) {}, ErrNoCategory4, "O5"},
		{"ambiguous header", pipelinetest.Shape{Year: "2021-22", Accessible: true}, "2021-22",
			func(wb *sheet.Workbook) { wb.Sheets[1].Rows[3][3] = "SHPOs and SROs imposed" }, ErrAmbiguousHeader, "D4"},
		{"category but no known measure", pipelinetest.Shape{Year: "2021-22", Accessible: true}, "2021-22",
			func(wb *sheet.Workbook) { wb.Sheets[0].Rows[3][2] = "Category 1 Level 1 meetings" }, ErrUnknownMeasure, "C4"},
		{"neither area nor national unit", pipelinetest.Shape{Year: "2022-23", Accessible: false}, "2022-23",
			func(wb *sheet.Workbook) { wb.Sheets[0].Rows[47][0] = "National Crime Agency" }, ErrUnknownArea, "A48"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wb, _, _ := pipelinetest.RealShaped(tc.shape)
			tc.edit(wb)
			_, err := New().Extract(wb, tc.year)
			var ce *sheet.CellError
			if !errors.Is(err, tc.want) || !errors.As(err, &ce) || ce.Cell != tc.cell {
				t.Errorf("error %v, want %v at %s", err, tc.want, tc.cell)
			}
		})
	}
}
