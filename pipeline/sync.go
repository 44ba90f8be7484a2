package pipeline

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"go.uber.org/zap"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/ons"
	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/sources/archive"
)

// LoadOrder returns entries sorted as they load (loadOrder).
func LoadOrder(entries []archive.Entry) []archive.Entry {
	out := slices.Clone(entries)
	loadOrder(out)
	return out
}

// loadOrder sorts entries as they must load: lookups before population
// (they map it), population before area tables (so rates exist when checks
// first run), population periods in order, and area tables as they were
// archived.
func loadOrder(entries []archive.Entry) {
	rank := map[archive.Kind]int{archive.KindLookup: 0, archive.KindPopulation: 1, archive.KindAreaTables: 2}
	sort.SliceStable(entries, func(i, j int) bool {
		a, b := entries[i], entries[j]
		if rank[a.Kind] != rank[b.Kind] {
			return rank[a.Kind] < rank[b.Kind]
		}
		if a.Kind == archive.KindPopulation {
			// Within an edition a back series loads first, so that a
			// single mid-year's file of the same edition replaces its
			// share of it, whatever order they were added in.
			ea, _ := archive.EditionOf(a)
			eb, _ := archive.EditionOf(b)
			if ea != eb {
				return ea < eb
			}
			if sa, sb := isSpan(a), isSpan(b); sa != sb {
				return sa
			}
		}
		if a.Kind == archive.KindAreaTables {
			// In the order they entered the archive, not by year: a
			// release may revise an earlier year's figures, and those
			// vintages must stack as they did when the files came.
			return false
		}
		return a.Period < b.Period
	})
}

func isSpan(e archive.Entry) bool { return strings.Contains(e.Period, "-") }

// Pending returns, in load order, the archive's current files that the
// database does not hold: files archived by a run that was stopped before
// loading them, or restatements. Loading them brings the database level
// with the archive without a full rebuild.
func Pending(ctx context.Context, st *store.Store, m *archive.Manifest) ([]archive.Entry, error) {
	loaded, err := st.Loaded(ctx)
	if err != nil {
		return nil, err
	}
	current := m.Current()
	loadOrder(current)
	var out []archive.Entry
	for i, e := range current {
		var lacks bool
		switch e.Kind {
		case archive.KindLookup:
			lacks = !loaded.Lookups[e.SHA256]
		case archive.KindPopulation:
			lacks = !loaded.Population[e.SHA256] && !replaced(e, current[i+1:])
		default:
			lacks = loaded.Releases[e.Period] != e.SHA256
		}
		if lacks {
			out = append(out, e)
		}
	}
	return out, nil
}

// replaced reports whether every mid-year of a population entry is held,
// in the same edition, by files that load after it: then the database
// rightly holds none of it.
func replaced(e archive.Entry, later []archive.Entry) bool {
	span, err := figure.ParseMidYears(e.Period)
	if err != nil {
		return false
	}
	ed, _ := archive.EditionOf(e)
	for m := span.First; m <= span.Last; m++ {
		held := false
		for _, l := range later {
			if le, _ := archive.EditionOf(l); l.Kind == archive.KindPopulation && le == ed {
				if s, err := figure.ParseMidYears(l.Period); err == nil && s.Contains(m) {
					held = true
					break
				}
			}
		}
		if !held {
			return false
		}
	}
	return true
}

// lacks reports whether the database is missing an archived file that is
// current for its period.
func lacks(ctx context.Context, st *store.Store, a *archive.Archive, e archive.Entry) (bool, error) {
	m, err := a.Manifest()
	if err != nil {
		return false, err
	}
	pending, err := Pending(ctx, st, m)
	if err != nil {
		return false, err
	}
	for _, p := range pending {
		if p.SHA256 == e.SHA256 {
			return true, nil
		}
	}
	return false, nil
}

// loadArchived loads one archived file through st (a store, in a
// transaction of its own, or a batch), parsing it from the archive unless
// the caller parsed it already (while validating a download, or ahead of
// time), and returns what it loaded. Lookups hold nothing to load but
// their source record: nil.
func loadArchived(ctx context.Context, a *archive.Archive, st store.Loader, parser *Parser, e archive.Entry,
	lookups []*ons.Lookup, p *Parsed, log *zap.Logger) (*Parsed, error) {
	if p == nil && e.Kind != archive.KindLookup {
		var err error
		if p, err = parseArchived(a, parser, e, lookups); err != nil {
			return nil, err
		}
		logParsed(log, e, p)
	}
	if err := Load(ctx, st, e, p); err != nil {
		return nil, fmt.Errorf("load %s: %w", e.Filename, err)
	}
	return p, nil
}

// parseArchived reads an archived file after checking its bytes still
// match their hash. Lookups are read elsewhere (ArchivedLookups): nil.
func parseArchived(a *archive.Archive, parser *Parser, e archive.Entry, lookups []*ons.Lookup) (*Parsed, error) {
	if e.Kind == archive.KindLookup {
		return nil, nil
	}
	f, err := a.Open(e)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parser.ParseFile(e.Kind, e.Period, f, e.Filename, lookups)
}

// loadPending loads, each in its own transaction, every current archived
// file the database lacks: this run's new files, and any a stopped run
// archived but never loaded.
func (r *run) loadPending(ctx context.Context) {
	m, err := r.Archive.Manifest()
	var pending []archive.Entry
	if err == nil {
		pending, err = Pending(ctx, r.Store, m)
	}
	if err != nil {
		r.fail(store.RunFile{URL: r.Archive.Dir, Kind: "archive"}, err)
		return
	}
	for _, e := range pending {
		if ctx.Err() != nil {
			return
		}
		var lookups []*ons.Lookup
		if e.Kind == archive.KindPopulation && r.parsed[e.SHA256] == nil {
			if lookups, err = r.archivedLookups(); err != nil {
				r.loadFailed(e, err)
				continue
			}
		}
		p, err := loadArchived(ctx, r.Archive, r.Store, r.parser, e, lookups, r.parsed[e.SHA256], r.Log)
		if err != nil {
			r.loadFailed(e, err)
			continue
		}
		r.Log.Info("loaded", zap.String("kind", string(e.Kind)), zap.String("period", e.Period), zap.String("sha256", e.SHA256))
		if e.Kind == archive.KindAreaTables {
			r.totals.Years = append(r.totals.Years, p.Year)
		}
	}
}

// loadFailed marks a file that archived but would not load as failed: the
// entry this run recorded for it when it was fetched, or a new one.
func (r *run) loadFailed(e archive.Entry, err error) {
	for i, f := range r.totals.Files {
		if f.SHA256 == e.SHA256 && f.Status != store.FileFailed {
			r.totals.Files = append(r.totals.Files[:i], r.totals.Files[i+1:]...)
			break
		}
	}
	r.fail(store.RunFile{URL: cmp.Or(e.URL, e.Filename), Kind: string(e.Kind), Period: e.Period, SHA256: e.SHA256, Bytes: e.Bytes}, err)
}
