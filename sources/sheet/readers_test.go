package sheet

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestReadFixtures reads one published-style fixture per format and checks
// cells whose values are known from the generator.
func TestReadFixtures(t *testing.T) {
	for _, tc := range []struct {
		file, sheet string
		format      Format
		row, col    int
		want        string
	}{
		// BIFF8 stores "²" as a one-byte Latin-1 character.
		{"mappa-annual-report-2014-15-area.xls", "Table 1", FormatXLS, -1, -1, "²"},
		{"mappa-annual-report-2013-14-by-area.xls", "Area data", FormatXLS, 6, 0, "Avon & Somerset"},
		{"mappa-annual-report-2013-14-by-area.xls", "Area data", FormatXLS, 6, 4, "1443"},
		{"MAPPA_Annual_Report_2020-21_Area_Tables.xlsx", "Table 1", FormatXLSX, -1, -1, "3,000"},
		{"MAPPA_Annual_Report_2023-24_Area_Tables.ods", "Table_1", FormatODS, -1, -1, "Hampshire and Isle of Wight"},
	} {
		t.Run(tc.file+"/"+tc.want, func(t *testing.T) {
			wb, err := OpenFile("../../testdata/published/" + tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if wb.Format != tc.format {
				t.Errorf("format = %s, want %s", wb.Format, tc.format)
			}
			var sh *Sheet
			for _, s := range wb.Sheets {
				if s.Name == tc.sheet {
					sh = s
				}
			}
			if sh == nil {
				t.Fatalf("no sheet %q", tc.sheet)
			}
			if tc.row >= 0 {
				if got := sh.Value(tc.row, tc.col); got != tc.want {
					t.Errorf("%s = %q, want %q", CellName(tc.row, tc.col), got, tc.want)
				}
				return
			}
			for _, row := range sh.Rows {
				for _, v := range row {
					if strings.Contains(v, tc.want) {
						return
					}
				}
			}
			t.Errorf("no cell contains %q", tc.want)
		})
	}
}

func TestCellName(t *testing.T) {
	for _, tc := range []struct {
		row, col int
		want     string
	}{{0, 0, "A1"}, {11, 3, "D12"}, {0, 25, "Z1"}, {0, 26, "AA1"}, {9, 701, "ZZ10"}, {0, 702, "AAA1"}} {
		if got := CellName(tc.row, tc.col); got != tc.want {
			t.Errorf("CellName(%d, %d) = %s, want %s", tc.row, tc.col, got, tc.want)
		}
	}
}

// OnlySheets reads the kept sheets exactly as a full read does and keeps
// only the names of the others, in every format.
func TestOnlySheets(t *testing.T) {
	keep := func(name string) bool {
		return strings.Contains(strings.ToLower(name), "persons") || strings.Contains(strings.ToLower(name), "all")
	}
	for _, file := range []string{
		"MYE2_population_by_sex_and_age_for_local_authorities_UK_mid-2016.xls",
		"ukpopestimatesmid2019.xlsx",
		"mye24tablesew_pfa.ods",
	} {
		t.Run(file, func(t *testing.T) {
			full, err := OpenFile(filepath.Join("..", "..", "testdata", "published", file))
			if err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(filepath.Join("..", "..", "testdata", "published", file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			st, _ := f.Stat()
			part, err := Open(file, f, st.Size(), OnlySheets(keep))
			if err != nil {
				t.Fatal(err)
			}
			if len(part.Sheets) != len(full.Sheets) {
				t.Fatalf("%d sheets, want %d (skipped sheets keep their names)", len(part.Sheets), len(full.Sheets))
			}
			kept, skipped := 0, 0
			for i, sh := range part.Sheets {
				switch {
				case sh.Name != full.Sheets[i].Name:
					t.Errorf("sheet %d is %q, want %q", i, sh.Name, full.Sheets[i].Name)
				case keep(sh.Name):
					kept++
					if sh.Skipped || !reflect.DeepEqual(sh.Rows, full.Sheets[i].Rows) {
						t.Errorf("kept sheet %q differs from a full read", sh.Name)
					}
				default:
					skipped++
					if !sh.Skipped || len(sh.Rows) != 0 {
						t.Errorf("sheet %q: skipped %v with %d rows, want skipped and empty", sh.Name, sh.Skipped, len(sh.Rows))
					}
				}
			}
			if kept == 0 || skipped == 0 {
				t.Errorf("kept %d and skipped %d sheets; the fixture should have both", kept, skipped)
			}
		})
	}
}
