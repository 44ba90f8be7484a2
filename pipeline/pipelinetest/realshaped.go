package pipelinetest

import (
	"fmt"
	"strconv"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/schema"
	"github.com/mappa-etl/mappa/sources/sheet"
)

// Shape is the layout of a real-shaped area table, as the MoJ published it
// in a given year: the legacy family (one sheet, a two-row header with
// merged category groups) or the accessible one (a sheet per table, one
// header row, notes in brackets).
type Shape struct {
	Year       figure.FinancialYear
	Accessible bool
}

// String names the shape, "2024-25 accessible", for test names.
func (s Shape) String() string {
	if s.Accessible {
		return s.Year.String() + " accessible"
	}
	return s.Year.String() + " legacy"
}

// RealShapes are the shapes the issue that brought category 4 names:
// 2021-22 (three categories), 2022-23 (category 4 and the National
// Security Division), 2024-25 (cautions and convictions apart, the RSO
// count repeated beside the rate, England and Wales first, counts during
// the year and the published population).
var RealShapes = []Shape{
	{"2021-22", false}, {"2021-22", true},
	{"2022-23", false}, {"2022-23", true},
	{"2024-25", false}, {"2024-25", true},
}

// realColumn is one column of a real-shaped table: its header (group and
// sub-header in the legacy two-row form) and what it means.
type realColumn struct {
	group, header string
	col           figure.Column
}

func offenders(cat, level string) figure.Column {
	return figure.Column{Measure: figure.MeasureOffenders, Category: cat, Level: level}
}

func event(measure, cat string) figure.Column {
	return figure.Column{Measure: measure, Category: cat, Level: figure.All}
}

// realColumns lists a shape's columns by sheet (one sheet when legacy).
func realColumns(s Shape) [][]realColumn {
	start := s.Year.Start()
	groups := []string{"Category 1: Registered sexual offenders [note 2]", "Category 2: Violent offenders",
		"Category 3: Other dangerous offenders", "Category 4: Terrorist and terrorism risk offenders"}
	cats := 3
	if start >= 2022 {
		cats = 4
	}
	var table1 []realColumn
	for c := 1; c <= cats; c++ {
		for _, l := range []string{"1", "2", "3", figure.All} {
			name := "Level " + l
			if l == figure.All {
				name = "Total"
			}
			table1 = append(table1, realColumn{groups[c-1], name, offenders(strconv.Itoa(c), l)})
		}
	}
	table1 = append(table1, realColumn{"", "Total MAPPA-eligible offenders", offenders(figure.All, figure.All)})
	rate := realColumn{"", "RSOs per 100,000 population aged 10 and over [note 4]", event(figure.MeasureRSORate, "1")}
	table2 := []realColumn{rate}
	if start >= 2024 {
		table2 = []realColumn{
			{"", "Registered sexual offenders (category 1 total)", offenders("1", figure.All)}, rate,
			{"", "Population aged 10 and over (rounded to the nearest 100)", event(figure.MeasurePopulation, figure.All)},
			{"", "RSOs cautioned for breach of notification requirements", event(figure.MeasureBreachCautioned, "1")},
			{"", "RSOs convicted for breach of notification requirements", event(figure.MeasureBreachConvicted, "1")},
			{"", "Category 1 offenders managed at level 2 at any time during the year", figure.Column{Measure: figure.MeasureOffendersDuringYear, Category: "1", Level: "2"}},
			{"", "Category 4 - Level 3 (during the year)", figure.Column{Measure: figure.MeasureOffendersDuringYear, Category: "4", Level: "3"}},
			{"", "MAPPA meetings held", figure.Column{}},
		}
	} else {
		table2 = append(table2, realColumn{"", "RSOs cautioned or convicted for breach of notification requirements", event(figure.MeasureBreachConvictions, "1")})
	}
	table2 = append(table2,
		realColumn{"", "Sexual Harm Prevention Orders (SHPOs) imposed", event(figure.MeasureSHPOs, figure.All)},
		realColumn{"", "Serious further offences (SFOs) charged", event(figure.MeasureSFOsCharged, figure.All)})
	if !s.Accessible {
		// One sheet, the RSO count repeated on it from 2024-25.
		return [][]realColumn{append(append([]realColumn{}, table1...), table2...)}
	}
	return [][]realColumn{table1, table2}
}

// realRow is one row of a real-shaped table.
type realRow struct {
	code, label string
}

// realRows are a shape's rows in order, labelled as the MoJ spelled them
// in recent years.
func realRows(s Shape) []realRow {
	spell := map[string]string{"E23000013": "Cleveland", "E23000008": "Durham", "E23000035": "Devon & Cornwall",
		"E23000001": "London [note 3]", "E23000036": "Avon and Somerset"}
	var rows []realRow
	total := realRow{schema.EnglandAndWales, "England and Wales"}
	first := s.Accessible && s.Year.Start() >= 2024
	if first {
		rows = append(rows, total)
	}
	for _, a := range schema.Areas() {
		label := a.Name
		if l, ok := spell[a.Code]; ok {
			label = l
		}
		rows = append(rows, realRow{a.Code, label})
	}
	if s.Year.Start() >= 2022 {
		rows = append(rows, realRow{schema.NationalSecurityDivision, "National Security Division [2]"})
	}
	if !first {
		rows = append(rows, total)
	}
	return rows
}

