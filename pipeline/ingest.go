package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/mappa-etl/mappa/pipeline/extract"
	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/ons"
	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/sources/archive"
	"github.com/mappa-etl/mappa/sources/sheet"
)

// Parsed is a file read and mapped completely: exactly one of its parts is
// set, according to the file's kind.
type Parsed struct {
	// Year is the financial year of area tables, MidYears the mid-years
	// of a population estimate: the file's period, parsed once, here.
	Year       figure.FinancialYear
	MidYears   figure.MidYears
	Extraction *extract.Result
	Population []figure.Population
	How        figure.PopulationSource
	Lookup     *ons.Lookup
	MediaType  string
}

// Period is the period the file was read as, as the archive files it:
// "2019-20" for area tables, "2019" or "2012-2022" for population, "" for
// a lookup.
func (p *Parsed) Period() string {
	switch {
	case p.Year != "":
		return p.Year.String()
	case p.MidYears.First != 0:
		return p.MidYears.String()
	}
	return ""
}

// Edition is the edition a parsed population file is added as: the one
// asked for, else the release date the file states, else the day it is
// added (today), and where it came from (archive.EditionFrom*).
func (p *Parsed) Edition(asked figure.Edition, today time.Time) (figure.Edition, string) {
	switch {
	case asked != "":
		return asked, archive.EditionFromOption
	case p.How.Edition != "":
		return p.How.Edition, archive.EditionFromFile
	}
	return figure.EditionOn(today.UTC()), archive.EditionFromAdded
}

// Parser reads archived or incoming files of every kind.
type Parser struct {
	extractor *extract.Extractor
}

// NewParser returns a Parser over the reference areas.
func NewParser() *Parser { return &Parser{extractor: extract.New()} }

// Parse reads the file at path as kind for period. name is the file's
// original name, used in errors. Population files need the lookups that
// may map their local authorities to police force areas.
func (p *Parser) Parse(kind archive.Kind, period, path, name string, lookups []*ons.Lookup) (*Parsed, error) {
	f, err := os.Open(path)
	if err != nil {
		what := "workbook"
		if kind == archive.KindLookup {
			what = "lookup"
		}
		return nil, fmt.Errorf("open %s %s: %w", what, name, err)
	}
	defer f.Close()
	return p.ParseFile(kind, period, f, name, lookups)
}

// ParseFile is Parse of a file already open at offset 0 (an archived file
// opened to check its hash).
func (p *Parser) ParseFile(kind archive.Kind, period string, f *os.File, name string, lookups []*ons.Lookup) (*Parsed, error) {
	return p.parseFile(kind, Claim{Period: period, Force: true}, f, name, lookups)
}

// Claim is the period a file is added as: as typed, or "" for the one the
// file states. A typed period that contradicts the file is refused unless
// Force (mappa add --force-year); archived files are read with Force, as
// the period they were accepted under.
type Claim struct {
	Period string
	Force  bool
}

// ParseClaimed is Parse of a file being added, whose period is checked
// against the one the file states (StatedPeriodError), or taken from it.
func (p *Parser) ParseClaimed(kind archive.Kind, claim Claim, path, name string, lookups []*ons.Lookup) (*Parsed, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open workbook %s: %w", name, err)
	}
	defer f.Close()
	return p.parseFile(kind, claim, f, name, lookups)
}

