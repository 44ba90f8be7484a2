package schema

import (
	"context"
	"database/sql"
	_ "embed"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"sync"
)

//go:embed columns.tsv
var columnsTSV string

// ColumnDoc describes one column of a table or view: a row of the columns
// metadata table.
type ColumnDoc struct {
	Table, Column, Unit, Description string
}

var (
	columnDocsOnce sync.Once
	columnDocs     []ColumnDoc
)

// ColumnDocs returns the embedded column descriptions in file order. The
// file is reference data compiled in, so a malformed one is a build defect
// and panics (a test reads it).
func ColumnDocs() []ColumnDoc {
	columnDocsOnce.Do(func() {
		r := csv.NewReader(strings.NewReader(columnsTSV))
		r.Comma = '\t'
		r.LazyQuotes = true // descriptions quote words with ' and "
		recs, err := r.ReadAll()
		if err != nil {
			panic(fmt.Sprintf("schema: read embedded columns.tsv: %v", err))
		}
		for _, rec := range recs[1:] {
			columnDocs = append(columnDocs, ColumnDoc{Table: rec[0], Column: rec[1], Unit: rec[2], Description: rec[3]})
		}
	})
	return slices.Clip(columnDocs)
}

// seedColumns makes the columns table match the embedded descriptions
// (tab-separated, so no field holds a tab).
func seedColumns(ctx context.Context, db *sql.DB) error {
	want := ColumnDocs()
	keys := make([]string, len(want))
	for i, d := range want {
		keys[i] = d.Table + "\t" + d.Column + "\t" + d.Unit + "\t" + d.Description
	}
	return seedIfChanged(ctx, db, "columns",
		"SELECT table_name || char(9) || column_name || char(9) || COALESCE(unit, '') || char(9) || description FROM columns", keys,
		func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, "DELETE FROM columns"); err != nil {
				return err
			}
			for _, d := range want {
				if _, err := tx.ExecContext(ctx, "INSERT INTO columns (table_name, column_name, description, unit) VALUES (?, ?, ?, NULLIF(?, ''))",
					d.Table, d.Column, d.Description, d.Unit); err != nil {
					return fmt.Errorf("%s.%s: %w", d.Table, d.Column, err)
				}
			}
			return nil
		})
}
