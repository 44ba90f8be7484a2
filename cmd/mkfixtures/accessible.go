package main

import (
	"fmt"
	"sort"

	"github.com/mappa-etl/mappa/schema"
)

// accCol is one column of an accessible table: a measure and its
// self-describing header. A repeat column prints a measure already printed
// on another sheet (the RSO count beside the rate); its cells are tagged
// apart so that verify.go can compare the two.
type accCol struct {
	m      measure
	header string
	repeat bool
}

// accTable is one table sheet (Table_1, Table_2, ...).
type accTable struct {
	sheet, title string
	desc         []string // description lines under the title
	cols         []accCol
}

// accSpec is the layout of one accessible-family year (GSS guidance).
type accSpec struct {
	fy           int
	file, format string
	codeCol      bool   // an "Area code" column before "Area"
	totalFirst   bool   // "England and Wales" straight under the header
	subtotals    bool   // "England" and "Wales" rows
	byCode       bool   // rows in area-code order rather than alphabetical
	nsdLabel     string // the National Security Division row; "" for none
	names        map[string]string
	tables       []accTable
	notes        [][2]string
}

// writeAccessible lays out one accessible workbook: cover, contents, notes
// and one table per sheet, each with a single header row.
func writeAccessible(s accSpec, yf *yearFigures) *book {
	b := newBook(s.file, s.format)
	names := []string{"Cover_sheet", "Contents", "Notes"}
	for _, t := range s.tables {
		names = append(names, t.sheet)
	}
	b.sheets(names...)
	year := fmt.Sprintf("%d to %d", s.fy, s.fy+1)
	b.str("Cover_sheet", 0, 0, "Multi-Agency Public Protection Arrangements (MAPPA) annual report: area tables, "+year, "")
	b.str("Cover_sheet", 0, 1, "These tables give MAPPA-eligible offenders on 31 March and events in the year, by MAPPA area.", "")
	b.str("Cover_sheet", 0, 2, "Contact: Ministry of Justice, Data and Analysis", "")
	b.str("Contents", 0, 0, "Contents", "")
	b.header("Contents", 0, 1, "Worksheet name")
	b.header("Contents", 1, 1, "Worksheet title")
	for i, t := range s.tables {
		b.str("Contents", 0, i+2, t.sheet, "")
		b.str("Contents", 1, i+2, t.title, "")
	}
	b.str("Notes", 0, 0, "Notes", "")
	b.header("Notes", 0, 1, "Note number")
	b.header("Notes", 1, 1, "Note text")
	for i, n := range s.notes {
		b.str("Notes", 0, i+2, n[0], "")
		b.str("Notes", 1, i+2, n[1], "")
	}
	rows := accRows(s)
	for _, t := range s.tables {
		sh := t.sheet
		b.str(sh, 0, 0, t.title, "")
		for i, d := range t.desc {
			b.str(sh, 0, i+1, d, "")
		}
		h := len(t.desc) + 1
		col := 0
		if s.codeCol {
			b.header(sh, col, h, "Area code")
			col++
		}
		b.header(sh, col, h, "Area")
		for i, c := range t.cols {
			b.header(sh, col+1+i, h, c.header)
		}
		for r, lr := range rows {
			row := h + 1 + r
			if s.codeCol {
				code := lr.code
				if code == codeNSD {
					code = "[z]" // no ONS code
				}
				b.str(sh, 0, row, code, "")
			}
			b.str(sh, col, row, lr.label, "")
			for i, c := range t.cols {
				accValue(b, sh, yf, row, col+1+i, lr.code, c)
			}
		}
		must(b.f.SetColWidth(sh, "A", "B", 24))
	}
	return b
}

// accValue writes one cell: numbers as numbers, GSS markers as text. The
// meetings column is not tagged: it maps to no measure.
func accValue(b *book, sh string, yf *yearFigures, row, col int, code string, c accCol) {
	m := c.m
	tag := cellTag(yf.fy, code, m)
	switch {
	case !m.exported():
		tag = ""
	case c.repeat:
		tag += repeatSuffix
	}
	if mk := yf.markers[cellKey{code, m}]; mk != "" {
		b.str(sh, col, row, mk, tag)
		return
	}
	f := yf.rows[code]
	switch m {
	case rate:
		b.num(sh, col, row, f.rate, "0", tag)
	case c3l1:
		b.str(sh, col, row, "[z]", tag)
	default:
		b.integer(sh, col, row, f.v[m], tag)
	}
}

// accRows orders the rows of a year: areas alphabetical (or by code), with
// optional subtotals, the NSD after the Welsh areas (and Wales), and the
// total first or last.
func accRows(s accSpec) []labelled {
	english, welsh := sortedAreas(s.names)
	if s.byCode {
		for _, list := range [][]labelled{english, welsh} {
			sort.SliceStable(list, func(i, j int) bool { return list[i].code < list[j].code })
		}
	}
	var out []labelled
	total := labelled{schema.EnglandAndWales, "England and Wales"}
	if s.totalFirst {
		out = append(out, total)
	}
	out = append(out, english...)
	if s.subtotals {
		out = append(out, labelled{codeEngland, "England"})
	}
	out = append(out, welsh...)
	if s.subtotals {
		out = append(out, labelled{codeWales, "Wales"})
	}
	if s.nsdLabel != "" {
		out = append(out, labelled{codeNSD, s.nsdLabel})
	}
	if !s.totalFirst {
		out = append(out, total)
	}
	return out
}
