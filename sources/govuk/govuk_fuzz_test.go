package govuk

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
	"github.com/mappa-etl/mappa/sources/govuk/govuktest"
)

// FuzzPageJSON feeds arbitrary Content API documents through decoding and
// attachment picking: tolerant parsing must never panic, and any year it
// settles on must be well formed. Seeds are literals and the collection
// and statistics pages that govuktest serves for testdata/published.
func FuzzPageJSON(f *testing.F) {
	srv, fx, err := govuktest.NewMAPPA(pipelinetest.PublishedDir())
	if err != nil {
		f.Fatal(err)
	}
	paths := []string{"/api/content" + govuktest.CollectionPath}
	for _, r := range fx.Releases {
		paths = append(paths, r.PagePath)
	}
	for _, p := range paths {
		resp, err := srv.Client().Get(srv.URL(p))
		if err != nil {
			f.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			f.Fatalf("GET %s: %d, %v", p, resp.StatusCode, err)
		}
		f.Add(b)
	}
	srv.Close()
	f.Add([]byte(`{"title":"MAPPA annual report 2019 to 2020","details":{"attachments":[{"title":"Area tables","filename":"a.xlsx","file_size":"12","id":7}]}}`))
	f.Add([]byte(`{"links":{"documents":[{"base_path":"/x","document_type":"official_statistics","withdrawn":true}]}}`))
	f.Add([]byte(`{"details":{"attachments":[{"url":"https://h/Area%20tables%202019-20.ods","file_size":null}]},"withdrawn_notice":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 8<<10 {
			return
		}
		var p Page
		if err := json.Unmarshal(data, &p); err != nil {
			return
		}
		if c, err := PickAreaTables(p); err == nil {
			checkFinancialYear(t, c.FinancialYear)
		}
	})
}
