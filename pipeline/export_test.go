package pipeline_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mappa-etl/mappa/pipeline/store"
)

func TestParseExportFormat(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    store.ExportFormat
		wantErr bool
	}{
		{"csv", store.ExportCSV, false},
		{"json", store.ExportJSON, false},
		{"xml", "", true},
		{"", "", true},
		{"CSV", "", true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := store.ParseExportFormat(tc.in)
			if got != tc.want || (err != nil) != tc.wantErr {
				t.Errorf("ParseExportFormat(%q) = %q, %v; want %q, error %v", tc.in, got, err, tc.want, tc.wantErr)
			}
		})
	}
}

// TestExport exports two databases rebuilt separately from the fixtures, so
// determinism is checked across rebuilds, not only across two exports.
func TestExport(t *testing.T) {
	ctx := context.Background()
	tmp := t.TempDir()
	var stores [2]*store.Store
	for i := range stores {
		path := filepath.Join(tmp, strconv.Itoa(i), "m.db")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		rebuildFixtures(t, path)
		st, err := store.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		stores[i] = st
	}
	db := stores[0].DB
	out := map[store.ExportFormat][2]string{}
	for _, format := range []store.ExportFormat{store.ExportCSV, store.ExportJSON} {
		var dirs [2]string
		for i, st := range stores {
			dirs[i] = filepath.Join(tmp, strconv.Itoa(i), "out-"+string(format))
			res, err := store.Export(ctx, st.DB, dirs[i], format)
			if err != nil {
				t.Fatal(err)
			}
			checkExportResult(t, db, res, dirs[i], format)
		}
		out[format] = dirs
	}

	t.Run("every public table and view", func(t *testing.T) {
		var public []string
		exportQueryStrings(t, db, &public, `SELECT name FROM sqlite_master WHERE type IN ('table', 'view')
			AND name NOT LIKE 'sqlite_%' AND name NOT IN ('runs', 'run_files') ORDER BY name`)
		got := slices.Sorted(slices.Values(store.ExportTables()))
		if !slices.Equal(got, public) {
			t.Errorf("exported %v, public tables and views are %v", got, public)
		}
	})

	for _, format := range []store.ExportFormat{store.ExportCSV, store.ExportJSON} {
		dirs := out[format]
		t.Run(string(format)+" identical across rebuilds", func(t *testing.T) {
			for _, table := range store.ExportTables() {
				name := table + "." + string(format)
				a, b := readExported(t, filepath.Join(dirs[0], name)), readExported(t, filepath.Join(dirs[1], name))
				if !bytes.Equal(a, b) {
					t.Errorf("%s differs between two rebuilds of the same archive", name)
				}
			}
		})
	}

	t.Run("csv files", func(t *testing.T) {
		for _, table := range store.ExportTables() {
			raw := readExported(t, filepath.Join(out[store.ExportCSV][0], table+".csv"))
			if !utf8.Valid(raw) || bytes.HasPrefix(raw, []byte("\xef\xbb\xbf")) || bytes.Contains(raw, []byte("\r")) {
				t.Errorf("%s.csv: not UTF-8 without BOM and with \\n line ends", table)
			}
			recs, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
			if err != nil {
				t.Fatalf("%s.csv: %v", table, err)
			}
			if cols := declaredColumns(t, db, table); !slices.Equal(recs[0], cols) {
				t.Errorf("%s.csv header %v, want %v", table, recs[0], cols)
			}
			if n := rowCount(t, db, table); len(recs)-1 != n {
				t.Errorf("%s.csv has %d rows, want %d", table, len(recs)-1, n)
			}
		}
	})

	obs := exportedCSV(t, filepath.Join(out[store.ExportCSV][0], "observations.csv"))
	t.Run("markers only in the marker column", func(t *testing.T) {
		for _, rec := range obs[1:] {
			if v := rec[5]; v != "" {
				if _, err := strconv.ParseFloat(v, 64); err != nil {
					t.Fatalf("observation %v: value %q is not a number", rec[:5], v)
				}
			}
		}
	})
	for _, tc := range []struct {
		name, where, wantValue string
	}{
		{"marker with NULL value", "marker IS NOT NULL AND marker <> '-' AND value IS NULL", ""},
		{"nil marker with value 0", "marker = '-'", "0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var key [5]string
			var marker string
			err := db.QueryRow(`SELECT financial_year, area_code, measure, category, level, marker FROM observations
				WHERE `+tc.where+` ORDER BY 1, 2, 3, 4, 5 LIMIT 1`).Scan(&key[0], &key[1], &key[2], &key[3], &key[4], &marker)
			if err != nil {
				t.Fatalf("no such observation in the fixtures: %v", err)
			}
			rec := findExportRecord(t, obs, key[:]...)
			if rec[5] != tc.wantValue || rec[6] != marker {
				t.Errorf("%v exported value %q marker %q, want %q and %q", key, rec[5], rec[6], tc.wantValue, marker)
			}
		})
	}

	summary := exportedCSV(t, filepath.Join(out[store.ExportCSV][0], "area_summary.csv"))
	summaryJSON := exportedJSONObjects(t, filepath.Join(out[store.ExportJSON][0], "area_summary.json"))
	for _, tc := range []struct {
		year, area, column, want string
	}{
		{"2022-23", "K04000001", "rsos", "68357"},
		{"2020-21", "E23000010", "rso_breach_convictions", "47"},
		{"2019-20", "E23000028", "rso_rate_per_100k", ""}, // computed: compared with the database below
		{"2016-17", "E23000018", "rso_rate_per_100k_published", "125.2"},
		{"2013-14", "E23000001", "rso_growth_pct", ""}, // the first year has no growth: NULL
	} {
		t.Run("area_summary "+tc.year+" "+tc.area+" "+tc.column, func(t *testing.T) {
			var stored any
			err := db.QueryRow(`SELECT "`+tc.column+`" FROM area_summary WHERE financial_year = ? AND area_code = ?`,
				tc.year, tc.area).Scan(&stored)
			if err != nil {
				t.Fatal(err)
			}
			i := slices.Index(summary[0], tc.column)
			got := findExportRecord(t, summary, tc.year, tc.area)[i]
			if tc.want != "" && got != tc.want {
				t.Errorf("csv %s = %q, want %q", tc.column, got, tc.want)
			}
			var fromJSON any
			for _, o := range summaryJSON {
				if o["financial_year"] == tc.year && o["area_code"] == tc.area {
					fromJSON = o[tc.column]
				}
			}
			switch v := stored.(type) {
			case nil:
				if got != "" || fromJSON != nil {
					t.Errorf("NULL exported as csv %q, json %v", got, fromJSON)
				}
			case int64, float64:
				want := asFloat64(v)
				if f, err := strconv.ParseFloat(got, 64); err != nil || f != want {
					t.Errorf("csv %q does not parse back to %v", got, want)
				}
				if n, ok := fromJSON.(json.Number); !ok || n.String() != got {
					t.Errorf("json %v (%T), want the number %s", fromJSON, fromJSON, got)
				}
			default:
				t.Fatalf("%s is %T in the database", tc.column, stored)
			}
		})
	}

	t.Run("every rate round-trips", func(t *testing.T) {
		rates := exportedCSV(t, filepath.Join(out[store.ExportCSV][0], "rso_rates.csv"))
		rows, err := db.Query("SELECT financial_year, area_code, rso_rate_per_100k FROM rso_rates")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var year, area string
			var rate float64
			if err := rows.Scan(&year, &area, &rate); err != nil {
				t.Fatal(err)
			}
			text := findExportRecord(t, rates, year, area)[5]
			if got, err := strconv.ParseFloat(text, 64); err != nil || got != rate || strings.ContainsAny(text, "eE") {
				t.Errorf("%s %s: %q for %v", year, area, text, rate)
			}
			n++
		}
		if n < 400 {
			t.Errorf("only %d rates", n)
		}
	})

	t.Run("json keys in column order", func(t *testing.T) {
		for _, table := range store.ExportTables() {
			raw := readExported(t, filepath.Join(out[store.ExportJSON][0], table+".json"))
			if !bytes.HasSuffix(raw, []byte("]\n")) {
				t.Errorf("%s.json does not end with ]\\n", table)
			}
			cols := declaredColumns(t, db, table)
			n := checkJSONKeys(t, table, raw, cols)
			if want := rowCount(t, db, table); n != want {
				t.Errorf("%s.json has %d objects, want %d", table, n, want)
			}
		}
	})

	// Runs last: it holds a write transaction on the first database.
	t.Run("not blocked by a writer", func(t *testing.T) {
		writer, err := sql.Open("sqlite3", "file:"+stores[0].Path+"?_busy_timeout=100")
		if err != nil {
			t.Fatal(err)
		}
		defer writer.Close()
		conn, err := writer.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		want := rowCount(t, db, "check_results")
		if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
			t.Fatal(err)
		}
		defer conn.ExecContext(ctx, "ROLLBACK")
		if _, err := conn.ExecContext(ctx, "DELETE FROM check_results"); err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(tmp, "locked")
		res, err := store.Export(ctx, db, dir, store.ExportCSV)
		if err != nil {
			t.Fatalf("export while another connection writes: %v", err)
		}
		for _, f := range res.Files {
			if f.Table == "check_results" && f.Rows != want {
				t.Errorf("exported %d check results, want the %d committed", f.Rows, want)
			}
		}
	})
}

