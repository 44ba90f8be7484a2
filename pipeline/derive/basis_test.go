package derive

import (
	"math"
	"testing"

	"github.com/mappa-etl/mappa/pipeline/figure"
)

// TestRateBases: a release whose published rates were computed on the
// previous mid-year gets that mid-year; one whose rates no loaded estimate
// reproduces gets the rule's (mid-YYYY, or the latest earlier) and says so.
func TestRateBases(t *testing.T) {
	rso := figure.Column{Measure: figure.MeasureOffenders, Category: "1", Level: figure.All}
	rate := figure.Column{Measure: figure.MeasureRSORate, Category: "1", Level: figure.All}
	pops := []figure.Population{}
	for mid, scale := range map[figure.MidYear]int64{2021: 100, 2022: 103, 2023: 106} {
		for i, area := range []string{"A", "B", "C"} {
			pops = append(pops, figure.Population{MidYear: mid, AreaCode: area, Persons10Plus: scale * int64(10_000+1_000*i)})
		}
	}
	release := func(year figure.FinancialYear, on figure.MidYear, nudge float64) []figure.Observation {
		var obs []figure.Observation
		for i, area := range []string{"A", "B", "C"} {
			n := float64(150 + 10*i)
			var p int64
			for _, x := range pops {
				if x.MidYear == on && x.AreaCode == area {
					p = x.Persons10Plus
				}
			}
			obs = append(obs, figure.Observation{FinancialYear: year, AreaCode: area, Column: rso, Value: figure.Of(n)},
				figure.Observation{FinancialYear: year, AreaCode: area, Column: rate, Value: figure.Of(math.Round(n*1e5/float64(p)) + nudge)})
		}
		return obs
	}
	var obs []figure.Observation
	obs = append(obs, release("2022-23", 2021, 0)...)  // the previous mid-year, as the real 2022-23
	obs = append(obs, release("2023-24", 2023, 0)...)  // its own
	obs = append(obs, release("2024-25", 2023, 30)...) // nothing loaded reproduces it
	got := RateBases(obs, pops)
	for _, tc := range []struct {
		year figure.FinancialYear
		want Basis
	}{
		{"2022-23", Basis{MidYear: 2021, Found: true, Reproduced: 3, Published: 3}},
		{"2023-24", Basis{MidYear: 2023, Found: true, Reproduced: 3, Published: 3}},
		{"2024-25", Basis{MidYear: 2023, Found: false, Reproduced: 0, Published: 3}},
	} {
		if got[tc.year] != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.year, got[tc.year], tc.want)
		}
	}
	rates := ComputeRates(obs, pops, got)
	for _, r := range rates {
		if want := got[r.FinancialYear].MidYear; r.PopulationMidYear != want {
			t.Errorf("%s %s computed on mid-%d, want mid-%d", r.FinancialYear, r.AreaCode, r.PopulationMidYear, want)
		}
	}
}
