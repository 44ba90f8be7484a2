package report_test

import (
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/mappa-etl/mappa/report"
)

// TestNationalUnitInTheAreaTable: the National Security Division is listed
// in the area table after the 42 areas, with its category 4 offenders and
// the reason it has no rate, and left out of the rate chart, which needs a
// population.
func TestNationalUnitInTheAreaTable(t *testing.T) {
	st := openStore(t)
	doc := parse(t, render(t, st, report.WithYear("2025-26")))
	rows := findAll(byID(t, doc, "area-table"), func(n *html.Node) bool { return n.Data == "tr" && hasAttr(n, "data-area-code") })
	var codes []string
	var nsd *html.Node
	for _, r := range rows {
		codes = append(codes, attr(r, "data-area-code"))
		if attr(r, "data-area-code") == "NSD" {
			nsd = r
		}
	}
	if len(codes) != 44 || codes[42] != "NSD" || codes[43] != "K04000001" {
		t.Fatalf("area rows %v, want the 42 areas, NSD, then England and Wales", codes)
	}
	cells := map[string]string{}
	for _, c := range findAll(nsd, tag("td")) {
		cells[attr(c, "data-column")] = text(c)
	}
	var terrorism string
	if err := st.DB.QueryRow(`SELECT printf('%,d', terrorism_offenders) FROM area_summary WHERE financial_year = '2025-26' AND area_code = 'NSD'`).Scan(&terrorism); err != nil {
		t.Fatal(err)
	}
	if cells["terrorism_offenders"] != terrorism || cells["rso_rate_per_100k"] != "– (a national unit, not a place: no population)" {
		t.Errorf("NSD row %v, want %s terrorism offenders and no rate with its reason", cells, terrorism)
	}
	for _, r := range findAll(byID(t, doc, "chart-rates"), func(n *html.Node) bool { return n.Data == "tr" }) {
		if attr(r, "data-key") == "NSD" || strings.Contains(text(r), "National Security Division") {
			t.Errorf("the rate chart lists the NSD: %q", text(r))
		}
	}
}

// TestNationalUnitChosen: a report for the National Security Division
// charts its category 4 and all its offenders, not RSOs it does not
// manage, and says why it has no rate rather than drawing none.
func TestNationalUnitChosen(t *testing.T) {
	st := openStore(t)
	doc := parse(t, render(t, st, report.WithArea("NSD")))
	counts := text(byID(t, doc, "chart-counts-area-caption"))
	if want := "National Security Division: terrorism offenders 172 in 2025-26, up 20.3% from 143 in 2022-23; all MAPPA offenders 172 in 2025-26"; !strings.HasPrefix(counts, want) {
		t.Errorf("count chart caption %q, want it to start %q", counts, want)
	}
	rates := text(byID(t, doc, "chart-rate-trend-caption"))
	if want := "National Security Division: a national unit, not a place, with no population and so no rate."; !strings.HasSuffix(rates, want) {
		t.Errorf("rate trend caption %q, want it to end %q", rates, want)
	}
}
