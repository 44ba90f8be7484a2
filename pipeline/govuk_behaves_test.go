package pipeline

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"go.uber.org/zap"

	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/sources/govuk/govuktest"
)

// editCollection rewrites the fake's collection: edit gets its documents
// and returns the new list.
func editCollection(t *testing.T, l *liveFixture, edit func(docs []any) []any) {
	t.Helper()
	var coll map[string]any
	if err := json.Unmarshal(l.srv.JSON("/api/content"+govuktest.CollectionPath), &coll); err != nil {
		t.Fatal(err)
	}
	links := coll["links"].(map[string]any)
	links["documents"] = edit(links["documents"].([]any))
	l.srv.SetJSON("/api/content"+govuktest.CollectionPath, coll)
}

// editPageJSON rewrites a year's statistics page.
func editPageJSON(t *testing.T, l *liveFixture, year string, edit func(page map[string]any)) {
	t.Helper()
	path := l.fx.ReleaseFor(year).PagePath
	var page map[string]any
	if err := json.Unmarshal(l.srv.JSON(path), &page); err != nil {
		t.Fatal(err)
	}
	edit(page)
	l.srv.SetJSON(path, page)
}

// memberOf is the collection's link to a year's page.
func memberOf(docs []any, l *liveFixture, year string) map[string]any {
	page := strings.TrimPrefix(l.fx.ReleaseFor(year).PagePath, "/api/content")
	for _, d := range docs {
		if m := d.(map[string]any); m["base_path"] == page {
			return m
		}
	}
	panic("no member for " + year)
}

