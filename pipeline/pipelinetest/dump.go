package pipelinetest

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"
)

// DataTables are queries over every data table of a mappa database in a
// stable order: what Dump renders.
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
	var b strings.Builder
	for _, q := range queries {
		rows, err := db.Query(q, args...)
		if err != nil {
			tb.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				tb.Fatal(err)
			}
			fmt.Fprintln(&b, vals...)
		}
		if err := rows.Err(); err != nil {
			tb.Fatal(err)
		}
		rows.Close()
	}
	return b.String()
}
