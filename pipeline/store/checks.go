package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/mappa-etl/mappa/pipeline/derive"
	"github.com/mappa-etl/mappa/pipeline/figure"
)

// CheckRow is one row of check_results.
type CheckRow struct {
	Name, Subject, Detail string
	Status                derive.Status
}

// Checks reads one financial year's check results, by check and subject.
func (s *Store) Checks(ctx context.Context, year figure.FinancialYear) ([]CheckRow, error) {
	var out []CheckRow
	err := EachRow(ctx, s.DB, `SELECT check_name, subject, status, detail FROM check_results
		WHERE financial_year = ? ORDER BY check_name, subject`, []any{year},
		func(rows *sql.Rows) error {
			var c CheckRow
			err := rows.Scan(&c.Name, &c.Subject, &c.Status, &c.Detail)
			out = append(out, c)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("read check_results for %s: %w", year, err)
	}
	return out, nil
}

// ColumnDoc is a column's description and unit from the columns table.
type ColumnDoc struct {
	Description, Unit string
}

// ColumnDocs reads the descriptions of one table's columns, by column name.
func (s *Store) ColumnDocs(ctx context.Context, table string) (map[string]ColumnDoc, error) {
	out := map[string]ColumnDoc{}
	err := EachRow(ctx, s.DB, `SELECT column_name, description, COALESCE(unit, '') FROM columns
		WHERE table_name = ?`, []any{table},
		func(rows *sql.Rows) error {
			var name string
			var d ColumnDoc
			err := rows.Scan(&name, &d.Description, &d.Unit)
			out[name] = d
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("read column descriptions of %s: %w", table, err)
	}
	return out, nil
}
