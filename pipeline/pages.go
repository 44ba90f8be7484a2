package pipeline

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/sources/archive"
	"github.com/mappa-etl/mappa/sources/govuk"
)

// recentPage is how long after publication a statistics page with no area
// tables attached is taken to be waiting for them: GOV.UK pages can be
// published before their attachments.
const recentPage = 14 * 24 * time.Hour

// pagesOf is what a discovery says of the collection's pages, for the
// archive's record.
func pagesOf(d *govuk.Discovery) map[string]archive.Page {
	out := map[string]archive.Page{}
	for _, r := range d.Releases {
		p := archive.Page{FinancialYear: r.FinancialYear, Status: archive.PagePublished, LandingURL: r.LandingURL, MovedFrom: r.MovedFrom}
		for _, n := range r.ChangeNotes {
			p.ChangeNotes = append(p.ChangeNotes, archive.ChangeNote{At: n.PublicTimestamp, Note: strings.TrimSpace(n.Note)})
		}
		out[r.Page] = p
	}
	for _, n := range d.Notices {
		status := archive.PageWithdrawn
		if n.Status == govuk.NoticeGone {
			status = archive.PageGone
		}
		out[n.Page] = archive.Page{FinancialYear: n.FinancialYear, Status: status, Notice: n.Text, NoticeAt: n.At}
	}
	return out
}

// pageRecords are the archive's pages as the database stores them.
func pageRecords(m *archive.Manifest) []store.PageRecord {
	var out []store.PageRecord
	for path, p := range m.Pages {
		r := store.PageRecord{Page: path, FinancialYear: p.FinancialYear, Status: p.Status, LandingURL: p.LandingURL,
			MovedFrom: p.MovedFrom, Notice: p.Notice, NoticeAt: p.NoticeAt, FirstSeenAt: p.FirstSeenAt, SeenAt: p.SeenAt}
		for _, n := range p.ChangeNotes {
			r.ChangeNotes = append(r.ChangeNotes, store.ChangeNote{At: n.At, Note: n.Note})
		}
		out = append(out, r)
	}
	return out
}

// recordPages keeps what the run saw of the collection's pages in the
// archive and copies it to the database, and says what became of pages:
// a withdrawn or gone page, a page that moved, a page still without its
// area tables. It returns an error when a year the database loaded from
// GOV.UK is no longer offered by any page, which a run must not pass over
// in silence.
func (r *run) recordPages(ctx context.Context, d *govuk.Discovery) error {
	before, err := r.Archive.Manifest()
	if err != nil {
		return err
	}
	if err := r.Archive.RecordPages(pagesOf(d)); err != nil {
		return err
	}
	m, err := r.Archive.Manifest()
	if err != nil {
		return err
	}
	if err := r.Store.RecordPages(ctx, pageRecords(m)); err != nil {
		return err
	}
	years, err := r.Store.PublishedYears(ctx)
	if err != nil {
		return err
	}
	offered := map[string]bool{}
	// A page still listed but unreadable or ambiguous this time has not
	// disappeared: it failed, or was passed over, and says so itself. Its
	// year is the one recorded for it, or the loaded release's whose page
	// it is (a database from before pages were recorded).
	pageOf := func(page string) []string { // the years page was the page of
		var out []string
		if p, ok := before.Pages[page]; ok && p.FinancialYear != "" {
			out = append(out, p.FinancialYear)
		}
		for _, y := range years {
			if pathOf(y.LandingURL) == strings.TrimPrefix(page, "/api/content") {
				out = append(out, y.FinancialYear)
			}
		}
		return out
	}
	for _, s := range d.Skipped {
		for _, y := range pageOf(s.Page) {
			offered[y] = true
		}
	}
	for _, rel := range d.Releases {
		offered[rel.FinancialYear] = true
		if len(rel.MovedFrom) > 0 {
			r.Log.Info("page moved; followed", zap.String("financial_year", rel.FinancialYear), zap.Strings("from", rel.MovedFrom), zap.String("to", rel.LandingURL))
		}
	}
	loaded, err := r.Store.Years(ctx)
	if err != nil {
		return err
	}
	for _, n := range d.Notices {
		year := cmp.Or(m.Pages[n.Page].FinancialYear, n.FinancialYear)
		// A withdrawn or gone page accounts for its year only if it was
		// that year's page: a page newly listed as withdrawn does not
		// stand in for a year that disappeared.
		if slices.Contains(pageOf(n.Page), year) {
			offered[year] = true
		}
		fields := []zap.Field{zap.String("page", n.Page), zap.String("financial_year", year), zap.String("notice", n.Text), zap.String("at", n.At)}
		if !slices.Contains(loaded, figure.FinancialYear(year)) {
			r.Log.Info("page "+n.Status+"; mappa holds no figures of it", fields...)
			continue
		}
		r.Log.Warn("page "+n.Status+"; its figures stay loaded", fields...)
		r.totals.Notices = append(r.totals.Notices, fmt.Sprintf("%s %s %s%s", year, n.Status, n.Page, quoted(n.Text)))
	}
	for _, s := range d.Skipped {
		if !s.NoAreaTables {
			continue
		}
		recent := ""
		if at, err := time.Parse(time.RFC3339, s.PublishedAt); err == nil && r.Archive.Now().Sub(at) < recentPage {
			recent = ", published " + at.UTC().Format("2006-01-02") + ": GOV.UK may attach them later"
		}
		r.Log.Warn("statistics page has no area tables"+recent+"; asked again next run", zap.String("page", s.Page))
	}
	var gone []string
	for _, y := range years {
		if !offered[y.FinancialYear] {
			gone = append(gone, fmt.Sprintf("%s (last on %s)", y.FinancialYear, pathOf(y.LandingURL)))
		}
	}
	if len(gone) > 0 {
		slices.Sort(gone)
		return yearsGone{fmt.Errorf("the collection no longer offers %s, loaded from GOV.UK before: the figures are kept; check the collection page, and withdraw the year (mappa archive withdraw) if it was taken down on purpose", strings.Join(gone, ", "))}
	}
	return nil
}

// yearsGone is a run's finding that years it loaded before are offered
// no more; other errors of recordPages are failures to record.
type yearsGone struct{ error }

func (e yearsGone) Unwrap() error { return e.error }

func quoted(s string) string {
	if s == "" {
		return ""
	}
	return fmt.Sprintf(": %q", s)
}

func pathOf(landing string) string {
	if u, err := url.Parse(landing); err == nil && u.Path != "" {
		return u.Path
	}
	return landing
}
