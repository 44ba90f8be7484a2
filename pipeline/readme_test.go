package pipeline_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mappa-etl/mappa/schema"
)

// readmeExample is one query of the README's Querying section and the
// output shown under it.
type readmeExample struct {
	title, query, output string
}

var fencedBlock = regexp.MustCompile("(?s)```(sql|text)\n(.*?)```")

// readmeExamples reads the Querying section (or another, by its heading
// line): each ```sql block is followed by the ```text block of what it
// prints.
func readmeExamples(t *testing.T, heading ...string) []readmeExample {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	h := "### Querying"
	if len(heading) > 0 {
		h = heading[0]
	}
	_, section, ok := strings.Cut(string(b), "\n"+h+"\n")
	if !ok {
		t.Fatalf("README has no %s section", h)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var out []readmeExample
	for _, m := range fencedBlock.FindAllStringSubmatch(section, -1) {
		switch {
		case m[1] == "sql":
			title, _, _ := strings.Cut(strings.TrimPrefix(m[2], "-- "), "\n")
			out = append(out, readmeExample{title: title, query: m[2]})
		case len(out) > 0 && out[len(out)-1].output == "":
			out[len(out)-1].output = m[2]
		default:
			t.Fatalf("README Querying: output block without a query before it:\n%s", m[2])
		}
	}
	return out
}

// sqliteList formats rows as the sqlite3 shell does with -header (list
// mode), so readers can check the README with the shell itself.
func sqliteList(rows *sql.Rows) (string, error) {
	cols, err := rows.Columns()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(strings.Join(cols, "|") + "\n")
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return "", err
		}
		fields := make([]string, len(cols))
		for i, v := range vals {
			switch v := v.(type) {
			case nil:
			case float64:
				fields[i] = strconv.FormatFloat(v, 'f', -1, 64)
				if !strings.Contains(fields[i], ".") {
					fields[i] += ".0"
				}
			case []byte:
				fields[i] = string(v)
			default:
				fields[i] = fmt.Sprint(v)
			}
		}
		b.WriteString(strings.Join(fields, "|") + "\n")
	}
	return b.String(), rows.Err()
}

// The README's queries run against the demo database and print what the
// README says they print.
func TestReadmeQueries(t *testing.T) {
	examples := readmeExamples(t)
	if len(examples) < 5 {
		t.Fatalf("README Querying has %d examples, want at least 5", len(examples))
	}
	checkReadmeExamples(t, rebuiltFixtures(t), examples)
}

// checkReadmeExamples runs each example on db and compares what it prints.
func checkReadmeExamples(t *testing.T, db *sql.DB, examples []readmeExample) {
	t.Helper()
	for _, ex := range examples {
		t.Run(ex.title, func(t *testing.T) {
			rows, err := db.Query(ex.query)
			if err != nil {
				t.Fatalf("query fails: %v\n%s", err, ex.query)
			}
			defer rows.Close()
			got, err := sqliteList(rows)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Count(got, "\n") < 2 {
				t.Errorf("query returns no rows on the demo database")
			}
			if got != ex.output {
				t.Errorf("README shows:\n%s\nthe demo database gives:\n%s", ex.output, got)
			}
		})
	}
}

// TestCannedQueriesAreTheReadmes: the canned queries mappa gives Datasette
// (schema/queries.sql) are the README's Querying examples, in its order.
func TestCannedQueriesAreTheReadmes(t *testing.T) {
	examples := readmeExamples(t)
	canned := schema.CannedQueries()
	if len(canned) != len(examples) {
		t.Fatalf("%d canned queries, %d README examples", len(canned), len(examples))
	}
	for i, ex := range examples {
		if canned[i].SQL != ex.query {
			t.Errorf("canned query %s is not README example %d:\n%s\nREADME:\n%s", canned[i].Name, i+1, canned[i].SQL, ex.query)
		}
	}
}

// TestSyntheticFixturesListed: schema/synthetic_fixtures.txt lists exactly
// the bundled archive's area tables, so a report of the demo says its
// figures are synthetic.
func TestSyntheticFixturesListed(t *testing.T) {
	b, err := os.ReadFile("../testdata/archive/manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Files []struct{ Kind, SHA256 string }
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range m.Files {
		if f.Kind == "area-tables" {
			n++
			if !schema.IsSyntheticFixture(f.SHA256) {
				t.Errorf("fixture %s is not in schema/synthetic_fixtures.txt (see its header)", f.SHA256)
			}
		}
	}
	if n == 0 || schema.IsSyntheticFixture("") {
		t.Fatalf("%d fixtures", n)
	}
}
