package ons

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/sources/sheet"
)

var (
	// releaseLabel is how ONS dates a release on its notes or cover sheet:
	// "Date published: 26 June 2019", "Release date: 24th June 2020", the
	// date after the label or in the next cell of its row.
	releaseLabel = regexp.MustCompile(`(?i)^\s*(?:date published|date of publication|release date|date of release|published on|released)\s*:?\s*(.*?)\s*$`)
	// dayMonthYear is the date as ONS writes it: "26 June 2019", "24th June 2020".
	dayMonthYear = regexp.MustCompile(`(?i)^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\s+(\d{4})$`)
	// midYearText finds "mid-2019", "Mid 2019", "mid2019" in titles.
	midYearText = regexp.MustCompile(`(?i)\bmid[- ]?(\d{4})\b`)
	// oneSex finds a title that says its sheet holds one sex only.
	oneSex = regexp.MustCompile(`(?i)\b(males|females|male|female)\b`)
)

// coverSheet reports whether a sheet is one of those ONS puts around the
// tables (contents, notes, cover), which state the release date and the
// mid-year in words. They are small, so opening a workbook keeps them.
func coverSheet(name string) bool {
	n := norm(name)
	for _, w := range []string{"contents", "notes", "cover", "about", "information"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// statedEdition is the release date the workbook states, and where: ""
// when it states none. Two different dates are an error, since the file
// would then be two editions at once.
func statedEdition(wb *sheet.Workbook) (figure.Edition, string, error) {
	var found figure.Edition
	var at string
	for _, sh := range wb.Sheets {
		if sh == nil {
			continue
		}
		for r, row := range sh.Rows {
			for c, v := range row {
				m := releaseLabel.FindStringSubmatch(strings.ReplaceAll(v, "\u00a0", " "))
				if m == nil {
					continue
				}
				text, dc := m[1], c
				for text == "" && dc+1 < len(row) {
					dc++
					text = strings.TrimSpace(row[dc])
				}
				e, ok := parseReleaseDate(text)
				if !ok {
					continue // "Released: quarterly" and the like say no date
				}
				cell := sh.Name + "!" + sheet.CellName(r, dc)
				if found != "" && e != found {
					return "", "", &sheet.CellError{File: wb.Name, Sheet: sh.Name, Cell: sheet.CellName(r, dc),
						Err: fmt.Errorf("the file gives two release dates, %s here and %s at %s: which edition it is cannot be told; give it with --edition", e, found, at)}
				}
				if found == "" {
					found, at = e, cell
				}
			}
		}
	}
	return found, at, nil
}

// parseReleaseDate reads "26 June 2019", "24th June 2020", "2019-06-26",
// an ODS date-time ("2019-06-26T00:00:00") or a date cell of an XLS or
// XLSX file, which the readers give as its raw serial number ("43642",
// days since 30 December 1899). Non-breaking spaces, common in typeset
// titles, read as spaces.
func parseReleaseDate(s string) (figure.Edition, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\u00a0", " "))
	if e, err := figure.ParseEdition(strings.TrimSuffix(s, "T00:00:00")); err == nil {
		return e, true
	}
	// Serials from 1990 to 2100 only: a small number beside a release
	// label is not a date.
	if n, err := strconv.ParseFloat(s, 64); err == nil && n >= 32874 && n < 73051 && n == float64(int(n)) {
		return figure.EditionOn(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(n))), true
	}
	m := dayMonthYear.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	day, _ := strconv.Atoi(m[1])
	// time.Parse matches month names whatever their case.
	t, err := time.Parse("2 January 2006", fmt.Sprintf("%d %s %s", day, m[2], m[3]))
	if err != nil {
		return "", false
	}
	return figure.EditionOn(t), true
}

// checkTitles refuses a workbook whose titles contradict what it is read
// as: a persons sheet titled for one sex, or a title of another mid-year
// than midYear (the title rows of the persons sheet, and the population
// estimate titles of its contents and notes). A title naming two
// mid-years ("mid-1971 to mid-2018") is a series and says nothing.
func checkTitles(wb *sheet.Workbook, persons *sheet.Sheet, hdr int, midYear figure.MidYear, anyMidYear bool) error {
	for r := 0; r < hdr && r < len(persons.Rows); r++ {
		for c, v := range persons.Rows[r] {
			if m := oneSex.FindString(v); m != "" && !strings.Contains(strings.ToLower(v), "persons") {
				return &sheet.CellError{File: wb.Name, Sheet: persons.Name, Cell: sheet.CellName(r, c),
					Err: fmt.Errorf("the title %q says this sheet holds %s only: rates need persons, both sexes; give the workbook ONS published, with its persons sheet", v, strings.ToLower(m))}
			}
		}
	}
	if anyMidYear {
		return nil
	}
	check := func(sh *sheet.Sheet, r, c int) error {
		v := sh.Rows[r][c]
		if y, ok := titledMidYear(v); ok && y != midYear {
			return &sheet.CellError{File: wb.Name, Sheet: sh.Name, Cell: sheet.CellName(r, c),
				Err: fmt.Errorf("the title %q says the estimate is of mid-%s, not mid-%s: add it as population %s, or give --force-year if the title is wrong", v, y, midYear, y)}
		}
		return nil
	}
	for r := 0; r < hdr && r < len(persons.Rows); r++ {
		for c := range persons.Rows[r] {
			if err := check(persons, r, c); err != nil {
				return err
			}
		}
	}
	for _, sh := range wb.Sheets {
		if sh == nil || sh == persons || !coverSheet(sh.Name) {
			continue
		}
		for r, row := range sh.Rows {
			for c, v := range row {
				if !strings.Contains(strings.ToLower(v), "population estimates") {
					continue
				}
				if err := check(sh, r, c); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
