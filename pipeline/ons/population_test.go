package ons

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
	"github.com/mappa-etl/mappa/schema"
	"github.com/mappa-etl/mappa/sources/sheet"
)

// popFixture is the data rows of a synthetic MYE2 sheet with the
// populations a correct reader must derive from them.
type popFixture struct {
	rows   [][]string
	want   map[string][2]int64 // area code -> {aged 10+, all ages}
	lookup *Lookup
}

// popTestRow builds a data row in which age a has base+k*a persons, so that
// an aggregate of n rows is simply the sum of their bases with k = n.
func popTestRow(code, name, geo string, base, k int64) []string {
	row := []string{code, name, geo, strconv.FormatInt(91*base+4095*k, 10)}
	for a := int64(0); a <= 90; a++ {
		row = append(row, strconv.FormatInt(base+k*a, 10))
	}
	return row
}

func (f *popFixture) add(area string, base, k int64) {
	w := f.want[area]
	f.want[area] = [2]int64{w[0] + 81*base + 4050*k, w[1] + 91*base + 4095*k}
	e := f.want[schema.EnglandAndWales]
	f.want[schema.EnglandAndWales] = [2]int64{e[0] + 81*base + 4050*k, e[1] + 91*base + 4095*k}
}

// popTestPFA is a sheet at police force area level with country rows that
// must be ignored; offset shifts every base so sexes can differ.
func popTestPFA(offset int64) popFixture {
	f := popFixture{want: map[string][2]int64{}}
	var sum, n int64
	for i, a := range schema.Areas() {
		b := int64(6000+1500*i) + offset
		f.rows = append(f.rows, popTestRow(a.Code, a.Name, "Police Force Area", b, 1))
		f.add(a.Code, b, 1)
		sum, n = sum+b, n+1
	}
	f.rows = append(f.rows, popTestRow(schema.CityOfLondon, "City of London", "Police Force Area", 95, 1))
	f.add("E23000001", 95, 1)
	f.rows = append([][]string{
		popTestRow("K04000001", "ENGLAND AND WALES", "Country", sum+95, n+1),
		popTestRow("E92000001", "ENGLAND", "Country", 777, 3),
		popTestRow("W92000004", "WALES", "Country", 555, 2),
	}, f.rows...)
	return f
}

// popTestLA is a sheet at local authority level whose aggregate rows
// (counties, regions, countries) each repeat people already counted.
func popTestLA() popFixture {
	f := popFixture{want: map[string][2]int64{}, lookup: &Lookup{Name: "lad20.csv", Year: 2020, PFAByLAD: map[string]string{}}}
	var tot, wal [2]int64
	var parts [][]string
	la := func(code, name, pfa string, base int64) {
		parts = append(parts, popTestRow(code, name, "Unitary Authority", base, 1))
		f.lookup.PFAByLAD[code] = pfa
		f.add(schema.MAPPAArea(pfa), base, 1)
		tot = [2]int64{tot[0] + base, tot[1] + 1}
		if pfa[0] == 'W' {
			wal = [2]int64{wal[0] + base, wal[1] + 1}
		}
	}
	for i, a := range schema.Areas() {
		b1, b2 := int64(2500+700*i), int64(1800+300*i)
		c1, c2 := fmt.Sprintf("E06%06d", i), fmt.Sprintf("E07%06d", i)
		switch {
		case a.Country == "Wales":
			c1, c2 = fmt.Sprintf("W06%06d", 2*i), fmt.Sprintf("W06%06d", 2*i+1)
		case a.Code == "E23000001":
			c1, c2 = "E09000002", "E09000003"
			la("E09000001", "City of London", schema.CityOfLondon, 95)
			parts = append(parts, popTestRow("E12000007", "LONDON", "Region", b1+b2+95, 3))
		case i%3 == 0:
			c2 = fmt.Sprintf("E08%06d", i)
			parts = append(parts, popTestRow(fmt.Sprintf("E11%06d", i), a.Name, "Metropolitan County", b1+b2, 2))
		}
		parts = append(parts, popTestRow(fmt.Sprintf("E10%06d", i), a.Name+"shire", "County", b2, 1))
		la(c1, a.Name+" UA", a.Code, b1)
		la(c2, a.Name+" District", a.Code, b2)
	}
	f.rows = append([][]string{
		popTestRow("K02000001", "UNITED KINGDOM", "Country", tot[0]+90000, tot[1]+2),
		popTestRow("K03000001", "GREAT BRITAIN", "Country", tot[0]+60000, tot[1]+1),
		popTestRow("K04000001", "ENGLAND AND WALES", "Country", tot[0], tot[1]),
		popTestRow("E92000001", "ENGLAND", "Country", tot[0]-wal[0], tot[1]-wal[1]),
		popTestRow("W92000004", "WALES", "Country", wal[0], wal[1]),
		popTestRow("S92000003", "SCOTLAND", "Country", 60000, 1),
	}, parts...)
	return f
}

