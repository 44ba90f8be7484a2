package derive

import (
	"math"
	"slices"
	"strings"

	"github.com/mappa-etl/mappa/pipeline/figure"
)

// Basis is the population estimate a release's rates are computed on: the
// one that reproduces the rates (and the population aged 10+, where the
// release prints it) the release published, or failing that the rule's.
type Basis struct {
	MidYear figure.MidYear
	Edition figure.Edition
	// Found is true when the estimate reproduces every published rate;
	// false when no loaded estimate does, and it is the rule's: mid-YYYY
	// for YYYY-YY, or the latest earlier one, in its latest edition.
	Found bool
	// Reproduced of Published areas (England and Wales among them) have a
	// published rate that the estimate reproduces.
	Reproduced, Published int
}

// estimate is one edition of one mid-year.
type estimate struct {
	mid     figure.MidYear
	edition figure.Edition
}

// RateBases finds each release's basis. A release can only have used an
// estimate of a mid-year no later than its own first year's, so those are
// the candidates, every edition of each; of those reproducing every
// published rate (within the rounding of the published precision) and
// population (within 50), the latest mid-year wins (its own year's, when
// that reproduces), and of two editions of that mid-year that both
// reproduce, the earlier, the one the MoJ is sure to have had. Years
// without published rates get the rule's estimate.
func RateBases(obs []figure.Observation, pops []figure.Population) map[figure.FinancialYear]Basis {
	type key struct {
		estimate
		area string
	}
	pop := map[key]int64{}
	var ests []estimate
	for _, p := range pops {
		e := estimate{p.MidYear, p.Edition}
		if !slices.Contains(ests, e) {
			ests = append(ests, e)
		}
		pop[key{e, p.AreaCode}] = p.Persons10Plus
	}
	// Latest mid-year first, and within one its earliest edition first:
	// the first estimate that reproduces is the one preferred.
	slices.SortFunc(ests, func(a, b estimate) int {
		if a.mid != b.mid {
			return int(b.mid - a.mid)
		}
		return strings.Compare(string(a.edition), string(b.edition))
	})
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
		reproduces := func(e estimate) (n, of int) {
			for area, p := range areas {
				if p.rsos == nil || p.rate == nil {
					continue
				}
				of++
				n10, ok := pop[key{e, area}]
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
		// The rule: the latest mid-year no later than the release's
		// first, in its latest edition.
		var rule estimate
		for _, e := range ests {
			if e.mid <= start && (rule.mid == 0 || e.mid == rule.mid && e.edition > rule.edition) {
				rule = e
			}
		}
		if rule.mid == 0 {
			continue // no estimate to compute a rate on
		}
		b := Basis{MidYear: rule.mid, Edition: rule.edition}
		b.Reproduced, b.Published = reproduces(rule)
		if b.Published == 0 {
			out[year] = b
			continue
		}
		var best estimate
		for _, e := range ests {
			if e.mid > start {
				continue
			}
			if n, of := reproduces(e); n == of {
				best = e
				break
			}
		}
		if best.mid != 0 {
			b.MidYear, b.Edition, b.Found = best.mid, best.edition, true
			b.Reproduced, b.Published = reproduces(best)
		}
		out[year] = b
	}
	return out
}
