package govuk

import (
	"errors"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/mappa-etl/mappa/sources/govuk/govuktest"
)

// member is a collection's link to a statistics page at /government/statistics/slug.
func member(slug, docType string, extra ...any) map[string]any {
	m := map[string]any{"base_path": "/government/statistics/" + slug, "api_path": "/api/content/government/statistics/" + slug,
		"title": "MAPPA annual report " + slug, "document_type": docType, "public_updated_at": "2020-10-29T09:30:00Z"}
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] == nil {
			delete(m, extra[i].(string))
		} else {
			m[extra[i].(string)] = extra[i+1]
		}
	}
	return m
}

func collectionOf(members ...any) map[string]any {
	return map[string]any{"base_path": CollectionPath, "links": map[string]any{"documents": members}}
}

// pageOf is a statistics page: a bulletin, the national tables and atts.
func pageOf(slug, title string, atts ...any) map[string]any {
	all := append([]any{
		map[string]any{"title": title, "filename": "bulletin.pdf", "content_type": ctPDF, "url": "/media/b/bulletin.pdf"},
		map[string]any{"title": title + ": tables", "filename": "tables.xlsx", "content_type": ctXLSX, "url": "/media/t/tables.xlsx"},
	}, atts...)
	return map[string]any{"base_path": "/government/statistics/" + slug, "title": title, "document_type": "official_statistics",
		"first_published_at": "2020-10-29T09:30:00.000+00:00", "details": map[string]any{"attachments": all}}
}

func areaFile(name string, size any) map[string]any {
	return map[string]any{"title": "Area tables", "filename": name, "content_type": ctODS, "url": "/media/a/" + name, "file_size": size, "id": "7001"}
}

type wantSkip struct {
	page, reason string
	failed       bool
}