// popTestSheet lays rows out as ONS does: a title, notes, the header at
// zero-based row hdr ("Geography1" and "90" when old), then the data.
func popTestSheet(name string, hdr int, old bool, rows [][]string) *sheet.Sheet {
	head := []string{"Code", "Name", "Geography", "All ages"}
	for a := 0; a < 90; a++ {
		head = append(head, strconv.Itoa(a))
	}
	head = append(head, "90+")
	if old {
		head[2], head[len(head)-1] = "Geography1", "90"
	}
	sh := &sheet.Sheet{Name: name, Rows: make([][]string, hdr)}
	sh.Rows[0] = []string{"Mid-2020 population estimates: persons by single year of age"}
	sh.Rows = append(sh.Rows, head)
	for _, r := range rows {
		sh.Rows = append(sh.Rows, append([]string(nil), r...))
	}
	return sh
}

func popTestBook(sheets ...*sheet.Sheet) *sheet.Workbook {
	return &sheet.Workbook{Name: "mye2-2020.xlsx", Format: sheet.FormatXLSX, Sheets: sheets}
}

func popTestGot(t *testing.T, got []figure.Population, want map[string][2]int64) {
	t.Helper()
	if len(got) != 43 {
		t.Fatalf("got %d populations, want 43", len(got))
	}
	for i, p := range got {
		if i > 0 && got[i-1].AreaCode >= p.AreaCode {
			t.Errorf("not sorted by AreaCode at %d: %s then %s", i, got[i-1].AreaCode, p.AreaCode)
		}
		if w := want[p.AreaCode]; p.MidYear != 2020 || p.Persons10Plus != w[0] || p.PersonsAllAges != w[1] {
			t.Errorf("%s: got %d/%d aged 10+/all (mid-year %d), want %d/%d", p.AreaCode, p.Persons10Plus, p.PersonsAllAges, p.MidYear, w[0], w[1])
		}
	}
}

func TestReadPopulation(t *testing.T) {
	pfa, la := popTestPFA(0), popTestLA()
	males, females := popTestPFA(-2000), popTestPFA(-3000)
	noEW := popTestPFA(0)
	noEW.rows = noEW.rows[1:]
	noData := popTestPFA(0)
	noData.rows[1][20], noData.rows[2][3] = "No data", ""
	text := popTestPFA(0)
	text.rows[3][3], text.rows[3][60] = "1,234,567", text.rows[3][60]+".0"
	// The areas' sum moves with the cell: the sheet's own England and
	// Wales row is left out, as it would no longer agree.
	text.rows = text.rows[1:]
	ew := text.want["K04000001"]
	text.want["K04000001"] = [2]int64{ew[0], ew[1] - text.want["E23000036"][1] + 1234567}
	text.want["E23000036"] = [2]int64{text.want["E23000036"][0], 1234567}

	tests := []struct {
		name          string
		wb            *sheet.Workbook
		lookups       []*Lookup
		want          popFixture
		level, lookup string
	}{
		{"PFA level, 90+ header at row 8", popTestBook(popTestSheet("MYE2 - Persons", 7, false, pfa.rows)), nil, pfa, LevelPFA, ""},
		{"PFA level, Geography1 and 90 header at row 4", popTestBook(popTestSheet("MYE2 - Persons", 3, true, pfa.rows)), nil, pfa, LevelPFA, ""},
		{"LA level with counties and regions", popTestBook(popTestSheet("MYE2 - Persons", 7, false, la.rows)), []*Lookup{la.lookup}, la, LevelLA, "lad20.csv"},
		{"LA level old layout", popTestBook(popTestSheet("MYE2 - Persons", 4, true, la.rows)), []*Lookup{la.lookup}, la, LevelLA, "lad20.csv"},
		{"Persons beside Males and Females", popTestBook(
			popTestSheet("MYE2 - Males", 7, false, males.rows),
			popTestSheet("MYE2 - Females", 7, false, females.rows),
			popTestSheet("MYE2 - Persons", 7, false, pfa.rows)), nil, pfa, LevelPFA, ""},
		{"MYE2 - All with odd spelling", popTestBook(
			popTestSheet("MYE2 - Males", 3, true, males.rows),
			popTestSheet("mye2-ALL", 3, true, pfa.rows),
			popTestSheet("MYE2 - Females", 3, true, females.rows)), nil, pfa, LevelPFA, ""},
		{"England and Wales summed when no K04 row", popTestBook(popTestSheet("MYE2 - Persons", 7, false, noEW.rows)), nil, noEW, LevelPFA, ""},
		{"No data in unused rows", popTestBook(popTestSheet("MYE2 - Persons", 7, false, noData.rows)), nil, noData, LevelPFA, ""},
		{"thousands separators and .0", popTestBook(popTestSheet("MYE2 - Persons", 7, false, text.rows)), nil, text, LevelPFA, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, src, err := ReadPopulation(tt.wb, 2020, tt.lookups)
			if err != nil {
				t.Fatal(err)
			}
			popTestGot(t, got, tt.want.want)
			if src.Sheet == "" || norm(src.Sheet) == "mye2males" || src.Level != tt.level || src.Lookup != tt.lookup {
				t.Errorf("source = %+v, want level %q, lookup %q", src, tt.level, tt.lookup)
			}
		})
	}
}

