package pipeline

import (
	"context"
	"database/sql"
)

// SummaryRow is one area's line of area_summary.
type SummaryRow struct {
	FinancialYear    string   `json:"financial_year"`
	AreaCode         string   `json:"area_code"`
	AreaName         string   `json:"area_name"`
	RSOs             *float64 `json:"rsos"`
	Violent          *float64 `json:"violent_offenders"`
	Total            *float64 `json:"total_offenders"`
	Rate             *float64 `json:"rso_rate_per_100k"`
	RatePublished    *float64 `json:"rso_rate_per_100k_published"`
	RSOGrowthPct     *float64 `json:"rso_growth_pct"`
	PopulationYear   *int64   `json:"population_mid_year"`
	Population10Plus *int64   `json:"population_10plus"`
}

// LatestYear returns the latest loaded financial year, or "" if none.
func (s *Store) LatestYear(ctx context.Context) (string, error) {
	var y sql.NullString
	err := s.DB.QueryRowContext(ctx, "SELECT MAX(financial_year) FROM releases").Scan(&y)
	return y.String, err
}

// Summary reads area_summary for one financial year, highest computed RSO
// rate first, England and Wales last.
func (s *Store) Summary(ctx context.Context, year string) ([]SummaryRow, error) {
	var out []SummaryRow
	err := query(ctx, s.DB, `SELECT financial_year, area_code, area_name, rsos, violent_offenders, total_offenders,
			rso_rate_per_100k, rso_rate_per_100k_published, rso_growth_pct, population_mid_year, population_10plus
		FROM area_summary WHERE financial_year = ?
		ORDER BY area_code = 'K04000001', rso_rate_per_100k DESC, area_name`, []any{year},
		func(rows *sql.Rows) error {
			var r SummaryRow
			err := rows.Scan(&r.FinancialYear, &r.AreaCode, &r.AreaName, &r.RSOs, &r.Violent, &r.Total,
				&r.Rate, &r.RatePublished, &r.RSOGrowthPct, &r.PopulationYear, &r.Population10Plus)
			out = append(out, r)
			return err
		})
	return out, err
}

// Years returns the loaded financial years in order.
func (s *Store) Years(ctx context.Context) ([]string, error) {
	var ys []string
	err := query(ctx, s.DB, "SELECT financial_year FROM releases ORDER BY financial_year", nil, func(rows *sql.Rows) error {
		var y string
		err := rows.Scan(&y)
		ys = append(ys, y)
		return err
	})
	return ys, err
}
