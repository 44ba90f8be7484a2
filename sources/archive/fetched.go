package archive

import (
	"fmt"
	"time"
)

// FetchRecord is the last successful fetch of one URL, with the validators
// its server sent (ETag, Last-Modified), which make the next request
// conditional, and when its server last confirmed it.
type FetchRecord struct {
	SHA256       string `json:"sha256"`
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	// CheckedAt is when a run last had this file confirmed by the server
	// (fetched, or answered 304 Not Modified), RFC 3339 in UTC; empty
	// until then. PageSHA256 is the sha256 of the GOV.UK page that listed
	// the URL at that check (none for configured inputs). Together they
	// let a run skip asking again for a while: see Fresh.
	CheckedAt  string `json:"checked_at,omitempty"`
	PageSHA256 string `json:"page_sha256,omitempty"`
}

// sameFetch reports whether two records name the same file with the same
// validators, whenever each was checked.
func sameFetch(a, b FetchRecord) bool {
	return a.SHA256 == b.SHA256 && a.ETag == b.ETag && a.LastModified == b.LastModified
}

// Conditional returns the record of the last fetch of url, whose
// validators to send when fetching it again as kind for period, and the
// archived file a 304 would be confirming. It
// returns nothing, so the body is fetched, unless that file is the current
// one for kind and period: a 304 must never confirm a file the database
// does not hold (a reverted restatement, or a URL now configured for
// another year).
func (m *Manifest) Conditional(url string, kind Kind, period string) (FetchRecord, Entry, bool) {
	rec, ok := m.Fetched[url]
	if !ok || (rec.ETag == "" && rec.LastModified == "") {
		return FetchRecord{}, Entry{}, false
	}
	e, ok := m.Find(rec.SHA256)
	// A file an operator relabelled is still offered under the period it
	// first came under, which is as current.
	if !ok || e.Kind != kind || (e.Period != period && (e.RelabelledFrom == "" || e.RelabelledFrom != period)) || !m.isCurrent(e) {
		return FetchRecord{}, Entry{}, false
	}
	return rec, e, true
}

// Fresh returns the archived file url served when last checked, if it may
// be taken as still served without asking: a conditional request would
// confirm it (Conditional: it is the current file for kind and period),
// the page whose sha256 is page listed url then and lists it unchanged
// now, and the check was made less than within before now. A check dated
// after now (a clock set back) proves nothing, nor does any check when
// within is 0.
func (m *Manifest) Fresh(url string, kind Kind, period, page string, now time.Time, within time.Duration) (Entry, bool) {
	rec, e, ok := m.Conditional(url, kind, period)
	if !ok || within <= 0 || page == "" || rec.PageSHA256 != page {
		return Entry{}, false
	}
	at, err := time.Parse(time.RFC3339, rec.CheckedAt)
	if err != nil || at.After(now) || now.Sub(at) >= within {
		return Entry{}, false
	}
	return e, true
}

// remember records the validators of a fetched entry's URL and reports
// whether that changed the manifest. A new file or new validators start
// unchecked: only Checked, after the run has the file, dates a check.
func (m *Manifest) remember(e Entry) bool {
	if e.URL == "" {
		return false
	}
	rec := FetchRecord{SHA256: e.SHA256, ETag: e.ETag, LastModified: e.LastModified}
	if old, ok := m.Fetched[e.URL]; ok && sameFetch(old, rec) {
		return false
	}
	if m.Fetched == nil {
		m.Fetched = map[string]FetchRecord{}
	}
	m.Fetched[e.URL] = rec
	return true
}

// Check is a run's confirmation, At, that URL still serves the file of
// Record (fetched whole, or answered 304 to Record's validators), listed
// by the page whose sha256 is Page ("" for a configured input).
type Check struct {
	URL    string
	Record FetchRecord
	Page   string
	At     time.Time
}

// Checked records when a run made its checks, in one write of the manifest
// (a run makes dozens; one fsync, not one each). A check whose URL now
// records another file or other validators (another process sharing the
// archive fetched it since) is dropped: it confirmed what is no longer
// recorded.
func (a *Archive) Checked(checks []Check) error {
	if len(checks) == 0 {
		return nil
	}
	unlock, err := a.lock()
	if err != nil {
		return err
	}
	defer unlock()
	m, err := a.Manifest()
	if err != nil {
		return err
	}
	changed := false
	for _, c := range checks {
		when := c.At.UTC().Format(time.RFC3339)
		rec, ok := m.Fetched[c.URL]
		if !ok || !sameFetch(rec, c.Record) || (rec.CheckedAt == when && rec.PageSHA256 == c.Page) {
			continue
		}
		rec.CheckedAt, rec.PageSHA256 = when, c.Page
		m.Fetched[c.URL] = rec
		changed = true
	}
	if !changed {
		return nil
	}
	if err := a.writeManifest(m); err != nil {
		return fmt.Errorf("archive: record checks: write manifest: %w", err)
	}
	return nil
}
