package extract

import (
	"errors"
	"strings"
	"testing"

	"github.com/mappa-etl/mappa/schema"
	"github.com/mappa-etl/mappa/sources/sheet"
)

// TestEarlierYearColumns: a release that publishes an earlier year's
// figures again gives them as that year's, never as its own; a column
// comparing two years is recorded as unmapped; a later year is refused.
func TestEarlierYearColumns(t *testing.T) {
	table := func(extra string) *sheet.Workbook {
		rows := [][]string{{"Table 1: MAPPA-eligible offenders, 2019/20"}, {"As at 31 March 2020"}, {"Area", "Category 1: Registered sexual offenders - Total", extra}}
		for i, a := range schema.Areas() {
			rows = append(rows, []string{a.Name, "100", strings.Repeat("9", 1+i%2)})
		}
		return &sheet.Workbook{Name: "t.xlsx", Sheets: []*sheet.Sheet{{Name: "Table_1", Rows: rows}}}
	}
	tests := []struct {
		header       string
		wantYears    string // the years of the extra column's figures
		wantUnmapped bool
		wantErr      string
	}{
		{header: "Category 1: Registered sexual offenders - Total 2018/19 (revised)", wantYears: "2018-19"},
		{header: "Category 1: Registered sexual offenders - Total, as at 31 March 2019", wantYears: "2018-19"},
		{header: "Category 1: Registered sexual offenders - Total 2019/20", wantErr: "a figure published twice differs"},
		{header: "Change in registered sexual offenders, 2018/19 to 2019/20", wantUnmapped: true},
		{header: "Category 1: Registered sexual offenders - Total 2020/21", wantErr: "header names 2020-21, a year after the file's 2019-20"},
		{header: "Category 4: Terrorist and terrorism risk offenders - Total, 31 March 2019", wantUnmapped: true},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			res, err := New().Extract(table(tt.header), "2019-20")
			if tt.wantErr != "" {
				var ce *sheet.CellError
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.As(err, &ce) {
					t.Fatalf("error %v, want a cell error with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			years := map[string]int{}
			for _, o := range res.Observations {
				if o.Cell[0] == 'C' {
					years[string(o.FinancialYear)]++
				} else if o.FinancialYear != "2019-20" {
					t.Errorf("the file's own column read as %s", o.FinancialYear)
				}
			}
			if tt.wantYears != "" && (len(years) != 1 || years[tt.wantYears] != len(schema.Areas())) {
				t.Errorf("extra column's figures by year %v, want all %s", years, tt.wantYears)
			}
			if tt.wantUnmapped != (len(res.Unmapped) == 1) || tt.wantUnmapped && len(years) != 0 {
				t.Errorf("unmapped %+v, figures %v", res.Unmapped, years)
			}
		})
	}
}
