package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/ons"
	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/sources/archive"
	"github.com/mappa-etl/mappa/sources/fetch"
	"github.com/mappa-etl/mappa/sources/govuk"
)

// RunConfig says where a run looks for files.
type RunConfig struct {
	// Collection is the GOV.UK collection path; govuk.CollectionPath
	// when empty.
	Collection string
	// Population maps a mid-year ("2019") to the URL or local path of its
	// estimates; Lookups are URLs or paths of LAD to PFA lookups. Neither
	// is on GOV.UK.
	Population map[string]string
	Lookups    []string
	// Revalidate is how long an area tables file that GOV.UK confirmed is
	// taken as still current without asking, while the release page that
	// lists it is unchanged (see Runner.Run); 0 asks for every file on
	// every run. Population and lookup URLs are asked for on every run
	// whatever it says: no page tells when they change.
	Revalidate time.Duration
}

// Runner fetches what is new upstream into the archive and loads it.
type Runner struct {
	Archive *archive.Archive
	Store   *store.Store
	// Fetcher reads GOV.UK; Inputs reads the operator's population and
	// lookup URLs (their hosts are allowed there only, never for GOV.UK
	// attachments). Inputs defaults to Fetcher.
	Fetcher *fetch.Client
	Inputs  *fetch.Client
	Log     *zap.Logger
}

// run is the state of one Run, so that nothing of one run leaks into the
// next (a scheduler calls Run again and again on one Runner).
type run struct {
	*Runner
	parser  *Parser
	parsed  map[string]*Parsed // by sha256: files parsed while validating
	lookups []*ons.Lookup      // the archive's, once a population file needs them
	read    bool               // lookups has been read
	totals  store.RunTotals
	checks  []archive.Check // files their servers confirmed, dated in the manifest before loading
	pending map[string]bool // by sha256: current archived files the database lacks, once asked
}

// ErrSomeFailed reports a run in which some files failed while others
// loaded; RunTotals.Files says which.
var ErrSomeFailed = errors.New("some files failed")

// Run fetches operator-given lookups and population files, discovers and
// fetches the area tables on GOV.UK, then loads every archived file the
// database lacks, each in its own transaction. A failing file does not stop
// the others; the returned error says how many failed.
//
// Files fetched before are asked for conditionally, and an area tables
// file is not asked for at all when its release page is byte for byte the
// page that listed it when GOV.UK last confirmed it, less than
// cfg.Revalidate ago, and the database holds it: GOV.UK replaces a file
// by republishing its page, so the page is the signal, and the interval
// bounds how long a file changed in place could go unseen.
func (r *Runner) Run(ctx context.Context, cfg RunConfig) (store.RunTotals, error) {
	if r.Log == nil {
		r.Log = zap.NewNop()
	}
	x := &run{Runner: r, parser: NewParser(), parsed: map[string]*Parsed{}}
	for _, src := range cfg.Lookups {
		x.fetchInput(ctx, archive.KindLookup, "", src)
	}
	years := make([]string, 0, len(cfg.Population))
	for y := range cfg.Population {
		years = append(years, y)
	}
	sort.Strings(years)
	for _, y := range years {
		x.fetchInput(ctx, archive.KindPopulation, y, cfg.Population[y])
	}
	fatal := x.fetchReleases(ctx, cfg.Collection, cfg.Revalidate)
	x.recordChecks()
	if ctx.Err() == nil {
		x.loadPending(ctx)
	}
	failed := x.totals.Count(store.FileFailed)
	switch {
	case ctx.Err() != nil:
		return x.totals, fmt.Errorf("run interrupted: %w", ctx.Err())
	case fatal != nil:
		return x.totals, fatal
	case failed > 0:
		return x.totals, fmt.Errorf("%w: %d of %d (see mappa status)", ErrSomeFailed, failed, len(x.totals.Files))
	}
	return x.totals, nil
}

