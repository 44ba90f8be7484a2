package schema

import (
	"context"
	"strings"
	"testing"
)

// TestMigration0005KeepsDataAndAddsCategory4 upgrades a version 4 database
// with data: every observation survives and area_summary still reads it,
// areas gain their type and the National Security Division, category 4 is
// allowed (and nothing else new), and a year published with cautions and
// convictions apart keeps one breach series, flagged as derived.
func TestMigration0005KeepsDataAndAddsCategory4(t *testing.T) {
	ctx := context.Background()
	db, _ := migratedTo(t, 4)
	sha := strings.Repeat("b", 64)
	exec := func(qs ...string) {
		t.Helper()
		for _, q := range qs {
			if _, err := db.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}
	exec(`INSERT INTO areas (area_code, area_name, country) VALUES ('E23000028', 'Essex', 'England'), ('K04000001', 'England and Wales', 'England and Wales')`,
		`INSERT INTO source_files VALUES ('`+sha+`', 'area-tables', '2023-24', NULL, 'f.xlsx', 'x', 1, '2026-01-01T00:00:00Z')`,
		`INSERT INTO releases VALUES ('2023-24', '2024-03-31', NULL, NULL, NULL, '`+sha+`')`,
		`INSERT INTO observations VALUES ('2023-24', 'E23000028', 'offenders', '1', 'all', 1700, NULL, '`+sha+`', 'Table_1', 'E12'),
			('2023-24', 'E23000028', 'rso_breach_convictions', '1', 'all', 40, NULL, '`+sha+`', 'Table_2', 'D12')`)
	summary := func(year string) string {
		var out string
		if err := db.QueryRow(`SELECT json_group_array(json_array(area_code, area_type, rsos, terrorism_offenders,
				rso_breach_convictions, rso_breach_convictions_derived, rso_breach_cautioned, rso_breach_convicted))
			FROM area_summary WHERE financial_year = ?`, year).Scan(&out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	if err := Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	if got, want := summary("2023-24"), `[["E23000028","police_force_area",1700,null,40,0,null,null]]`; got != want {
		t.Errorf("2023-24 after migration:\n got %s\nwant %s", got, want)
	}
	var nsd string
	if err := db.QueryRow(`SELECT area_name || '|' || area_type FROM areas WHERE area_code = 'NSD'`).Scan(&nsd); err != nil ||
		nsd != "National Security Division|national_unit" {
		t.Errorf("NSD row = %q, %v", nsd, err)
	}
	exec(`INSERT INTO source_files VALUES ('`+strings.Repeat("c", 64)+`', 'area-tables', '2024-25', NULL, 'g.xlsx', 'x', 1, '2026-01-01T00:00:00Z')`,
		`INSERT INTO releases (financial_year, period_end, title, landing_url, published_at, source_sha256) VALUES ('2024-25', '2025-03-31', NULL, NULL, NULL, '`+strings.Repeat("c", 64)+`')`)
	for _, tc := range []struct {
		name, insert string
		ok           bool
	}{
		{"category 4", `('2024-25', 'NSD', 'offenders', '4', 'all', 150, NULL, 'SHA', 'Table_1', 'Q50')`, true},
		{"cautioned", `('2024-25', 'E23000028', 'rso_breach_cautioned', '1', 'all', 12, NULL, 'SHA', 'Table_2', 'D12')`, true},
		{"convicted", `('2024-25', 'E23000028', 'rso_breach_convicted', '1', 'all', 30, NULL, 'SHA', 'Table_2', 'E12')`, true},
		{"category 5", `('2024-25', 'NSD', 'offenders', '5', 'all', 1, NULL, 'SHA', 'Table_1', 'Q51')`, false},
		{"unknown measure", `('2024-25', 'NSD', 'meetings', 'all', 'all', 1, NULL, 'SHA', 'Table_1', 'Q52')`, false},
	} {
		_, err := db.Exec("PRAGMA foreign_keys = ON; INSERT INTO observations VALUES " + strings.ReplaceAll(tc.insert, "SHA", strings.Repeat("c", 64)))
		if (err == nil) != tc.ok {
			t.Errorf("%s: insert err = %v, want ok = %v", tc.name, err, tc.ok)
		}
	}
	if got, want := summary("2024-25"), `[["E23000028","police_force_area",null,null,42,1,12,30],["NSD","national_unit",null,150,null,null,null,null]]`; got != want {
		t.Errorf("2024-25:\n got %s\nwant %s", got, want)
	}
	exec(`INSERT INTO unmapped_columns VALUES ('2024-25', '` + strings.Repeat("c", 64) + `', 'Table_2', 'H5', 'MAPPA meetings held')`)
}
