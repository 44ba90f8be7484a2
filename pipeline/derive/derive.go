package derive

import (
	"sort"

	"github.com/mappa-etl/mappa/pipeline/figure"
)

// RSORate is the computed rate of registered sexual offenders per 100,000
// people aged 10 and over, with the population estimate it used.
type RSORate struct {
	FinancialYear     figure.FinancialYear
	AreaCode          string
	RSOs              int64
	PopulationMidYear figure.MidYear
	PopulationEdition figure.Edition
	Population10Plus  int64
	RatePer100k       float64
}

// Growth is the change in one count against the same area's previous
// financial year. Pct is nil when the previous value is zero.
type Growth struct {
	FinancialYear figure.FinancialYear
	AreaCode      string
	figure.Column
	Value, Previous float64
	Pct             *float64
}

// ComputeRates computes the RSO rate for every area-year with a count and a
// population, on the year's basis (RateBases: the estimate that reproduces
// the published rates, else the rule's: mid-YYYY for YYYY-YY or the latest
// earlier, in its latest edition). A year with no estimate no later than
// its first year has no rates.
func ComputeRates(obs []figure.Observation, pops []figure.Population, bases map[figure.FinancialYear]Basis) []RSORate {
	byArea := map[string][]figure.Population{}
	for _, p := range pops {
		byArea[p.AreaCode] = append(byArea[p.AreaCode], p)
	}
	var rates []RSORate
	for _, o := range obs {
		if !o.IsRSOCount() || o.Number == nil {
			continue
		}
		b, ok := bases[o.FinancialYear]
		if !ok {
			continue // no estimate no later than the year (RateBases)
		}
		p, ok := estimateFor(byArea[o.AreaCode], b)
		if !ok || p.Persons10Plus <= 0 {
			continue
		}
		rates = append(rates, RSORate{
			FinancialYear: o.FinancialYear, AreaCode: o.AreaCode, RSOs: int64(*o.Number),
			PopulationMidYear: p.MidYear, PopulationEdition: p.Edition, Population10Plus: p.Persons10Plus,
			RatePer100k: *o.Number * 100000 / float64(p.Persons10Plus),
		})
	}
	sort.Slice(rates, func(i, j int) bool {
		if rates[i].FinancialYear != rates[j].FinancialYear {
			return rates[i].FinancialYear < rates[j].FinancialYear
		}
		return rates[i].AreaCode < rates[j].AreaCode
	})
	return rates
}

// estimateFor is an area's population in the basis's estimate.
func estimateFor(pops []figure.Population, b Basis) (figure.Population, bool) {
	for _, p := range pops {
		if p.MidYear == b.MidYear && p.Edition == b.Edition {
			return p, true
		}
	}
	return figure.Population{}, false
}

// ComputeGrowth computes year-on-year growth of every count that has a value
// in both years: every measure but the published rate and the published
// population, which are bases rather than counts of offenders or events.
func ComputeGrowth(obs []figure.Observation) []Growth {
	type key struct {
		year figure.FinancialYear
		area string
		col  figure.Column
	}
	values := make(map[key]float64, len(obs))
	for _, o := range obs {
		if o.Number != nil && o.Measure != figure.MeasureRSORate && o.Measure != figure.MeasurePopulation {
			values[key{o.FinancialYear, o.AreaCode, o.Column}] = *o.Number
		}
	}
	var out []Growth
	for k, v := range values {
		prev, ok := values[key{k.year.Previous(), k.area, k.col}]
		if !ok {
			continue
		}
		g := Growth{FinancialYear: k.year, AreaCode: k.area, Column: k.col, Value: v, Previous: prev}
		if prev != 0 {
			pct := (v - prev) / prev * 100
			g.Pct = &pct
		}
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.FinancialYear != b.FinancialYear {
			return a.FinancialYear < b.FinancialYear
		}
		if a.AreaCode != b.AreaCode {
			return a.AreaCode < b.AreaCode
		}
		return columnLess(a.Column, b.Column)
	})
	return out
}

func columnLess(a, b figure.Column) bool {
	if a.Measure != b.Measure {
		return a.Measure < b.Measure
	}
	if a.Category != b.Category {
		return a.Category < b.Category
	}
	return a.Level < b.Level
}
