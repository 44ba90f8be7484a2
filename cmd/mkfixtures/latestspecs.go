package main

// The two latest accessible years: 2024-25 (XLSX, total first) and 2025-26
// (ODS, total last), with category 4, the NSD row, breaches split into
// cautions and convictions, the RSO count repeated beside the rate and the
// rounded population aged 10 and over the rate uses. 2025-26 also has the
// during-year counts, in the short wording; its rates use mid-2024.

var latestNames = map[string]string{"E23000001": "London [note 3]", "E23000035": "Devon & Cornwall"}

var latestSpecs = []accSpec{
	{fy: 2024, file: "MAPPA_Annual_Report_2024-25_Area_Tables.xlsx", format: "xlsx",
		codeCol: true, totalFirst: true, nsdLabel: nsdLabelNote, names: latestNames, notes: notesNSD,
		tables: []accTable{
			{sheet: "Table_1", title: "Table 1: MAPPA-eligible offenders by area, category and level, as at 31 March 2025 [note 1]",
				desc: []string{"This worksheet contains one table. The first row after the header is England and Wales.",
					"Some cells refer to notes which can be found on the Notes worksheet.",
					"Source: Ministry of Justice, MAPPA annual report 2024 to 2025"},
				cols: categoryCols("[note 2]", true)},
			{sheet: "Table_2", title: "Table 2: Registered sexual offenders per 100,000 population, breaches and revocations by area, 2024 to 2025",
				desc: []string{"This worksheet contains one table.",
					"Rates use ONS mid-2024 population estimates, rounded here to the nearest 100 [note 4]"},
				cols: rateColsSplit()},
			{sheet: "Table_3", title: "Table 3: Orders and outcomes by area, 2024 to 2025",
				desc: []string{"This worksheet contains one table. Orders and outcomes are counts over the year [note 1]."},
				cols: concat(orderCols(), eventCols())},
		}},
	{fy: 2025, file: "MAPPA_Annual_Report_2025-26_Area_Tables.ods", format: "ods",
		codeCol: true, nsdLabel: nsdLabelNote, names: latestNames, notes: notesNSD,
		tables: []accTable{
			{sheet: "Table_1", title: "Table 1: MAPPA-eligible offenders by area, category and level, as at 31 March 2026 [note 1]",
				desc: []string{"This worksheet contains one table. Some cells refer to notes which can be found on the Notes worksheet.",
					"Source: Ministry of Justice, MAPPA annual report 2025 to 2026"},
				cols: categoryCols("[note 2]", true)},
			{sheet: "Table_2", title: "Table 2: Registered sexual offenders per 100,000 population, breaches and revocations by area, 2025 to 2026",
				desc: []string{"This worksheet contains one table.",
					"Rates use ONS mid-2024 population estimates, the latest available, rounded here to the nearest 100 [note 4]"},
				cols: rateColsSplit()},
			{sheet: "Table_3", title: "Table 3: Orders and outcomes by area, 2025 to 2026",
				desc: []string{"This worksheet contains one table. Orders and outcomes are counts over the year [note 1]."},
				cols: concat(pick(orderCols(), 4, 5, 0, 1, 2, 3), eventCols())},
			{sheet: "Table_4", title: "Table 4: Offenders managed at level 2 or 3 during the year, by area and category, 2025 to 2026",
				desc: []string{"This worksheet contains one table.",
					"Counts over the year 1 April 2025 to 31 March 2026, not the 31 March snapshot of Table 1."},
				cols: duringCols(false)},
		}},
}
