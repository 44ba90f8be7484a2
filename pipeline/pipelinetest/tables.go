package pipelinetest

import (
	"fmt"

	"github.com/mappa-etl/mappa/schema"
	"github.com/mappa-etl/mappa/sources/sheet"
)

// RSOsFor gives each area a distinct, realistic RSO count.
func RSOsFor(i int) int { return 900 + 37*i }

// LegacySheet builds a legacy-family table: title rows, a two-row header
// with merged category groups, areas, subtotals, the total and notes.
func LegacySheet(totalFirst bool) *sheet.Sheet {
	rows := [][]string{
		{"Table 1: MAPPA-eligible offenders by area, 31 March 2020"},
		{},
		{"Area", "Category 1:\nRegistered sexual offenders (1)", "", "", "", "Category 2: Violent offenders", "", "", "", "Total MAPPA-eligible offenders", "RSOs per 100,000 population²"},
		{"", "Level 1", "Level 2", "Level 3", "Total", "Level 1", "Level 2", "Level 3", "Total"},
	}
	total := []int{0, 0, 0, 0}
	var body [][]string
	for i, a := range schema.Areas() {
		r := RSOsFor(i)
		l2, l3 := r/70, i%3
		v := r / 3
		total[0] += r
		total[1] += v
		l3s := fmt.Sprint(l3)
		if l3 == 0 {
			l3s = "-"
		}
		label := a.Name
		if a.Code == "E23000001" {
			label = "London¹"
		}
		body = append(body, []string{label, fmt.Sprint(r - l2 - l3), fmt.Sprint(l2), l3s, fmt.Sprint(r),
			fmt.Sprint(v - 10), "9", "1", fmt.Sprint(v), fmt.Sprint(r + v), "120"})
		if a.Code == "E23000038" {
			body = append(body, []string{"England", "", "", "", "1"}, []string{})
		}
	}
	totalRow := []string{"England & Wales", "", "", "", fmt.Sprint(total[0]), "", "", "", fmt.Sprint(total[1]), fmt.Sprint(total[0] + total[1]), "119"}
	if totalFirst {
		rows = append(rows, totalRow)
		rows = append(rows, body...)
	} else {
		rows = append(rows, body...)
		rows = append(rows, []string{}, totalRow)
	}
	rows = append(rows, []string{}, []string{"1. London includes the Metropolitan and City of London police areas."}, []string{"Source: MoJ"})
	return &sheet.Sheet{Name: "Table 1", Rows: rows}
}

// Book is a workbook named test.xlsx holding sheets.
func Book(sheets ...*sheet.Sheet) *sheet.Workbook {
	return &sheet.Workbook{Name: "test.xlsx", Format: sheet.FormatXLSX, Sheets: sheets}
}
