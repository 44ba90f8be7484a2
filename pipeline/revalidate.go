package pipeline

import (
	"context"
	"time"

	"go.uber.org/zap"

	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/sources/archive"
)

// How a run avoids asking GOV.UK for what it already knows: each file its
// server confirms is dated in the manifest with the page that listed it,
// and a later run trusts that check for RunConfig.Revalidate while the
// page is unchanged. At the default 5 requests a second every request is
// 0.2 s of the run (for the bundled releases, 13 attachments and 5
// redirects: 3.6 s of 9 s); the page is what changes when GOV.UK replaces
// a file, and the interval bounds how long a file changed in place, the
// page left alone, goes unseen.

// DefaultRevalidate is how long mappa run trusts a confirmed attachment of
// an unchanged page unless told otherwise (--revalidate).
const DefaultRevalidate = 7 * 24 * time.Hour

// trusted records an area tables file as unchanged, without a request,
// when its last check may stand (archive.Manifest.Fresh: the current file,
// confirmed less than within ago on the page whose sha256 is page) and
// the database holds it: a file the database lacks is asked for, so that
// what loads was confirmed by this run. It reports whether it did.
func (r *run) trusted(ctx context.Context, meta archive.Entry, page string, within time.Duration) bool {
	if within <= 0 {
		return false
	}
	m, err := r.Archive.Manifest()
	if err != nil {
		return false // fetchFile reads it again and reports the failure
	}
	e, ok := m.Fresh(meta.URL, meta.Kind, meta.Period, page, r.Archive.Now(), within)
	if !ok {
		return false
	}
	if r.pending == nil {
		pending, err := Pending(ctx, r.Store, m)
		if err != nil {
			return false
		}
		r.pending = map[string]bool{}
		for _, p := range pending {
			r.pending[p.SHA256] = true
		}
	}
	if r.pending[e.SHA256] {
		return false
	}
	r.Log.Debug("not asked: its page is unchanged since it was last confirmed", zap.String("url", meta.URL),
		zap.String("checked_at", m.Fetched[meta.URL].CheckedAt), zap.Duration("revalidate", within))
	r.record(store.RunFile{URL: meta.URL, Kind: string(meta.Kind), Period: meta.Period, Status: store.FileUnchanged,
		SHA256: e.SHA256, Bytes: e.Bytes})
	return true
}

// checked keeps a server's confirmation that url serves rec's file, to be
// dated in the manifest.
func (r *run) checked(url string, rec archive.FetchRecord, page string) {
	r.checks = append(r.checks, archive.Check{URL: url, Record: rec, Page: page, At: r.Archive.Now()})
}

// recordChecks dates this run's checks in the manifest, in one write,
// before anything loads. Failing to is no failure of the run: the next run
// asks for those files again.
func (r *run) recordChecks() {
	if err := r.Archive.Checked(r.checks); err != nil {
		r.Log.Warn("could not record when files were checked; the next run asks for them again", zap.Error(err))
	}
}
