package govuk

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/mappa-etl/mappa/sources/govuk/govuktest"
)

// TestDiscoverAsGOVUKBehaves: pages that moved (200 with schema
// "redirect"), went (410, or schema "gone"), were withdrawn, carry change
// notes, or have no area tables yet.
func TestDiscoverAsGOVUKBehaves(t *testing.T) {
	const api = "/api/content"
	const old, now = "/government/statistics/mappa-2019-20", "/government/statistics/mappa-annual-report-2019-to-2020"
	p1920 := pageOf("mappa-annual-report-2019-to-2020", "MAPPA annual report 2019 to 2020", areaFile("area-2019-20.ods", 4096))
	redirect := func(from string, routes ...map[string]any) map[string]any {
		return map[string]any{"base_path": from, "schema_name": "redirect", "document_type": "redirect", "redirects": routes}
	}
	route := func(path, typ, dest string) map[string]any {
		return map[string]any{"path": path, "type": typ, "destination": dest}
	}
	coll := collectionOf(member("mappa-2019-20", "official_statistics", "title", "MAPPA annual report 2019 to 2020"))
	tests := []struct {
		name     string
		pages    map[string]any
		faults   map[string]govuktest.Fault
		moved    []string // MovedFrom of the one release; nil: no release
		landing  string
		notice   *Notice
		skip     string // reason of the one skipped page
		failed   error  // the skipped page's error wraps it
		notes    int
		noTables bool
	}{
		{name: "moved: an exact route", pages: map[string]any{api + old: redirect(old, route(old, "exact", now)), api + now: p1920},
			moved: []string{old}, landing: now},
		{name: "moved twice, the second by a prefix route keeping segments", pages: map[string]any{
			api + old: redirect(old, route(old, "exact", "/government/statistics/mappa/2019-20")),
			api + "/government/statistics/mappa/2019-20":               redirect("/government/statistics/mappa/2019-20", map[string]any{"path": "/government/statistics/mappa", "type": "prefix", "destination": "/government/statistics/mappa-annual-report", "segments_mode": "preserve"}),
			api + "/government/statistics/mappa-annual-report/2019-20": merge(p1920, "base_path", "/government/statistics/mappa-annual-report/2019-20"),
		}, moved: []string{old, "/government/statistics/mappa/2019-20"}, landing: "/government/statistics/mappa-annual-report/2019-20"},
		{name: "a prefix route keeps what follows unless it says ignore", pages: map[string]any{
			api + old: redirect("/government/statistics", map[string]any{"path": "/government/statistics", "type": "prefix", "destination": "/government/statistics/moved"}),
			api + "/government/statistics/moved/mappa-2019-20": merge(p1920, "base_path", "/government/statistics/moved/mappa-2019-20"),
		}, moved: []string{old}, landing: "/government/statistics/moved/mappa-2019-20"},
		{name: "a redirect loop", pages: map[string]any{api + old: redirect(old, route(old, "exact", now)), api + now: redirect(now, route(now, "exact", old))},
			skip: "page could not be read", failed: ErrRedirect},
		{name: "a redirect to another host", pages: map[string]any{api + old: redirect(old, route(old, "exact", "https://evil.example/x"))},
			skip: "page could not be read", failed: ErrRedirect},
		{name: "a redirect with no route for the page", pages: map[string]any{api + old: redirect(old, route("/elsewhere", "exact", now))},
			skip: "page could not be read", failed: ErrRedirect},
		{name: "gone: 410", faults: map[string]govuktest.Fault{api + old: {Kind: govuktest.Status, Status: 410}},
			notice: &Notice{Page: old, FinancialYear: "2019-20", Status: NoticeGone}, skip: "gone (410)"},
		{name: "gone: schema gone with an explanation", pages: map[string]any{api + old: map[string]any{"base_path": old, "schema_name": "gone",
			"public_updated_at": "2024-01-10T10:00:00Z", "details": map[string]any{"explanation": "Replaced by the 2019 to 2020 revised release"}}},
			notice: &Notice{Page: old, FinancialYear: "2019-20", Status: NoticeGone, Text: "Replaced by the 2019 to 2020 revised release", At: "2024-01-10T10:00:00Z"},
			skip:   "gone: Replaced"},
		{name: "withdrawn, with its notice", pages: map[string]any{api + old: merge(p1920, "base_path", old,
			"withdrawn_notice", map[string]any{"explanation": "These statistics contained an error", "withdrawn_at": "2021-02-01T12:00:00Z"})},
			notice: &Notice{Page: old, FinancialYear: "2019-20", Status: NoticeWithdrawn, Text: "These statistics contained an error", At: "2021-02-01T12:00:00Z"},
			skip:   "withdrawn"},
		{name: "change notes", pages: map[string]any{api + old: merge(p1920, "base_path", old, "details", map[string]any{
			"attachments":    p1920["details"].(map[string]any)["attachments"],
			"change_history": []any{map[string]any{"public_timestamp": "2021-01-05T09:30:00Z", "note": "Correction to table 3"}, map[string]any{"public_timestamp": "2020-10-29T09:30:00Z", "note": "First published."}}})},
			landing: old, notes: 2},
		{name: "no area tables yet", pages: map[string]any{api + old: merge(pageOf("mappa-2019-20", "MAPPA annual report 2019 to 2020"), "details", map[string]any{"attachments": []any{}})},
			skip: "no area tables spreadsheet attached", noTables: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := govuktest.New()
			defer srv.Close()
			srv.SetJSON(api+CollectionPath, coll)
			for p, doc := range tc.pages {
				srv.SetJSON(p, doc)
			}
			for p, f := range tc.faults {
				srv.AddFault(p, f)
			}
			d, err := Discover(deadline(t), quickClient(t, srv.URL("")), CollectionPath)
			if err != nil {
				t.Fatal(err)
			}
			if tc.landing != "" {
				if len(d.Releases) != 1 {
					t.Fatalf("releases %+v, want one", d.Releases)
				}
				r := d.Releases[0]
				if r.LandingURL != srv.URL(tc.landing) || !reflect.DeepEqual(r.MovedFrom, tc.moved) || len(r.ChangeNotes) != tc.notes || r.FinancialYear != "2019-20" {
					t.Errorf("release %+v; want landing %s, moved from %v, %d notes", r, tc.landing, tc.moved, tc.notes)
				}
				return
			}
			if len(d.Releases) != 0 || len(d.Skipped) != 1 {
				t.Fatalf("releases %+v, skipped %+v; want one page skipped", d.Releases, d.Skipped)
			}
			s := d.Skipped[0]
			if !strings.HasPrefix(s.Reason, tc.skip) || (tc.failed == nil) != (s.Err == nil) || tc.failed != nil && !errors.Is(s.Err, tc.failed) || s.NoAreaTables != tc.noTables {
				t.Errorf("skipped %+v; want reason %q, error wrapping %v", s, tc.skip, tc.failed)
			}
			if tc.noTables && s.PublishedAt == "" {
				t.Errorf("a page with no area tables yet says no date: %+v", s)
			}
			var notice *Notice
			if len(d.Notices) == 1 {
				notice = &d.Notices[0]
			}
			if !reflect.DeepEqual(notice, tc.notice) {
				t.Errorf("notice %+v, want %+v", notice, tc.notice)
			}
		})
	}
}
