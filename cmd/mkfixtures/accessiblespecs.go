package main

// The accessible-family years (GSS spreadsheet guidance). One varies the
// column order and puts the total first; another sorts rows by area code and
// keeps only two table sheets for the 31 March and yearly figures. From
// 2022-23 they carry category 4 and the National Security Division; from
// 2021-22 areas are spelt as the MoJ's returns spell them (Cleveland,
// Durham, Devon & Cornwall, London).

var accNotes = [][2]string{
	{"[note 1]", "Offender counts are a snapshot as at 31 March; orders and outcomes are counts over the year."},
	{"[note 2]", "Category 1 offenders are registered sexual offenders (RSOs)."},
	{"[note 3]", "London covers the Metropolitan and City of London police force areas."},
	{"[note 4]", "Rates use ONS mid-year population estimates of persons aged 10 and over."},
	{"[note 5]", "[c] confidential, [x] not available, [z] not applicable."},
}

// nsdNote is added to the notes of the years with the NSD row.
var nsdNote = [2]string{"[note 6]", "The National Security Division (NSD), part of HMPPS, manages most terrorist and terrorism risk offenders; it is not a police force area and has no population."}

var notesNSD = append(accNotes[:len(accNotes):len(accNotes)], nsdNote)

const (
	nsdLabelNote = "National Security Division [note 6]"
	nsdLabelReal = "National Security Division [2]" // as the 2022-23 release printed it
)

var accessibleSpecs = append([]accSpec{
	{fy: 2021, file: "MAPPA_Annual_Report_2021-22_Area_Tables.xlsx", format: "xlsx",
		codeCol: true, subtotals: true,
		names: map[string]string{"E23000001": "London [note 3]", "W15000004": "Dyfed-Powys", "E23000035": "Devon & Cornwall"},
		notes: accNotes,
		tables: []accTable{
			{sheet: "Table_1", title: "Table 1: MAPPA-eligible offenders by area, category and level, 31 March 2022 [note 1]",
				desc: []string{"This worksheet contains one table. Some cells refer to notes which can be found on the Notes worksheet.",
					"Source: Ministry of Justice, MAPPA annual report 2021 to 2022"},
				cols: categoryCols("[note 2]", false)},
			{sheet: "Table_2", title: "Table 2: RSOs per 100,000 population, breaches and revocations by area, 2021 to 2022",
				desc: []string{"This worksheet contains one table.", "Rates use ONS mid-2021 population estimates [note 4]"},
				cols: rateCols("[note 4]")},
			{sheet: "Table_3", title: "Table 3: Orders and outcomes by area, 2021 to 2022",
				desc: []string{"This worksheet contains one table. [x] marks a figure that is not available."},
				cols: orderCols()},
		}},
	{fy: 2022, file: "MAPPA_Annual_Report_-_Areas_Tables_2022-23.xlsx", format: "xlsx",
		totalFirst: true, nsdLabel: nsdLabelReal,
		names: map[string]string{"E23000001": "London [note 3]", "E23000036": "Avon & Somerset", "E23000035": "Devon & Cornwall"},
		notes: notesNSD,
		tables: []accTable{
			{sheet: "Table_1", title: "Table 1: MAPPA-eligible offenders by MAPPA area, category and level, as at 31 March 2023",
				desc: []string{"This worksheet contains one table. The first row after the header is England and Wales.",
					"Some cells refer to notes on the Notes worksheet. Source: Ministry of Justice"},
				// Totals first, then each category's total before its levels.
				cols: pick(categoryCols("", true), 16, 3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14)},
			{sheet: "Table_2", title: "Table 2: RSO rates, breaches and revocations by MAPPA area, 2022 to 2023",
				desc: []string{"This worksheet contains one table. [c] marks a value suppressed to protect confidentiality."},
				cols: pick(rateCols("[note 4]"), 1, 2, 0)},
			{sheet: "Table_3", title: "Table 3: Orders and outcomes by MAPPA area, 2022 to 2023",
				desc: []string{"This worksheet contains one table. [c] marks a value suppressed to protect confidentiality."},
				cols: concat(pick(orderCols(), 5, 4, 0, 1, 3, 2), pick(eventCols(), 3, 4, 5, 1, 2, 0, 6))},
		}},
	{fy: 2023, file: "MAPPA_Annual_Report_2023-24_Area_Tables.ods", format: "ods",
		codeCol: true, subtotals: true, byCode: true, nsdLabel: nsdLabelNote,
		names: map[string]string{"E23000001": "London [note 3]", "E23000030": "Hampshire and Isle of Wight",
			"W15000004": "Dyfed Powys", "E23000035": "Devon & Cornwall"},
		notes: notesNSD,
		tables: []accTable{
			{sheet: "Table_1", title: "Table 1: MAPPA-eligible offenders by area, category and level, 31 March 2024 [note 1]",
				desc: []string{"This worksheet contains one table. Areas are listed by police force area code.",
					"Some cells refer to notes which can be found on the Notes worksheet.",
					"Source: Ministry of Justice, MAPPA annual report 2023 to 2024"},
				cols: categoryCols("[note 2]", true)},
			{sheet: "Table_2", title: "Table 2: RSO rates, breaches, revocations, orders and outcomes by area, 2023 to 2024",
				desc: []string{"This worksheet contains one table. Areas are listed by police force area code."},
				cols: concat(rateCols("[note 4]"), orderCols(), eventCols(), []accCol{meetingsCol})},
			{sheet: "Table_3", title: "Table 3: MAPPA-eligible offenders managed at level 2 or 3 at any time during the year, by area and category, 2023 to 2024",
				desc: []string{"This worksheet contains one table. Areas are listed by police force area code.",
					"Counts over the year 1 April 2023 to 31 March 2024, not a snapshot: an offender is counted once per category and level."},
				cols: duringCols(true)},
		}},
}, latestSpecs...)
