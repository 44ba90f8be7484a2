package schema

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"
)

func TestMigrateCreatesTheContract(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite3", filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i := 0; i < 2; i++ { // the second run must be a no-op
		if err := Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
	}
	ms, _ := Migrations()
	if v, _ := Version(ctx, db); v != ms[len(ms)-1].Version {
		t.Errorf("user_version = %d", v)
	}
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM areas").Scan(&n); err != nil || n != 44 {
		t.Errorf("areas = %d, %v; want 42, the National Security Division and England and Wales", n, err)
	}
	var types string
	if err := db.QueryRow(`SELECT group_concat(area_type || ' ' || n, ', ') FROM
			(SELECT area_type, COUNT(*) AS n FROM areas GROUP BY area_type ORDER BY area_type)`).Scan(&types); err != nil ||
		types != "country 1, national_unit 1, police_force_area 42" {
		t.Errorf("area types = %q, %v", types, err)
	}
	rows, err := db.Query("SELECT * FROM area_summary LIMIT 0")
	if err != nil {
		t.Fatal(err)
	}
	cols, _ := rows.Columns()
	rows.Close()
	want := "financial_year, area_code, area_name, rsos, rsos_level1, rsos_level2, rsos_level3, violent_offenders, other_dangerous_offenders, total_offenders, rso_breach_convictions, rso_revocations, population_10plus, population_mid_year, rso_rate_per_100k, rso_rate_per_100k_published, rso_growth_pct, violent_growth_pct, total_growth_pct, " +
		"area_type, terrorism_offenders, rso_breach_convictions_derived, rso_breach_cautioned, rso_breach_convicted, population_10plus_published, population_edition"
	if got := strings.Join(cols, ", "); got != want {
		t.Errorf("area_summary columns:\n got %s\nwant %s", got, want)
	}
}

func TestMAPPAArea(t *testing.T) {
	if MAPPAArea(CityOfLondon) != "E23000001" || MAPPAArea("E23000028") != "E23000028" {
		t.Error("City of London must map to London, others to themselves")
	}
	if len(Areas()) != 42 {
		t.Errorf("%d areas, want 42", len(Areas()))
	}
}

// migratedTo is a new database migrated to version, and the migrations.
func migratedTo(t *testing.T, version int) (*sql.DB, []Migration) {
	t.Helper()
	db, err := sql.Open("sqlite3", filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Version <= version {
			if err := apply(context.Background(), db, m); err != nil {
				t.Fatal(err)
			}
		}
	}
	return db, ms
}

// TestMigration0004KeepsDataAndChecks upgrades a version 3 database with
// data in observations and check_results: every row survives, the view on
// observations still reads it, and the rewritten checks allow exactly what
// the IN lists allowed.
func TestMigration0004KeepsDataAndChecks(t *testing.T) {
	ctx := context.Background()
	db, ms := migratedTo(t, 3)
	sha := strings.Repeat("a", 64)
	for _, q := range []string{
		`INSERT INTO areas (area_code, area_name, country) VALUES ('E23000028', 'Essex', 'England')`,
		`INSERT INTO source_files VALUES ('` + sha + `', 'area-tables', '2019-20', NULL, 'f.xlsx', 'x', 1, '2026-01-01T00:00:00Z')`,
		`INSERT INTO releases VALUES ('2019-20', '2020-03-31', NULL, NULL, NULL, '` + sha + `')`,
		`INSERT INTO observations VALUES ('2019-20', 'E23000028', 'offenders', '1', 'all', 1596, NULL, '` + sha + `', 'Table 1', 'E12'),
			('2019-20', 'E23000028', 'offenders', '1', '3', NULL, '[c]', '` + sha + `', 'Table 1', 'D12')`,
		`INSERT INTO check_results VALUES ('2019-20', 'levels_sum_to_total', 'E23000028', 'not_checked', 'a level is suppressed')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	// Each table as one JSON array of its rows, in key order.
	dump := func() string {
		var out string
		err := db.QueryRow(`SELECT
			(SELECT json_group_array(json_array(financial_year, area_code, measure, category, level, value, marker, source_sha256, sheet, cell))
				FROM (SELECT * FROM observations ORDER BY 1, 2, 3, 4, 5)) || char(10) ||
			(SELECT json_group_array(json_array(financial_year, check_name, subject, status, detail)) FROM check_results) || char(10) ||
			(SELECT json_group_array(json_array(financial_year, area_code, rsos, rsos_level3)) FROM area_summary)`).Scan(&out)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	before := dump()
	if err := apply(ctx, db, ms[3]); err != nil {
		t.Fatal(err)
	}
	if v, _ := Version(ctx, db); v != 4 {
		t.Fatalf("user_version = %d after Migrate", v)
	}
	if after := dump(); after != before || !strings.Contains(after, `"offenders","1","all",1596,null`) {
		t.Errorf("data after migration 0004:\n%s\nbefore:\n%s", after, before)
	}
	for _, tc := range []struct {
		name, insert string
		ok           bool
	}{
		{"category all", `('2019-20', 'E23000028', 'offenders', 'all', 'all', 1, NULL, '` + sha + `', 'T', 'A1')`, true},
		{"level 2", `('2019-20', 'E23000028', 'offenders', '2', '2', 1, NULL, '` + sha + `', 'T', 'A2')`, true},
		{"category 4", `('2019-20', 'E23000028', 'offenders', '4', 'all', 1, NULL, '` + sha + `', 'T', 'A3')`, false},
		{"level ALL", `('2019-20', 'E23000028', 'offenders', '1', 'ALL', 1, NULL, '` + sha + `', 'T', 'A4')`, false},
		{"level empty", `('2019-20', 'E23000028', 'offenders', '1', '', 1, NULL, '` + sha + `', 'T', 'A5')`, false},
	} {
		_, err := db.Exec("INSERT INTO observations VALUES " + tc.insert)
		if (err == nil) != tc.ok {
			t.Errorf("%s: insert err = %v, want ok = %v", tc.name, err, tc.ok)
		}
	}
	for status, ok := range map[string]bool{"pass": true, "fail": true, "not_checked": true, "skipped": false} {
		_, err := db.Exec("INSERT INTO check_results VALUES ('2020-21', 'c', ?, ?, '')", status, status)
		if (err == nil) != ok {
			t.Errorf("check status %q: err = %v, want ok = %v", status, err, ok)
		}
	}
}
