package derive

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/schema"
)

// Status is the outcome of a check, stored in check_results.status. A
// check that cannot be made (a suppressed cell, no population) is recorded
// as not checked, never as passed.
type Status string

// The check statuses.
const (
	CheckPass       Status = "pass"
	CheckFail       Status = "fail"
	CheckNotChecked Status = "not_checked"
)

// Check names, stored in check_results.check_name.
const (
	CheckAllAreas        = "all_areas_present"
	CheckTotalIsSum      = "total_equals_sum_of_areas"
	CheckCategoryIsSum   = "category_total_equals_levels"
	CheckRateMatches     = "rate_matches_published"
	CheckNoNegativeCount = "no_negative_counts"
	// CheckTotalIsCategories compares an area's total MAPPA-eligible
	// offenders with the sum of its category totals (1 to 4).
	CheckTotalIsCategories = "total_equals_sum_of_categories"
	// CheckBreachSplit compares a combined breach figure with the
	// cautions and convictions, where a release publishes all three.
	CheckBreachSplit = "breach_split_equals_combined"
	// CheckPopulationMatches compares the population aged 10+ a release
	// published with the estimate mappa computed its rate on.
	CheckPopulationMatches = "population_matches_published"
)

// CheckResult is the outcome of one consistency check on one subject.
type CheckResult struct {
	FinancialYear          figure.FinancialYear
	Check, Subject, Detail string
	Status                 Status
}

// RunChecks checks one financial year's observations and computed rates.
func RunChecks(year figure.FinancialYear, obs []figure.Observation, rates []RSORate) []CheckResult {
	// Copied only if obs holds other years: refreshDerived passes one
	// year's, and copying a large year's cost more than checking it.
	n := 0
	for _, o := range obs {
		if o.FinancialYear == year {
			n++
		}
	}
	mine := obs
	if n != len(obs) {
		mine = make([]figure.Observation, 0, n)
		for _, o := range obs {
			if o.FinancialYear == year {
				mine = append(mine, o)
			}
		}
	}
	c := &checker{year: year, obs: mine}
	c.allAreas()
	c.totalIsSum()
	c.categoryIsSum()
	c.totalIsCategories()
	c.breachSplit()
	c.rateMatches(rates)
	c.populationMatches(rates)
	c.noNegative()
	sort.Slice(c.out, func(i, j int) bool {
		if c.out[i].Check != c.out[j].Check {
			return c.out[i].Check < c.out[j].Check
		}
		return c.out[i].Subject < c.out[j].Subject
	})
	return c.out
}

type checker struct {
	year figure.FinancialYear
	obs  []figure.Observation
	out  []CheckResult
}

func (c *checker) add(check, subject string, status Status, format string, args ...any) {
	c.out = append(c.out, CheckResult{FinancialYear: c.year, Check: check, Subject: subject, Status: status,
		Detail: fmt.Sprintf(format, args...)})
}

func (c *checker) allAreas() {
	have := map[string]bool{}
	for _, o := range c.obs {
		if o.IsRSOCount() {
			have[o.AreaCode] = true
		}
	}
	var missing []string
	for _, a := range append(schema.Areas(), schema.Area{Code: schema.EnglandAndWales, Name: "England and Wales total"}) {
		if !have[a.Code] {
			missing = append(missing, a.Name)
		}
	}
	if len(missing) > 0 {
		c.add(CheckAllAreas, "areas", CheckFail, "no RSO count for %s", strings.Join(missing, ", "))
		return
	}
	c.add(CheckAllAreas, "areas", CheckPass, "42 areas and the England and Wales total each present once")
}

func (c *checker) rateMatches(rates []RSORate) {
	c.againstRates(rates, figure.MeasureRSORate, CheckRateMatches, "rate",
		"no computed rate (no RSO count or no population estimate)",
		func(o figure.Observation, r RSORate) (bool, string) {
			ok := math.Abs(r.RatePer100k-*o.Number) <= rateTolerance(*o.Number)+1e-9
			return ok, fmt.Sprintf("computed %.2f (mid-%d population%s), published %s", r.RatePer100k, r.PopulationMidYear, editionNote(r.PopulationEdition, ", "), num(*o.Number))
		})
}

// rateTolerance is half the last digit a rate is published to: whole
// numbers are within 0.5, one decimal place within 0.05.
func rateTolerance(published float64) float64 {
	if published != math.Trunc(published) {
		return 0.05
	}
	return 0.5
}

// againstRates makes check for each published figure of measure against
// the year's computed rate of its area, by agree. A figure that does not
// apply is no check to make; one published as a marker, or with nothing
// computed to compare (absent), is not checked.
func (c *checker) againstRates(rates []RSORate, measure, check, what, absent string,
	agree func(figure.Observation, RSORate) (bool, string)) {
	computed := map[string]RSORate{}
	for _, r := range rates {
		if r.FinancialYear == c.year {
			computed[r.AreaCode] = r
		}
	}
	for _, o := range c.obs {
		if o.Measure != measure || o.Number == nil && notApplicable(o.Marker) {
			continue
		}
		r, ok := computed[o.AreaCode]
		switch {
		case o.Number == nil:
			c.add(check, o.AreaCode, CheckNotChecked, "published %s is %s", what, o.Marker)
		case !ok:
			c.add(check, o.AreaCode, CheckNotChecked, "%s", absent)
		default:
			status := CheckFail
			agrees, detail := agree(o, r)
			if agrees {
				status = CheckPass
			}
			c.add(check, o.AreaCode, status, "%s", detail)
		}
	}
}

func (c *checker) noNegative() {
	var bad []string
	for _, o := range c.obs {
		if o.Number != nil && *o.Number < 0 {
			bad = append(bad, fmt.Sprintf("%s %s at %s!%s", o.AreaCode, o.Column, o.Sheet, o.Cell))
		}
	}
	if len(bad) > 0 {
		c.add(CheckNoNegativeCount, "all", CheckFail, "negative values: %s", strings.Join(bad, "; "))
		return
	}
	c.add(CheckNoNegativeCount, "all", CheckPass, "%d values, none negative", len(c.obs))
}

func num(f float64) string {
	if f == math.Trunc(f) {
		return fmt.Sprintf("%.0f", f)
	}
	return fmt.Sprintf("%g", f)
}

// populationMatches compares each published population aged 10+ (rounded
// by the release to the nearest 100) with the estimate the computed rate
// used: a difference beyond the rounding means the release used another
// estimate, or another edition of it.
func (c *checker) populationMatches(rates []RSORate) {
	c.againstRates(rates, figure.MeasurePopulation, CheckPopulationMatches, "population",
		"no population estimate to compare (no computed rate)",
		func(o figure.Observation, r RSORate) (bool, string) {
			ok := math.Abs(float64(r.Population10Plus)-*o.Number) <= publishedPopulationRounding/2
			return ok, fmt.Sprintf("published %s (%s!%s), mid-%d estimate %d%s", num(*o.Number), o.Sheet, o.Cell, r.PopulationMidYear, r.Population10Plus,
				editionNote(r.PopulationEdition, " ("))
		})
}

// publishedPopulationRounding is what the MoJ rounds the population aged
// 10+ to in its area tables.
const publishedPopulationRounding = 100
