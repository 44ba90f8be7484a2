package main

import (
	"fmt"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// check is one cell the generator wrote, remembered so that verify.go can
// read the produced file back (after any LibreOffice conversion) and compare.
type check struct {
	sheet, ref string
	text       string  // expected text for string cells
	num        float64 // expected value for numeric cells
	isNum      bool
	tag        string // "fy|code|measure" for area-table cells, else ""
}

// book wraps an excelize workbook and records every cell written.
type book struct {
	f      *excelize.File
	name   string // final file name, e.g. "mappa-annual-report-2013-14-by-area.xls"
	format string // final format: xlsx, xls or ods
	checks []check
	merges []string // "Sheet!A5:A6" ranges that must survive conversion
	order  []string // sheet names in order
	styles map[string]int
}

func newBook(name, format string) *book {
	return &book{f: excelize.NewFile(), name: name, format: format, styles: map[string]int{}}
}

// sheets creates the named sheets in order, replacing the default "Sheet1".
func (b *book) sheets(names ...string) {
	b.order = names
	for i, n := range names {
		if i == 0 {
			must(b.f.SetSheetName("Sheet1", n))
			continue
		}
		_, err := b.f.NewSheet(n)
		must(err)
	}
}

func ref(col, row int) string {
	r, err := excelize.CoordinatesToCellName(col+1, row+1)
	must(err)
	return r
}

// str writes text at zero-based col and row.
func (b *book) str(sheet string, col, row int, s, tag string) {
	if s == "" {
		return
	}
	must(b.f.SetCellStr(sheet, ref(col, row), s))
	b.checks = append(b.checks, check{sheet: sheet, ref: ref(col, row), text: s, tag: tag})
}

// num writes a number with a display format such as "#,##0" or "0.0".
func (b *book) num(sheet string, col, row int, v float64, format, tag string) {
	r := ref(col, row)
	must(b.f.SetCellValue(sheet, r, v))
	if format != "" {
		must(b.f.SetCellStyle(sheet, r, r, b.style(format, false)))
	}
	b.checks = append(b.checks, check{sheet: sheet, ref: r, num: v, isNum: true, tag: tag})
}

// integer writes a whole count with a thousands separator format.
func (b *book) integer(sheet string, col, row, v int, tag string) {
	b.num(sheet, col, row, float64(v), "#,##0", tag)
}

// header writes a wrapped, bold header cell.
func (b *book) header(sheet string, col, row int, s string) {
	b.str(sheet, col, row, s, "")
	r := ref(col, row)
	must(b.f.SetCellStyle(sheet, r, r, b.style("", true)))
}

// merge merges a rectangle given by zero-based corners and records it.
func (b *book) merge(sheet string, c1, r1, c2, r2 int) {
	must(b.f.MergeCell(sheet, ref(c1, r1), ref(c2, r2)))
	b.merges = append(b.merges, sheet+"!"+ref(c1, r1)+":"+ref(c2, r2))
}

func (b *book) style(format string, head bool) int {
	key := format + strconv.FormatBool(head)
	if id, ok := b.styles[key]; ok {
		return id
	}
	st := &excelize.Style{}
	if format != "" {
		st.CustomNumFmt = &format
	}
	if head {
		st.Font = &excelize.Font{Bold: true}
		st.Alignment = &excelize.Alignment{WrapText: true, Vertical: "top"}
	}
	id, err := b.f.NewStyle(st)
	must(err)
	b.styles[key] = id
	return id
}

// save writes the workbook as XLSX to path.
func (b *book) save(path string) error {
	if err := b.f.SaveAs(path); err != nil {
		return fmt.Errorf("save %s: %w", b.name, err)
	}
	return b.f.Close()
}

// must panics on errors that can only come from a bug in the generator,
// such as an invalid cell reference.
func must(err error) {
	if err != nil {
		panic(err)
	}
}
