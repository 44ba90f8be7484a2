package pipeline_test

import (
	"bytes"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/mappa-etl/mappa/pipeline/store"
)

func checkExportResult(t *testing.T, db *sql.DB, res *store.ExportResult, dir string, format store.ExportFormat) {
	t.Helper()
	var tables []string
	total := 0
	for _, f := range res.Files {
		tables = append(tables, f.Table)
		if want := filepath.Join(dir, f.Table+"."+string(format)); f.Path != want {
			t.Errorf("path %s, want %s", f.Path, want)
		}
		if n := rowCount(t, db, f.Table); f.Rows != n {
			t.Errorf("%s: %d rows, want %d", f.Table, f.Rows, n)
		}
		total += f.Rows
	}
	if !slices.Equal(tables, store.ExportTables()) || res.Rows() != total || res.Rows() < 10000 {
		t.Errorf("exported %v, %d rows", tables, res.Rows())
	}
}

// checkJSONKeys walks the tokens of a JSON array of flat objects, checking
// every object's keys against cols, and returns how many objects there are.
func checkJSONKeys(t *testing.T, table string, raw []byte, cols []string) int {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		t.Fatalf("%s.json starts with %v, %v", table, tok, err)
	}
	n := 0
	for dec.More() {
		if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
			t.Fatalf("%s.json object %d starts with %v, %v", table, n, tok, err)
		}
		var keys []string
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				t.Fatal(err)
			}
			keys = append(keys, key.(string))
			if _, err := dec.Token(); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := dec.Token(); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(keys, cols) {
			t.Fatalf("%s.json object %d keys %v, want %v", table, n, keys, cols)
		}
		n++
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim(']') {
		t.Fatalf("%s.json ends with %v, %v", table, tok, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("%s.json: more after the array: %v", table, err)
	}
	return n
}

func exportedJSONObjects(t *testing.T, path string) []map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(readExported(t, path)))
	dec.UseNumber()
	var objs []map[string]any
	if err := dec.Decode(&objs); err != nil {
		t.Fatal(err)
	}
	return objs
}

func exportedCSV(t *testing.T, path string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(readExported(t, path))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// findRecord returns the one record whose leading fields are key.
func findExportRecord(t *testing.T, recs [][]string, key ...string) []string {
	t.Helper()
	var found []string
	for _, r := range recs[1:] {
		if slices.Equal(r[:len(key)], key) {
			if found != nil {
				t.Fatalf("two records for %v", key)
			}
			found = r
		}
	}
	if found == nil {
		t.Fatalf("no record for %v", key)
	}
	return found
}

func declaredColumns(t *testing.T, db *sql.DB, table string) []string {
	t.Helper()
	var cols []string
	exportQueryStrings(t, db, &cols, "SELECT name FROM pragma_table_info(?) ORDER BY cid", table)
	return cols
}

func rowCount(t *testing.T, db *sql.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM "` + table + `"`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func exportQueryStrings(t *testing.T, db *sql.DB, to *[]string, q string, args ...any) {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		*to = append(*to, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

func readExported(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func asFloat64(v any) float64 {
	if i, ok := v.(int64); ok {
		return float64(i)
	}
	return v.(float64)
}
