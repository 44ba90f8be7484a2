package pipelinetest

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"
)

// DataTables are queries over every data table of a mappa database in a
// stable order: what Dump renders, to compare two databases of one process
// (DataQueries leaves out what differs between processes).
var DataTables = []string{
	"SELECT * FROM releases ORDER BY 1",
	"SELECT * FROM source_files ORDER BY 1",
	"SELECT * FROM observations ORDER BY 1, 2, 3, 4, 5",
	"SELECT * FROM population ORDER BY 1, 2",
	"SELECT * FROM rso_rates ORDER BY 1, 2",
	"SELECT * FROM growth ORDER BY 1, 2, 3, 4, 5",
	"SELECT * FROM check_results ORDER BY 1, 2, 3",
}

// Dump renders every data table in a stable order, so two databases can be
// compared for identical data.
func Dump(tb testing.TB, db *sql.DB) string {
	tb.Helper()
	return DumpQueries(tb, db, DataTables)
}

// DumpQueries renders the rows of each query, one line per row.
func DumpQueries(tb testing.TB, db *sql.DB, queries []string, args ...any) string {
	tb.Helper()
	out, err := render(db, queries, args...)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// DataQueries render every table of loaded data, in key order. runs and
// run_files (history, with timestamps) are left out, and so is
// source_files.fetched_at: when a file entered the archive differs between
// two runs that load the same bytes.
var DataQueries = []string{
	"SELECT * FROM releases ORDER BY 1",
	"SELECT sha256, kind, period, url, filename, media_type, bytes FROM source_files ORDER BY 1",
	"SELECT * FROM observations ORDER BY 1, 2, 3, 4, 5",
	"SELECT * FROM population ORDER BY 1, 2",
	"SELECT * FROM population_sources ORDER BY 1",
	"SELECT * FROM rso_rates ORDER BY 1, 2",
	"SELECT * FROM growth ORDER BY 1, 2, 3, 4, 5",
	"SELECT * FROM check_results ORDER BY 1, 2, 3",
}

// DumpData renders DataQueries, with the origin of a fake GOV.UK written
// as GOVUK so that dumps of runs against different fake servers compare. A
// database whose first migration never committed holds no data: its dump
// is empty.
func DumpData(db *sql.DB, origin string) (string, error) {
	var tables int
	if err := db.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'releases'`).Scan(&tables); err != nil {
		return "", err
	}
	if tables == 0 {
		return "", nil
	}
	out, err := render(db, DataQueries)
	if err != nil || origin == "" {
		return out, err
	}
	return strings.ReplaceAll(out, origin, "GOVUK"), nil
}

// render writes the rows of each query, a line per row and its values
// separated by '|'.
func render(db *sql.DB, queries []string, args ...any) (string, error) {
	var b strings.Builder
	for _, q := range queries {
		rows, err := db.Query(q, args...)
		if err != nil {
			return "", fmt.Errorf("%s: %w", q, err)
		}
		cols, err := rows.Columns()
		if err != nil {
			rows.Close()
			return "", fmt.Errorf("%s: %w", q, err)
		}
		vals, ptrs := make([]any, len(cols)), make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return "", fmt.Errorf("%s: %w", q, err)
			}
			for i, v := range vals {
				if i > 0 {
					b.WriteByte('|')
				}
				if s, ok := v.([]byte); ok {
					v = string(s)
				}
				fmt.Fprint(&b, v)
			}
			b.WriteByte('\n')
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return "", fmt.Errorf("%s: %w", q, err)
		}
	}
	return b.String(), nil
}