// fetchReleases discovers the area tables on GOV.UK and fetches each.
// Only a collection that cannot be read, or offers no area tables at all,
// is returned as an error; a failing page or file is recorded and skipped.
func (r *run) fetchReleases(ctx context.Context, collection string, revalidate time.Duration) error {
	if collection == "" {
		collection = govuk.CollectionPath
	}
	d, err := govuk.Discover(ctx, r.Fetcher, collection)
	if err != nil {
		r.record(store.RunFile{URL: collection, Kind: "collection", Status: store.FileFailed, Error: err.Error()})
		r.Log.Error("discovery failed", zap.String("collection", collection), zap.Error(err))
		return err
	}
	for _, s := range d.Skipped {
		if s.Err != nil {
			r.record(store.RunFile{URL: s.Page, Kind: "page", Status: store.FileFailed, Error: s.Err.Error()})
			r.Log.Error("page failed", zap.String("page", s.Page), zap.Error(s.Err))
		} else if s.Ambiguous {
			r.Log.Warn("page skipped: ambiguous, not guessed", zap.String("page", s.Page), zap.String("reason", s.Reason))
		} else {
			r.Log.Info("page skipped", zap.String("page", s.Page), zap.String("reason", s.Reason))
		}
	}
	r.Log.Info("discovered area tables", zap.Int("releases", len(d.Releases)), zap.String("collection", collection))
	if len(d.Releases) == 0 {
		// The collection has held area tables every year since 2010-11:
		// finding none means the API or the pages changed shape, which an
		// unattended run must not report as success.
		err := fmt.Errorf("read collection %s: no area tables found (%d pages skipped)", collection, len(d.Skipped))
		r.record(store.RunFile{URL: collection, Kind: "collection", Status: store.FileFailed, Error: err.Error()})
		return err
	}
	// A year no longer offered fails the run, but only once every file
	// offered is fetched and loaded.
	pagesErr := r.recordPages(ctx, d)
	if pagesErr != nil {
		r.record(store.RunFile{URL: collection, Kind: "collection", Status: store.FileFailed, Error: pagesErr.Error()})
		if errors.As(pagesErr, new(yearsGone)) {
			r.Log.Error("a year is no longer offered", zap.Error(pagesErr))
		} else {
			r.Log.Error("recording the collection's pages failed", zap.Error(pagesErr))
		}
	}
	for _, rel := range d.Releases {
		if ctx.Err() != nil {
			return pagesErr
		}
		meta := archive.Entry{Kind: archive.KindAreaTables, Period: rel.FinancialYear, Filename: rel.Filename,
			URL: rel.URL, Title: rel.Title, LandingURL: rel.LandingURL, PublishedAt: rel.PublishedAt}
		if !r.trusted(ctx, meta, rel.PageSHA256, revalidate) {
			r.fetchFile(ctx, r.Fetcher, meta, rel.FileSize, rel.PageSHA256)
		}
	}
	return pagesErr
}

// fetchInput archives an operator-given file: downloaded when src is a
// URL, copied when it is a local path.
func (r *run) fetchInput(ctx context.Context, kind archive.Kind, period, src string) {
	if govuk.IsURL(src) {
		meta := archive.Entry{Kind: kind, Period: period, Filename: govuk.FileNameOf(src), URL: src}
		r.fetchFile(ctx, r.inputs(), meta, 0, "")
		return
	}
	rf := store.RunFile{URL: src, Kind: string(kind), Period: period}
	f, err := os.Open(src)
	if err != nil {
		r.fail(rf, fmt.Errorf("open %s %s: %w", kind, src, err))
		return
	}
	defer f.Close()
	var parsed *Parsed
	// Not Add: a bad configured file would be copied to rejected/ again on
	// every scheduled run. The error names it, and it stays where it is.
	name := filepath.Base(src)
	res, err := r.Archive.AddFetched(archive.Entry{Kind: kind, Period: period, Filename: name}, f,
		validator(r.parser, r.archivedLookups, kind, Claim{Period: period, Force: true}, name, &parsed, "", r.Archive.Now))
	r.settle(rf, res, err, parsed)
}

func (r *run) inputs() *fetch.Client {
	if r.Inputs != nil {
		return r.Inputs
	}
	return r.Fetcher
}

