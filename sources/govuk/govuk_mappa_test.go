package govuk

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
	"github.com/mappa-etl/mappa/sources/fetch"
	"github.com/mappa-etl/mappa/sources/govuk/govuktest"
)

// TestDiscoverPublished runs discovery against a fake GOV.UK publishing the
// bundled fixtures in the styles GOV.UK has used, then downloads each file.
func TestDiscoverPublished(t *testing.T) {
	dir := pipelinetest.PublishedDir()
	srv, fx, err := govuktest.NewMAPPA(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	f := quickClient(t, srv.URL(""))
	d, err := Discover(deadline(t), f, govuktest.CollectionPath)
	if err != nil {
		t.Fatal(err)
	}
	wantNames := map[string]string{
		"2013-14": "mappa-annual-report-2013-14-by-area.xls",
		"2014-15": "mappa-annual-report-2014-15-area.xls",
		"2015-16": "MAPPA_Annual_Report_2015-16_Area_Tables.xls",
		"2016-17": "MAPPA-annual-report-2016-17-area-tables.xlsx",
		"2017-18": "mappa-annual-report-2017-18-area-tables.xlsx",
		"2018-19": "mappa-annual-report-2018-19-area-tables.xlsx",
		"2019-20": "MAPPA_Annual_Report_2019-20_Area_Tables.xlsx",
		"2020-21": "MAPPA_Annual_Report_2020-21_Area_Tables.xlsx",
		"2021-22": "MAPPA_Annual_Report_2021-22_Area_Tables.xlsx",
		"2022-23": "MAPPA_Annual_Report_-_Areas_Tables_2022-23.xlsx",
		"2023-24": "MAPPA_Annual_Report_2023-24_Area_Tables.ods",
		"2024-25": "MAPPA_Annual_Report_2024-25_Area_Tables.xlsx",
		"2025-26": "MAPPA_Annual_Report_2025-26_Area_Tables.ods",
	}
	if len(d.Releases) != 13 {
		t.Fatalf("%d releases, want 13: %+v", len(d.Releases), d.Releases)
	}
	for i, r := range d.Releases {
		start := 2013 + i
		fy := fmt.Sprintf("%d-%02d", start, (start+1)%100)
		want := fx.ReleaseFor(fy)
		body, err := os.ReadFile(filepath.Join(dir, wantNames[fy]))
		if err != nil {
			t.Fatal(err)
		}
		wantSize := int64(len(body))
		if start == 2014 { // the old page declares no size
			wantSize = 0
		}
		words := fmt.Sprintf("%d to %d", start, start+1)
		if r.FinancialYear != fy || r.Filename != wantNames[fy] || r.URL != want.AttachmentURL || r.FileSize != wantSize ||
			!strings.HasSuffix(r.Title, words) || r.LandingURL != srv.Server.URL+strings.TrimPrefix(want.PagePath, "/api/content") ||
			r.PublishedAt != fmt.Sprintf("%d-10-29T09:30:00.000+00:00", start+1) {
			t.Errorf("release %d = %+v\nwant %s %s at %s (%d bytes)", i, r, fy, wantNames[fy], want.AttachmentURL, wantSize)
			continue
		}
		var c keepBody
		res, err := f.Fetch(deadline(t), r.URL, fetch.Validators{}, "", c.sink)
		if err != nil {
			t.Errorf("%s: %v", fy, err)
			continue
		}
		if !bytes.Equal(c.body.Bytes(), body) || res.URL != srv.URL(want.FilePath) {
			t.Errorf("%s: fetched %d bytes from %s, want %d from %s", fy, c.body.Len(), res.URL, len(body), srv.URL(want.FilePath))
		}
	}
	got := map[string]string{}
	for _, s := range d.Skipped {
		if s.Err != nil {
			t.Errorf("skipped with an error: %+v", s)
		}
		got[s.Page] = s.Reason
	}
	want := map[string]string{
		"/government/publications/mappa-guidance":                 `document type "guidance" is not statistics`,
		"/government/statistics/mappa-annual-report-2012-to-2013": "withdrawn",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("skipped = %v, want %v", got, want)
	}
}

// TestDiscoverPageSHA256: each release carries the sha256 of its page as
// served, the same on every read until that page, and only that page,
// changes.
func TestDiscoverPageSHA256(t *testing.T) {
	srv, fx, err := govuktest.NewMAPPA(pipelinetest.PublishedDir())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	f := quickClient(t, srv.URL(""))
	sums := func() map[string]string {
		t.Helper()
		d, err := Discover(deadline(t), f, govuktest.CollectionPath)
		if err != nil || len(d.Releases) != 13 {
			t.Fatalf("Discover = %d releases, %v", len(d.Releases), err)
		}
		out := map[string]string{}
		for _, r := range d.Releases {
			out[r.FinancialYear] = r.PageSHA256
		}
		return out
	}
	first := sums()
	for fy, sum := range first {
		want := sha256.Sum256(srv.JSON(fx.ReleaseFor(fy).PagePath))
		if sum != hex.EncodeToString(want[:]) {
			t.Errorf("%s: page sha256 %s, want that of the page served, %x", fy, sum, want)
		}
	}
	if again := sums(); !maps.Equal(again, first) {
		t.Errorf("an unchanged collection read again gave other digests:\n%v\n%v", again, first)
	}
	page := fx.ReleaseFor("2019-20").PagePath
	srv.SetJSON(page, bytes.Replace(srv.JSON(page), []byte(`"title"`), []byte(`"description": "Updated.", "title"`), 1))
	changed := sums()
	for fy, sum := range changed {
		if (sum != first[fy]) != (fy == "2019-20") {
			t.Errorf("after editing the 2019-20 page, %s's digest changed %v", fy, sum != first[fy])
		}
	}
}
