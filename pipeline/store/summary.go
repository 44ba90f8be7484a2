package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/mappa-etl/mappa/pipeline/figure"
)

// SummaryRow is one area's line of area_summary. Each published figure
// carries the marker the release printed in its place; in JSON a figure is
// its number or null.
type SummaryRow struct {
	FinancialYear     figure.FinancialYear `json:"financial_year"`
	AreaCode          string               `json:"area_code"`
	AreaName          string               `json:"area_name"`
	AreaType          string               `json:"area_type"`
	RSOs              figure.Value         `json:"rsos"`
	Violent           figure.Value         `json:"violent_offenders"`
	Terrorism         figure.Value         `json:"terrorism_offenders"`
	Total             figure.Value         `json:"total_offenders"`
	Rate              figure.Value         `json:"rso_rate_per_100k"`
	RatePublished     figure.Value         `json:"rso_rate_per_100k_published"`
	RSOGrowthPct      figure.Value         `json:"rso_growth_pct"`
	PopulationYear    *int64               `json:"population_mid_year"`
	PopulationEdition *string              `json:"population_edition"`
	Population10Plus  *int64               `json:"population_10plus"`
	// EnglandAndWalesRate is the computed national rate of the same year,
	// so each line answers "how does this area compare".
	EnglandAndWalesRate figure.Value `json:"england_and_wales_rso_rate_per_100k"`
}

// summarySelect reads SummaryRow's columns from area_summary a, with the
// England and Wales line of the same year joined as e.
const summarySelect = `SELECT a.financial_year, a.area_code, a.area_name, a.area_type, a.rsos, a.violent_offenders,
		a.terrorism_offenders, a.total_offenders,
		a.rso_rate_per_100k, a.rso_rate_per_100k_published, a.rso_growth_pct, a.population_mid_year, a.population_edition,
		a.population_10plus, e.rso_rate_per_100k
	FROM area_summary a
	LEFT JOIN area_summary e ON e.financial_year = a.financial_year AND e.area_code = 'K04000001'`

// summaryRows reads the rows of area_summary whose column key
// (financial_year or area_code) equals arg, in order, with their markers.
func (s *Store) summaryRows(ctx context.Context, key string, arg any, order string) ([]SummaryRow, error) {
	var out []SummaryRow
	q := summarySelect + " WHERE a." + key + " = ? ORDER BY " + order
	err := EachRow(ctx, s.DB, q, []any{arg}, func(rows *sql.Rows) error {
		var r SummaryRow
		err := rows.Scan(&r.FinancialYear, &r.AreaCode, &r.AreaName, &r.AreaType, &r.RSOs.Number, &r.Violent.Number,
			&r.Terrorism.Number, &r.Total.Number,
			&r.Rate.Number, &r.RatePublished.Number, &r.RSOGrowthPct.Number, &r.PopulationYear, &r.PopulationEdition,
			&r.Population10Plus, &r.EnglandAndWalesRate.Number)
		out = append(out, r)
		return err
	})
	if err != nil {
		return nil, err
	}
	markers, err := s.summaryMarkers(ctx, key, arg)
	if err != nil {
		return nil, err
	}
	for i := range out {
		r := &out[i]
		key := r.FinancialYear.String() + "|" + r.AreaCode + "|"
		r.RSOs.Marker, r.Violent.Marker = markers[key+"rsos"], markers[key+"violent_offenders"]
		r.Terrorism.Marker = markers[key+"terrorism_offenders"]
		r.Total.Marker, r.RatePublished.Marker = markers[key+"total_offenders"], markers[key+"rso_rate_per_100k_published"]
	}
	return out, nil
}

// LatestYear returns the latest loaded financial year, or "" if none.
func (s *Store) LatestYear(ctx context.Context) (figure.FinancialYear, error) {
	var y sql.NullString
	err := s.DB.QueryRowContext(ctx, "SELECT MAX(financial_year) FROM releases").Scan(&y)
	return figure.FinancialYear(y.String), err
}

// Summary reads area_summary for one financial year: the police force
// areas, highest computed RSO rate first, then the national units (which
// have no population, so no rate to rank by), then England and Wales.
func (s *Store) Summary(ctx context.Context, year figure.FinancialYear) ([]SummaryRow, error) {
	rows, err := s.summaryRows(ctx, "financial_year", year,
		"a.area_type = 'country', a.area_type = 'national_unit', a.rso_rate_per_100k DESC, a.area_name")
	if err != nil {
		return nil, fmt.Errorf("read area_summary for %s: %w", year, err)
	}
	return rows, nil
}

// AreaTrend reads an area's line of area_summary for every loaded year,
// oldest first: "how has my area changed, and how does it compare".
func (s *Store) AreaTrend(ctx context.Context, areaCode string) ([]SummaryRow, error) {
	rows, err := s.summaryRows(ctx, "area_code", areaCode, "a.financial_year")
	if err != nil {
		return nil, fmt.Errorf("read area_summary for %s: %w", areaCode, err)
	}
	return rows, nil
}

// Years returns the loaded financial years in order.
func (s *Store) Years(ctx context.Context) ([]figure.FinancialYear, error) {
	var ys []figure.FinancialYear
	err := EachRow(ctx, s.DB, "SELECT financial_year FROM releases ORDER BY financial_year", nil, func(rows *sql.Rows) error {
		var y figure.FinancialYear
		err := rows.Scan(&y)
		ys = append(ys, y)
		return err
	})
	return ys, err
}

// Estimates counts the population estimates loaded: each edition of each
// mid-year once.
func (s *Store) Estimates(ctx context.Context) (int, error) {
	var n int
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM population_sources").Scan(&n); err != nil {
		return 0, fmt.Errorf("count estimates in %s: %w", s.Path, err)
	}
	return n, nil
}

// summaryMarkers reads the markers printed in place of the figures
// area_summary shows, of the rows whose column key equals arg, keyed
// "year|area|area_summary column".
func (s *Store) summaryMarkers(ctx context.Context, key string, arg any) (map[string]string, error) {
	out := map[string]string{}
	err := EachRow(ctx, s.DB, `SELECT financial_year, area_code,
			CASE WHEN measure = 'rso_rate_per_100k' THEN 'rso_rate_per_100k_published'
				WHEN category = '1' THEN 'rsos' WHEN category = '2' THEN 'violent_offenders'
				WHEN category = '4' THEN 'terrorism_offenders' ELSE 'total_offenders' END,
			marker
		FROM observations
		WHERE value IS NULL AND marker IS NOT NULL
			AND (measure = 'rso_rate_per_100k' OR (measure = 'offenders' AND level = 'all' AND category IN ('1', '2', '4', 'all')))
			AND `+key+` = ?`,
		[]any{arg}, func(rows *sql.Rows) error {
			var y, code, col, marker string
			err := rows.Scan(&y, &code, &col, &marker)
			out[y+"|"+code+"|"+col] = marker
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("read markers: %w", err)
	}
	return out, nil
}
