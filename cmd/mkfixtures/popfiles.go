package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// popSpec is the layout of one mid-year population workbook.
type popSpec struct {
	year         int
	file, format string
	pfaLevel     bool   // rows are police force areas (mid-2023 on)
	headerRow    int    // 1-based
	personsSheet string // "MYE2 - All" in mid-2013 to mid-2015
	geoHeader    string // "Geography1" in the older files
	lastAge      string // "90" in the older files, meaning 90 and over
	lead         []string
	sexesFirst   bool // persons sheet after the males and females sheets
}

func oldMYE(year int) popSpec {
	persons := "MYE2 - Persons"
	if year <= 2015 {
		persons = "MYE2 - All"
	}
	return popSpec{year: year, format: "xls", headerRow: 4, personsSheet: persons, geoHeader: "Geography1", lastAge: "90",
		file: fmt.Sprintf("MYE2_population_by_sex_and_age_for_local_authorities_UK_mid-%d.xls", year)}
}

var popSpecs = []popSpec{
	oldMYE(2013), oldMYE(2014), oldMYE(2015), oldMYE(2016), oldMYE(2017), oldMYE(2018),
	{year: 2019, file: "ukpopestimatesmid2019.xlsx", format: "xlsx", headerRow: 5, personsSheet: "MYE2 - Persons",
		geoHeader: "Geography1", lastAge: "90+", lead: []string{"Contents"}},
	{year: 2020, file: "ukpopestimatesmid2020on2020geography.xlsx", format: "xlsx", headerRow: 8,
		personsSheet: "MYE2 - Persons", geoHeader: "Geography", lastAge: "90+", lead: []string{"Contents", "Notes"}},
	{year: 2021, file: "ukpopestimatesmid2021on2021geographyfinal.xlsx", format: "xlsx", headerRow: 8,
		personsSheet: "MYE2 - Persons", geoHeader: "Geography", lastAge: "90+", lead: []string{"Contents", "Notes"}},
	{year: 2022, file: "mye22final.xlsx", format: "xlsx", headerRow: 8, personsSheet: "MYE2 - Persons",
		geoHeader: "Geography", lastAge: "90+", lead: []string{"Contents", "Notes"}, sexesFirst: true},
	{year: 2023, file: "mye23tablesew_pfa.xlsx", format: "xlsx", pfaLevel: true, headerRow: 6,
		personsSheet: "MYE2 - Persons", geoHeader: "Geography", lastAge: "90+", lead: []string{"Cover"}},
	{year: 2024, file: "mye24tablesew_pfa.ods", format: "ods", pfaLevel: true, headerRow: 6,
		personsSheet: "MYE2 - Persons", geoHeader: "Geography", lastAge: "90+", lead: []string{"Cover"}},
}

// popRow is one geography row of the estimates.
type popRow struct {
	code, name, geography string
	lads                  []*lad // the districts it sums
}

// laRows lists countries, regions, counties and districts in ONS's nested
// order, so aggregates sit beside (and would double count) their parts.
func laRows(g *geography, year int) []popRow {
	all := g.ladsOf(year)
	var eng, wal []*lad
	for _, l := range all {
		if strings.HasPrefix(l.code, "W") {
			wal = append(wal, l)
		} else {
			eng = append(eng, l)
		}
	}
	rows := []popRow{{"K04000001", "ENGLAND AND WALES", "Country", all}, {"E92000001", "ENGLAND", "Country", eng}}
	countyOf := map[string]*county{}
	for _, c := range g.counties {
		countyOf[c.name] = c
	}
	for _, r := range regions {
		var in []*lad
		for _, p := range g.pfas {
			if p.region == r.code {
				in = append(in, p.districts(year)...)
			}
		}
		rows = append(rows, popRow{r.code, r.name, "Region", in})
		seen := map[string]bool{}
		for _, l := range in {
			if c := countyOf[l.county]; c != nil && !seen[c.name] {
				seen[c.name] = true
				rows = append(rows, popRow{c.code, c.name, c.geography, c.lads})
			}
			rows = append(rows, popRow{l.code, l.name, ladGeography(l.kind), []*lad{l}})
		}
	}
	rows = append(rows, popRow{"W92000004", "WALES", "Country", wal})
	for _, l := range wal {
		rows = append(rows, popRow{l.code, l.name, ladGeography(l.kind), []*lad{l}})
	}
	return rows
}

