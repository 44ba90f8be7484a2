package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/mappa-etl/mappa/pipeline/figure"
)

// splitYears parts a file's figures into its own year's and those of
// earlier years it publishes again, by year, in order.
func splitYears(obs []figure.Observation, year figure.FinancialYear) (own []figure.Observation, earlier map[figure.FinancialYear][]figure.Observation) {
	for _, o := range obs {
		if o.FinancialYear == year {
			own = append(own, o)
			continue
		}
		if earlier == nil {
			earlier = map[figure.FinancialYear][]figure.Observation{}
		}
		earlier[o.FinancialYear] = append(earlier[o.FinancialYear], o)
	}
	return own, earlier
}

// loadRepublished records the figures a release publishes again for
// earlier years (revised back figures) as a new vintage of each of those
// years: the year's current figures with these in their place, from this
// file's cells. They never overwrite in silence: revisions lists every
// figure they change, and vintages.republished_in names the release. A
// year not loaded has no figures to revise, and a vintage of a few of its
// figures would read as the whole year: its columns are recorded in
// unmapped_columns, as published and not loaded.
func loadRepublished(ctx context.Context, tx *sql.Tx, rel Release, src SourceFile, earlier map[figure.FinancialYear][]figure.Observation) error {
	years := make([]figure.FinancialYear, 0, len(earlier))
	for y := range earlier {
		years = append(years, y)
	}
	slices.Sort(years)
	for _, y := range years {
		obs := earlier[y]
		var cur int
		var curSHA string
		err := tx.QueryRowContext(ctx, "SELECT vintage, source_sha256 FROM vintages WHERE financial_year = ? AND is_current = 1", y).Scan(&cur, &curSHA)
		if err == sql.ErrNoRows {
			if err := recordUnloadedYear(ctx, tx, rel, src, y, obs); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("revise %s from %s: %w", y, src.Filename, err)
		}
		vintage := cur
		if curSHA != src.SHA256 { // this file loaded again revises nothing more
			vintage = cur + 1
			for _, q := range []struct {
				sql  string
				args []any
			}{
				{"UPDATE vintages SET is_current = 0 WHERE financial_year = ?", []any{y}},
				{`INSERT INTO vintages (financial_year, vintage, source_sha256, published_at, fetched_at, url, final_url, republished_in, is_current)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)`, []any{y, vintage, src.SHA256, nullable(isoTimestamp(rel.PublishedAt)), src.FetchedAt,
					nullable(src.URL), nullable(src.FinalURL), rel.FinancialYear}},
				{`INSERT INTO vintage_observations (financial_year, vintage, area_code, measure, category, level, value, marker, sheet, cell, source_sha256)
					SELECT financial_year, ?, area_code, measure, category, level, value, marker, sheet, cell, source_sha256
					FROM vintage_observations WHERE financial_year = ? AND vintage = ?`, []any{vintage, y, cur}},
			} {
				if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
					return fmt.Errorf("revise %s from %s: %w", y, src.Filename, err)
				}
			}
		}
		for _, o := range obs {
			args := []any{y, o.AreaCode, o.Measure, o.Category, o.Level, nullableNumber(o.Number), nullable(o.Marker), o.Sheet, o.Cell}
			if _, err := tx.ExecContext(ctx, `INSERT INTO vintage_observations (financial_year, vintage, area_code, measure, category, level, value, marker, sheet, cell, source_sha256)
					VALUES (?1, ?10, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?11)
					ON CONFLICT DO UPDATE SET value = excluded.value, marker = excluded.marker, sheet = excluded.sheet, cell = excluded.cell,
						source_sha256 = excluded.source_sha256`,
				append(args, vintage, src.SHA256)...); err != nil {
				return fmt.Errorf("revise %s from %s!%s: %w", y, o.Sheet, o.Cell, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO observations (financial_year, area_code, measure, category, level, value, marker, sheet, cell, source_sha256)
					VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
					ON CONFLICT DO UPDATE SET value = excluded.value, marker = excluded.marker, sheet = excluded.sheet, cell = excluded.cell,
						source_sha256 = excluded.source_sha256`, append(args, src.SHA256)...); err != nil {
				return fmt.Errorf("revise %s from %s!%s: %w", y, o.Sheet, o.Cell, err)
			}
		}
	}
	return nil
}

// recordUnloadedYear records the columns of a year the database does not
// hold as published and not loaded, one per sheet and column.
func recordUnloadedYear(ctx context.Context, tx *sql.Tx, rel Release, src SourceFile, year figure.FinancialYear, obs []figure.Observation) error {
	seen := map[string]bool{}
	for _, o := range obs {
		col := o.Sheet + "!" + columnOf(o.Cell)
		if seen[col] {
			continue
		}
		seen[col] = true
		header := fmt.Sprintf("%s figures of %s, a year not loaded: %s", o.Measure, year, o.Column)
		if _, err := tx.ExecContext(ctx, `INSERT INTO unmapped_columns (financial_year, source_sha256, sheet, cell, header) VALUES (?, ?, ?, ?, ?)`,
			rel.FinancialYear, src.SHA256, o.Sheet, o.Cell, header); err != nil {
			return fmt.Errorf("record %s figures of %s: %w", o.Measure, year, err)
		}
	}
	return nil
}

// columnOf is the column letters of a cell reference: "E" of "E18".
func columnOf(cell string) string {
	for i, r := range cell {
		if r >= '0' && r <= '9' {
			return cell[:i]
		}
	}
	return cell
}
