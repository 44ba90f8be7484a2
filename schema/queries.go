package schema

import (
	_ "embed"
	"strings"
)

//go:embed queries.sql
var queriesSQL string

// CannedQuery is one of the README's example queries: a name, its title
// (the first line of its comment) and its SQL, comment included.
type CannedQuery struct {
	Name, Title, SQL string
}

// CannedQueries returns the README's example queries, in its order, for
// Datasette's canned queries.
func CannedQueries() []CannedQuery {
	var out []CannedQuery
	for _, part := range strings.Split(queriesSQL, "-- query: ")[1:] {
		name, sql, _ := strings.Cut(part, "\n")
		sql = strings.TrimSpace(sql) + "\n"
		title, _, _ := strings.Cut(strings.TrimPrefix(sql, "-- "), "\n")
		out = append(out, CannedQuery{Name: strings.TrimSpace(name), Title: strings.TrimRight(title, ":, "), SQL: sql})
	}
	return out
}

//go:embed synthetic_fixtures.txt
var syntheticSHA256 string

// IsSyntheticFixture reports whether an area tables file is one of the
// bundled fixtures: figures made up for mappa's tests and demo, which a
// page showing them must say are not the MoJ's.
func IsSyntheticFixture(sha256 string) bool {
	for _, line := range strings.Split(syntheticSHA256, "\n") {
		if line == sha256 && line != "" {
			return true
		}
	}
	return false
}