// fetchFile downloads one file into the archive, conditionally when it was
// fetched before, and keeps the check for the manifest; page is the sha256
// of the release page that lists it ("" for a configured input).
func (r *run) fetchFile(ctx context.Context, f *fetch.Client, meta archive.Entry, declared int64, page string) {
	rf := store.RunFile{URL: meta.URL, Kind: string(meta.Kind), Period: meta.Period}
	m, err := r.Archive.Manifest()
	if err != nil {
		r.fail(rf, err)
		return
	}
	last, prev, _ := m.Conditional(meta.URL, meta.Kind, meta.Period)
	cond := fetch.Validators{ETag: last.ETag, LastModified: last.LastModified}
	var res archive.AddResult
	var parsed *Parsed
	label := strings.TrimSpace(string(meta.Kind) + " " + meta.Period)
	fetched, err := f.Fetch(ctx, meta.URL, cond, label, func(got *fetch.Fetched, body io.Reader) error {
		e := meta
		e.ETag, e.LastModified = got.Validators.ETag, got.Validators.LastModified
		if got.URL != meta.URL { // a replaced attachment's link redirects to the new file
			e.FinalURL = got.URL
		}
		var err error
		res, err = r.Archive.AddFetched(e, body, validator(r.parser, r.archivedLookups, meta.Kind, Claim{Period: meta.Period, Force: true}, meta.Filename, &parsed, "", r.Archive.Now))
		var invalid invalidFile
		if errors.As(err, &invalid) {
			// Not a transfer failure: say what the server claimed to send.
			return fmt.Errorf("GET %s: served as %q: %w", got.URL, got.ContentType, invalid.err)
		}
		return err
	})
	if err == nil && fetched.NotModified {
		rf.Status, rf.SHA256, rf.Bytes = store.FileUnchanged, prev.SHA256, prev.Bytes
		r.record(rf)
		r.checked(meta.URL, last, page)
		return
	}
	if err == nil {
		r.checked(meta.URL, archive.FetchRecord{SHA256: res.Entry.SHA256, ETag: fetched.Validators.ETag,
			LastModified: fetched.Validators.LastModified}, page)
	}
	if err == nil && declared > 0 && res.Entry.Bytes != declared {
		r.Log.Warn("file size differs from the size GOV.UK lists", zap.String("url", meta.URL),
			zap.Int64("listed", declared), zap.Int64("bytes", res.Entry.Bytes))
	}
	r.settle(rf, res, err, parsed)
}

// archivedLookups reads the archive's lookups the first time a population
// file needs them (after this run's lookups are fetched), so a run in which
// nothing changed parses no file at all.
func (r *run) archivedLookups() ([]*ons.Lookup, error) {
	if r.read {
		return r.lookups, nil
	}
	m, err := r.Archive.Manifest()
	if err != nil {
		return nil, err
	}
	if r.lookups, err = ArchivedLookups(r.Archive, m); err != nil {
		return nil, err
	}
	r.read = true
	return r.lookups, nil
}

// validator checks a staged file before it enters the archive: it must be
// what its kind says (a spreadsheet, not an HTML error page), and must
// parse and map completely. What it read is kept in *parsed for the load.
//
// Files a run fetches or is configured with are filed under the period
// their page or configuration gives (claim.Force); a file added by hand is
// checked against the period it states, or takes it.
func validator(parser *Parser, lookups func() ([]*ons.Lookup, error), kind archive.Kind, claim Claim, name string, parsed **Parsed,
	edition figure.Edition, now func() time.Time) archive.Validator {
	return func(staged string) (archive.Validated, error) {
		var lks []*ons.Lookup
		if kind == archive.KindPopulation {
			var err error
			if lks, err = lookups(); err != nil {
				return archive.Validated{}, err
			}
		}
		p, err := parser.ParseClaimed(kind, claim, staged, name, lks)
		if err != nil {
			return archive.Validated{}, invalidFile{err}
		}
		*parsed = p
		v := archive.Validated{MediaType: p.MediaType, Period: p.Period()}
		if kind == archive.KindPopulation {
			ed, from := p.Edition(edition, now())
			v.Edition, v.EditionFrom = ed.String(), from
		}
		return v, nil
	}
}

// invalidFile marks a file that arrived whole but failed validation.
type invalidFile struct{ err error }

func (e invalidFile) Error() string { return e.err.Error() }
func (e invalidFile) Unwrap() error { return e.err }
