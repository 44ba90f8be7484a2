package schema

import (
	"context"
	"strings"
	"testing"
)

// TestMigration0008KeepsEachYearAsItsFirstVintage upgrades a version 7
// database holding a year: its figures become vintage 1 of the year, the
// current one, with its file's URL and time; revisions is empty.
func TestMigration0008KeepsEachYearAsItsFirstVintage(t *testing.T) {
	db, _ := migratedTo(t, 7)
	tables := strings.Repeat("b", 64)
	for _, q := range []string{
		`INSERT INTO source_files VALUES ('` + tables + `', 'area-tables', '2019-20', 'https://assets.publishing.service.gov.uk/t.xlsx', 't.xlsx', 'x', 1, '2026-01-01T00:00:00Z')`,
		`INSERT INTO releases (financial_year, period_end, published_at, source_sha256) VALUES ('2019-20', '2020-03-31', '2020-10-29T09:30:00Z', '` + tables + `')`,
		`INSERT INTO observations VALUES ('2019-20', 'E23000028', 'offenders', '1', 'all', 1596, NULL, '` + tables + `', 'Area_Tables_2019-20', 'E18'),
			('2019-20', 'E23000028', 'offenders', '2', 'all', NULL, '[c]', '` + tables + `', 'Area_Tables_2019-20', 'F18')`,
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
			(SELECT group_concat(financial_year || '|' || vintage || '|' || is_current || '|' || published_at || '|' || fetched_at || '|' || url, ';') FROM vintages) || ' / ' ||
			(SELECT group_concat(vintage || '|' || category || '|' || COALESCE(value, marker) || '|' || cell, ';') FROM (SELECT * FROM vintage_observations ORDER BY category)) || ' / ' ||
			(SELECT COUNT(*) FROM revisions)`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	want := "2019-20|1|1|2020-10-29T09:30:00Z|2026-01-01T00:00:00Z|https://assets.publishing.service.gov.uk/t.xlsx / 1|1|1596|E18;1|2|[c]|F18 / 0"
	if got != want {
		t.Errorf("after migration:\n got %s\nwant %s", got, want)
	}
}
