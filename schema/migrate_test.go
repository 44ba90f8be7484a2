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
	if err := db.QueryRow("SELECT COUNT(*) FROM areas").Scan(&n); err != nil || n != 43 {
		t.Errorf("areas = %d, %v; want 42 and England and Wales", n, err)
	}
	rows, err := db.Query("SELECT * FROM area_summary LIMIT 0")
	if err != nil {
		t.Fatal(err)
	}
	cols, _ := rows.Columns()
	rows.Close()
	want := "financial_year, area_code, area_name, rsos, rsos_level1, rsos_level2, rsos_level3, violent_offenders, other_dangerous_offenders, total_offenders, rso_breach_convictions, rso_revocations, population_10plus, population_mid_year, rso_rate_per_100k, rso_rate_per_100k_published, rso_growth_pct, violent_growth_pct, total_growth_pct"
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
