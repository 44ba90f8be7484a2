package pipeline

import (
	"context"
	"database/sql"
	"fmt"
)

// refreshDerived recomputes rates, growth and checks for every loaded year
// inside the load's transaction. A load of one year changes the growth of
// the next and a new population changes every rate that uses it, so the
// derived tables are rebuilt whole; at a few thousand rows this costs
// milliseconds and cannot drift out of step.
func refreshDerived(ctx context.Context, tx *sql.Tx) error {
	obs, err := readObservations(ctx, tx)
	if err != nil {
		return err
	}
	pops, err := readPopulation(ctx, tx)
	if err != nil {
		return err
	}
	rates := ComputeRates(obs, pops)
	growth := ComputeGrowth(obs)
	years := map[string]bool{}
	for _, o := range obs {
		years[o.FinancialYear] = true
	}
	for _, table := range []string{"rso_rates", "growth", "check_results"} {
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+table); err != nil {
			return err
		}
	}
	for _, r := range rates {
		if _, err := tx.ExecContext(ctx, `INSERT INTO rso_rates (financial_year, area_code, rsos, population_mid_year, population_10plus, rso_rate_per_100k)
			VALUES (?, ?, ?, ?, ?, ?)`, r.FinancialYear, r.AreaCode, r.RSOs, r.PopulationMidYear, r.Population10Plus, r.RatePer100k); err != nil {
			return fmt.Errorf("insert rate %s %s: %w", r.FinancialYear, r.AreaCode, err)
		}
	}
	gstmt, err := tx.PrepareContext(ctx, `INSERT INTO growth (financial_year, area_code, measure, category, level, value, previous_value, growth_pct)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer gstmt.Close()
	for _, g := range growth {
		if _, err := gstmt.ExecContext(ctx, g.FinancialYear, g.AreaCode, g.Measure, g.Category, g.Level, g.Value, g.Previous, g.Pct); err != nil {
			return fmt.Errorf("insert growth %s %s: %w", g.FinancialYear, g.AreaCode, err)
		}
	}
	for y := range years {
		for _, c := range RunChecks(y, obs, rates) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO check_results (financial_year, check_name, subject, status, detail)
				VALUES (?, ?, ?, ?, ?)`, c.FinancialYear, c.Check, c.Subject, c.Status, c.Detail); err != nil {
				return fmt.Errorf("insert check %s %s: %w", c.Check, c.Subject, err)
			}
		}
	}
	return nil
}

func readObservations(ctx context.Context, tx *sql.Tx) ([]Observation, error) {
	rows, err := tx.QueryContext(ctx, `SELECT financial_year, area_code, measure, category, level, value, COALESCE(marker, ''), sheet, cell
		FROM observations ORDER BY financial_year, area_code, measure, category, level`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Observation
	for rows.Next() {
		var o Observation
		var v sql.NullFloat64
		if err := rows.Scan(&o.FinancialYear, &o.AreaCode, &o.Measure, &o.Category, &o.Level, &v, &o.Marker, &o.Sheet, &o.Cell); err != nil {
			return nil, err
		}
		if v.Valid {
			o.Number = &v.Float64
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

func readPopulation(ctx context.Context, tx *sql.Tx) ([]Population, error) {
	rows, err := tx.QueryContext(ctx, `SELECT mid_year, area_code, persons_10plus, persons_all_ages FROM population ORDER BY mid_year, area_code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Population
	for rows.Next() {
		var p Population
		if err := rows.Scan(&p.MidYear, &p.AreaCode, &p.Persons10Plus, &p.PersonsAllAges); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
