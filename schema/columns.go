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

// seedColumns makes the columns table match the embedded descriptions. It
// writes only when they differ, so opening a database to read it does not
// rewrite it.
func seedColumns(ctx context.Context, db *sql.DB) error {
	want := ColumnDocs()
	have, err := readColumnDocs(ctx, db)
	if err != nil {
		return fmt.Errorf("seed columns: %w", err)
	}
	if slices.Equal(have, sortedDocs(want)) {
		return nil
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "DELETE FROM columns"); err != nil {
		return fmt.Errorf("seed columns: %w", err)
	}
	for _, d := range want {
		if _, err := tx.ExecContext(ctx, "INSERT INTO columns (table_name, column_name, description, unit) VALUES (?, ?, ?, NULLIF(?, ''))",
			d.Table, d.Column, d.Description, d.Unit); err != nil {
			return fmt.Errorf("seed columns: %s.%s: %w", d.Table, d.Column, err)
		}
	}
	return tx.Commit()
}

func readColumnDocs(ctx context.Context, db *sql.DB) ([]ColumnDoc, error) {
	rows, err := db.QueryContext(ctx, "SELECT table_name, column_name, COALESCE(unit, ''), description FROM columns ORDER BY table_name, column_name")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ColumnDoc
	for rows.Next() {
		var d ColumnDoc
		if err := rows.Scan(&d.Table, &d.Column, &d.Unit, &d.Description); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func sortedDocs(ds []ColumnDoc) []ColumnDoc {
	out := slices.Clone(ds)
	slices.SortFunc(out, func(a, b ColumnDoc) int {
		return strings.Compare(a.Table+"\x00"+a.Column, b.Table+"\x00"+b.Column)
	})
	return out
}
