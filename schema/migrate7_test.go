package schema

import (
	"context"
	"strings"
	"testing"
)

// TestMigration0007KeepsEstimatesAsEditions upgrades a version 6 database
// holding an estimate and a rate: the estimate becomes the edition of the
// day its file was added, in population_editions and population alike,
// and the rate and the release name that edition.
func TestMigration0007KeepsEstimatesAsEditions(t *testing.T) {
	db, _ := migratedTo(t, 6)
	pop, tables := strings.Repeat("a", 64), strings.Repeat("b", 64)
	for _, q := range []string{
		`INSERT INTO source_files VALUES ('` + pop + `', 'population', '2019', NULL, 'mye2.xlsx', 'x', 1, '2025-10-30T08:30:00Z'),
			('` + tables + `', 'area-tables', '2019-20', NULL, 't.xlsx', 'x', 1, '2026-01-01T00:00:00Z')`,
		`INSERT INTO population VALUES (2019, 'E23000028', 1612349, 1846257, '` + pop + `'), (2019, 'K04000001', 52252671, 59439840, '` + pop + `')`,
		`INSERT INTO population_sources VALUES (2019, '` + pop + `', 'MYE2 - Persons', 'local authority', 'lad19.csv')`,
		`INSERT INTO releases VALUES ('2019-20', '2020-03-31', NULL, NULL, NULL, '` + tables + `', 2019, 43, 43)`,
		`INSERT INTO rso_rates VALUES ('2019-20', 'E23000028', 1596, 2019, 1612349, 98.98)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	var got string
	if err := db.QueryRow(`SELECT
			(SELECT group_concat(mid_year || '|' || edition || '|' || area_code || '|' || persons_10plus, ';') FROM population_editions) || ' / ' ||
			(SELECT group_concat(edition, ';') FROM population) || ' / ' ||
			(SELECT group_concat(edition || '|' || edition_from || '|' || reconciliation || '|' || is_current || '|' || lookup, ';') FROM population_sources) || ' / ' ||
			(SELECT population_edition FROM rso_rates) || ' / ' ||
			(SELECT rates_population_edition FROM releases)`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	want := "2019|2025-10-30|E23000028|1612349;2019|2025-10-30|K04000001|52252671 / 2025-10-30;2025-10-30 / " +
		"2025-10-30|added|not_checked|1|lad19.csv / 2025-10-30 / 2025-10-30"
	if got != want {
		t.Errorf("after migration:\n got %s\nwant %s", got, want)
	}
	rows, err := db.Query(`PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if rows.Next() {
		t.Error("foreign keys broken after migration")
	}
}