func TestDiscover(t *testing.T) {
	const api = "/api/content/government/statistics/"
	p1920 := pageOf("mappa-2019-20", "MAPPA annual report 2019 to 2020", areaFile("area-2019-20.ods", 4096))
	r1920 := Release{FinancialYear: "2019-20", URL: "{origin}/media/a/area-2019-20.ods", Filename: "area-2019-20.ods",
		Title: "MAPPA annual report 2019 to 2020", LandingURL: "{origin}/government/statistics/mappa-2019-20",
		PublishedAt: "2020-10-29T09:30:00.000+00:00", FileSize: 4096}
	p2021 := pageOf("mappa-2020-21", "MAPPA annual report 2020 to 2021", areaFile("area-2020-21.ods", 1))
	noDocs := []wantSkip{{CollectionPath, "the collection lists no documents", false}}
	for _, tc := range []struct {
		name       string
		collection any
		pages      map[string]any // api path -> document ([]byte: raw)
		faults     map[string]govuktest.Fault
		want       []Release // "{origin}" stands for the server
		skipped    []wantSkip
		unrequired []string // api paths that must not be read
		wantErr    string
	}{
		{name: "one release", collection: collectionOf(member("mappa-2019-20", "official_statistics")),
			pages: map[string]any{api + "mappa-2019-20": p1920}, want: []Release{r1920}},
		{name: "no links", collection: map[string]any{"base_path": CollectionPath, "title": "MAPPA"}, skipped: noDocs},
		{name: "empty documents", collection: collectionOf(), skipped: noDocs},
		{name: "withdrawn member read for its notice", collection: collectionOf(member("mappa-2019-20", "official_statistics", "withdrawn", true)),
			pages: map[string]any{api + "mappa-2019-20": p1920}, skipped: []wantSkip{{"/government/statistics/mappa-2019-20", "withdrawn", false}}},
		{name: "withdrawn member whose page cannot be read", collection: collectionOf(member("mappa-2019-20", "official_statistics", "withdrawn", true)),
			skipped: []wantSkip{{"/government/statistics/mappa-2019-20", "withdrawn", false}}},
		{name: "withdrawn page", collection: collectionOf(member("mappa-2019-20", "national_statistics")),
			pages:   map[string]any{api + "mappa-2019-20": merge(p1920, "withdrawn_notice", map[string]any{"explanation": "superseded"})},
			skipped: []wantSkip{{"/government/statistics/mappa-2019-20", "withdrawn", false}}},
		{name: "empty withdrawn notice: a live page", collection: collectionOf(member("mappa-2019-20", "official_statistics")),
			pages: map[string]any{api + "mappa-2019-20": merge(p1920, "withdrawn_notice", map[string]any{})}, want: []Release{r1920}},
		{name: "guidance not read", collection: collectionOf(member("mappa-guidance", "guidance"), member("mappa-2019-20", "official_statistics")),
			pages: map[string]any{api + "mappa-2019-20": p1920}, want: []Release{r1920},
			skipped:    []wantSkip{{"/government/statistics/mappa-guidance", `document type "guidance" is not statistics`, false}},
			unrequired: []string{api + "mappa-guidance"}},
		{name: "unreadable pages recorded, others discovered",
			collection: collectionOf(member("mappa-2018-19", "official_statistics"), member("mappa-2019-20", "official_statistics"),
				member("mappa-2020-21", "official_statistics"), member("mappa-2021-22", "official_statistics")),
			pages:  map[string]any{api + "mappa-2019-20": p1920, api + "mappa-2020-21": []byte(`{"title": "MAPPA`), api + "mappa-2021-22": p2021},
			faults: map[string]govuktest.Fault{api + "mappa-2021-22": {Kind: govuktest.Status, Status: 500}},
			want:   []Release{r1920},
			skipped: []wantSkip{{"/government/statistics/mappa-2018-19", "page could not be read", true},
				{"/government/statistics/mappa-2020-21", "page could not be read", true},
				{"/government/statistics/mappa-2021-22", "page could not be read", true}}},
		{name: "no api_path: base_path used", collection: collectionOf(member("mappa-2019-20", "official_statistics", "api_path", nil)),
			pages: map[string]any{api + "mappa-2019-20": p1920}, want: []Release{r1920}},
		{name: "only api_path", collection: collectionOf(member("mappa-2019-20", "official_statistics", "base_path", nil)),
			pages: map[string]any{api + "mappa-2019-20": p1920}, want: []Release{r1920}},
		{name: "api_path answers 303 See Other", collection: collectionOf(member("mappa-2019-20", "official_statistics", "api_path", api+"mappa-2019-20/area-tables")),
			pages:  map[string]any{api + "mappa-2019-20": p1920},
			faults: map[string]govuktest.Fault{api + "mappa-2019-20/area-tables": {Kind: govuktest.Redirect, Status: 303, Location: api + "mappa-2019-20"}},
			want:   []Release{r1920}},
		{name: "no base_path or api_path", collection: collectionOf(member("x", "official_statistics", "base_path", nil, "api_path", nil, "title", "Lost page")),
			skipped: []wantSkip{{"Lost page", "no base_path or api_path", false}}},
		{name: "attachment without optional fields, year from page or doc",
			collection: collectionOf(member("mappa-2016-17", "national_statistics", "title", "MAPPA annual report 2016 to 2017"),
				member("mappa-2017-18", "national_statistics")),
			pages: map[string]any{
				api + "mappa-2016-17": merge(pageOf("mappa-2016-17", "", map[string]any{"title": "Area tables", "url": "/uploads/file/800001/area.xls", "id": 800001}),
					"title", nil, "first_published_at", nil, "public_updated_at", "2017-10-26T09:30:00Z"),
				api + "mappa-2017-18": pageOf("mappa-2017-18", "MAPPA annual report 2017 to 2018", areaFile("area-2017-18.xlsx", "2048")),
			},
			want: []Release{
				{FinancialYear: "2016-17", URL: "{origin}/uploads/file/800001/area.xls", Filename: "area.xls", Title: "MAPPA annual report 2016 to 2017",
					LandingURL: "{origin}/government/statistics/mappa-2016-17", PublishedAt: "2017-10-26T09:30:00Z"},
				{FinancialYear: "2017-18", URL: "{origin}/media/a/area-2017-18.xlsx", Filename: "area-2017-18.xlsx", Title: "MAPPA annual report 2017 to 2018",
					LandingURL: "{origin}/government/statistics/mappa-2017-18", PublishedAt: "2020-10-29T09:30:00.000+00:00", FileSize: 2048},
			}},
		{name: "two pages for one year", collection: collectionOf(member("mappa-2019-20", "official_statistics"),
			member("mappa-2019-20-revised", "official_statistics"), member("mappa-2020-21", "official_statistics")),
			pages: map[string]any{api + "mappa-2019-20": p1920, api + "mappa-2020-21": p2021,
				api + "mappa-2019-20-revised": pageOf("mappa-2019-20-revised", "MAPPA annual report 2019 to 2020 (revised)", areaFile("area-2019-20-r.ods", 1))},
			want: []Release{{FinancialYear: "2020-21", URL: "{origin}/media/a/area-2020-21.ods", Filename: "area-2020-21.ods", Title: "MAPPA annual report 2020 to 2021",
				LandingURL: "{origin}/government/statistics/mappa-2020-21", PublishedAt: "2020-10-29T09:30:00.000+00:00", FileSize: 1}},
			skipped: []wantSkip{{"/government/statistics/mappa-2019-20", "ambiguous: 2 pages offer area tables for 2019-20", false},
				{"/government/statistics/mappa-2019-20-revised", "ambiguous: 2 pages offer area tables for 2019-20", false}}},
		{name: "base path naming another host stays on the site", collection: collectionOf(member("mappa-2019-20", "official_statistics")),
			pages: map[string]any{api + "mappa-2019-20": merge(p1920, "base_path", "//elsewhere.example/x")},
			want: []Release{{FinancialYear: "2019-20", URL: "{origin}/media/a/area-2019-20.ods", Filename: "area-2019-20.ods",
				Title: "MAPPA annual report 2019 to 2020", LandingURL: "{origin}//elsewhere.example/x",
				PublishedAt: "2020-10-29T09:30:00.000+00:00", FileSize: 4096}}},
		{name: "page without area tables", collection: collectionOf(member("mappa-2019-20", "official_statistics")),
			pages:   map[string]any{api + "mappa-2019-20": pageOf("mappa-2019-20", "MAPPA annual report 2019 to 2020")},
			skipped: []wantSkip{{"/government/statistics/mappa-2019-20", "no area tables spreadsheet attached", false}}},
		{name: "page with two area tables", collection: collectionOf(member("mappa-2019-20", "official_statistics")),
			pages: map[string]any{api + "mappa-2019-20": pageOf("mappa-2019-20", "MAPPA annual report 2019 to 2020",
				areaFile("area-2019-20.ods", 1), merge(areaFile("area-2019-20-v2.ods", 1), "title", "Area tables v2"))},
			skipped: []wantSkip{{"/government/statistics/mappa-2019-20", "ambiguous", false}}},
		{name: "area tables without url", collection: collectionOf(member("mappa-2019-20", "official_statistics")),
			pages: map[string]any{api + "mappa-2019-20": pageOf("mappa-2019-20", "MAPPA annual report 2019 to 2020",
				merge(areaFile("area-2019-20.ods", 1), "url", nil))},
			skipped: []wantSkip{{"/government/statistics/mappa-2019-20", `area tables "area-2019-20.ods" have no url`, true}}},
		{name: "collection 500", collection: collectionOf(), faults: map[string]govuktest.Fault{"/api/content" + CollectionPath: {Kind: govuktest.Status, Status: 500}},
			wantErr: "500 Internal Server Error (after 2 retries)"},
		{name: "collection invalid JSON", collection: []byte(`<html>`), wantErr: "invalid JSON"},
		{name: "collection missing", wantErr: "404 Not Found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := govuktest.New()
			defer srv.Close()
			if tc.collection != nil {
				srv.SetJSON("/api/content"+CollectionPath, tc.collection)
			}
			for p, doc := range tc.pages {
				srv.SetJSON(p, doc)
			}
			for p, f := range tc.faults {
				srv.AddFault(p, f)
			}
			d, err := Discover(deadline(t), quickClient(t, srv.URL("")), CollectionPath)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), "read collection "+CollectionPath) || !strings.Contains(err.Error(), tc.wantErr) || d != nil {
					t.Fatalf("Discover = %+v, %v; want an error with %q", d, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Discover: %v", err)
			}
			checkDiscovery(t, d, srv.Server.URL, tc.want, tc.skipped)
			for _, r := range srv.Requests() {
				for _, p := range tc.unrequired {
					if r.Path == p {
						t.Errorf("%s was read", p)
					}
				}
			}
		})
	}
}

