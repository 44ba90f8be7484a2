package main

import (
	"fmt"
	"io"
	"strings"

	"go.uber.org/zap"

	"github.com/mappa-etl/mappa/pipeline/derive"
	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/schema"
)

// failureGroup is the failing checks of one cause: one check in one year,
// over the areas it failed for.
type failureGroup struct {
	Year    figure.FinancialYear
	Check   string
	Areas   []string // names, in the order failed
	Details []string // one per area, as stored
}

// groupFailures groups failing checks by year and check, keeping the
// order of the first failure of each group (checks come sorted by year).
func groupFailures(fails []derive.CheckResult, year figure.FinancialYear) []*failureGroup {
	var out []*failureGroup
	index := map[string]*failureGroup{}
	for _, f := range fails {
		if year != "" && f.FinancialYear != year {
			continue
		}
		key := string(f.FinancialYear) + "\x00" + f.Check
		g := index[key]
		if g == nil {
			g = &failureGroup{Year: f.FinancialYear, Check: f.Check}
			index[key] = g
			out = append(out, g)
		}
		g.Areas = append(g.Areas, areaName(f.Subject))
		g.Details = append(g.Details, f.Detail)
	}
	return out
}

// areaName is the name of the area an ONS code stands for, or the subject
// as stored when it is no area.
func areaName(code string) string {
	for _, a := range schema.AllAreas() {
		if a.Code == code {
			return a.Name
		}
	}
	if code == schema.EnglandAndWales {
		return "England and Wales"
	}
	return code
}

// headline is one line saying what failed where: "2022-23
// rate_matches_published: 43 areas (Avon and Somerset, Bedfordshire, …)".
func (g *failureGroup) headline() string {
	names := g.Areas
	more := ""
	if len(names) > 6 {
		names, more = names[:6], fmt.Sprintf(" and %d more", len(g.Areas)-6)
	}
	return fmt.Sprintf("%s %s: %s (%s%s)", g.Year, g.Check, plural(len(g.Areas), "area"), strings.Join(names, ", "), more)
}

// hint says what would fix a failing check, in an operator's words.
func (g *failureGroup) hint() string {
	switch g.Check {
	case derive.CheckRateMatches, derive.CheckPopulationMatches:
		return fmt.Sprintf("the rates were computed on another population estimate than the release's: add the ONS estimate it used "+
			"(the MoJ has used mid-%d or mid-%d for %s): mappa add population FILE", g.Year.Start()-1, g.Year.Start(), g.Year)
	case derive.CheckPopulationReconciles:
		return "the estimate's areas do not add up to its England and Wales row: add the complete ONS file (mappa add population FILE)"
	case derive.CheckAllAreas:
		return "the release lacks areas: check the file is the whole release (mappa archive list), and relabel or withdraw it if not"
	case derive.CheckNoNegativeCount:
		return "the file holds a negative count: check the cell named against the release"
	}
	return "the release's own figures disagree (often a suppressed or revised cell): check them against the published file; nothing is wrong in mappa's copy"
}

// printFailures writes grouped failing checks, each with its first detail
// and a hint.
func printFailures(w io.Writer, groups []*failureGroup) {
	for _, g := range groups {
		fmt.Fprintf(w, "  %s\n    e.g. %s: %s\n    what to do: %s\n", g.headline(), g.Areas[0], g.Details[0], g.hint())
	}
}

// logFailures logs a warning per cause, for unattended runs whose output
// only a log reader sees.
func logFailures(log *zap.Logger, groups []*failureGroup) {
	for _, g := range groups {
		log.Warn("failing check", zap.String("financial_year", g.Year.String()), zap.String("check", g.Check),
			zap.Int("areas", len(g.Areas)), zap.Strings("area_names", g.Areas), zap.String("example", g.Details[0]), zap.String("hint", g.hint()))
	}
}