// pfaRows lists the countries then the 43 police force areas by code.
func pfaRows(g *geography) []popRow {
	la := laRows(g, lastYear)
	rows := []popRow{la[0], la[1]}
	for _, r := range la {
		if r.code == "W92000004" {
			rows = append(rows, r)
		}
	}
	ps := append([]*pfa{}, g.pfas...)
	sort.Slice(ps, func(i, j int) bool { return ps[i].code < ps[j].code })
	for _, p := range ps {
		rows = append(rows, popRow{p.code, p.name, "Police Force Area", p.cur})
	}
	return rows
}

// writePopulation lays out one mid-year workbook with persons, males and
// females sheets that share rows but not numbers.
func writePopulation(s popSpec, g *geography, pop *population) *book {
	b := newBook(s.file, s.format)
	type sheet struct {
		name, label string
		sex         sex
	}
	sheets := []sheet{{s.personsSheet, "Persons", persons}, {"MYE2 - Males", "Males", males}, {"MYE2 - Females", "Females", females}}
	if s.sexesFirst {
		sheets = append(sheets[1:], sheets[0])
	}
	names := append([]string{}, s.lead...)
	for _, sh := range sheets {
		names = append(names, sh.name)
	}
	b.sheets(names...)
	for _, l := range s.lead {
		b.str(l, 0, 0, fmt.Sprintf("Population estimates, mid-%d: %s", s.year, strings.ToLower(l)), "")
		b.str(l, 0, 1, "Source: Office for National Statistics", "")
	}
	rows := laRows(g, s.year)
	level := "local authorities"
	if s.pfaLevel {
		rows, level = pfaRows(g), "police force areas"
	}
	for _, sh := range sheets {
		titles := []string{
			fmt.Sprintf("Mid-%d population estimates for %s in England and Wales, by single year of age", s.year, level),
			sh.label, "Source: Office for National Statistics", "All figures are estimates of the usually resident population on 30 June",
			"Age 90 includes people aged 90 and over", "Geography codes and names are as at the reference date"}
		for i := 0; i < s.headerRow-1 && i < len(titles); i++ {
			if i == s.headerRow-2 && s.headerRow > 4 {
				break // keep a blank row above the header in the newer files
			}
			b.str(sh.name, 0, i, titles[i], "")
		}
		h := s.headerRow - 1
		for i, t := range []string{"Code", "Name", s.geoHeader, "All ages"} {
			b.header(sh.name, i, h, t)
		}
		for a := 0; a < nAges; a++ {
			t := strconv.Itoa(a)
			if a == nAges-1 {
				t = s.lastAge
			}
			b.header(sh.name, 4+a, h, t)
		}
		for i, r := range rows {
			row := h + 1 + i
			v := pop.sumOf(r.lads, s.year, sh.sex)
			tag := fmt.Sprintf("pop|%d|%s|%s", s.year, sh.label, r.code)
			b.str(sh.name, 0, row, r.code, "")
			b.str(sh.name, 1, row, r.name, "")
			b.str(sh.name, 2, row, r.geography, "")
			b.num(sh.name, 3, row, float64(v.total()), "", tag+"|all")
			for a, n := range v {
				b.num(sh.name, 4+a, row, float64(n), "", tag+"|"+strconv.Itoa(a))
			}
		}
		must(b.f.SetColWidth(sh.name, "B", "B", 30))
	}
	return b
}
