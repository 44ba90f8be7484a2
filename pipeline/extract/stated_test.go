package extract

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/sources/sheet"
)

// TestStatedYearOfEveryFixture reads the year every bundled release
// states: each must state the year it is filed under.
func TestStatedYearOfEveryFixture(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "published")
	f, err := os.Open(filepath.Join(dir, "MANIFEST.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	for sc := bufio.NewScanner(f); sc.Scan(); {
		cols := strings.Split(sc.Text(), "\t")
		if cols[0] != "area-tables" {
			continue
		}
		n++
		t.Run(cols[1], func(t *testing.T) {
			wb, err := sheet.OpenFile(filepath.Join(dir, cols[2]))
			if err != nil {
				t.Fatal(err)
			}
			st, ok := StatedYear(wb)
			if !ok || st.Year.String() != cols[1] {
				t.Errorf("stated %v (%v), want %s", st, ok, cols[1])
			}
		})
	}
	if n < 13 {
		t.Fatalf("%d area tables in the manifest", n)
	}
}

func TestStatedYear(t *testing.T) {
	book := func(name string, sheets ...*sheet.Sheet) *sheet.Workbook {
		return &sheet.Workbook{Name: name, Sheets: sheets}
	}
	tests := []struct {
		name string
		wb   *sheet.Workbook
		want string // "" when none is stated
	}{
		{"title with a slash", book("x.xlsx", &sheet.Sheet{Name: "T", Rows: [][]string{{"MAPPA Annual Report 2019/20"}}}),
			`2019-20: title in A1 of sheet "T" ("MAPPA Annual Report 2019/20")`},
		{"snapshot date", book("x.xlsx", &sheet.Sheet{Name: "T", Rows: [][]string{{}, {"", "Offenders as at 31 March 2021"}}}),
			`2020-21: title in B2 of sheet "T" ("Offenders as at 31 March 2021")`},
		{"the latest of a comparison", book("x.xlsx", &sheet.Sheet{Name: "T", Rows: [][]string{{"2018 to 2019 and 2019 to 2020 compared"}}}),
			`2019-20: title in A1 of sheet "T" ("2018 to 2019 and 2019 to 2020 compared")`},
		{"sheet name", book("x.xlsx", &sheet.Sheet{Name: "Area_Tables_2017-18"}),
			`2017-18: sheet name "Area_Tables_2017-18" ("Area_Tables_2017-18")`},
		{"titles win over the file name", book("MAPPA_2020-21.xlsx", &sheet.Sheet{Name: "T", Rows: [][]string{{"Annual report 2019 to 2020"}}}),
			`2019-20: title in A1 of sheet "T" ("Annual report 2019 to 2020")`},
		{"file name when the sheets say nothing", book("MAPPA_Annual_Report_2019-20_Area_Tables.xlsx", &sheet.Sheet{Name: "Table 1"}),
			`2019-20: file name ("MAPPA_Annual_Report_2019-20_Area_Tables.xlsx")`},
		{"the year most titles name, not the next release's", book("x.xlsx",
			&sheet.Sheet{Name: "Cover", Rows: [][]string{{"Annual report 2020 to 2021"}, {"Figures for 2021 to 2022 will be published in October 2022"}}},
			&sheet.Sheet{Name: "Table_1", Rows: [][]string{{"Table 1: offenders, 31 March 2021"}}}),
			`2020-21: title in A1 of sheet "Cover" ("Annual report 2020 to 2021")`},
		{"a year below the titles is a note, not a title", book("x.xlsx", &sheet.Sheet{Name: "T", Rows: [][]string{{}, {}, {}, {}, {"Since 2022-23 ..."}}}), ""},
		{"years that do not follow are no year", book("x.xlsx", &sheet.Sheet{Name: "T", Rows: [][]string{{"2013 to 2019"}}}), ""},
		{"nothing", book("tables.xlsx", &sheet.Sheet{Name: "Table 1"}), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, ok := StatedYear(tt.wb)
			got := ""
			if ok {
				got = st.Year.String() + ": " + st.String()
			}
			if got != tt.want {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// FuzzStatedYear reads the year any title states: a year found is one
// financial year, written as the database writes it, that the title names.
func FuzzStatedYear(f *testing.F) {
	for _, s := range []string{"MAPPA Annual Report 2019/20", "as at 31 March 2021", "2018 to 2019 and 2019 to 2020", "2013 to 2019", "1999/00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, title string) {
		st, ok := StatedYear(&sheet.Workbook{Name: "x.xlsx", Sheets: []*sheet.Sheet{{Name: "T", Rows: [][]string{{title}}}}})
		if !ok {
			return
		}
		if _, err := figure.ParseFinancialYear(st.Year.String()); err != nil || st.Text != title {
			t.Fatalf("%q stated %v: %v", title, st, err)
		}
	})
}
