package derive

import (
	"fmt"
	"sort"
	"strings"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/schema"
)

// CheckPopulationReconciles records, for each release, that the estimate
// its rates use adds up: its 42 areas sum to the England and Wales row of
// the file it came from. A file that does not add up is never loaded, so
// the check passes, or is not checked when the file has no such row.
const CheckPopulationReconciles = "population_reconciles_to_england_and_wales"

// Reconciled is how one estimate (a mid-year in one edition) was read:
// from File, its areas reconciled to the England and Wales row at Cell,
// or Cell "" when the file has none.
type Reconciled struct {
	MidYear    figure.MidYear
	Edition    figure.Edition
	File, Cell string
}

// ReconciliationChecks records CheckPopulationReconciles for every release
// with a rate basis.
func ReconciliationChecks(bases map[figure.FinancialYear]Basis, pops []figure.Population, read []Reconciled) []CheckResult {
	ew := map[estimate]int64{}
	for _, p := range pops {
		if p.AreaCode == schema.EnglandAndWales {
			ew[estimate{p.MidYear, p.Edition}] = p.Persons10Plus
		}
	}
	how := map[estimate]Reconciled{}
	for _, r := range read {
		how[estimate{r.MidYear, r.Edition}] = r
	}
	var out []CheckResult
	for year, b := range bases {
		e := estimate{b.MidYear, b.Edition}
		r, ok := how[e]
		if !ok {
			continue
		}
		c := CheckResult{FinancialYear: year, Check: CheckPopulationReconciles, Subject: schema.EnglandAndWales}
		if r.Cell == "" {
			c.Status = CheckNotChecked
			// A file may have no such row, or have been loaded before
			// mappa reconciled estimates (a database from before
			// issue 14's migration); a rebuild reads it again.
			c.Detail = fmt.Sprintf("%s: not reconciled: %s has no England and Wales row, or was loaded before estimates were reconciled (mappa rebuild reconciles it)", describeEstimate(e), r.File)
		} else {
			c.Status = CheckPass
			c.Detail = fmt.Sprintf("%s: the 42 areas add up to %s aged 10 and over, the England and Wales row of %s at %s",
				describeEstimate(e), num(float64(ew[e])), r.File, r.Cell)
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].FinancialYear < out[j].FinancialYear })
	return out
}

// describeEstimate names an estimate in words: "mid-2021 (edition of
// 2022-06-28)".
func describeEstimate(e estimate) string {
	return "mid-" + e.mid.String() + editionNote(e.edition, " (")
}

// editionNote is "edition of 2022-06-28" after sep, closed by a
// parenthesis when sep opens one; nothing for no edition.
func editionNote(e figure.Edition, sep string) string {
	if e == "" {
		return ""
	}
	s := sep + "edition of " + e.String()
	if strings.HasSuffix(sep, "(") {
		s += ")"
	}
	return s
}
