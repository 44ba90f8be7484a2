package pipeline_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/mappa-etl/mappa/pipeline/store"
)

// TestExportDatasette: the Datasette files describe every public table
// and every column, each table with the licence and source, and each
// canned query (the README's) runs on the demo database and returns rows;
// every facet names a column of its table.
func TestExportDatasette(t *testing.T) {
	db := rebuiltFixtures(t)
	dir := t.TempDir()
	if _, err := store.Export(context.Background(), db, dir, store.ExportDatasette, store.WithDatabaseName("mappa")); err != nil {
		t.Fatal(err)
	}
	var md struct {
		Title, License, Source string
		Databases              map[string]struct {
			Tables map[string]struct {
				Description, License, Source string
				SourceURL                    string `json:"source_url"`
				Columns                      map[string]string
			}
		}
	}
	var cfg struct {
		Databases map[string]struct {
			Queries map[string]struct{ Title, SQL string }
			Tables  map[string]struct{ Facets []string }
		}
	}
	for name, v := range map[string]any{"metadata.json": &md, "datasette.json": &cfg} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	if md.Title == "" || md.License != "Open Government Licence v3.0" || md.Source == "" {
		t.Errorf("metadata: %+v", md)
	}
	tables := md.Databases["mappa"].Tables
	columnsOf := func(table string) []string {
		rows, err := db.Query("SELECT name FROM pragma_table_info(?)", table)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var n string
			rows.Scan(&n)
			out = append(out, n)
		}
		return out
	}
	for _, table := range store.ExportTables() {
		tb, ok := tables[table]
		if !ok || tb.Description == "" || tb.License == "" || tb.Source == "" || tb.SourceURL == "" {
			t.Errorf("table %s: %+v", table, tb)
			continue
		}
		for _, c := range columnsOf(table) {
			if tb.Columns[c] == "" {
				t.Errorf("%s.%s has no description", table, c)
			}
		}
	}
	queries := cfg.Databases["mappa"].Queries
	if len(queries) < 5 {
		t.Fatalf("%d canned queries", len(queries))
	}
	for name, q := range queries {
		t.Run(name, func(t *testing.T) {
			rows, err := db.Query(q.SQL)
			if err != nil {
				t.Fatalf("%s: %v", q.Title, err)
			}
			defer rows.Close()
			if !rows.Next() || q.Title == "" {
				t.Errorf("%q returns no rows", q.Title)
			}
		})
	}
	for table, tc := range cfg.Databases["mappa"].Tables {
		cols := map[string]bool{}
		for _, c := range columnsOf(table) {
			cols[c] = true
		}
		for _, f := range tc.Facets {
			if !cols[f] {
				t.Errorf("facet %s.%s is no column", table, f)
			}
		}
	}
}
