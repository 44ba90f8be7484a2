package derive

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/mappa-etl/mappa/pipeline/figure"
)

// RSORate is the computed rate of registered sexual offenders per 100,000
// people aged 10 and over, with the population estimate it used.
type RSORate struct {
	FinancialYear     string
	AreaCode          string
	RSOs              int64
	PopulationMidYear int
	Population10Plus  int64
	RatePer100k       float64
}

// Growth is the change in one count against the same area's previous
// financial year. Pct is nil when the previous value is zero.
type Growth struct {
	FinancialYear string
	AreaCode      string
	figure.Column
	Value, Previous float64
	Pct             *float64
}

// StartYear returns the calendar year a financial year starts in:
// 2019 for "2019-20".
func StartYear(financialYear string) (int, error) {
	if len(financialYear) != 7 || financialYear[4] != '-' {
		return 0, fmt.Errorf("financial year %q: want YYYY-YY", financialYear)
	}
	y, err := strconv.Atoi(financialYear[:4])
	if err != nil {
		return 0, fmt.Errorf("financial year %q: want YYYY-YY", financialYear)
	}
	if next, err := strconv.Atoi(financialYear[5:]); err != nil || next != (y+1)%100 {
		return 0, fmt.Errorf("financial year %q: the second year must follow the first", financialYear)
	}
	return y, nil
}

// FinancialYear returns the financial year starting in calendar year y.
func FinancialYear(y int) string {
	return fmt.Sprintf("%d-%02d", y, (y+1)%100)
}

// ComputeRates computes the RSO rate for every area-year with a count and a
// population: financial year YYYY-YY uses mid-YYYY, or failing that the
// latest earlier estimate for the area.
func ComputeRates(obs []figure.Observation, pops []figure.Population) []RSORate {
	byArea := map[string][]figure.Population{}
	for _, p := range pops {
		byArea[p.AreaCode] = append(byArea[p.AreaCode], p)
	}
	var rates []RSORate
	for _, o := range obs {
		if !o.IsRSOCount() || o.Number == nil {
			continue
		}
		start, err := StartYear(o.FinancialYear)
		if err != nil {
			continue
		}
		p, ok := estimateFor(byArea[o.AreaCode], start)
		if !ok || p.Persons10Plus <= 0 {
			continue
		}
		rates = append(rates, RSORate{
			FinancialYear: o.FinancialYear, AreaCode: o.AreaCode, RSOs: int64(*o.Number),
			PopulationMidYear: p.MidYear, Population10Plus: p.Persons10Plus,
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

func estimateFor(pops []figure.Population, year int) (figure.Population, bool) {
	var best figure.Population
	found := false
	for _, p := range pops {
		if p.MidYear <= year && (!found || p.MidYear > best.MidYear) {
			best, found = p, true
		}
	}
	return best, found
}

// ComputeGrowth computes year-on-year growth of every count (every measure
// but the published rate) that has a value in both years.
func ComputeGrowth(obs []figure.Observation) []Growth {
	type key struct {
		year, area string
		col        figure.Column
	}
	values := make(map[key]float64, len(obs))
	for _, o := range obs {
		if o.Number != nil && o.Measure != figure.MeasureRSORate {
			values[key{o.FinancialYear, o.AreaCode, o.Column}] = *o.Number
		}
	}
	var out []Growth
	for k, v := range values {
		start, err := StartYear(k.year)
		if err != nil {
			continue
		}
		prev, ok := values[key{FinancialYear(start - 1), k.area, k.col}]
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
