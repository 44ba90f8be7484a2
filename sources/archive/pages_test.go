package archive

import (
	"reflect"
	"testing"
	"time"
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
	// A withdrawn page seen again stays first seen when it was withdrawn.
	first := m.Pages["/p"].FirstSeenAt
	a.Now = func() time.Time { return time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC) }
	if err := a.RecordPages(map[string]Page{"/p": {Status: PageWithdrawn}}); err != nil {
		t.Fatal(err)
	}
	if m, _ = a.Manifest(); m.Pages["/p"].FirstSeenAt != first {
		t.Errorf("first seen %s, want %s", m.Pages["/p"].FirstSeenAt, first)
	}
	// The collection links a moved page by its old path, then by its new
	// one: one page, its move and notes kept.
	if err := a.RecordPages(map[string]Page{"/old": {FinancialYear: "2020-21", Status: PagePublished, LandingURL: "https://www.gov.uk/new",
		MovedFrom: []string{"/old"}, ChangeNotes: []ChangeNote{note}}}); err != nil {
		t.Fatal(err)
	}
	if err := a.RecordPages(map[string]Page{"/new": {FinancialYear: "2020-21", Status: PagePublished, LandingURL: "https://www.gov.uk/new"}}); err != nil {
		t.Fatal(err)
	}
	if m, _ = a.Manifest(); len(m.Pages) != 2 || !reflect.DeepEqual(m.Pages["/new"].MovedFrom, []string{"/old"}) || len(m.Pages["/new"].ChangeNotes) != 1 {
		t.Errorf("pages %+v, want /p and /new, moved from /old with its note", m.Pages)
	}
}
