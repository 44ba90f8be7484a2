package archive

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
)

// Page is what the archive remembers of one GOV.UK statistics page the
// collection lists, keyed in Manifest.Pages by the path the collection
// gives: the year it is for, whether it still offers its release, where
// it moved, and its change notes. A rebuild reads them from here, as it
// reads everything, so they survive it.
type Page struct {
	FinancialYear string       `json:"financial_year,omitempty"`
	Status        string       `json:"status"` // PagePublished, PageWithdrawn or PageGone
	LandingURL    string       `json:"landing_url,omitempty"`
	MovedFrom     []string     `json:"moved_from,omitempty"`
	Notice        string       `json:"notice,omitempty"`
	NoticeAt      string       `json:"notice_at,omitempty"`
	ChangeNotes   []ChangeNote `json:"change_notes,omitempty"`
	// SeenAt is when a run last found the page in this state; FirstSeenAt
	// when a run first found it so (a withdrawal, a move).
	SeenAt      string `json:"seen_at"`
	FirstSeenAt string `json:"first_seen_at"`
}

// ChangeNote is one note of a page's change history.
type ChangeNote struct {
	At   string `json:"at"`
	Note string `json:"note"`
}

// The statuses of a Page.
const (
	PagePublished = "published"
	PageWithdrawn = "withdrawn"
	PageGone      = "gone"
)

// RecordPages merges what a run saw of the collection's pages into the
// manifest: each page's state as now, keeping when it was first seen so.
// A page the run did not see keeps its record: pages are never forgotten.
func (a *Archive) RecordPages(pages map[string]Page) error {
	unlock, err := a.lock()
	if err != nil {
		return fmt.Errorf("record pages in archive %s: %w", a.Dir, err)
	}
	defer unlock()
	m, err := a.Manifest()
	if err != nil {
		return err
	}
	if m.Pages == nil {
		m.Pages = map[string]Page{}
	}
	now := a.addedAt()
	// A page the collection now links by its new path was a page at its
	// old one: its record moves to the new path, merged, not two pages.
	for path, p := range pages {
		if _, ok := m.Pages[path]; ok || p.Status != PagePublished || p.LandingURL == "" {
			continue
		}
		for other, o := range m.Pages {
			if _, seen := pages[other]; !seen && o.Status == PagePublished && o.LandingURL == p.LandingURL {
				m.Pages[path] = o
				delete(m.Pages, other)
				break
			}
		}
	}
	for path, p := range pages {
		old, ok := m.Pages[path]
		// What a page said before and says no more (a gone page says
		// nothing; a collection linking a moved page's new path does not
		// tell it moved) is kept: pages are never forgotten.
		p.FinancialYear = cmp.Or(p.FinancialYear, old.FinancialYear)
		p.LandingURL = cmp.Or(p.LandingURL, old.LandingURL)
		p.SeenAt, p.FirstSeenAt = now, now
		if ok && old.Status == p.Status && old.LandingURL == p.LandingURL {
			p.FirstSeenAt = old.FirstSeenAt
		}
		if len(p.MovedFrom) == 0 {
			p.MovedFrom = old.MovedFrom
		}
		if p.Notice == "" && p.Status == old.Status {
			p.Notice, p.NoticeAt = old.Notice, old.NoticeAt
		}
		p.ChangeNotes = unionNotes(old.ChangeNotes, p.ChangeNotes)
		m.Pages[path] = p
	}
	return a.writeManifest(m)
}

// unionNotes is both lists of notes, each once, sorted by date.
func unionNotes(a, b []ChangeNote) []ChangeNote {
	var out []ChangeNote
	seen := map[ChangeNote]bool{}
	for _, n := range append(slices.Clone(a), b...) {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At < out[j].At })
	return out
}
