package schema

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// migrated returns a freshly migrated database file.
func migrated(t *testing.T) (*sql.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "m.db")
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	return db, path
}

// schemaColumns lists every column of every table and view, keyed
// "table.column".
func schemaColumns(t *testing.T, db *sql.DB) map[string]bool {
	t.Helper()
	rows, err := db.Query(`SELECT m.name, p.name FROM sqlite_schema m, pragma_table_info(m.name) p
		WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite_%'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols := map[string]bool{}
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			t.Fatal(err)
		}
		cols[table+"."+col] = true
	}
	return cols
}

func TestEveryColumnIsDescribed(t *testing.T) {
	db, _ := migrated(t)
	cols := schemaColumns(t, db)
	if !cols["area_summary.rso_rate_per_100k"] || !cols["columns.description"] || len(cols) < 100 {
		t.Fatalf("schema columns not listed: %d found", len(cols))
	}
	described := map[string]bool{}
	rows, err := db.Query("SELECT table_name, column_name, description, COALESCE(unit, '') FROM columns")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, col, desc, unit string
		if err := rows.Scan(&table, &col, &desc, &unit); err != nil {
			t.Fatal(err)
		}
		key := table + "." + col
		if !cols[key] {
			t.Errorf("columns describes %s, which the schema does not have", key)
		}
		if len(desc) < 10 {
			t.Errorf("%s: description %q is too short to explain anything", key, desc)
		}
		described[key] = true
	}
	for key := range cols {
		if !described[key] {
			t.Errorf("%s has no row in columns (add it to schema/columns.tsv)", key)
		}
	}
}

func TestColumnDocsAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range ColumnDocs() {
		key := d.Table + "." + d.Column
		if seen[key] {
			t.Errorf("%s described twice in columns.tsv", key)
		}
		seen[key] = true
	}
}

// A reader opening a migrated database must not write to it: status and
// summary may run against a read-only copy.
func TestMigrateWritesNothingWhenCurrent(t *testing.T) {
	db, path := migrated(t)
	db.Close()
	ro, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if err := Migrate(context.Background(), ro); err != nil {
		t.Fatalf("migrate a current database read-only: %v", err)
	}
}

func TestSeedColumnsRepairsEditedRows(t *testing.T) {
	db, _ := migrated(t)
	if _, err := db.Exec("UPDATE columns SET description = 'stale' WHERE table_name = 'areas' AND column_name = 'area_code'"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("INSERT INTO columns VALUES ('gone', 'x', 'a column that no longer exists', NULL)"); err != nil {
		t.Fatal(err)
	}
	if err := Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	var desc string
	if err := db.QueryRow("SELECT description FROM columns WHERE table_name = 'areas' AND column_name = 'area_code'").Scan(&desc); err != nil || desc == "stale" {
		t.Errorf("area_code description = %q, %v; want the embedded one", desc, err)
	}
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM columns WHERE table_name = 'gone'").Scan(&n); err != nil || n != 0 {
		t.Errorf("stale rows = %d, %v; want 0", n, err)
	}
}