func (p *Parser) parseFile(kind archive.Kind, claim Claim, f *os.File, name string, lookups []*ons.Lookup) (*Parsed, error) {
	if kind == archive.KindLookup {
		l, err := ons.ReadLookup(name, f)
		if err != nil {
			return nil, err
		}
		return &Parsed{Lookup: l, MediaType: "text/csv"}, nil
	}
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("open workbook %s: %w", name, err)
	}
	var opts []sheet.OpenOption
	if kind == archive.KindPopulation {
		opts = append(opts, sheet.OnlySheets(ons.PopulationSheet))
	}
	wb, err := sheet.Open(name, f, st.Size(), opts...)
	if err != nil {
		return nil, err
	}
	out := &Parsed{MediaType: wb.Format.MediaType()}
	switch kind {
	case archive.KindAreaTables:
		if out.Year, err = claimedYear(wb, claim); err != nil {
			return nil, err
		}
		out.Extraction, err = p.extractor.Extract(wb, out.Year)
	case archive.KindPopulation:
		if out.MidYears, err = claimedMidYears(wb, claim); err != nil {
			return nil, err
		}
		var ro []ons.ReadOption
		if claim.Force {
			ro = append(ro, ons.AnyMidYear())
		}
		out.Population, out.How, err = ons.Read(wb, out.MidYears, lookups, ro...)
	default:
		err = fmt.Errorf("unknown kind %q (want %s, %s or %s)", kind, archive.KindAreaTables, archive.KindPopulation, archive.KindLookup)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Load writes a parsed file into the database: one transaction per file.
// A lookup loads nothing but its source record, so p may be nil for one.
func Load(ctx context.Context, st store.Loader, e archive.Entry, p *Parsed) error {
	src := store.SourceFile{SHA256: e.SHA256, Kind: string(e.Kind), Period: e.Period, URL: e.URL, Filename: e.Filename,
		MediaType: e.MediaType, Bytes: e.Bytes, FetchedAt: e.AddedAt, FinalURL: e.FinalURL}
	switch e.Kind {
	case archive.KindAreaTables:
		rel := store.Release{FinancialYear: p.Year, Title: e.Title, LandingURL: e.LandingURL, PublishedAt: e.PublishedAt,
			Unmapped: p.Extraction.Unmapped}
		return st.LoadAreaTables(ctx, rel, src, p.Extraction.Observations)
	case archive.KindPopulation:
		ed, from := archive.EditionOf(e)
		edition, err := figure.ParseEdition(ed)
		if err != nil {
			return fmt.Errorf("load population %s: %w", e.Filename, err)
		}
		pops := make([]figure.Population, len(p.Population))
		for i, pop := range p.Population {
			pop.Edition = edition
			pops[i] = pop
		}
		return st.LoadPopulation(ctx, src, store.Estimate{Edition: edition, EditionFrom: from, How: p.How, Populations: pops})
	}
	return st.RecordSource(ctx, src)
}

// ArchivedLookups parses every lookup in the archive, for population files.
func ArchivedLookups(a *archive.Archive, m *archive.Manifest) ([]*ons.Lookup, error) {
	var out []*ons.Lookup
	for _, e := range m.Current() {
		if e.Kind != archive.KindLookup {
			continue
		}
		f, err := a.Open(e)
		if err != nil {
			return nil, err
		}
		l, err := ons.ReadLookup(e.Filename, f)
		f.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

// logParsed reports what a file yielded, including headers left unmapped.
func logParsed(log *zap.Logger, e archive.Entry, p *Parsed) {
	if p == nil { // not parsed yet: loadArchived logs it when it parses
		return
	}
	fields := []zap.Field{zap.String("kind", string(e.Kind)), zap.String("period", e.Period),
		zap.String("file", e.Filename), zap.String("sha256", e.SHA256)}
	switch {
	case p.Extraction != nil:
		log.Info("read area tables", append(fields, zap.Int("observations", len(p.Extraction.Observations)))...)
		for _, u := range p.Extraction.Unmapped {
			log.Warn("header maps to no known measure; column recorded in unmapped_columns, its figures not loaded",
				zap.String("file", e.Filename), zap.String("sheet", u.Sheet), zap.String("cell", u.Cell), zap.String("header", u.Header))
		}
	case p.Population != nil:
		log.Info("read population", append(fields, zap.String("sheet", p.How.Sheet), zap.String("level", p.How.Level), zap.String("lookup", p.How.Lookup),
			zap.String("edition_stated", p.How.Edition.String()), zap.String("england_and_wales_row", p.How.EnglandAndWalesCell))...)
	case p.Lookup != nil:
		log.Info("read lookup", append(fields, zap.Int("vintage", p.Lookup.Year), zap.Int("local_authorities", len(p.Lookup.PFAByLAD)))...)
	}
}

// AddFileResult says what AddFile did.
type AddFileResult struct {
	archive.AddResult
	// Loaded is true when the file was loaded into the database: new bytes,
	// or bytes already archived that the database lacks (an add killed
	// between archiving and loading, or a new database beside an old
	// archive).
	Loaded bool
}

// AddOption configures AddFile.
type AddOption func(*addOptions)

type addOptions struct {
	edition   figure.Edition
	forceYear bool
}

// WithForceYear adds a file under the period given even where the file
// states another: the operator has checked that the file's titles are
// wrong.
func WithForceYear() AddOption { return func(o *addOptions) { o.forceYear = true } }

// WithEdition adds a population file as the given edition, whatever the
// file states.
func WithEdition(e figure.Edition) AddOption { return func(o *addOptions) { o.edition = e } }

// AddFile validates a local file, archives it and loads it into the
// database. A file that fails to parse is set aside and nothing is loaded.
// period is checked against the one the file states (StatedPeriodError)
// unless WithForceYear; "" takes the stated one.
func AddFile(ctx context.Context, a *archive.Archive, st *store.Store, log *zap.Logger, kind archive.Kind, period, path string, opts ...AddOption) (AddFileResult, error) {
	var o addOptions
	for _, opt := range opts {
		opt(&o)
	}
	// The archive's lookups are read only if a population file is parsed:
	// bytes already archived and loaded need none.
	readLookups := sync.OnceValues(func() ([]*ons.Lookup, error) {
		m, err := a.Manifest()
		if err != nil {
			return nil, err
		}
		return ArchivedLookups(a, m)
	})
	f, err := os.Open(path)
	if err != nil {
		return AddFileResult{}, fmt.Errorf("add %s: %w", path, err)
	}
	defer f.Close()
	name := filepath.Base(path)
	parser := NewParser()
	var parsed *Parsed
	added, err := a.Add(archive.Entry{Kind: kind, Period: period, Filename: name, Edition: o.edition.String()}, f,
		validator(parser, readLookups, kind, Claim{Period: period, Force: o.forceYear}, name, &parsed, o.edition, a.Now))
	res := AddFileResult{AddResult: added}
	if err != nil {
		return res, err // the caller reports it, and where the file was set aside
	}
	if !res.Added {
		// Archiving and loading are two commits; a crash between them
		// leaves the file archived and the database without it, and only
		// the database can say which.
		if lacks, err := lacks(ctx, st, a, res.Entry); err != nil || !lacks {
			if err == nil {
				log.Info("already archived and loaded; nothing to do", zap.String("file", name), zap.String("sha256", res.Entry.SHA256))
			}
			return res, err
		}
		log.Info("already archived but not in the database; loading it", zap.String("file", name), zap.String("sha256", res.Entry.SHA256))
	}
	logParsed(log, res.Entry, parsed)
	// parsed is nil when the file was archived before (validation ran
	// when it first came): loadArchived reads it from the archive.
	var lookups []*ons.Lookup
	if parsed == nil && kind == archive.KindPopulation {
		if lookups, err = readLookups(); err != nil {
			return res, err
		}
	}
	if _, err := loadArchived(ctx, a, st, parser, res.Entry, lookups, parsed, log); err != nil {
		return res, err
	}
	res.Loaded = true
	return res, nil
}
