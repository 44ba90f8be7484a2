package report_test

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/mappa-etl/mappa/report"
)

// TestProvenance checks that every release and population estimate in the
// database is listed with its file, hash and what it fed.
func TestProvenance(t *testing.T) {
	st := openStore(t, `UPDATE releases SET title = 'MAPPA annual report 2024 to 2025',
		published_at = '2025-10-30T08:30:00Z' WHERE financial_year = '2024-25'`)
	doc := parse(t, render(t, st, report.WithYear("2019-20")))
	rowsOf := func(id, key string) map[string]*html.Node {
		out := map[string]*html.Node{}
		for _, tr := range findAll(byID(t, doc, id), func(n *html.Node) bool { return n.Data == "tr" && hasAttr(n, key) }) {
			out[attr(tr, key)] = tr
		}
		return out
	}
	releases := rowsOf("releases", "data-year")
	dbRows, err := st.DB.Query(`SELECT r.financial_year, f.filename, f.sha256,
			(SELECT GROUP_CONCAT(DISTINCT 'mid-' || population_mid_year) FROM rso_rates x WHERE x.financial_year = r.financial_year)
		FROM releases r JOIN source_files f ON f.sha256 = r.source_sha256`)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for dbRows.Next() {
		var year, file, sha, mids string
		if err := dbRows.Scan(&year, &file, &sha, &mids); err != nil {
			t.Fatal(err)
		}
		n++
		tr := releases[year]
		if tr == nil {
			t.Errorf("release %s not listed", year)
			continue
		}
		cells := findAll(tr, tag("td"))
		hash := findAll(tr, func(n *html.Node) bool { return attr(n, "class") == "hash" })
		if len(cells) != 4 || !strings.HasPrefix(text(cells[0]), file) || len(hash) != 1 ||
			attr(hash[0], "title") != sha || text(hash[0]) != sha[:12] || !strings.HasPrefix(text(cells[3]), mids+", edition ") ||
			!strings.HasSuffix(text(cells[3]), "reproduces 43 of 43 published rates") {
			t.Errorf("release %s: listed as %q, want file %s, sha256 %s, rates from %s", year, text(tr), file, sha, mids)
		}
		if got := strings.Contains(attr(tr, "class"), "chosen"); got != (year == "2019-20") {
			t.Errorf("release %s: highlighted %v", year, got)
		}
	}
	dbRows.Close()
	if n != 13 || len(releases) != n {
		t.Errorf("%d releases listed, %d in the database, want 13", len(releases), n)
	}
	for _, want := range []string{"MAPPA annual report 2024 to 2025", "published 30 October 2025 08:30 UTC"} {
		if got := text(releases["2024-25"]); !strings.Contains(got, want) {
			t.Errorf("2024-25 release %q lacks %q", got, want)
		}
	}

	pops := rowsOf("populations", "data-mid-year")
	dbRows, err = st.DB.Query(`SELECT p.mid_year, f.filename, p.level, COALESCE(p.lookup, 'none needed'), p.england_and_wales_cell
		FROM population_sources p JOIN source_files f ON f.sha256 = p.source_sha256`)
	if err != nil {
		t.Fatal(err)
	}
	defer dbRows.Close()
	n = 0
	for dbRows.Next() {
		var year int
		var file, level, lookup, ew string
		if err := dbRows.Scan(&year, &file, &level, &lookup, &ew); err != nil {
			t.Fatal(err)
		}
		n++
		tr := pops[fmt.Sprint(year)]
		cells := findAll(tr, tag("td"))
		if tr == nil || len(cells) != 6 || text(cells[0]) != file+"its 42 areas add up to its England and Wales row, "+ew ||
			text(cells[3]) != level || text(cells[4]) != lookup {
			t.Errorf("mid-%d: listed as %q, want %s, %s, %s", year, text(tr), file, level, lookup)
		}
	}
	if n != 12 || len(pops) != n {
		t.Errorf("%d population estimates listed, %d in the database, want 12", len(pops), n)
	}
	sources := text(findAll(byID(t, doc, "chart-rates"), func(n *html.Node) bool { return attr(n, "class") == "sources" })[0])
	var edition string
	if err := st.DB.QueryRow(`SELECT edition FROM population_sources WHERE mid_year = 2019`).Scan(&edition); err != nil {
		t.Fatal(err)
	}
	if want := "Sources: Area tables MAPPA_Annual_Report_2019-20_Area_Tables.xlsx (2019-20); mid-2019 population estimate ukpopestimatesmid2019.xlsx. " +
		"Rates are computed on the ONS mid-2019 estimate (edition of " + edition + "), which reproduces all 43 rates the release published."; sources != want {
		t.Errorf("rate chart sources %q, want %q", sources, want)
	}
}
