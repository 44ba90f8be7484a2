package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/agnivade/levenshtein"
)

// closest returns the candidates nearest to s by edit distance, ignoring
// case, best first: those within a third of the longer word's length
// (at least 2 edits), so that "Esex" finds "Essex" and "summery" finds
// "summary" while "x" finds nothing. A candidate that starts with s
// counts as close, so "north" finds the Norths.
func closest(s string, candidates []string, limit int) []string {
	type scored struct {
		name string
		d    int
	}
	low := strings.ToLower(strings.TrimSpace(s))
	var near []scored
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := levenshtein.ComputeDistance(low, lc)
		if len(low) >= 3 && strings.HasPrefix(lc, low) {
			d = min(d, 1)
		}
		if d <= max(2, max(len(low), len(lc))/3) {
			near = append(near, scored{c, d})
		}
	}
	sort.SliceStable(near, func(i, j int) bool { return near[i].d < near[j].d })
	var out []string
	for _, n := range near {
		if len(out) == limit {
			break
		}
		out = append(out, n.name)
	}
	return out
}

// didYouMean is "; did you mean summary?" for the closest candidates, or
// "" when none is close.
func didYouMean(s string, candidates []string) string {
	near := closest(s, candidates, 3)
	if len(near) == 0 {
		return ""
	}
	return "; did you mean " + orList(near) + "?"
}

// orList writes "a", "a or b", "a, b or c".
func orList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return fmt.Sprintf("%s or %s", strings.Join(items[:len(items)-1], ", "), items[len(items)-1])
}