// TestExportLeavesOtherFiles checks that an export replaces its own files
// and nothing else, and leaves no temporary files.
func TestExportLeavesOtherFiles(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	dir := filepath.Join(t.TempDir(), "a", "b")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{"keep.txt": "mine", "areas.json": "stale"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := store.Export(ctx, st.DB, dir, store.ExportJSON); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
		if fi, err := e.Info(); err != nil || (e.Name() != "keep.txt" && fi.Mode().Perm() != 0o644) {
			t.Errorf("%s: mode %v, %v", e.Name(), fi.Mode(), err)
		}
	}
	want := []string{"keep.txt"}
	for _, table := range store.ExportTables() {
		want = append(want, table+".json")
	}
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("files %v, want %v", names, want)
	}
	if got := string(readExported(t, filepath.Join(dir, "keep.txt"))); got != "mine" {
		t.Errorf("keep.txt = %q", got)
	}
	if got := readExported(t, filepath.Join(dir, "areas.json")); !bytes.Contains(got, []byte(`{"area_code":"E23000001","area_name":"London","country":"England","area_type":"police_force_area"}`)) {
		t.Errorf("areas.json not replaced: %.100s", got)
	}
	if got := string(readExported(t, filepath.Join(dir, "releases.json"))); got != "[]\n" {
		t.Errorf("empty table exported as %q", got)
	}
}
