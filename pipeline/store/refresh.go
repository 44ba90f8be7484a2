package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/mappa-etl/mappa/pipeline/derive"
	"github.com/mappa-etl/mappa/pipeline/figure"
)

// refreshDerived recomputes rates, growth and checks for every loaded year
// inside the load's transaction, and forgets the source files no figure
// comes from any more. A load of one year changes the growth of the next
// and a new population changes every rate that uses it, so the derived
// tables are rebuilt whole: they cannot drift out of step with the data.
// That costs ~100 ms at the bundled archive's ~9,800 observations
// (BenchmarkDerive/refreshDerived), once per file a run loads.
func refreshDerived(ctx context.Context, tx *sql.Tx) error {
	if err := forgetUnusedSources(ctx, tx); err != nil {
		return err
	}
	obs, err := readObservations(ctx, tx)
	if err != nil {
		return err
	}
	pops, err := readPopulation(ctx, tx)
	if err != nil {
		return err
	}
	bases := derive.RateBases(obs, pops)
	rates := derive.ComputeRates(obs, pops, bases)
	if err := recordBases(ctx, tx, bases); err != nil {
		return err
	}
	growth := derive.ComputeGrowth(obs)
	for _, table := range []string{"rso_rates", "growth", "check_results"} {
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+table); err != nil {
			return err
		}
	}
	// Multi-row prepared INSERTs: one statement per row (and, for rates
	// and checks, one prepared per row) cost more than the derivation.
	ins := newBulkInsert(ctx, tx, "rso_rates", nil, "financial_year", "area_code", "rsos", "population_mid_year", "population_edition", "population_10plus", "rso_rate_per_100k")
	defer ins.close()
	for _, r := range rates {
		if err := ins.add(r.FinancialYear, r.AreaCode, r.RSOs, r.PopulationMidYear, nullable(r.PopulationEdition.String()), r.Population10Plus, r.RatePer100k); err != nil {
			return rateInsertError(rates, err)
		}
	}
	if err := ins.flush(); err != nil {
		return rateInsertError(rates, err)
	}
	gins := newBulkInsert(ctx, tx, "growth", nil, "financial_year", "area_code", "measure", "category", "level", "value", "previous_value", "growth_pct")
	defer gins.close()
	for _, g := range growth {
		var pct any
		if g.Pct != nil {
			pct = *g.Pct
		}
		if err := gins.add(g.FinancialYear, g.AreaCode, g.Measure, g.Category, g.Level, g.Value, g.Previous, pct); err != nil {
			return growthInsertError(growth, err)
		}
	}
	if err := gins.flush(); err != nil {
		return growthInsertError(growth, err)
	}
	cins := newBulkInsert(ctx, tx, "check_results", nil, "financial_year", "check_name", "subject", "status", "detail")
	defer cins.close()
	var checks []derive.CheckResult
	// obs is ordered by year, so each year's checks get only its own
	// observations instead of filtering every year's.
	for len(obs) > 0 {
		n := 1
		for n < len(obs) && obs[n].FinancialYear == obs[0].FinancialYear {
			n++
		}
		checks = append(checks, derive.RunChecks(obs[0].FinancialYear, obs[:n], rates)...)
		obs = obs[n:]
	}
	read, err := readReconciled(ctx, tx)
	if err != nil {
		return err
	}
	checks = append(checks, derive.ReconciliationChecks(bases, pops, read)...)
	for _, c := range checks {
		if err := cins.add(c.FinancialYear, c.Check, c.Subject, c.Status, c.Detail); err != nil {
			return checkInsertError(checks, err)
		}
	}
	if err := cins.flush(); err != nil {
		return checkInsertError(checks, err)
	}
	return nil
}