// RealValue is the figure a real-shaped table holds for an area (by its
// index in schema.Areas) and column: distinct for every cell, so a figure
// landing in the wrong measure shows.
func RealValue(area int, col figure.Column) figure.Value {
	if col.Measure == figure.MeasureRSORate {
		return figure.Of(float64(100 + area))
	}
	if col.Measure == figure.MeasurePopulation {
		return figure.Of(float64(1_000_000 + 100*area))
	}
	h := 0
	for _, r := range col.Measure + col.Category + col.Level {
		h = h*31 + int(r)
	}
	return figure.Of(float64(10 + area*7 + (h%97+97)%97))
}

// nsdValue is the National Security Division's figure: category 4 and
// the measures that count its offenders; [z] (not applicable) elsewhere.
func nsdValue(col figure.Column) figure.Value {
	switch {
	case col.Category == figure.CategoryTerrorism:
		return RealValue(50, col)
	case col.Measure == figure.MeasureOffenders && col.Category == figure.All:
		return RealValue(50, offenders("4", col.Level))
	}
	return figure.Value{Marker: "[z]"}
}

// RealShaped builds a real-shaped workbook and the observations reading it
// must give, keyed by area code and column (the published rate and
// population of England and Wales are set; every count of England and
// Wales is the sum of the areas and the NSD). unmapped is the header that
// maps to no measure, "" if the shape has none.
func RealShaped(s Shape) (wb *sheet.Workbook, want map[string]map[figure.Column]figure.Value, unmapped string) {
	want = map[string]map[figure.Column]figure.Value{}
	rows := realRows(s)
	for _, r := range rows {
		want[r.code] = map[figure.Column]figure.Value{}
	}
	wb = &sheet.Workbook{Name: "real-" + s.Year.String() + ".xlsx", Format: sheet.FormatXLSX}
	for t, cols := range realColumns(s) {
		sh := &sheet.Sheet{Name: fmt.Sprintf("Table_%d", t+1)}
		if !s.Accessible {
			sh.Name = "Area tables " + s.Year.String()
		}
		sh.Rows = append(sh.Rows, []string{fmt.Sprintf("Table %d: MAPPA area tables, %s", t+1, s.Year)},
			[]string{"This worksheet contains one table."}, []string{})
		var group, head []string
		if s.Accessible {
			head = append(head, "Area code", "Area")
		} else {
			group, head = []string{"Area"}, []string{""}
		}
		for i, c := range cols {
			switch {
			case s.Accessible && c.group != "":
				head = append(head, c.group+" - "+c.header)
			case s.Accessible:
				head = append(head, c.header)
			case c.group == "":
				group, head = append(group, c.header), append(head, "")
			case i > 0 && cols[i-1].group == c.group:
				group, head = append(group, ""), append(head, c.header)
			default:
				group, head = append(group, c.group), append(head, c.header)
			}
			if c.col == (figure.Column{}) {
				unmapped = c.header
			}
		}
		if group != nil {
			sh.Rows = append(sh.Rows, group)
		}
		sh.Rows = append(sh.Rows, head)
		for _, r := range rows {
			row := []string{r.label}
			if s.Accessible {
				row = []string{r.code, r.label}
				if r.code == schema.NationalSecurityDivision {
					row[0] = ""
				}
			}
			for _, c := range cols {
				v := cellValue(r.code, c.col)
				if c.col != (figure.Column{}) {
					want[r.code][c.col] = v
				}
				row = append(row, formatValue(v))
			}
			sh.Rows = append(sh.Rows, row)
		}
		wb.Sheets = append(wb.Sheets, sh)
	}
	return wb, want, unmapped
}

// cellValue is the figure of one cell. Every count of England and Wales
// is the sum of the areas and the NSD; its rate and population are its own.
func cellValue(code string, col figure.Column) figure.Value {
	switch {
	case col == (figure.Column{}):
		return figure.Of(3) // a column of no known measure
	case code == schema.NationalSecurityDivision:
		return nsdValue(col)
	case code != schema.EnglandAndWales:
		return RealValue(areaIndex(code), col)
	case col.Measure == figure.MeasureRSORate || col.Measure == figure.MeasurePopulation:
		return RealValue(60, col)
	}
	sum := nsdValue(col).Float()
	for i := range schema.Areas() {
		sum += RealValue(i, col).Float()
	}
	return figure.Of(sum)
}

func areaIndex(code string) int {
	for i, a := range schema.Areas() {
		if a.Code == code {
			return i
		}
	}
	panic("no area " + code)
}

func formatValue(v figure.Value) string {
	if !v.Known() {
		return v.Marker
	}
	return strconv.FormatFloat(v.Float(), 'f', -1, 64)
}
