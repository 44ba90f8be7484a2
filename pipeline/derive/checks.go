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
	c.rateMatches(rates)
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

func (c *checker) totalIsSum() {
	type agg struct {
		sum     float64
		n       int
		total   *float64
		blocked []string
	}
	cols := map[figure.Column]*agg{}
	for _, o := range c.obs {
		if o.Measure == figure.MeasureRSORate {
			continue
		}
		a := cols[o.Column]
		if a == nil {
			a = &agg{}
			cols[o.Column] = a
		}
		switch {
		case o.AreaCode == schema.EnglandAndWales:
			a.total = o.Number
		case o.Number == nil:
			a.blocked = append(a.blocked, o.AreaCode+" "+o.Marker)
		default:
			a.sum += *o.Number
			a.n++
		}
	}
	for col, a := range cols {
		subject := describe(col)
		switch {
		case a.total == nil:
			c.add(CheckTotalIsSum, subject, CheckNotChecked, "no England and Wales value")
		case len(a.blocked) > 0:
			c.add(CheckTotalIsSum, subject, CheckNotChecked, "areas without a value: %s", strings.Join(a.blocked, ", "))
		case a.n != len(schema.Areas()):
			c.add(CheckTotalIsSum, subject, CheckNotChecked, "only %d of %d areas have a value", a.n, len(schema.Areas()))
		case math.Abs(a.sum-*a.total) > 1e-6:
			c.add(CheckTotalIsSum, subject, CheckFail, "England and Wales %s, sum of areas %s", num(*a.total), num(a.sum))
		default:
			c.add(CheckTotalIsSum, subject, CheckPass, "England and Wales %s equals the sum of areas", num(*a.total))
		}
	}
}

func (c *checker) categoryIsSum() {
	type key struct{ area, cat string }
	levels := map[key]map[string]figure.Observation{}
	for _, o := range c.obs {
		if o.Measure != figure.MeasureOffenders || o.Category == figure.All {
			continue
		}
		k := key{o.AreaCode, o.Category}
		if levels[k] == nil {
			levels[k] = map[string]figure.Observation{}
		}
		levels[k][o.Level] = o
	}
	for k, ls := range levels {
		subject := fmt.Sprintf("%s category %s", k.area, k.cat)
		total, ok := ls[figure.All]
		if !ok || total.Number == nil {
			c.add(CheckCategoryIsSum, subject, CheckNotChecked, "no category total")
			continue
		}
		sum, problem := 0.0, ""
		for _, l := range []string{"1", "2", "3"} {
			o, ok := ls[l]
			switch {
			case k.cat == "3" && l == "1" && (!ok || o.Number == nil):
				// Category 3 offenders are managed at level 2 or 3 by definition.
			case !ok:
				problem = "no level " + l + " value"
			case o.Number == nil:
				problem = fmt.Sprintf("level %s is %s", l, o.Marker)
			default:
				sum += *o.Number
			}
		}
		switch {
		case problem != "":
			c.add(CheckCategoryIsSum, subject, CheckNotChecked, "%s", problem)
		case math.Abs(sum-*total.Number) > 1e-6:
			c.add(CheckCategoryIsSum, subject, CheckFail, "total %s (%s), levels sum to %s", num(*total.Number), total.Cell, num(sum))
		default:
			c.add(CheckCategoryIsSum, subject, CheckPass, "total %s equals the sum of levels", num(sum))
		}
	}
}

func (c *checker) rateMatches(rates []RSORate) {
	computed := map[string]RSORate{}
	for _, r := range rates {
		if r.FinancialYear == c.year {
			computed[r.AreaCode] = r
		}
	}
	for _, o := range c.obs {
		if o.Measure != figure.MeasureRSORate {
			continue
		}
		r, ok := computed[o.AreaCode]
		switch {
		case o.Number == nil:
			c.add(CheckRateMatches, o.AreaCode, CheckNotChecked, "published rate is %s", o.Marker)
		case !ok:
			c.add(CheckRateMatches, o.AreaCode, CheckNotChecked, "no computed rate (no RSO count or no population estimate)")
		default:
			// Within rounding of the published precision.
			tolerance := 0.5
			if *o.Number != math.Trunc(*o.Number) {
				tolerance = 0.05
			}
			status := CheckPass
			if math.Abs(r.RatePer100k-*o.Number) > tolerance+1e-9 {
				status = CheckFail
			}
			c.add(CheckRateMatches, o.AreaCode, status, "computed %.2f (mid-%d population), published %s", r.RatePer100k, r.PopulationMidYear, num(*o.Number))
		}
	}
}

func (c *checker) noNegative() {
	var bad []string
	for _, o := range c.obs {
		if o.Number != nil && *o.Number < 0 {
			bad = append(bad, fmt.Sprintf("%s %s at %s!%s", o.AreaCode, describe(o.Column), o.Sheet, o.Cell))
		}
	}
	if len(bad) > 0 {
		c.add(CheckNoNegativeCount, "all", CheckFail, "negative values: %s", strings.Join(bad, "; "))
		return
	}
	c.add(CheckNoNegativeCount, "all", CheckPass, "%d values, none negative", len(c.obs))
}

func describe(col figure.Column) string {
	return fmt.Sprintf("%s category %s level %s", col.Measure, col.Category, col.Level)
}

func num(f float64) string {
	if f == math.Trunc(f) {
		return fmt.Sprintf("%.0f", f)
	}
	return fmt.Sprintf("%g", f)
}