// recordBases says in releases which estimate each year's rates use and
// how many published rates it reproduces.
func recordBases(ctx context.Context, tx *sql.Tx, bases map[figure.FinancialYear]derive.Basis) error {
	if _, err := tx.ExecContext(ctx, `UPDATE releases SET rates_population_mid_year = NULL,
			rates_population_edition = NULL, rates_reproduced = NULL, rates_published = NULL`); err != nil {
		return fmt.Errorf("record rate bases: %w", err)
	}
	for year, b := range bases {
		var mid, edition any
		if b.Found {
			mid, edition = int(b.MidYear), nullable(b.Edition.String())
		}
		if _, err := tx.ExecContext(ctx, `UPDATE releases SET rates_population_mid_year = ?, rates_population_edition = ?,
				rates_reproduced = ?, rates_published = ? WHERE financial_year = ?`, mid, edition, b.Reproduced, b.Published, year); err != nil {
			return fmt.Errorf("record rate basis of %s: %w", year, err)
		}
	}
	return nil
}

func rateInsertError(rates []derive.RSORate, err error) error {
	var re *bulkRowError
	if !errors.As(err, &re) {
		return err
	}
	r := rates[re.row]
	return fmt.Errorf("insert rate %s %s: %w", r.FinancialYear, r.AreaCode, re.err)
}

func growthInsertError(growth []derive.Growth, err error) error {
	var re *bulkRowError
	if !errors.As(err, &re) {
		return err
	}
	g := growth[re.row]
	return fmt.Errorf("insert growth %s %s: %w", g.FinancialYear, g.AreaCode, re.err)
}

func checkInsertError(checks []derive.CheckResult, err error) error {
	var re *bulkRowError
	if !errors.As(err, &re) {
		return err
	}
	c := checks[re.row]
	return fmt.Errorf("insert check %s %s: %w", c.Check, c.Subject, re.err)
}

// forgetUnusedSources removes the area tables and population files no
// release, vintage or estimate is loaded from any more: those a revised
// estimate replaced (every area tables file loaded stays, as a vintage). A rebuild, which reads only the current file
// of each period, would not list them, and the database a run leaves must
// be the one a rebuild of the same archive makes. (The archive keeps their
// bytes; lookups are kept, being read when population files are.) Foreign
// keys refuse the delete should any figure still name the file.
func forgetUnusedSources(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM source_files WHERE kind <> 'lookup' AND sha256 NOT IN
		(SELECT source_sha256 FROM releases UNION SELECT source_sha256 FROM vintages UNION SELECT source_sha256 FROM population_sources)`)
	if err != nil {
		return fmt.Errorf("forget replaced source files: %w", err)
	}
	return nil
}

func readObservations(ctx context.Context, tx *sql.Tx) ([]figure.Observation, error) {
	rows, err := tx.QueryContext(ctx, `SELECT financial_year, area_code, measure, category, level, value, COALESCE(marker, ''), sheet, cell
		FROM observations ORDER BY financial_year, area_code, measure, category, level`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []figure.Observation
	for rows.Next() {
		var o figure.Observation
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

// readPopulation reads every edition of every mid-year: a release's rates
// may have used any of them.
func readPopulation(ctx context.Context, tx *sql.Tx) ([]figure.Population, error) {
	rows, err := tx.QueryContext(ctx, `SELECT mid_year, edition, area_code, persons_10plus, persons_all_ages
		FROM population_editions ORDER BY mid_year, edition, area_code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []figure.Population
	for rows.Next() {
		var p figure.Population
		if err := rows.Scan(&p.MidYear, &p.Edition, &p.AreaCode, &p.Persons10Plus, &p.PersonsAllAges); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// readReconciled reads which England and Wales row each estimate's areas
// were reconciled to.
func readReconciled(ctx context.Context, tx *sql.Tx) ([]derive.Reconciled, error) {
	rows, err := tx.QueryContext(ctx, `SELECT p.mid_year, p.edition, f.filename, COALESCE(p.england_and_wales_cell, '')
		FROM population_sources p JOIN source_files f ON f.sha256 = p.source_sha256 ORDER BY 1, 2`)
	if err != nil {
		return nil, fmt.Errorf("read population_sources: %w", err)
	}
	defer rows.Close()
	var out []derive.Reconciled
	for rows.Next() {
		var r derive.Reconciled
		if err := rows.Scan(&r.MidYear, &r.Edition, &r.File, &r.Cell); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
