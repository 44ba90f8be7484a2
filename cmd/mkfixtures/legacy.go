package main

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/mappa-etl/mappa/schema"
)

// legacyCol is one column block of a legacy table: a four-column category
// group (cat 1..3) under a merged group cell, or a single measure whose
// header is merged down both header rows.
type legacyCol struct {
	cat   int
	m     measure
	label string
}

// legacySpec is the layout of one legacy-family year. The variations are
// deliberate: a parser must find the header, columns and rows by meaning.
type legacySpec struct {
	fy           int
	file, format string
	lead         []string // sheets before the table (contents, notes)
	sheet        string   // the table, always the last sheet
	titles       []string // rows from row 1; "" leaves a blank row
	headerRow    int      // 1-based first header row
	areaCol      int      // 0 = A; 1 = B with column A left empty
	areaHeader   string
	totalFirst   bool // total row straight under the header
	totalLabel   string
	groups       [3]string
	levels       [4]string
	cols         []legacyCol
	names        map[string]string // area code -> label used that year
	na           string            // category 3 level 1
	text         bool              // counts written as text like "1,596"
	notes        []string
}

// catMeasures are the four columns of each category group.
var catMeasures = [3][4]measure{{c1l1, c1l2, c1l3, c1t}, {c2l1, c2l2, c2l3, c2t}, {c3l1, c3l2, c3l3, c3t}}

// writeLegacy lays out one legacy table.
func writeLegacy(s legacySpec, yf *yearFigures) *book {
	b := newBook(s.file, s.format)
	b.sheets(append(append([]string{}, s.lead...), s.sheet)...)
	for _, lead := range s.lead {
		writeLeadSheet(b, lead, s.fy)
	}
	sh := s.sheet
	for i, t := range s.titles {
		b.str(sh, 0, i, t, "")
	}
	h := s.headerRow - 1
	b.header(sh, s.areaCol, h, s.areaHeader)
	b.merge(sh, s.areaCol, h, s.areaCol, h+1)
	type slot struct {
		col int
		m   measure
	}
	var slots []slot
	col := s.areaCol + 1
	for _, c := range s.cols {
		if c.cat == 0 {
			b.header(sh, col, h, c.label)
			b.merge(sh, col, h, col, h+1)
			slots = append(slots, slot{col, c.m})
			col++
			continue
		}
		b.header(sh, col, h, s.groups[c.cat-1])
		b.merge(sh, col, h, col+3, h)
		for i, m := range catMeasures[c.cat-1] {
			b.header(sh, col+i, h+1, s.levels[i])
			slots = append(slots, slot{col + i, m})
		}
		col += 4
	}
	must(b.f.SetColWidth(sh, "A", "A", 28))

	row := h + 2
	put := func(code, label string) {
		b.str(sh, s.areaCol, row, label, "")
		for _, sl := range slots {
			legacyValue(b, s, yf, row, sl.col, code, sl.m)
		}
		row++
	}
	english, welsh := sortedAreas(s.names)
	if s.totalFirst {
		put(codeEW, s.totalLabel)
	}
	for _, a := range english {
		put(a.code, a.label)
	}
	put(codeEngland, "England")
	row++ // blank separator
	for _, a := range welsh {
		put(a.code, a.label)
	}
	put(codeWales, "Wales")
	if !s.totalFirst {
		row++
		put(codeEW, s.totalLabel)
	}
	row++
	for _, n := range s.notes {
		b.str(sh, 0, row, n, "")
		row++
	}
	return b
}

// legacyValue writes one count: markers as text, nil as "-", category 3
// level 1 as the year's not-applicable marker, text numbers in 2020-21.
func legacyValue(b *book, s legacySpec, yf *yearFigures, row, col int, code string, m measure) {
	f := yf.rows[code]
	tag := cellTag(yf.fy, code, m)
	if mk := yf.markers[cellKey{code, m}]; mk != "" {
		b.str(s.sheet, col, row, mk, tag)
		return
	}
	switch {
	case m == rate:
		format := "0"
		if s.fy == 2016 {
			format = "0.0"
		}
		b.num(s.sheet, col, row, f.rate, format, tag)
	case m == c3l1:
		b.str(s.sheet, col, row, s.na, tag)
	case f.v[m] == 0:
		b.str(s.sheet, col, row, "-", tag)
	case s.text:
		b.str(s.sheet, col, row, thousands(f.v[m]), tag)
	default:
		b.integer(s.sheet, col, row, f.v[m], tag)
	}
}

func cellTag(fy int, code string, m measure) string {
	return fmt.Sprintf("%d|%s|%s", fy, code, m)
}

// thousands formats 1596 as "1,596".
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

type labelled struct{ code, label string }

var footnote = regexp.MustCompile(`(\s*\(\d\)|[¹²³⁴⁵⁶⁷⁸⁹]+|\s*\[note \d+\])$`)

// sortedAreas returns the English and Welsh areas with the year's labels,
// each alphabetical by label without footnote markers, as the MoJ sorted.
func sortedAreas(names map[string]string) (english, welsh []labelled) {
	for _, a := range schema.Areas() {
		l := labelled{a.Code, a.Name}
		if n, ok := names[a.Code]; ok {
			l.label = n
		}
		if a.Country == "Wales" {
			welsh = append(welsh, l)
		} else {
			english = append(english, l)
		}
	}
	for _, list := range [][]labelled{english, welsh} {
		sort.SliceStable(list, func(i, j int) bool {
			return strings.ToLower(footnote.ReplaceAllString(list[i].label, "")) <
				strings.ToLower(footnote.ReplaceAllString(list[j].label, ""))
		})
	}
	return english, welsh
}

// writeLeadSheet fills a contents, cover or notes sheet of a legacy file.
func writeLeadSheet(b *book, name string, fy int) {
	year := fmt.Sprintf("%d/%02d", fy, (fy+1)%100)
	var lines []string
	switch name {
	case "Notes":
		lines = []string{"Notes", "MAPPA-eligible offenders are counted as at 31 March.",
			"Rates use ONS mid-year population estimates for persons aged 10 and over.",
			"Figures for London cover the Metropolitan and City of London police areas."}
	case "Cover":
		lines = []string{"Multi-Agency Public Protection Arrangements", "Annual Report " + year,
			"Area tables", "Published by the Ministry of Justice"}
	default:
		lines = []string{"Contents", "MAPPA Annual Report " + year + ": area tables",
			"Table 1: MAPPA-eligible offenders by MAPPA area, category and level"}
	}
	for i, l := range lines {
		b.str(name, 0, i, l, "")
	}
}
