package store

import (
	"context"
	"fmt"
	"testing"

	"github.com/mappa-etl/mappa/pipeline/extract"
	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
)

// realShaped2024 is the real-shaped accessible 2024-25 table, extracted,
// and the header it has of no known measure.
func realShaped2024(t *testing.T) (pipelinetest.Shape, *extract.Result, string) {
	t.Helper()
	s := pipelinetest.Shape{Year: "2024-25", Accessible: true}
	wb, _, unmapped := pipelinetest.RealShaped(s)
	ex, err := extract.New().Extract(wb, s.Year)
	if err != nil {
		t.Fatal(err)
	}
	return s, ex, unmapped
}

// TestRealShaped2024Loads loads a real-shaped 2024-25 table and reads it
// back as an analyst would: the National Security Division has its row in
// area_summary with no population and no rate, the England and Wales total
// checks against the areas and the NSD, the breach series is the sum of
// the published cautions and convictions (flagged as derived), and the
// column of no known measure is recorded with its cell.
func TestRealShaped2024Loads(t *testing.T) {
	ctx := context.Background()
	st := openTestStore(t)
	s, ex, unmapped := realShaped2024(t)
	if err := st.LoadPopulation(ctx, src("population", "2024"), testEstimate(figure.PopulationSource{Sheet: "MYE2 - Persons", Level: "police force area"}, testPopulation(2024))); err != nil {
		t.Fatal(err)
	}
	rel := Release{FinancialYear: s.Year, Unmapped: ex.Unmapped}
	if err := st.LoadAreaTables(ctx, rel, src("area-tables", s.Year.String()), ex.Observations); err != nil {
		t.Fatal(err)
	}
	cautioned := pipelinetest.RealValue(10, figure.Column{Measure: figure.MeasureBreachCautioned, Category: "1", Level: figure.All})
	convicted := pipelinetest.RealValue(10, figure.Column{Measure: figure.MeasureBreachConvicted, Category: "1", Level: figure.All})
	for _, tc := range []struct {
		name, query string
		want        any
	}{
		{"NSD row", `SELECT area_type || '|' || area_name || '|' || terrorism_offenders || '|' || COALESCE(rsos, 'null') || '|' ||
				COALESCE(population_10plus, 'null') || '|' || COALESCE(rso_rate_per_100k, 'null')
			FROM area_summary WHERE area_code = 'NSD'`,
			fmt.Sprintf("national_unit|National Security Division|%.0f|null|null|null",
				pipelinetest.RealValue(50, figure.Column{Measure: figure.MeasureOffenders, Category: "4", Level: figure.All}).Float())},
		{"Essex breaches, derived", `SELECT rso_breach_convictions FROM area_summary WHERE area_code = 'E23000028'`, int64(cautioned.Float() + convicted.Float())},
		{"flagged as derived", `SELECT rso_breach_convictions_derived FROM area_summary WHERE area_code = 'E23000028'`, int64(1)},
		{"both cells traceable", `SELECT group_concat(sheet || '!' || cell, ' ') FROM (SELECT sheet, cell FROM observations
			WHERE area_code = 'E23000028' AND measure IN ('rso_breach_cautioned', 'rso_breach_convicted') ORDER BY measure)`, "Table_2!F16 Table_2!G16"},
		{"E&W category 4 = areas + NSD", `SELECT status FROM check_results WHERE check_name = 'total_equals_sum_of_areas'
			AND subject = 'offenders category 4 level all'`, "pass"},
		{"unmapped recorded", `SELECT sheet || '!' || cell || ' ' || header FROM unmapped_columns`, "Table_2!J4 " + unmapped},
		{"NSD has no rate", `SELECT COUNT(*) FROM rso_rates WHERE area_code = 'NSD'`, int64(0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got any
			if err := st.DB.QueryRowContext(ctx, tc.query).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if f, ok := got.(float64); ok && f == float64(int64(f)) {
				if _, wantInt := tc.want.(int64); wantInt {
					got = int64(f)
				}
			}
			if got != tc.want {
				t.Errorf("%s = %#v, want %#v", tc.query, got, tc.want)
			}
		})
	}
}

// TestUnmappedColumnsReplaced: loading a year again replaces its record of
// unmapped columns with the new file's, never adds to it.
func TestUnmappedColumnsReplaced(t *testing.T) {
	ctx := context.Background()
	st := openTestStore(t)
	s, ex, _ := realShaped2024(t)
	for i, unmapped := range [][]figure.UnmappedColumn{ex.Unmapped, ex.Unmapped, {{Sheet: "Table_9", Cell: "C4", Header: "Another"}}} {
		f := src("area-tables", fmt.Sprint(s.Year, i))
		if err := st.LoadAreaTables(ctx, Release{FinancialYear: s.Year, Unmapped: unmapped}, f, ex.Observations); err != nil {
			t.Fatal(err)
		}
		var got string
		if err := st.DB.QueryRowContext(ctx, `SELECT group_concat(sheet || '!' || cell || ' ' || header || ' ' || substr(source_sha256, 1, 8), '; ')
			FROM unmapped_columns`).Scan(&got); err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("%s!%s %s %s", unmapped[0].Sheet, unmapped[0].Cell, unmapped[0].Header, f.SHA256[:8])
		if got != want {
			t.Errorf("load %d: unmapped_columns = %q, want %q", i+1, got, want)
		}
	}
}
