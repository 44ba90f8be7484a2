package main

import "slices"

// yearLayout is what a year's area table publishes, whatever its family:
// the measures printed (each once, in measure order, meetings left out),
// whether the England and Wales subtotal rows are printed, and whether the
// NSD row is.
type yearLayout struct {
	cols      []measure
	subtotals bool
	nsd       bool
}

// layoutOf reads a year's layout from its spec.
func layoutOf(fy int) yearLayout {
	var l yearLayout
	var ms []measure
	for _, s := range legacySpecs {
		if s.fy != fy {
			continue
		}
		l.subtotals = true
		for _, c := range s.cols {
			if c.cat == 0 {
				ms = append(ms, c.m)
				continue
			}
			ms = append(ms, catMeasures[c.cat-1][:]...)
		}
	}
	for _, s := range accessibleSpecs {
		if s.fy != fy {
			continue
		}
		l.subtotals, l.nsd = s.subtotals, s.nsdLabel != ""
		for _, t := range s.tables {
			for _, c := range t.cols {
				if c.m.exported() {
					ms = append(ms, c.m)
				}
			}
		}
	}
	slices.Sort(ms)
	l.cols = slices.Compact(ms)
	return l
}

// has reports whether the year publishes a measure.
func (l yearLayout) has(m measure) bool {
	_, ok := slices.BinarySearch(l.cols, m)
	return ok
}

// roundTo100 rounds a population to the nearest 100, as the MoJ publishes
// it (halves up).
func roundTo100(n int) int { return (n + 50) / 100 * 100 }

// popYear is the mid-year whose estimates a financial year's rates use:
// its own, except where the real releases used the previous one (2022-23
// on mid-2021, 2023-24 on mid-2022: domain.md, "Which population the
// published rates use") and 2025-26, for which no mid-2025 estimate
// exists yet.
func popYear(fy int) int {
	if previous[fy] {
		return fy - 1
	}
	return min(fy, lastYear)
}

// previous are the financial years whose published rates use the previous
// mid-year's estimate.
var previous = map[int]bool{2022: true, 2023: true}