// TestRunAsGOVUKBehaves: a page that moved still yields its year; a
// withdrawn or gone page keeps its figures and is recorded with its
// notice; change notes are stored; a year no longer offered fails the run
// and keeps its figures.
func TestRunAsGOVUKBehaves(t *testing.T) {
	const old = "/government/statistics/mappa-annual-report-2019-20-old-path"
	tests := []struct {
		name    string
		change  func(t *testing.T, l *liveFixture)
		wantErr string
		pages   string // release_pages rows, as dumped, that must be there
		notes   string
		notice  string // a line of RunTotals.Notices
	}{
		{name: "moved page", change: func(t *testing.T, l *liveFixture) {
			now := strings.TrimPrefix(l.fx.ReleaseFor("2019-20").PagePath, "/api/content")
			editCollection(t, l, func(docs []any) []any {
				m := memberOf(docs, l, "2019-20")
				m["base_path"], m["api_path"] = old, "/api/content"+old
				return docs
			})
			l.srv.SetJSON("/api/content"+old, map[string]any{"base_path": old, "schema_name": "redirect", "document_type": "redirect",
				"redirects": []any{map[string]any{"path": old, "type": "exact", "destination": now}}})
		}, pages: old + "|2019-20|published|" + old + "\n"}, // one row: the page the collection links, moved from there
		{name: "moved page, then unreadable for a run", change: func(t *testing.T, l *liveFixture) {
			now := l.fx.ReleaseFor("2019-20").PagePath
			editCollection(t, l, func(docs []any) []any {
				m := memberOf(docs, l, "2019-20")
				m["base_path"], m["api_path"] = old, "/api/content"+old
				return docs
			})
			l.srv.SetJSON("/api/content"+old, map[string]any{"base_path": old, "schema_name": "redirect", "document_type": "redirect",
				"redirects": []any{map[string]any{"path": old, "type": "exact", "destination": strings.TrimPrefix(now, "/api/content")}}})
			if _, err := l.run(t); err != nil {
				t.Fatal(err)
			}
			l.srv.AddFault(now, govuktest.Fault{Kind: govuktest.Status, Status: 500})
			l.srv.AddFault(now, govuktest.Fault{Kind: govuktest.Status, Status: 500})
			l.srv.AddFault(now, govuktest.Fault{Kind: govuktest.Status, Status: 500})
		}, wantErr: "some files failed: 1 of", pages: old + "|2019-20|published|" + old + "\n"},
		{name: "withdrawn page", change: func(t *testing.T, l *liveFixture) {
			editPageJSON(t, l, "2019-20", func(p map[string]any) {
				p["withdrawn_notice"] = map[string]any{"explanation": "These statistics contained an error", "withdrawn_at": "2026-11-02T09:30:00Z"}
			})
		}, pages: "|2019-20|withdrawn|These statistics contained an error|2026-11-02T09:30:00Z\n",
			notice: "2019-20 withdrawn /government/statistics/multi-agency-public-protection-arrangements-mappa-annual-report-2019-to-2020: \"These statistics contained an error\""},
		{name: "gone page (410)", change: func(t *testing.T, l *liveFixture) {
			l.srv.AddFault(l.fx.ReleaseFor("2019-20").PagePath, govuktest.Fault{Kind: govuktest.Status, Status: http.StatusGone})
		}, pages: "|2019-20|gone||\n", notice: "2019-20 gone "},
		{name: "change notes", change: func(t *testing.T, l *liveFixture) {
			editPageJSON(t, l, "2019-20", func(p map[string]any) {
				p["details"].(map[string]any)["change_history"] = []any{
					map[string]any{"public_timestamp": "2026-11-02T09:30:00Z", "note": "Correction to table 1: Essex"},
					map[string]any{"public_timestamp": "2020-10-29T09:30:00Z", "note": "First published."}}
			})
		}, notes: "2019-20|2020-10-29T09:30:00Z|First published.\n2019-20|2026-11-02T09:30:00Z|Correction to table 1: Essex\n"},
		{name: "a year no longer offered", change: func(t *testing.T, l *liveFixture) {
			editCollection(t, l, func(docs []any) []any {
				m := memberOf(docs, l, "2019-20")
				var out []any
				for _, d := range docs {
					if d.(map[string]any)["base_path"] != m["base_path"] {
						out = append(out, d)
					}
				}
				return out
			})
		}, wantErr: "the collection no longer offers 2019-20 (last on /government/statistics/multi-agency-public-protection-arrangements-mappa-annual-report-2019-to-2020), loaded from GOV.UK before: the figures are kept"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := loadedLiveFixture(t)
			before := dumpYear(t, l.store, "2019-20")
			tc.change(t, l)
			totals, err := l.run(t)
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("run: %v; want %q", err, tc.wantErr)
			}
			if got := dumpYear(t, l.store, "2019-20"); got != before {
				t.Errorf("2019-20 changed:\n%.400s", got)
			}
			pages := pipelinetest.DumpQueries(t, l.store.DB, []string{`SELECT page, financial_year, status,
				CASE WHEN status = 'published' THEN COALESCE(moved_from, '') ELSE COALESCE(notice, '') || '|' || COALESCE(notice_at, '') END
				FROM release_pages WHERE financial_year = '2019-20'`})
			if tc.pages != "" && (!strings.HasSuffix(pages, tc.pages) || strings.Count(pages, "\n") != 1) {
				t.Errorf("release_pages of 2019-20:\n%s\nwant it to end\n%s", pages, tc.pages)
			}
			if tc.notes != "" {
				if got := pipelinetest.DumpQueries(t, l.store.DB, []string{"SELECT financial_year, noted_at, note FROM change_notes ORDER BY noted_at"}); got != tc.notes {
					t.Errorf("change notes:\n%s\nwant\n%s", got, tc.notes)
				}
			}
			if tc.notice != "" && !slices.ContainsFunc(totals.Notices, func(n string) bool { return strings.HasPrefix(n, tc.notice) }) {
				t.Errorf("notices %q, want one starting %q", totals.Notices, tc.notice)
			}
			// The archive alone gives the pages back.
			rebuilt := filepath.Join(t.TempDir(), "rebuilt.db")
			if _, err := Rebuild(t.Context(), l.archive, rebuilt, zap.NewNop(), nil); err != nil {
				t.Fatal(err)
			}
			st := openStoreAt(t, rebuilt)
			q := []string{"SELECT * FROM release_pages ORDER BY page", "SELECT * FROM change_notes ORDER BY 1, 2, 3"}
			if got, want := pipelinetest.DumpQueries(t, st.DB, q), pipelinetest.DumpQueries(t, l.store.DB, q); got != want {
				t.Errorf("rebuilt pages:\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// TestRunLoadsAReplacedAttachment: GOV.UK replaces a file behind the same
// link, which now answers 301 to the new file, with Essex's RSOs 1,596 ->
// 1,601. The new file is a new vintage, its final URL recorded; revisions
// names the change, and a rebuild gives the same.
func TestRunLoadsAReplacedAttachment(t *testing.T) {
	l := loadedLiveFixture(t)
	rel := l.fx.ReleaseFor("2019-20")
	f, err := excelize.OpenFile(filepath.Join("../testdata/published", rel.Filename))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellInt("Area_Tables_2019-20", "E18", 1601); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	const replaced = "/media/replaced/MAPPA_Annual_Report_2019-20_Area_Tables.xlsx"
	l.srv.SetFile(replaced, govuktest.File{Body: buf.Bytes(), ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Modified: time.Now()})
	l.srv.SetRedirect(rel.FilePath, replaced, http.StatusMovedPermanently)
	editPage(t, l, "2019-20") // GOV.UK republishes the page with the new file
	if _, err := l.run(t); err != nil {
		t.Fatal(err)
	}
	q := []string{
		"SELECT vintage, is_current, url = ?, COALESCE(final_url, '') FROM vintages WHERE financial_year = '2019-20' ORDER BY vintage",
		"SELECT area_code, measure, category, level, previous_value, value, previous_vintage, vintage FROM revisions ORDER BY 1, 2, 3, 4",
	}
	got := pipelinetest.DumpQueries(t, l.store.DB, q, rel.AttachmentURL)
	want := "1|0|1|\n2|1|1|" + l.srv.URL(replaced) + "\nE23000028|offenders|1|all|1596|1601|1|2\n"
	if got != want {
		t.Errorf("vintages and revisions:\n%s\nwant\n%s", got, want)
	}
	// mappa changes names it.
	changes, err := l.store.Changes(t.Context(), "", "2019-20")
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 2 || changes[1].Kind != store.ChangeRevised || len(changes[1].Revised) != 1 ||
		!strings.Contains(changes[1].What, "replaced MAPPA_Annual_Report_2019-20_Area_Tables.xlsx") ||
		!strings.Contains(changes[1].What, ", behind the same link, the link now leading to "+l.srv.URL(replaced)) ||
		changes[1].Revised[0].AreaName != "Essex" || changes[1].Revised[0].Figure != "registered sexual offenders, all levels" {
		t.Errorf("changes %+v", changes)
	}
	rebuilt := filepath.Join(t.TempDir(), "rebuilt.db")
	if _, err := Rebuild(t.Context(), l.archive, rebuilt, zap.NewNop(), nil); err != nil {
		t.Fatal(err)
	}
	if again := pipelinetest.DumpQueries(t, openStoreAt(t, rebuilt).DB, q, rel.AttachmentURL); again != got {
		t.Errorf("rebuilt:\n%s\nwant\n%s", again, got)
	}
}

// openStoreAt opens the database at path for the test.
func openStoreAt(t *testing.T, path string) *store.Store {
	t.Helper()
	st, err := store.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
