package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// recordVintage makes the figures just loaded into observations for a
// release the year's newest vintage, keeping every earlier one: a file
// other than the current one is a new vintage; the current file loaded
// again (a crash between archiving and loading, a rebuild) replaces its
// own vintage's figures and adds none.
func recordVintage(ctx context.Context, tx *sql.Tx, rel Release, src SourceFile) error {
	var cur sql.NullString
	var curVintage, last int
	err := tx.QueryRowContext(ctx, `SELECT (SELECT source_sha256 FROM vintages WHERE financial_year = ?1 AND is_current = 1),
			(SELECT COALESCE(MAX(vintage), 0) FROM vintages WHERE financial_year = ?1 AND is_current = 1),
			(SELECT COALESCE(MAX(vintage), 0) FROM vintages WHERE financial_year = ?1)`, rel.FinancialYear).Scan(&cur, &curVintage, &last)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("record vintage of %s: %w", rel.FinancialYear, err)
	}
	vintage := last + 1
	if cur.Valid && cur.String == src.SHA256 {
		vintage = curVintage
		if _, err := tx.ExecContext(ctx, "DELETE FROM vintages WHERE financial_year = ? AND vintage = ?", rel.FinancialYear, vintage); err != nil {
			return fmt.Errorf("record vintage %d of %s: %w", vintage, rel.FinancialYear, err)
		}
	}
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{"UPDATE vintages SET is_current = 0 WHERE financial_year = ?", []any{rel.FinancialYear}},
		{`INSERT INTO vintages (financial_year, vintage, source_sha256, published_at, fetched_at, url, final_url, is_current)
			VALUES (?, ?, ?, ?, ?, ?, ?, 1)`, []any{rel.FinancialYear, vintage, src.SHA256, nullable(isoTimestamp(rel.PublishedAt)),
			src.FetchedAt, nullable(src.URL), nullable(src.FinalURL)}},
		{`INSERT INTO vintage_observations (financial_year, vintage, area_code, measure, category, level, value, marker, sheet, cell, source_sha256)
			SELECT financial_year, ?, area_code, measure, category, level, value, marker, sheet, cell, source_sha256
			FROM observations WHERE financial_year = ?`, []any{vintage, rel.FinancialYear}},
	} {
		if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
			return fmt.Errorf("record vintage %d of %s: %w", vintage, rel.FinancialYear, err)
		}
	}
	return nil
}