func TestReadPopulationLookupChoice(t *testing.T) {
	la := popTestLA()
	variant := func(name string, year int, drop string) *Lookup {
		m := map[string]string{}
		for k, v := range la.lookup.PFAByLAD {
			m[k] = v
		}
		delete(m, drop)
		return &Lookup{Name: name, Year: year, PFAByLAD: m}
	}
	lad19, lad19part := variant("lad19.csv", 2019, ""), variant("lad19-old.csv", 2019, "E06000005")
	lad20, lad21, lad23 := variant("lad20.csv", 2020, ""), variant("lad21.csv", 2021, ""), variant("lad23.csv", 2023, "")
	tests := []struct {
		name    string
		lookups []*Lookup
		want    string
	}{
		{"exact year preferred", []*Lookup{lad21, lad19, lad20}, "lad20.csv"},
		{"nearest year", []*Lookup{lad23, lad21}, "lad21.csv"},
		{"earlier before later on ties", []*Lookup{lad21, lad19}, "lad19.csv"},
		{"only the covering one", []*Lookup{lad19part, lad23}, "lad23.csv"},
		{"nil lookups skipped", []*Lookup{nil, lad23}, "lad23.csv"},
	}
	wb := popTestBook(popTestSheet("MYE2 - Persons", 7, false, la.rows))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, src, err := ReadPopulation(wb, 2020, tt.lookups)
			if err != nil {
				t.Fatal(err)
			}
			if src.Lookup != tt.want {
				t.Errorf("lookup %q, want %q", src.Lookup, tt.want)
			}
			popTestGot(t, got, la.want)
		})
	}
}

