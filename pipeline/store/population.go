package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/mappa-etl/mappa/pipeline/figure"
)

// Estimate is one population file as it is loaded: one edition of each
// mid-year it holds (one for an MYE2 workbook, several for a back series).
type Estimate struct {
	Edition figure.Edition
	// EditionFrom says where the edition came from: "file", "option" or
	// "added" (population_sources.edition_from).
	EditionFrom string
	How         figure.PopulationSource
	// Populations are the 42 areas and England and Wales of each mid-year.
	Populations []figure.Population
}

// MidYears are the mid-years the estimate holds, in order.
func (e Estimate) MidYears() []figure.MidYear {
	var out []figure.MidYear
	for _, p := range e.Populations {
		if !slices.Contains(out, p.MidYear) {
			out = append(out, p.MidYear)
		}
	}
	slices.Sort(out)
	return out
}

// LoadPopulation adds one estimate's edition of each of its mid-years,
// replacing only an earlier file of the same mid-year and edition,
// atomically. The population table then holds the latest edition of each
// mid-year.
func (s *Store) LoadPopulation(ctx context.Context, src SourceFile, est Estimate) error {
	return s.withTx(ctx, func(tx *sql.Tx) error { return loadPopulation(ctx, tx, src, est) })
}

// LoadPopulation is Store.LoadPopulation within the batch.
func (t *Tx) LoadPopulation(ctx context.Context, src SourceFile, est Estimate) error {
	return loadPopulation(ctx, t.tx, src, est)
}

func loadPopulation(ctx context.Context, tx *sql.Tx, src SourceFile, est Estimate) error {
	if _, err := figure.ParseEdition(est.Edition.String()); err != nil {
		return fmt.Errorf("load population %s: %w", src.Filename, err)
	}
	mids := est.MidYears()
	if len(mids) == 0 {
		return fmt.Errorf("load population %s: no estimate", src.Filename)
	}
	if err := upsertSource(ctx, tx, src); err != nil {
		return err
	}
	how := est.How
	reconciliation := "not_checked"
	if how.EnglandAndWalesCell != "" {
		reconciliation = "pass" // a file that does not reconcile is never read
	}
	editionCell := ""
	if est.EditionFrom == "file" {
		editionCell = how.EditionCell
	}
	for _, mid := range mids {
		if _, err := tx.ExecContext(ctx, "DELETE FROM population_editions WHERE mid_year = ? AND edition = ?", mid, est.Edition); err != nil {
			return fmt.Errorf("load population %s: replace mid-%s edition %s: %w", src.Filename, mid, est.Edition, err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO population_sources (mid_year, edition, edition_from, edition_cell,
				source_sha256, sheet, level, lookup, england_and_wales_cell, reconciliation, is_current)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
			ON CONFLICT (mid_year, edition) DO UPDATE SET edition_from = excluded.edition_from,
				edition_cell = excluded.edition_cell, source_sha256 = excluded.source_sha256, sheet = excluded.sheet,
				level = excluded.level, lookup = excluded.lookup, england_and_wales_cell = excluded.england_and_wales_cell,
				reconciliation = excluded.reconciliation`,
			mid, est.Edition, est.EditionFrom, nullable(editionCell), src.SHA256, how.Sheet, how.Level, nullable(how.Lookup),
			nullable(how.EnglandAndWalesCell), reconciliation)
		if err != nil {
			return fmt.Errorf("load population %s: record mid-%s edition %s: %w", src.Filename, mid, est.Edition, err)
		}
	}
	ins := newBulkInsert(ctx, tx, "population_editions", []bulkFixed{{"edition", est.Edition}, {"source_sha256", src.SHA256}},
		"mid_year", "area_code", "persons_10plus", "persons_all_ages")
	defer ins.close()
	for _, p := range est.Populations {
		if err := ins.add(p.MidYear, p.AreaCode, p.Persons10Plus, p.PersonsAllAges); err != nil {
			return fmt.Errorf("load population %s edition %s: %w", src.Filename, est.Edition, populationInsertError(est.Populations, err))
		}
	}
	if err := ins.flush(); err != nil {
		return fmt.Errorf("load population %s edition %s: %w", src.Filename, est.Edition, populationInsertError(est.Populations, err))
	}
	return currentEditions(ctx, tx)
}

// currentEditions makes population hold the latest edition of each
// mid-year, and population_sources say which that is.
func currentEditions(ctx context.Context, tx *sql.Tx) error {
	for _, q := range []string{
		`UPDATE population_sources SET is_current = (edition = (SELECT MAX(o.edition) FROM population_sources o
			WHERE o.mid_year = population_sources.mid_year))`,
		`DELETE FROM population`,
		`INSERT INTO population (mid_year, area_code, persons_10plus, persons_all_ages, source_sha256, edition)
			SELECT e.mid_year, e.area_code, e.persons_10plus, e.persons_all_ages, e.source_sha256, e.edition
			FROM population_editions e JOIN population_sources s ON s.mid_year = e.mid_year AND s.edition = e.edition
			WHERE s.is_current = 1 ORDER BY e.mid_year, e.area_code`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("choose the latest edition of each mid-year: %w", err)
		}
	}
	return nil
}

func populationInsertError(pops []figure.Population, err error) error {
	var re *bulkRowError
	if !errors.As(err, &re) {
		return err
	}
	p := pops[re.row]
	return fmt.Errorf("insert population %s mid-%d: %w", p.AreaCode, p.MidYear, re.err)
}
