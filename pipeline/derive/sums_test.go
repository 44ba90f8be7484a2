package derive

import (
	"testing"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/schema"
)

func obsOf(area string, col figure.Column, v figure.Value) figure.Observation {
	return figure.Observation{FinancialYear: "2024-25", AreaCode: area, Column: col, Value: v, Sheet: "T", Cell: "B2"}
}

// areasPlus gives every one of the 42 areas the value 10 of col, and adds
// extra observations.
func areasPlus(col figure.Column, extra ...figure.Observation) []figure.Observation {
	var out []figure.Observation
	for _, a := range schema.Areas() {
		out = append(out, obsOf(a.Code, col, figure.Of(10)))
	}
	return append(out, extra...)
}

// TestTotalIsSumOfAreasAndNationalUnits: the England and Wales total
// includes the National Security Division; a "not applicable" NSD cell
// adds nothing and does not stop the check.
func TestTotalIsSumOfAreasAndNationalUnits(t *testing.T) {
	cat4 := figure.Column{Measure: figure.MeasureOffenders, Category: "4", Level: figure.All}
	cat1 := figure.Column{Measure: figure.MeasureOffenders, Category: "1", Level: figure.All}
	nsd, ew := schema.NationalSecurityDivision, schema.EnglandAndWales
	for _, tc := range []struct {
		name   string
		obs    []figure.Observation
		status Status
		detail string
	}{
		{"NSD included", areasPlus(cat4, obsOf(nsd, cat4, figure.Of(150)), obsOf(ew, cat4, figure.Of(570))),
			CheckPass, "England and Wales 570 equals the sum of areas and national units"},
		{"NSD left out of the total", areasPlus(cat4, obsOf(nsd, cat4, figure.Of(150)), obsOf(ew, cat4, figure.Of(420))),
			CheckFail, "England and Wales 420, sum of areas and national units 570"},
		{"NSD not applicable", areasPlus(cat1, obsOf(nsd, cat1, figure.Value{Marker: "[z]"}), obsOf(ew, cat1, figure.Of(420))),
			CheckPass, "England and Wales 420 equals the sum of areas and national units"},
		{"NSD suppressed", areasPlus(cat4, obsOf(nsd, cat4, figure.Value{Marker: "[c]"}), obsOf(ew, cat4, figure.Of(570))),
			CheckNotChecked, "areas without a value: NSD [c]"},
		{"an area missing", areasPlus(cat4, obsOf(ew, cat4, figure.Of(420)))[1:],
			CheckNotChecked, "only 41 of 42 areas have a value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &checker{year: "2024-25", obs: tc.obs}
			c.totalIsSum()
			if len(c.out) != 1 || c.out[0].Status != tc.status || c.out[0].Detail != tc.detail {
				t.Errorf("got %+v, want %s %q", c.out, tc.status, tc.detail)
			}
		})
	}
}

func TestTotalIsSumOfCategories(t *testing.T) {
	col := func(cat string) figure.Column {
		return figure.Column{Measure: figure.MeasureOffenders, Category: cat, Level: figure.All}
	}
	area := func(vs map[string]figure.Value) []figure.Observation {
		var out []figure.Observation
		for cat, v := range vs {
			out = append(out, obsOf("E23000028", col(cat), v))
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		obs    []figure.Observation
		status Status
		detail string
	}{
		{"four categories", area(map[string]figure.Value{"1": figure.Of(100), "2": figure.Of(40), "3": figure.Of(2), "4": figure.Of(3), "all": figure.Of(145)}),
			CheckPass, "total 145 equals the sum of categories 1, 2, 3, 4"},
		{"category 4 left out of the total", area(map[string]figure.Value{"1": figure.Of(100), "2": figure.Of(40), "3": figure.Of(2), "4": figure.Of(3), "all": figure.Of(142)}),
			CheckFail, "total 142 (B2), categories sum to 145"},
		{"before category 4", area(map[string]figure.Value{"1": figure.Of(100), "2": figure.Of(40), "3": figure.Of(2), "all": figure.Of(142)}),
			CheckPass, "total 142 equals the sum of categories 1, 2, 3"},
		{"a category suppressed", area(map[string]figure.Value{"1": figure.Of(100), "2": {Marker: "[c]"}, "all": figure.Of(142)}),
			CheckNotChecked, "category 2 is [c]"},
		{"the NSD", area(map[string]figure.Value{"1": {Marker: "[z]"}, "2": {Marker: "[z]"}, "3": {Marker: "[z]"}, "4": figure.Of(150), "all": figure.Of(150)}),
			CheckPass, "total 150 equals the sum of categories 4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &checker{year: "2024-25", obs: tc.obs}
			c.totalIsCategories()
			if len(c.out) != 1 || c.out[0].Status != tc.status || c.out[0].Detail != tc.detail {
				t.Errorf("got %+v, want %s %q", c.out, tc.status, tc.detail)
			}
		})
	}
}

