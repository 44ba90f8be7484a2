package derive

import (
	"testing"

	"github.com/mappa-etl/mappa/pipeline/figure"
)

// TestCategoryIsSum pins the level rule of category_total_equals_levels,
// including the one exemption: category 3 has no level 1 (its offenders are
// managed at level 2 or 3 by definition), so a missing or "not applicable"
// level 1 is no reason to leave category 3 unchecked, while any other
// missing level is.
func TestCategoryIsSum(t *testing.T) {
	n := func(f float64) *float64 { return &f }
	obs := func(cat string, l1 *figure.Value, l2, l3, total float64) []figure.Observation {
		o := func(level string, v figure.Value) figure.Observation {
			return figure.Observation{FinancialYear: "2019-20", AreaCode: "E23000001", Sheet: "T", Cell: "B" + level,
				Column: figure.Column{Measure: figure.MeasureOffenders, Category: cat, Level: level}, Value: v}
		}
		out := []figure.Observation{o("2", figure.Value{Number: n(l2)}), o("3", figure.Value{Number: n(l3)}), o(figure.All, figure.Value{Number: n(total)})}
		if l1 != nil {
			out = append(out, o("1", *l1))
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		want   Status
		detail string
		obs    []figure.Observation
	}{
		{"category 3 without level 1", CheckPass, "total 12 equals the sum of levels", obs("3", nil, 10, 2, 12)},
		{"category 3 level 1 not applicable", CheckPass, "total 12 equals the sum of levels", obs("3", &figure.Value{Marker: "[z]"}, 10, 2, 12)},
		{"category 3 levels do not sum", CheckFail, "total 13 (Ball), levels sum to 12", obs("3", nil, 10, 2, 13)},
		{"category 3 with a level 1 figure", CheckPass, "total 13 equals the sum of levels", obs("3", &figure.Value{Number: n(1)}, 10, 2, 13)},
		{"category 1 without level 1", CheckNotChecked, "no level 1 value", obs("1", nil, 10, 2, 12)},
		{"category 2 level 1 suppressed", CheckNotChecked, "level 1 is [c]", obs("2", &figure.Value{Marker: "[c]"}, 10, 2, 12)},
		{"category 1 sums", CheckPass, "total 112 equals the sum of levels", obs("1", &figure.Value{Number: n(100)}, 10, 2, 112)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &checker{year: "2019-20", obs: tc.obs}
			c.categoryIsSum()
			if len(c.out) != 1 {
				t.Fatalf("%d results, want 1: %+v", len(c.out), c.out)
			}
			if r := c.out[0]; r.Check != CheckCategoryIsSum || r.Status != tc.want || r.Detail != tc.detail {
				t.Errorf("got %s %s %q, want %s %q", r.Check, r.Status, r.Detail, tc.want, tc.detail)
			}
		})
	}
}
