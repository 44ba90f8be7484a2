package main

import (
	"testing"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/store"
)

func f(v float64) figure.Value { return figure.Of(v) }

func TestVersus(t *testing.T) {
	for _, tc := range []struct {
		name           string
		rate, national figure.Value
		want           string
	}{
		{"above", f(201.9), f(133.2), "+52"},
		{"below", f(99), f(119), "-17"},
		{"rounds to zero from below", f(118.6), f(119), "0"},
		{"no rate", figure.Value{}, f(119), "–"},
		{"no national rate", f(99), figure.Value{}, "–"},
	} {
		if got := versus(tc.rate, tc.national); got != tc.want {
			t.Errorf("%s: versus = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestHeadline(t *testing.T) {
	for _, tc := range []struct {
		name string
		row  store.SummaryRow
		want string
	}{
		{"area", store.SummaryRow{FinancialYear: "2019-20", AreaCode: "E23000028", AreaName: "Essex",
			RSOs: f(1596), Rate: f(99.04), EnglandAndWalesRate: f(118.99), RSOGrowthPct: f(6.97)},
			"Essex, 2019-20: 1,596 registered sexual offenders at 31 March 2020, 99.0 per 100,000 people aged 10 and over against 119.0 for England and Wales; up 7.0% on 2018-19."},
		{"falling, first of its kind", store.SummaryRow{FinancialYear: "2024-25", AreaCode: "E23000003", AreaName: "Lancashire",
			RSOs: f(2421), Rate: f(180.9), EnglandAndWalesRate: f(133.2), RSOGrowthPct: f(-1.66)},
			"Lancashire, 2024-25: 2,421 registered sexual offenders at 31 March 2025, 180.9 per 100,000 people aged 10 and over against 133.2 for England and Wales; down 1.7% on 2023-24."},
		{"England and Wales is not compared with itself", store.SummaryRow{FinancialYear: "2013-14", AreaCode: "K04000001", AreaName: "England and Wales",
			RSOs: f(46348), Rate: f(92), EnglandAndWalesRate: f(92)},
			"England and Wales, 2013-14: 46,348 registered sexual offenders at 31 March 2014, 92.0 per 100,000 people aged 10 and over."},
		{"no population", store.SummaryRow{FinancialYear: "2013-14", AreaCode: "E23000028", AreaName: "Essex", RSOs: f(1138)},
			"Essex, 2013-14: 1,138 registered sexual offenders at 31 March 2014."},
		{"suppressed", store.SummaryRow{FinancialYear: "2022-23", AreaCode: "E23000038", AreaName: "Cleveland"},
			"Cleveland, 2022-23: the number of registered sexual offenders at 31 March 2023 was not published."},
	} {
		if got := headline(tc.row); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
}

func TestYearSpan(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"2019-20", "2019-20"},
		{"2019-20,2020-21", "2019-20,2020-21"},
		{"2013-14,2014-15,2015-16", "2013-14 to 2015-16 (3)"},
		{"2013-14,2015-16,2016-17", "2013-14,2015-16,2016-17"},
	} {
		if got := yearSpan(tc.in); got != tc.want {
			t.Errorf("yearSpan(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