func checkDiscovery(t *testing.T, d *Discovery, origin string, want []Release, skipped []wantSkip) {
	t.Helper()
	for i := range want {
		want[i].URL = strings.Replace(want[i].URL, "{origin}", origin, 1)
		want[i].LandingURL = strings.Replace(want[i].LandingURL, "{origin}", origin, 1)
	}
	// Every page's digest is checked against its bytes in
	// TestDiscoverPageSHA256; here, only that there is one.
	for i, r := range d.Releases {
		if len(r.PageSHA256) != 64 || !strings.Contains(r.Page, "/government/statistics/") {
			t.Errorf("release %s: page sha256 %q, page %q", r.FinancialYear, r.PageSHA256, r.Page)
		}
		d.Releases[i].PageSHA256, d.Releases[i].Page = "", ""
	}
	if !reflect.DeepEqual(d.Releases, want) && (len(d.Releases) != 0 || len(want) != 0) {
		t.Errorf("releases:\n got %+v\nwant %+v", d.Releases, want)
	}
	got := append([]Skipped(nil), d.Skipped...)
	sort.Slice(got, func(i, j int) bool { return got[i].Page < got[j].Page })
	if len(got) != len(skipped) {
		t.Fatalf("skipped %+v, want %d", got, len(skipped))
	}
	for i, w := range skipped {
		w.page = strings.Replace(w.page, "{origin}", origin, 1)
		g := got[i]
		if g.Page != w.page || !strings.Contains(g.Reason, w.reason) || (g.Err != nil) != w.failed {
			t.Errorf("skipped[%d] = %+v, want page %s, reason with %q, failed %v", i, g, w.page, w.reason, w.failed)
		}
		// Ambiguous pages are logged as warnings: someone must look.
		if want := strings.HasPrefix(w.reason, "ambiguous"); g.Ambiguous != want {
			t.Errorf("skipped[%d] = %+v: Ambiguous %v, want %v", i, g, g.Ambiguous, want)
		}
		// A failure is a page that could not be read, never an ambiguity.
		if g.Err != nil && (errors.Is(g.Err, ErrAmbiguous) || !strings.Contains(g.Err.Error(), "read page")) {
			t.Errorf("failure %+v", g)
		}
	}
}

// merge returns a copy of m with key/value pairs set (nil value: removed).
func merge(m map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
		} else {
			out[kv[i].(string)] = kv[i+1]
		}
	}
	return out
}
