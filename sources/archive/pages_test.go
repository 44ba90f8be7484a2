package archive

import (
	"reflect"
	"testing"
)

// TestRecordPagesKeepsWhatAPageNoLongerSays: a page's change notes,
// landing URL and notice survive a run that no longer sees them, and a
// page the collection now links by its new path is one page.
func TestRecordPagesKeepsWhatAPageNoLongerSays(t *testing.T) {
	a := testArchive(t)
	note := ChangeNote{At: "2026-11-02T09:30:00Z", Note: "Correction to table 1"}
	steps := []map[string]Page{
		{"/p": {FinancialYear: "2019-20", Status: PagePublished, LandingURL: "https://www.gov.uk/p", ChangeNotes: []ChangeNote{note}}},
		{"/p": {FinancialYear: "2019-20", Status: PageWithdrawn, Notice: "contained an error", NoticeAt: "2026-11-03T00:00:00Z"}},
		{"/p": {Status: PageWithdrawn}}, // unreadable this time: the collection says only that it is withdrawn
	}
	for _, s := range steps {
		if err := a.RecordPages(s); err != nil {
			t.Fatal(err)
		}
	}
	m, _ := a.Manifest()
	got := m.Pages["/p"]
	want := Page{FinancialYear: "2019-20", Status: PageWithdrawn, LandingURL: "https://www.gov.uk/p", Notice: "contained an error",
		NoticeAt: "2026-11-03T00:00:00Z", ChangeNotes: []ChangeNote{note}, SeenAt: got.SeenAt, FirstSeenAt: got.FirstSeenAt}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("page %+v\nwant %+v", got, want)
	}
	// The collection links the moved page's new path: one page.
	if err := a.RecordPages(map[string]Page{"/new": {FinancialYear: "2020-21", Status: PagePublished, LandingURL: "https://www.gov.uk/new"}}); err != nil {
		t.Fatal(err)
	}
	if err := a.RecordPages(map[string]Page{"/old": {FinancialYear: "2020-21", Status: PagePublished, LandingURL: "https://www.gov.uk/new", MovedFrom: []string{"/old"}}}); err != nil {
		t.Fatal(err)
	}
	if m, _ = a.Manifest(); len(m.Pages) != 2 || m.Pages["/old"].LandingURL != "https://www.gov.uk/new" {
		t.Errorf("pages %+v, want /p and /old only", m.Pages)
	}
}