func TestPopulationMatchesPublished(t *testing.T) {
	pop := figure.Column{Measure: figure.MeasurePopulation, Category: figure.All, Level: figure.All}
	rate := RSORate{FinancialYear: "2024-25", AreaCode: "E23000028", PopulationMidYear: 2024, Population10Plus: 1_612_349}
	for _, tc := range []struct {
		name      string
		published figure.Value
		rates     []RSORate
		status    Status
		detail    string
	}{
		{"within the rounding", figure.Of(1_612_300), []RSORate{rate}, CheckPass, "published 1612300 (T!B2), mid-2024 estimate 1612349"},
		{"half rounded up", figure.Of(1_612_400), []RSORate{{FinancialYear: "2024-25", AreaCode: "E23000028", PopulationMidYear: 2024, Population10Plus: 1_612_350}},
			CheckPass, "published 1612400 (T!B2), mid-2024 estimate 1612350"},
		{"one past the rounding", figure.Of(1_612_400), []RSORate{rate}, CheckFail, "published 1612400 (T!B2), mid-2024 estimate 1612349"},
		{"another estimate", figure.Of(1_598_800), []RSORate{rate}, CheckFail, "published 1598800 (T!B2), mid-2024 estimate 1612349"},
		{"no estimate", figure.Of(1_612_300), nil, CheckNotChecked, "no population estimate to compare (no computed rate)"},
		{"suppressed", figure.Value{Marker: "[c]"}, []RSORate{rate}, CheckNotChecked, "published population is [c]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &checker{year: "2024-25", obs: []figure.Observation{obsOf("E23000028", pop, tc.published)}}
			c.populationMatches(tc.rates)
			if len(c.out) != 1 || c.out[0].Status != tc.status || c.out[0].Detail != tc.detail {
				t.Errorf("got %+v, want %s %q", c.out, tc.status, tc.detail)
			}
		})
	}
}

// TestNotApplicableIsNotChecked: a figure marked not applicable ([z]) is
// no check to make: no row at all, rather than a not_checked row for every
// category the NSD has no part in.
func TestNotApplicableIsNotChecked(t *testing.T) {
	z := figure.Value{Marker: "[z]"}
	nsd := schema.NationalSecurityDivision
	col := func(m, cat, level string) figure.Column {
		return figure.Column{Measure: m, Category: cat, Level: level}
	}
	c := &checker{year: "2024-25", obs: []figure.Observation{
		obsOf(nsd, col(figure.MeasureOffenders, "1", "1"), z), obsOf(nsd, col(figure.MeasureOffenders, "1", figure.All), z),
		obsOf(nsd, col(figure.MeasureRSORate, "1", figure.All), z), obsOf(nsd, col(figure.MeasurePopulation, figure.All, figure.All), z),
		obsOf(schema.EnglandAndWales, col(figure.MeasureOffenders, "3", "1"), z),
		obsOf(schema.EnglandAndWales, col(figure.MeasureOffenders, "3", figure.All), z),
	}}
	c.categoryIsSum()
	c.totalIsSum()
	c.rateMatches(nil)
	c.populationMatches(nil)
	// Left: the NSD's category 1 cells have no England and Wales total in
	// this test, which is a reason of its own.
	for _, r := range c.out {
		if r.Detail != "no England and Wales value" {
			t.Errorf("a check of a figure not applicable: %+v", r)
		}
	}
}

func TestBreachSplitEqualsCombined(t *testing.T) {
	col := func(m string) figure.Column { return figure.Column{Measure: m, Category: "1", Level: figure.All} }
	area := func(combined, cautioned, convicted figure.Value) []figure.Observation {
		return []figure.Observation{obsOf("E23000028", col(figure.MeasureBreachConvictions), combined),
			obsOf("E23000028", col(figure.MeasureBreachCautioned), cautioned), obsOf("E23000028", col(figure.MeasureBreachConvicted), convicted)}
	}
	for _, tc := range []struct {
		name   string
		obs    []figure.Observation
		status Status
		detail string
	}{
		{"adds up", area(figure.Of(48), figure.Of(7), figure.Of(41)), CheckPass, "cautioned 7 + convicted 41 = 48"},
		{"does not", area(figure.Of(50), figure.Of(7), figure.Of(41)), CheckFail, "cautioned or convicted 50 (B2), cautioned 7 + convicted 41"},
		{"a marker", area(figure.Of(48), figure.Value{Marker: "[c]"}, figure.Of(41)), CheckNotChecked, "a marker among the three figures"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &checker{year: "2024-25", obs: tc.obs}
			c.breachSplit()
			if len(c.out) != 1 || c.out[0].Status != tc.status || c.out[0].Detail != tc.detail {
				t.Errorf("got %+v, want %s %q", c.out, tc.status, tc.detail)
			}
		})
	}
	// Published one way only: no check to make.
	c := &checker{year: "2024-25", obs: area(figure.Of(48), figure.Of(7), figure.Of(41))[1:]}
	if c.breachSplit(); len(c.out) != 0 {
		t.Errorf("split only: %+v, want no check", c.out)
	}
}
