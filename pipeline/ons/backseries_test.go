package ons

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/schema"
	"github.com/mappa-etl/mappa/sources/sheet"
)

// backSeriesRows lays the local authorities of popTestLA out in long
// format, as ONS publishes back series: one row per authority, sex and age,
// one column per mid-year. Mid-2012 holds the MYE2 sheet's counts (split
// between the sexes), mid-2013 one more person in every row. It returns
// the rows and how many authorities each MAPPA area has.
func backSeriesRows() ([][]string, map[string]int64) {
	la := popTestLA()
	rows := [][]string{{"ladcode21", "laname21", "country", "sex", "age", "population_2012", "population_2013"}}
	perArea := map[string]int64{}
	for _, r := range la.rows {
		pfa, ok := la.lookup.PFAByLAD[r[0]]
		if !ok {
			continue // the aggregates: a back series has none
		}
		perArea[schema.MAPPAArea(pfa)]++
		for sex := 1; sex <= 2; sex++ {
			for age := 0; age <= 90; age++ {
				v, _ := strconv.ParseInt(r[4+age], 10, 64)
				n := v / 2
				if sex == 2 {
					n = v - v/2
				}
				rows = append(rows, []string{r[0], r[1], r[0][:1], strconv.Itoa(sex), strconv.Itoa(age),
					strconv.FormatInt(n, 10), strconv.FormatInt(n+1, 10)})
			}
		}
	}
	return rows, perArea
}

func backSeriesBook(rows [][]string) *sheet.Workbook {
	return &sheet.Workbook{Name: "myeb1.xlsx", Format: sheet.FormatXLSX, Sheets: []*sheet.Sheet{
		{Name: "Notes", Rows: [][]string{{"Release date: 30 November 2023"}}},
		{Name: "MYEB1", Rows: append([][]string{{"Population estimates by local authority, sex and single year of age, mid-2012 to mid-2013"}, {}}, rows...)},
	}}
}

func TestReadBackSeries(t *testing.T) {
	rows, perArea := backSeriesRows()
	la := popTestLA()
	got, src, err := Read(backSeriesBook(rows), figure.MidYears{First: 2012, Last: 2013}, []*Lookup{la.lookup})
	if err != nil {
		t.Fatal(err)
	}
	if src.Sheet != "MYEB1" || src.Level != LevelLA || src.Lookup != "lad20.csv" || src.Edition != "2023-11-30" || src.EditionCell != "Notes!A1" || src.EnglandAndWalesCell != "" {
		t.Errorf("source %+v", src)
	}
	if len(got) != 86 {
		t.Fatalf("%d populations, want 43 for each of 2 mid-years", len(got))
	}
	popTestGot(t, relabel(got[:43], 2020), la.want)
	for i, p := range got[43:] {
		n := perArea[p.AreaCode]
		if p.AreaCode == schema.EnglandAndWales {
			n = 0
			for _, c := range perArea {
				n += c
			}
		}
		was := got[i]
		if p.MidYear != 2013 || p.AreaCode != was.AreaCode || p.Persons10Plus != was.Persons10Plus+162*n || p.PersonsAllAges != was.PersonsAllAges+182*n {
			t.Errorf("mid-2013 %s: %d aged 10+ (%d all), want mid-2012's %d (%d) plus one per row of its %d authorities",
				p.AreaCode, p.Persons10Plus, p.PersonsAllAges, was.Persons10Plus, was.PersonsAllAges, n)
		}
	}
}

// relabel moves populations to another mid-year, for popTestGot.
func relabel(pops []figure.Population, mid figure.MidYear) []figure.Population {
	out := make([]figure.Population, len(pops))
	for i, p := range pops {
		p.MidYear = mid
		out[i] = p
	}
	return out
}