func TestReadPopulationErrors(t *testing.T) {
	book := func(rows [][]string) *sheet.Workbook {
		return popTestBook(popTestSheet("MYE2 - Persons", 7, false, rows))
	}
	pfa := func(edit func(f *popFixture)) *sheet.Workbook {
		f := popTestPFA(0)
		edit(&f)
		return book(f.rows)
	}
	la := popTestLA()
	part := &Lookup{Name: "lad19.csv", Year: 2019, PFAByLAD: map[string]string{"E06000000": "E23000036"}}
	noAge := popTestSheet("MYE2 - Persons", 7, false, popTestPFA(0).rows)
	noAge.Rows[7] = append(noAge.Rows[7][:61:61], noAge.Rows[7][62:]...)
	tests := []struct {
		name    string
		wb      *sheet.Workbook
		lookups []*Lookup
		cell    string // "" when the error is not about one cell
		want    string
	}{
		{"no persons sheet", popTestBook(popTestSheet("MYE2 - Males", 7, false, nil), popTestSheet("MYE2 - Females", 7, false, nil)), nil, "",
			`mye2-2020.xlsx: no sheet "MYE2 - Persons" or "MYE2 - All" (sheets: "MYE2 - Males", "MYE2 - Females")`},
		{"no header", popTestBook(popTestSheet("MYE2 - Persons", 16, false, nil)), nil, "", `no header row with "Code" and "All ages"`},
		{"missing age column", popTestBook(noAge), nil, "BJ8", "no column for age 57"},
		{"missing area", pfa(func(f *popFixture) { f.rows = append(f.rows[:11], f.rows[12:]...) }), nil, "", "no population of mid-2020 for MAPPA area E23000039 Dorset"},
		{"No data in a used row", pfa(func(f *popFixture) { f.rows[3][4] = "No data" }), nil, "E12", `"No data" is not a non-negative whole number`},
		{"empty cell in a used row", pfa(func(f *popFixture) { f.rows[4][90] = " " }), nil, "CM13", "empty cell"},
		{"negative", pfa(func(f *popFixture) { f.rows[5][3] = "-5" }), nil, "D14", "not a non-negative"},
		{"fraction", pfa(func(f *popFixture) { f.rows[5][50] = "12.5" }), nil, "AY14", "not a non-negative"},
		{"bad K04 row", pfa(func(f *popFixture) { f.rows[0][10] = "x" }), nil, "K9", "not a non-negative"},
		{"K04 row disagrees with its areas", pfa(func(f *popFixture) { f.rows[0] = popTestRow("K04000001", "ENGLAND AND WALES", "Country", 123456, 7) }), nil, "A9",
			"the England and Wales row of mid-2020 has 10028286 people aged 10 and over (11263161 of all ages) but its 42 MAPPA areas add up to"},
		{"duplicate code", pfa(func(f *popFixture) { f.rows = append(f.rows, f.rows[5]) }), nil, "A55", "E23000023 appears twice (also at A14)"},
		{"unknown PFA", pfa(func(f *popFixture) { f.rows[6][0] = "E23000099" }), nil, "A15", "E23000099 is not one of the 42 MAPPA areas"},
		{"no area rows", book([][]string{popTestRow("K04000001", "ENGLAND AND WALES", "Country", 1, 1)}), nil, "", "no police force area"},
		{"LA level without lookup, codes the history lacks", book(la.rows), nil, "A17", "local authority E06000000 is not covered by any lookup tried: bundled local authority code history lacks E06000000 at A17"},
		{"uncovered LAD", book(la.rows), []*Lookup{part}, "A18", "local authority E08000000 is not covered by any lookup tried: lad19.csv (2019) lacks E08000000 at A18"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ReadPopulation(tt.wb, 2020, tt.lookups)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to contain %q", err, tt.want)
			}
			var ce *sheet.CellError
			if errors.As(err, &ce) != (tt.cell != "") || ce != nil && (ce.Cell != tt.cell || ce.File != "mye2-2020.xlsx" || ce.Sheet != "MYE2 - Persons") {
				t.Errorf("error %#v, want a CellError at %q", err, tt.cell)
			}
		})
	}
}

// FuzzReadPopulation reads a sheet made of fuzzed comma-separated lines,
// alone (at < 0) or spliced into a valid sheet at row at, which keeps the
// inputs small while still reaching the summing code. It must not panic,
// and a successful read gives the 42 areas and England and Wales, none
// negative. Seeds are literals and the top of the persons sheet of every
// population fixture in testdata/published.
func FuzzReadPopulation(f *testing.F) {
	valid := popTestSheet("MYE2 - Persons", 5, false, popTestPFA(0).rows).Rows
	f.Add("", int16(0))
	f.Add("E23000036,Avon,PFA,9,No data\nE09000001,x,y,1,2,3\n\nK04000001,,,", int16(8))
	f.Add("E23000010,West Yorkshire,PFA,1.5", int16(20))
	f.Add("title\n\nCode,All ages,10,11,12,13,14,15,16,17,18,19,20,90+\nK04000001,1,1", int16(-1))
	// The persons sheet of every published-style population fixture, cut
	// to its first 80 rows: whole sheets at police force area level (which
	// read), the top of those at local authority level (whose LADs the
	// lookup below does not cover).
	for _, wb := range pipelinetest.Workbooks(f, "population") {
		sh, err := populationSheet(wb)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(pipelinetest.SheetText(&sheet.Sheet{Rows: sh.Rows[:min(len(sh.Rows), 80)]}, ","), int16(-1))
	}
	lookup := popTestLA().lookup
	f.Fuzz(func(t *testing.T, text string, at int16) {
		var rows [][]string
		for _, line := range strings.Split(text, "\n") {
			rows = append(rows, strings.Split(line, ","))
		}
		if at >= 0 {
			i := int(at) % (len(valid) + 1)
			rows = append(append(append([][]string(nil), valid[:i]...), rows...), valid[i:]...)
		}
		sh := &sheet.Sheet{Name: "MYE2 - Persons", Rows: rows}
		got, _, err := ReadPopulation(popTestBook(sh), 2020, []*Lookup{lookup})
		if err != nil {
			return
		}
		codes := make([]string, len(got))
		for i, p := range got {
			codes[i] = p.AreaCode
			if p.Persons10Plus < 0 || p.PersonsAllAges < 0 {
				t.Errorf("negative population %+v", p)
			}
		}
		if len(got) != 43 || !reflect.DeepEqual(codes[len(codes)-4:], []string{"W15000001", "W15000002", "W15000003", "W15000004"}) {
			t.Errorf("got areas %v", codes)
		}
	})
}
