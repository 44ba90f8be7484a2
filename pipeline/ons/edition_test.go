package ons

import (
	"errors"
	"strings"
	"testing"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/sources/sheet"
)

func TestParseReleaseDate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want figure.Edition
	}{
		{"26 June 2019", "2019-06-26"},
		{"24th June 2020", "2020-06-24"},
		{"1st december 2023", "2023-12-01"},
		{"2023-11-30", "2023-11-30"},
		{"2019-06-26T00:00:00", "2019-06-26"},
		{"43642", "2019-06-26"},
		{"26\u00a0June\u00a02019", "2019-06-26"},
		{"7", ""},
		{"43642.5", ""},
		{"June 2020", ""},
		{"31 June 2020", ""},
		{"quarterly", ""},
		{"", ""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := parseReleaseDate(tc.in)
			if got != tc.want || ok != (tc.want != "") {
				t.Errorf("parseReleaseDate(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
			}
		})
	}
}

// coverBook is a workbook with a notes sheet of the given rows beside a
// persons sheet titled title.
func coverBook(title string, notes ...[]string) (*sheet.Workbook, *sheet.Sheet) {
	persons := &sheet.Sheet{Name: "MYE2 - Persons", Rows: [][]string{{title}, {}, {"Code", "Name", "All ages"}}}
	return popTestBook(&sheet.Sheet{Name: "Notes and definitions", Rows: notes}, persons), persons
}

func TestStatedEdition(t *testing.T) {
	for _, tc := range []struct {
		name  string
		notes [][]string
		want  figure.Edition
		cell  string
		err   string // "" for no error; else the CellError's cell and message
	}{
		{"date after the label", [][]string{{"Release number: MYE12"}, {"Date published: 26 June 2019"}}, "2019-06-26", "Notes and definitions!A2", ""},
		{"date in the next cell", [][]string{{"", "Release date:", "", "24th June 2020"}}, "2020-06-24", "Notes and definitions!D1", ""},
		{"the same date twice", [][]string{{"Date published: 26 June 2019"}, {"Released: 26 June 2019"}}, "2019-06-26", "Notes and definitions!A1", ""},
		{"no date", [][]string{{"Released: quarterly"}, {"Published by ONS"}}, "", "", ""},
		{"two dates", [][]string{{"Date published: 26 June 2019"}, {"", "Release date: 30 November 2023"}},
			"", "", "B2: the file gives two release dates, 2023-11-30 here and 2019-06-26 at Notes and definitions!A1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wb, _ := coverBook("Mid-2020 population estimates", tc.notes...)
			got, at, err := statedEdition(wb)
			if tc.err != "" {
				var ce *sheet.CellError
				cell, msg, _ := strings.Cut(tc.err, ": ")
				if !errors.As(err, &ce) || ce.Sheet != "Notes and definitions" || ce.Cell != cell || !strings.HasPrefix(ce.Err.Error(), msg) {
					t.Fatalf("error %v, want at %s %q", err, cell, msg)
				}
				return
			}
			if err != nil || got != tc.want || at != tc.cell {
				t.Errorf("edition %q at %q, %v; want %q at %q", got, at, err, tc.want, tc.cell)
			}
		})
	}
}

func TestCheckTitles(t *testing.T) {
	for _, tc := range []struct {
		name, title string
		notes       [][]string
		cell, err   string // the refusal's cell and message; "" to accept
	}{
		{"persons of the year", "MYE2: Population estimates: Persons by single year of age and sex, mid-2020", nil, "", ""},
		{"a series names two mid-years", "Summary, mid-2001 to mid-2020", [][]string{{"Population estimates, mid-1971 to mid-2020"}}, "", ""},
		{"notes about something else", "Mid-2020 estimates", [][]string{{"Methodology guide for mid-2018"}}, "", ""},
		{"males only", "MYE2: Population estimates: Males by single year of age, mid-2020", nil, "MYE2 - Persons!A1",
			`the title "MYE2: Population estimates: Males by single year of age, mid-2020" says this sheet holds males only`},
		{"another mid-year in the title", "Population estimates, mid-2019: persons", nil, "MYE2 - Persons!A1",
			`the title "Population estimates, mid-2019: persons" says the estimate is of mid-2019, not mid-2020: add it as population 2019`},
		{"another mid-year on the cover", "Persons", [][]string{{"", "Population Estimates for UK: Mid-2018, using April 2019 codes"}}, "Notes and definitions!B1",
			`says the estimate is of mid-2018, not mid-2020`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wb, persons := coverBook(tc.title, tc.notes...)
			err := checkTitles(wb, persons, 2, 2020, false)
			if tc.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var ce *sheet.CellError
			if !errors.As(err, &ce) || ce.File != "mye2-2020.xlsx" || ce.Sheet+"!"+ce.Cell != tc.cell || !strings.Contains(ce.Err.Error(), tc.err) {
				t.Fatalf("error %v, want at %s %q", err, tc.cell, tc.err)
			}
		})
	}
}
