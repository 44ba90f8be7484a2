package report_test

import (
	"strings"
	"testing"

	"github.com/mappa-etl/mappa/report"
)

// TestBanners: a page of the bundled fixtures says its figures are
// synthetic; a year with failing checks says how many and of what kind.
func TestBanners(t *testing.T) {
	page := string(render(t, openStore(t)))
	if !strings.Contains(page, `<p id="synthetic-banner" class="banner" role="note"><strong>Synthetic data.</strong>`) {
		t.Error("a page of the bundled fixtures does not say they are synthetic")
	}
	if strings.Contains(page, `id="failing-banner"`) {
		t.Error("a failing-checks banner on a year whose checks all pass")
	}
	st := openStore(t, `UPDATE check_results SET status = 'fail' WHERE financial_year = '2025-26' AND check_name = 'rate_matches_published' AND subject IN ('E23000028', 'E23000001')`)
	page = string(render(t, st, report.WithYear("2025-26")))
	if !strings.Contains(page, `<strong>2 checks fail for 2025-26</strong>: rate_matches_published.`) {
		t.Errorf("no banner for 2 failing checks:\n%.400s", page[strings.Index(page, "<h1"):])
	}
}
