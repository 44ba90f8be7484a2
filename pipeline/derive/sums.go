package derive

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/schema"
)

// notApplicable reports whether a marker says there is no such figure
// ("[z]", "n/a"), rather than one that exists but is not shown: it adds
// nothing to a sum and does not stop one being checked, and a check of a
// figure that does not apply is not made at all (no row, rather than a
// not_checked row for every category the NSD has no part in).
func notApplicable(marker string) bool {
	return figure.MarkerMeaning(marker) == "not applicable"
}

func (c *checker) totalIsSum() {
	// National units (the NSD) are in the England and Wales total but are
	// not among the 42 areas every column needs.
	national := map[string]bool{}
	for _, u := range schema.NationalUnits() {
		national[u.Code] = true
	}
	type agg struct {
		sum     float64
		n       int
		total   *float64
		totalNA bool // the total is "not applicable": nothing to check
		blocked []string
	}
	cols := map[figure.Column]*agg{}
	for _, o := range c.obs {
		if o.Measure == figure.MeasureRSORate || o.Measure == figure.MeasurePopulation {
			continue
		}
		a := cols[o.Column]
		if a == nil {
			a = &agg{}
			cols[o.Column] = a
		}
		switch {
		case o.AreaCode == schema.EnglandAndWales:
			a.total, a.totalNA = o.Number, o.Number == nil && notApplicable(o.Marker)
		case o.Number == nil && notApplicable(o.Marker):
			// Nothing to add: the NSD's categories 1 to 3, say.
			if !national[o.AreaCode] {
				a.n++
			}
		case o.Number == nil:
			a.blocked = append(a.blocked, o.AreaCode+" "+o.Marker)
		default:
			a.sum += *o.Number
			if !national[o.AreaCode] {
				a.n++
			}
		}
	}
	for col, a := range cols {
		subject := col.String()
		switch {
		case a.totalNA:
			continue
		case a.total == nil:
			c.add(CheckTotalIsSum, subject, CheckNotChecked, "no England and Wales value")
		case len(a.blocked) > 0:
			c.add(CheckTotalIsSum, subject, CheckNotChecked, "areas without a value: %s", strings.Join(a.blocked, ", "))
		case a.n != len(schema.Areas()):
			c.add(CheckTotalIsSum, subject, CheckNotChecked, "only %d of %d areas have a value", a.n, len(schema.Areas()))
		case math.Abs(a.sum-*a.total) > 1e-6:
			c.add(CheckTotalIsSum, subject, CheckFail, "England and Wales %s, sum of areas and national units %s", num(*a.total), num(a.sum))
		default:
			c.add(CheckTotalIsSum, subject, CheckPass, "England and Wales %s equals the sum of areas and national units", num(*a.total))
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
		if ok && total.Number == nil && notApplicable(total.Marker) {
			continue // a category the area has no part in (the NSD's 1 to 3)
		}
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

// totalIsCategories checks each area's total MAPPA-eligible offenders
// against the sum of its category totals, category 4 included where the
// year has it.
func (c *checker) totalIsCategories() {
	type sums struct {
		total   *figure.Observation
		sum     float64
		cats    []string
		blocked []string
	}
	areas := map[string]*sums{}
	for i, o := range c.obs {
		if o.Measure != figure.MeasureOffenders || o.Level != figure.All {
			continue
		}
		s := areas[o.AreaCode]
		if s == nil {
			s = &sums{}
			areas[o.AreaCode] = s
		}
		switch {
		case o.Category == figure.All:
			s.total = &c.obs[i]
		case o.Number != nil:
			s.sum += *o.Number
			s.cats = append(s.cats, o.Category)
		case !notApplicable(o.Marker):
			s.blocked = append(s.blocked, fmt.Sprintf("category %s is %s", o.Category, o.Marker))
		}
	}
	for code, s := range areas {
		switch {
		case s.total == nil || s.total.Number == nil:
			continue // no total to check: nothing the release claims
		case len(s.blocked) > 0:
			c.add(CheckTotalIsCategories, code, CheckNotChecked, "%s", strings.Join(s.blocked, ", "))
		case len(s.cats) == 0:
			c.add(CheckTotalIsCategories, code, CheckNotChecked, "no category totals")
		case math.Abs(s.sum-*s.total.Number) > 1e-6:
			c.add(CheckTotalIsCategories, code, CheckFail, "total %s (%s), categories sum to %s",
				num(*s.total.Number), s.total.Cell, num(s.sum))
		default:
			c.add(CheckTotalIsCategories, code, CheckPass, "total %s equals the sum of categories %s",
				num(s.sum), strings.Join(sorted(s.cats), ", "))
		}
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

// breachSplit checks, for an area whose release publishes breaches of
// notification requirements both as one figure and as cautions and
// convictions apart, that the two add up to the one: area_summary prefers
// the one figure, so a disagreement would otherwise pass unseen.
func (c *checker) breachSplit() {
	type parts struct{ combined, cautioned, convicted *figure.Observation }
	areas := map[string]*parts{}
	for i, o := range c.obs {
		if o.Level != figure.All {
			continue
		}
		p := areas[o.AreaCode]
		if p == nil {
			p = &parts{}
			areas[o.AreaCode] = p
		}
		switch o.Measure {
		case figure.MeasureBreachConvictions:
			p.combined = &c.obs[i]
		case figure.MeasureBreachCautioned:
			p.cautioned = &c.obs[i]
		case figure.MeasureBreachConvicted:
			p.convicted = &c.obs[i]
		}
	}
	for code, p := range areas {
		switch {
		case p.combined == nil || p.cautioned == nil && p.convicted == nil:
			continue // published one way only: nothing to compare
		case p.cautioned == nil || p.convicted == nil:
			c.add(CheckBreachSplit, code, CheckNotChecked, "cautions or convictions missing beside the combined figure")
		case !p.combined.Known() || !p.cautioned.Known() || !p.convicted.Known():
			c.add(CheckBreachSplit, code, CheckNotChecked, "a marker among the three figures")
		case math.Abs(p.combined.Float()-p.cautioned.Float()-p.convicted.Float()) > 1e-6:
			c.add(CheckBreachSplit, code, CheckFail, "cautioned or convicted %s (%s), cautioned %s + convicted %s",
				num(p.combined.Float()), p.combined.Cell, num(p.cautioned.Float()), num(p.convicted.Float()))
		default:
			c.add(CheckBreachSplit, code, CheckPass, "cautioned %s + convicted %s = %s",
				num(p.cautioned.Float()), num(p.convicted.Float()), num(p.combined.Float()))
		}
	}
}
