package schema

import (
	"bytes"
	"context"
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/data-dictionary.md from the schema")

const dictionaryPath = "../docs/data-dictionary.md"

// The committed dictionary must be what the schema generates, so it can
// never describe yesterday's schema. make docs rewrites it.
func TestDataDictionaryIsCurrent(t *testing.T) {
	db, _ := migrated(t)
	var got bytes.Buffer
	if err := WriteDictionary(context.Background(), db, &got); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(dictionaryPath, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(dictionaryPath)
	if err != nil {
		t.Fatalf("%v (run make docs)", err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("%s is out of date with the schema: run make docs and commit it", dictionaryPath)
	}
	for _, s := range []string{"### `area_summary` (view)", "| `rso_rate_per_100k` | REAL | per 100,000 aged 10+ |", "| `rso_breach_convictions` | during the year |"} {
		if !bytes.Contains(got.Bytes(), []byte(s)) {
			t.Errorf("dictionary lacks %q", s)
		}
	}
}

func TestEveryTableIsInTheDictionary(t *testing.T) {
	db, _ := migrated(t)
	listed := map[string]bool{}
	for _, d := range TableDocs() {
		if listed[d.Name] {
			t.Errorf("%s listed twice in tables.tsv", d.Name)
		}
		listed[d.Name] = true
	}
	rows, err := db.Query("SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		n++
		if !listed[name] {
			t.Errorf("table %s is not in schema/tables.tsv", name)
		}
		delete(listed, name)
	}
	for name := range listed {
		t.Errorf("tables.tsv lists %s, which the schema does not have", name)
	}
	if n < 14 {
		t.Errorf("only %d tables and views found", n)
	}
}
