package derive

import (
	"math"
	"slices"

	"github.com/mappa-etl/mappa/pipeline/figure"
)

// Basis is the population estimate a release's rates are computed on: the
// one that reproduces the rates (and the population aged 10+, where the
// release prints it) the release published, or failing that the rule's.
type Basis struct {
	MidYear figure.MidYear
	// Found is true when MidYear reproduces every published rate; false
	// when no loaded estimate does, and MidYear is the rule's: mid-YYYY
	// for YYYY-YY, or the latest earlier one.
	Found bool
	// Reproduced of Published areas (England and Wales among them) have a
	// published rate that MidYear reproduces.
	Reproduced, Published int
}

// RateBases finds each release's basis. A release can only have used an
// estimate of a mid-year no later than its own first year's, so those are
// the candidates; of those reproducing every published rate (within the
// rounding of the published precision) and population (within 50), its
// own year's wins, else the latest. Years without published rates get the
// rule's estimate.
func RateBases(obs []figure.Observation, pops []figure.Population) map[figure.FinancialYear]Basis {
	type key struct {
		mid  figure.MidYear
		area string
	}
	pop := map[key]int64{}
	var mids []figure.MidYear
	for _, p := range pops {
		if _, ok := pop[key{p.MidYear, p.AreaCode}]; !ok && !slices.Contains(mids, p.MidYear) {
			mids = append(mids, p.MidYear)
		}
		pop[key{p.MidYear, p.AreaCode}] = p.Persons10Plus
	}
	type published struct {
		rsos, rate, population *float64
	}
	years := map[figure.FinancialYear]map[string]*published{}
	for _, o := range obs {
		if years[o.FinancialYear] == nil {
			years[o.FinancialYear] = map[string]*published{}
		}
		p := years[o.FinancialYear][o.AreaCode]
		if p == nil {
			p = &published{}
			years[o.FinancialYear][o.AreaCode] = p
		}
		switch {
		case o.IsRSOCount():
			p.rsos = o.Number
		case o.Measure == figure.MeasureRSORate:
			p.rate = o.Number
		case o.Measure == figure.MeasurePopulation:
			p.population = o.Number
		}
	}
	out := map[figure.FinancialYear]Basis{}
	for year, areas := range years {
		start := figure.MidYear(year.Start())
		reproduces := func(mid figure.MidYear) (n, of int) {
			for area, p := range areas {
				if p.rsos == nil || p.rate == nil {
					continue
				}
				of++
				n10, ok := pop[key{mid, area}]
				if !ok || n10 <= 0 {
					continue
				}
				rate := *p.rsos * 100000 / float64(n10)
				if math.Abs(rate-*p.rate) > rateTolerance(*p.rate)+1e-9 {
					continue
				}
				if p.population != nil && math.Abs(float64(n10)-*p.population) > publishedPopulationRounding/2 {
					continue
				}
				n++
			}
			return n, of
		}
		rule, ruleFound := figure.MidYear(0), false
		for _, m := range mids {
			if m <= start && (!ruleFound || m > rule) {
				rule, ruleFound = m, true
			}
		}
		if !ruleFound {
			continue // no estimate to compute a rate on
		}
		b := Basis{MidYear: rule}
		b.Reproduced, b.Published = reproduces(rule)
		if b.Published == 0 {
			out[year] = b
			continue
		}
		best, found := figure.MidYear(0), false
		for _, m := range mids {
			if m > start {
				continue
			}
			if n, of := reproduces(m); n == of && (!found || m == start || best != start && m > best) {
				best, found = m, true
			}
		}
		if found {
			b.MidYear, b.Found = best, true
			b.Reproduced, b.Published = reproduces(best)
		}
		out[year] = b
	}
	return out
}
