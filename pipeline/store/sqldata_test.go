package store

import (
	"context"
	"strings"
	"testing"

	"github.com/mappa-etl/mappa/pipeline/extract"
	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
)

// Text from spreadsheets and from outside (labels, headers, sheet and file
// names, titles) is data: it reaches SQLite only as parameters, so SQL in
// it is stored verbatim or rejected as an unknown label, never run.
func TestSQLInLabelsIsData(t *testing.T) {
	const injection = `x'); DROP TABLE observations; --`
	ctx := context.Background()

	t.Run("area label", func(t *testing.T) {
		sh := pipelinetest.LegacySheet(false)
		sh.Rows[6][0] = injection
		_, err := extract.New().Extract(pipelinetest.Book(sh), "2019-20")
		if err == nil || !strings.Contains(err.Error(), `unknown area label "`+injection+`"`) {
			t.Errorf("Extract = %v, want an unknown area label error quoting the label", err)
		}
	})

	t.Run("header, sheet, file name and title", func(t *testing.T) {
		st := openTestStore(t)
		sh := pipelinetest.LegacySheet(false)
		sh.Name = `Table 1"; DELETE FROM releases; --`
		sh.Rows[2] = append(sh.Rows[2], injection) // a header that maps to no measure
		for r := 4; r < len(sh.Rows); r++ {
			if len(sh.Rows[r]) > 1 {
				sh.Rows[r] = append(sh.Rows[r], "7")
			}
		}
		ex, err := extract.New().Extract(pipelinetest.Book(sh), "2019-20")
		if err != nil {
			t.Fatal(err)
		}
		f := src("area-tables", "2019-20")
		f.Filename = injection + ".xlsx"
		rel := Release{FinancialYear: "2019-20", Title: injection, LandingURL: "https://www.gov.uk/x?a='1'", Unmapped: ex.Unmapped}
		if err := st.LoadAreaTables(ctx, rel, f, ex.Observations); err != nil {
			t.Fatal(err)
		}
		var sheets, observations int
		var filename, title string
		if err := st.DB.QueryRow(`SELECT COUNT(DISTINCT sheet), COUNT(*) FROM observations WHERE sheet = ?`, sh.Name).Scan(&sheets, &observations); err != nil {
			t.Fatal(err)
		}
		if err := st.DB.QueryRow(`SELECT f.filename, r.title FROM releases r JOIN source_files f ON f.sha256 = r.source_sha256`).Scan(&filename, &title); err != nil {
			t.Fatal(err)
		}
		if sheets != 1 || observations != len(ex.Observations) || filename != injection+".xlsx" || title != injection {
			t.Errorf("stored sheet %d×%d (want 1×%d), filename %q, title %q: want the text verbatim",
				sheets, observations, len(ex.Observations), filename, title)
		}
		// The header maps to no measure: recorded verbatim, its figures
		// not loaded.
		var header string
		if err := st.DB.QueryRow(`SELECT header FROM unmapped_columns WHERE financial_year = '2019-20'`).Scan(&header); err != nil ||
			!strings.Contains(header, injection) {
			t.Errorf("unmapped header %q (%v) lacks the injected text", header, err)
		}
	})
}