func TestReadBackSeriesErrors(t *testing.T) {
	rows, _ := backSeriesRows()
	edit := func(f func(rows [][]string) [][]string) [][]string {
		c := make([][]string, len(rows))
		for i, r := range rows {
			c[i] = append([]string(nil), r...)
		}
		return f(c)
	}
	span := figure.MidYears{First: 2012, Last: 2013}
	// Data rows start at sheet row 4 (A4): a title, a blank, the header.
	tests := []struct {
		name string
		rows [][]string
		span figure.MidYears
		cell string // "" when the error is about no one cell
		want string
	}{
		{"one sex only", edit(func(r [][]string) [][]string {
			var out [][]string
			for _, row := range r {
				if row[3] != "2" {
					out = append(out, row)
				}
			}
			return out
		}), span, "A4", "has no row for females aged 0: the back series is incomplete"},
		{"an age missing", edit(func(r [][]string) [][]string { return append(r[:38], r[39:]...) }), span, "A4", "has no row for males aged 37"},
		{"a row twice", edit(func(r [][]string) [][]string { return append(r, r[5]) }), span, "A" + strconv.Itoa(len(rows)+3), "has two rows for males aged 4 (also row 8)"},
		{"persons beside the sexes", edit(func(r [][]string) [][]string { r[7][3] = "0"; return r }), span, "D10", `sex "0" is neither males (1, M) nor females (2, F)`},
		{"an age past 90", edit(func(r [][]string) [][]string { r[7][4] = "91"; return r }), span, "E10", `age "91" is not a single year of age from 0 to 90`},
		{"a count that is no number", edit(func(r [][]string) [][]string { r[9][6] = "x"; return r }), span, "G12", `"x" is not a non-negative whole number`},
		{"added as another span", rows, figure.MidYears{First: 2012, Last: 2014}, "F3", "the back series holds mid-2012, mid-2013; add it as population 2012-2013"},
		{"added as one mid-year", rows, figure.SingleMidYear(2012), "F3", "the back series holds mid-2012, mid-2013; add it as population 2012-2013"},
		{"a mid-year twice", edit(func(r [][]string) [][]string { r[0][6] = "population_2012"; return r }), span, "G3", "mid-2012 has two columns (also F)"},
		{"a mid-year missing between two", edit(func(r [][]string) [][]string { r[0][6] = "population_2014"; return r }), figure.MidYears{First: 2012, Last: 2014}, "F3", "the back series has no column for mid-2013 between mid-2012 and mid-2014"},
		{"no back series", nil, span, "", "no back series sheet with columns Code, Sex, Age and population_YYYY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Read(backSeriesBook(tt.rows), tt.span, []*Lookup{popTestLA().lookup})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to contain %q", err, tt.want)
			}
			var ce *sheet.CellError
			if errors.As(err, &ce) != (tt.cell != "") || ce != nil && (ce.Cell != tt.cell || ce.File != "myeb1.xlsx" || ce.Sheet != "MYEB1") {
				t.Errorf("error %#v, want a CellError at %q", err, tt.cell)
			}
		})
	}
}

// FuzzReadBackSeries reads fuzzed comma-separated lines after a valid
// back series header; it must not panic, and a read gives 43 populations
// per mid-year, none negative.
func FuzzReadBackSeries(f *testing.F) {
	rows, _ := backSeriesRows()
	f.Add(strings.Join(rows[1], ","))
	f.Add("E06000001,x,E,1,90+,5,6\nE06000001,x,E,F,0,1,1")
	f.Add("K04000001,,,m,10,1,2")
	lookup := popTestLA().lookup
	f.Fuzz(func(t *testing.T, text string) {
		body := [][]string{rows[0]}
		for _, line := range strings.Split(text, "\n") {
			body = append(body, strings.Split(line, ","))
		}
		got, _, err := Read(backSeriesBook(body), figure.MidYears{First: 2012, Last: 2013}, []*Lookup{lookup})
		if err != nil {
			return
		}
		if len(got) != 86 {
			t.Fatalf("%d populations", len(got))
		}
		for _, p := range got {
			if p.Persons10Plus < 0 || p.PersonsAllAges < p.Persons10Plus {
				t.Fatalf("%+v", p)
			}
		}
	})
}
