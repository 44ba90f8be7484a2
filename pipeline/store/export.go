package store

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/renameio/v2"
)

// ExportFormat is the file format of an export.
type ExportFormat string

// Export formats.
const (
	ExportCSV  ExportFormat = "csv"
	ExportJSON ExportFormat = "json"
)

// ParseExportFormat reads a format name as given on the command line.
func ParseExportFormat(s string) (ExportFormat, error) {
	switch f := ExportFormat(s); f {
	case ExportCSV, ExportJSON, ExportDataPackage, ExportDatasette:
		return f, nil
	}
	return "", fmt.Errorf("unknown export format %q (want csv, json, datapackage or datasette)", s)
}

// exportTables are the public tables and views, in the order they are
// written. runs and run_files are left out: they log the operator's
// commands on this machine, not figures, and would make two databases built
// from the same archive export differently.
var exportTables = []string{"areas", "measures", "columns", "releases", "source_files", "observations", "vintages", "vintage_observations", "revisions", "release_pages", "change_notes",
	"population", "population_editions", "population_sources", "rso_rates", "growth", "check_results", "unmapped_columns", "area_summary"}

// ExportTables returns the names of the tables and views Export writes, in
// the order it writes them.
func ExportTables() []string { return append([]string(nil), exportTables...) }

// ExportedFile is one written table or view.
type ExportedFile struct {
	Table string
	Path  string
	Rows  int
}

// ExportResult says what Export wrote.
type ExportResult struct {
	Dir    string
	Format ExportFormat
	Files  []ExportedFile
}

// Rows is the number of rows written over all files.
func (r *ExportResult) Rows() int {
	n := 0
	for _, f := range r.Files {
		n += f.Rows
	}
	return n
}

// Export writes every public table and view to dir as <name>.csv or
// <name>.json, creating dir if needed. Columns come in their declared order
// and rows in key order, so the same data always give the same bytes. All
// files are read from one snapshot, so they agree with each other even while
// a load commits; each file is replaced atomically; nothing else in dir is
// touched.
func Export(ctx context.Context, db *sql.DB, dir string, format ExportFormat, opts ...ExportOption) (*ExportResult, error) {
	dbName := "mappa"
	for _, o := range opts {
		o(&dbName)
	}
	if _, err := ParseExportFormat(string(format)); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	res := &ExportResult{Dir: dir, Format: format}
	err := readSnapshot(ctx, db, func(conn *sql.Conn) error {
		if format == ExportDatasette {
			return writeDatasette(ctx, conn, dir, dbName, exportTables)
		}
		file := format
		if format == ExportDataPackage {
			file = ExportCSV
		}
		for _, table := range exportTables {
			path := filepath.Join(dir, table+"."+string(file))
			n, err := exportTable(ctx, conn, table, path, file)
			if err != nil {
				return fmt.Errorf("export %s to %s: %w", table, path, err)
			}
			res.Files = append(res.Files, ExportedFile{Table: table, Path: path, Rows: n})
		}
		if format == ExportDataPackage {
			if err := writeDataPackage(ctx, conn, dir, exportTables); err != nil {
				return fmt.Errorf("export %s: %w", filepath.Join(dir, "datapackage.json"), err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// ExportOption configures Export.
type ExportOption func(dbName *string)

// WithDatabaseName names the database in Datasette's files: its file name
// without the extension, as Datasette names it ("mappa" for mappa.db).
func WithDatabaseName(name string) ExportOption { return func(n *string) { *n = name } }

// readSnapshot runs fn inside one read transaction on one connection.
// db.BeginTx will not do: go-sqlite3 ignores TxOptions.ReadOnly and our DSN
// has _txlock=immediate, so it would take the write lock, wait behind a
// running load and fail after the busy timeout. A deferred transaction takes
// no lock at BEGIN; under WAL its first read fixes a snapshot that later
// commits by other connections do not change, and readers never wait for
// the writer.
func readSnapshot(ctx context.Context, db *sql.DB, fn func(*sql.Conn) error) (err error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN DEFERRED"); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer func() {
		// database/sql does not know about this transaction, so the
		// connection must not go back to the pool still inside it: end it
		// even if ctx is cancelled, or else discard the connection.
		if _, rbErr := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rbErr != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
			if err == nil {
				err = fmt.Errorf("export: end read transaction: %w", rbErr)
			}
		}
	}()
	return fn(conn)
}

func exportTable(ctx context.Context, conn *sql.Conn, table, path string, format ExportFormat) (int, error) {
	cols, rows, err := readTable(ctx, conn, table)
	if err != nil {
		return 0, err
	}
	var b bytes.Buffer
	if format == ExportJSON {
		err = encodeJSON(&b, cols, rows)
	} else {
		err = encodeCSV(&b, cols, rows)
	}
	if err != nil {
		return 0, err
	}
	// Static permissions, not umask-dependent ones, so the same export gives
	// the same files everywhere. The temporary file sits in dir, so the
	// rename cannot cross file systems.
	f, err := renameio.NewPendingFile(path, renameio.WithTempDir(filepath.Dir(path)), renameio.WithStaticPermissions(0o644))
	if err != nil {
		return 0, err
	}
	defer f.Cleanup()
	if _, err := f.Write(b.Bytes()); err != nil {
		return 0, err
	}
	return len(rows), f.CloseAtomicallyReplace()
}

// readTable reads a table or view: its columns in declared order, and its
// rows ordered by the primary key or, for views and tables without one, by
// every column, which is deterministic too since equal rows are identical.
func readTable(ctx context.Context, conn *sql.Conn, table string) ([]string, [][]field, error) {
	cols, err := columnNames(ctx, conn, "SELECT name FROM pragma_table_info(?) ORDER BY cid", table)
	if err != nil {
		return nil, nil, err
	}
	key, err := columnNames(ctx, conn, "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", table)
	if err != nil {
		return nil, nil, err
	}
	if len(cols) == 0 {
		return nil, nil, errors.New("no such table or view")
	}
	if len(key) == 0 {
		key = cols
	}
	rows, err := conn.QueryContext(ctx, "SELECT "+quoteIdents(cols)+" FROM "+quoteIdents([]string{table})+" ORDER BY "+quoteIdents(key))
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var out [][]field
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, nil, err
		}
		row := make([]field, len(cols))
		for i, v := range vals {
			if row[i], err = toField(v); err != nil {
				return nil, nil, fmt.Errorf("row %d, column %s: %w", len(out)+1, cols[i], err)
			}
		}
		out = append(out, row)
	}
	return cols, out, rows.Err()
}

func columnNames(ctx context.Context, conn *sql.Conn, q, table string) ([]string, error) {
	rows, err := conn.QueryContext(ctx, q, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

// quoteIdents quotes SQL identifiers and joins them with commas. They come
// only from exportTables and pragma_table_info, never from the command line.
func quoteIdents(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = `"` + strings.ReplaceAll(n, `"`, `""`) + `"`
	}
	return strings.Join(q, ", ")
}
