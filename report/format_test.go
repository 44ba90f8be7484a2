package report

import (
	"strings"
	"testing"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/store"
)

func TestFormat(t *testing.T) {
	v := func(f float64) Value { return figure.Of(f) }
	for _, tc := range []struct {
		name   string
		format func(Value) string
		in     Value
		want   string
	}{
		{"count", FormatCount, v(1596), "1,596"},
		{"count, millions", FormatCount, v(53776069), "53,776,069"},
		{"count, under a thousand", FormatCount, v(989), "989"},
		{"count, zero", FormatCount, v(0), "0"},
		{"count, missing", FormatCount, figure.Value{Marker: "[c]"}, "–"},
		{"rate", FormatRate, v(133.2005134105284), "133.2"},
		{"rate, rounds up", FormatRate, v(99.96), "100.0"},
		{"rate, thousands", FormatRate, v(1234.56), "1,234.6"},
		{"rate, missing", FormatRate, Value{}, "–"},
		{"published, whole", FormatPublished, v(133), "133"},
		{"published, decimal", FormatPublished, v(125.2), "125.2"},
		{"growth, up", FormatGrowth, v(4.671374253123303), "+4.7"},
		{"growth, down", FormatGrowth, v(-1.66), "−1.7"},
		{"growth, tiny fall is no change", FormatGrowth, v(-0.04), "0.0"},
		{"growth, zero", FormatGrowth, v(0), "0.0"},
		{"growth, missing", FormatGrowth, Value{}, "–"},
		{"count, negative", FormatCount, v(-1596), "-1,596"},
		{"count, small negative", FormatCount, v(-12), "-12"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.format(tc.in); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestNote(t *testing.T) {
	for _, tc := range []struct {
		in   Value
		want string
	}{
		{figure.Value{Marker: "[c]"}, "[c] confidential"},
		{figure.Value{Marker: ".."}, ".. not available"},
		{figure.Value{Marker: "[new]"}, "[new]"},
		{Value{}, ""},
		{figure.Value{Number: figure.Of(1).Number, Marker: "[c]"}, ""},
	} {
		if got := note(tc.in); got != tc.want {
			t.Errorf("note(%+v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestMissingReasons: a figure missing without a marker says why (the
// first loaded year has no growth; a year without a population has no
// rate), and a marker, where the release printed one, says it instead.
func TestMissingReasons(t *testing.T) {
	row := func(first bool) Row {
		return newRow(store.SummaryRow{FinancialYear: "2013-14", AreaCode: "E23000028", AreaName: "Essex",
			RSOs: figure.Value{Marker: "[c]"}, Violent: figure.Of(462)}, first)
	}
	for _, tc := range []struct {
		name, column, want string
		first              bool
	}{
		{"growth, first loaded year", "rso_growth_pct", "first loaded year", true},
		{"growth, a later year", "rso_growth_pct", "", false},
		{"no computed rate", "rso_rate_per_100k", "no RSO count or no population estimate", false},
		{"a marker", "rsos", "[c] confidential", true},
		{"a figure", "violent_offenders", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := cellOf(row(tc.first), tc.column).Note; got != tc.want {
				t.Errorf("note %q, want %q", got, tc.want)
			}
		})
	}
}

func TestNiceTicks(t *testing.T) {
	for _, tc := range []struct {
		name     string
		min, max float64
		want     string
	}{
		{"rates", 0, 232.2, "0 50 100 150 200"},
		{"counts", 0, 85956, "0 20,000 40,000 60,000 80,000"},
		{"small counts", 0, 2300, "0 500 1,000 1,500 2,000"},
		{"fractions", 0, 1.2, "0.0 0.2 0.4 0.6 0.8 1.0 1.2"},
		{"quarters", 0, 1.4, "0.00 0.25 0.50 0.75 1.00 1.25"},
		{"offset", 73, 140, "80 100 120 140"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, tk := range niceTicks.Ticks(tc.min, tc.max) {
				got = append(got, tk.Label)
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("ticks %v, want %s", got, tc.want)
			}
		})
	}
}

func TestTrendText(t *testing.T) {
	years := []figure.FinancialYear{"2013-14", "2014-15", "2015-16"}
	v := func(f float64) Value { return figure.Of(f) }
	for _, tc := range []struct {
		name string
		vs   []Value
		want string
	}{
		{"rise", []Value{v(100), v(110), v(125)}, "125 in 2015-16, up 25.0% from 100 in 2013-14"},
		{"fall", []Value{v(200), v(150), v(150)}, "150 in 2015-16, down 25.0% from 200 in 2013-14"},
		{"gaps skipped", []Value{{}, v(80), {}}, "80 in 2014-15"},
		{"no figures", []Value{{}, {}, {}}, "no figures loaded"},
		{"same when rounded", []Value{v(100.2), v(1), v(99.9)}, "100 in 2015-16, unchanged from 100 in 2013-14"},
		{"from zero", []Value{v(0), v(5), v(5)}, "5 in 2015-16, up from 0 in 2013-14"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := trendText(years, tc.vs, FormatCount); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	if got := ordinal(22) + " " + ordinal(13) + " " + ordinal(101) + " " + ordinal(42); got != "22nd 13th 101st 42nd" {
		t.Errorf("ordinals %q", got)
	}
}
