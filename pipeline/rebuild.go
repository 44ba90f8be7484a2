package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/ons"
	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/sources/archive"
)

// RebuildResult says what a rebuild loaded.
type RebuildResult struct {
	Years    []figure.FinancialYear // financial years loaded
	MidYears []figure.MidYear       // mid-years with a population estimate
	// Estimates counts the estimates loaded: each edition of each
	// mid-year once.
	Estimates int
	Lookups   int
	// Vintages counts the area tables files loaded: each year's every
	// vintage.
	Vintages int
}

// RebuildOption configures Rebuild.
type RebuildOption func(*rebuildOptions)

type rebuildOptions struct {
	manifest *archive.Manifest
	previous bool
	vet      func(*RebuildResult) error
}

// FromManifest rebuilds from m instead of the archive's manifest: an
// amended manifest (Archive.Amend), written only once the database it
// describes is built.
func FromManifest(m *archive.Manifest) RebuildOption {
	return func(o *rebuildOptions) { o.manifest = m }
}

// KeepPrevious keeps the database a rebuild replaces as dbPath.previous
// (one generation: the one before is removed).
func KeepPrevious() RebuildOption { return func(o *rebuildOptions) { o.previous = true } }

// Vet is called with what the new database holds before it replaces the
// old one; an error abandons the rebuild, leaving the old database.
func Vet(fn func(*RebuildResult) error) RebuildOption { return func(o *rebuildOptions) { o.vet = fn } }

// PreviousSuffix is appended to a database's path for the one a rebuild
// replaced (KeepPrevious).
const PreviousSuffix = ".previous"

// Rebuild builds a new database at dbPath from the archive alone. It builds
// beside the old database and renames over it only when every file has
// loaded, so a failure or a crash leaves the old database whole. The caller
// holds the writer lock (LockWriter), so any other half-built database
// beside dbPath is a killed rebuild's and is removed.
func Rebuild(ctx context.Context, a *archive.Archive, dbPath string, log *zap.Logger, onBuilt func(*store.Store) error, opts ...RebuildOption) (*RebuildResult, error) {
	var o rebuildOptions
	for _, opt := range opts {
		opt(&o)
	}
	m := o.manifest
	if m == nil {
		var err error
		if m, err = a.Manifest(); err != nil {
			return nil, err
		}
	}
	removeStaleRebuilds(dbPath)
	tmp := fmt.Sprintf("%s.rebuild-%d", dbPath, os.Getpid())
	res, err := buildInto(ctx, a, m, tmp, log, onBuilt)
	if err == nil && o.vet != nil {
		err = o.vet(res)
	}
	if err == nil {
		err = swapIn(ctx, tmp, dbPath, o.previous)
	}
	if err != nil {
		removeDB(tmp)
		return nil, err
	}
	return res, nil
}

func buildInto(ctx context.Context, a *archive.Archive, m *archive.Manifest, path string, log *zap.Logger, onBuilt func(*store.Store) error) (*RebuildResult, error) {
	st, err := store.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	entries := m.Loadable()
	loadOrder(entries)
	lookups, err := ArchivedLookups(a, m)
	if err != nil {
		return nil, err
	}
	parser := NewParser()
	res := &RebuildResult{Lookups: len(lookups)}
	estimates := map[string]bool{}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	parsed := parseAhead(ctx, a, parser, entries, lookups, runtime.GOMAXPROCS(0))
	err = st.Batch(ctx, func(tx *store.Tx) error {
		if err := tx.RecordPages(ctx, pageRecords(m)); err != nil {
			return fmt.Errorf("rebuild: %w", err)
		}
		for i, e := range entries {
			r, ok := <-parsed[i]
			if !ok {
				return ctx.Err()
			}
			if r.err != nil {
				return fmt.Errorf("rebuild: %w", r.err)
			}
			if r.p != nil {
				logParsed(log, e, r.p)
			}
			// Lookups were read (and hash-checked) by ArchivedLookups above.
			p, err := loadArchived(ctx, a, tx, parser, e, lookups, r.p, log)
			r.done()
			if err != nil {
				return fmt.Errorf("rebuild: %w", err)
			}
			switch e.Kind {
			case archive.KindAreaTables:
				if !slices.Contains(res.Years, p.Year) {
					res.Years = append(res.Years, p.Year)
				}
				res.Vintages++
			case archive.KindPopulation:
				ed, _ := archive.EditionOf(e)
				for _, pop := range p.Population {
					if !slices.Contains(res.MidYears, pop.MidYear) {
						res.MidYears = append(res.MidYears, pop.MidYear)
					}
					estimates[fmt.Sprint(pop.MidYear, ed)] = true
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(res.MidYears)
	slices.Sort(res.Years)
	res.Estimates = len(estimates)
	if onBuilt != nil {
		if err := onBuilt(st); err != nil {
			return nil, err
		}
	}
	return res, st.Close()
}

// parsedFile is an archived file parsed ahead of its load. done frees its
// place so the next file can be parsed.
type parsedFile struct {
	p    *Parsed
	err  error
	done func()
}

// parseAhead parses entries on up to workers goroutines while the caller
// loads them in order from the returned channels, one per entry. Parsing is
// most of a rebuild and files are independent of each other, whereas loads
// share one transaction and must keep their order. At most workers files
// are parsed and not yet loaded, which bounds memory. When ctx ends, the
// channels of entries not started are closed.
func parseAhead(ctx context.Context, a *archive.Archive, parser *Parser, entries []archive.Entry, lookups []*ons.Lookup, workers int) []chan parsedFile {
	out := make([]chan parsedFile, len(entries))
	for i := range out {
		out[i] = make(chan parsedFile, 1)
	}
	slots := make(chan struct{}, max(workers, 1))
	go func() {
		for i, e := range entries {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				for _, ch := range out[i:] {
					close(ch)
				}
				return
			}
			go func() {
				p, err := parseArchived(a, parser, e, lookups)
				out[i] <- parsedFile{p: p, err: err, done: func() { <-slots }}
			}()
		}
	}()
	return out
}

// swapIn renames the new database over the old one. The old database is
// first opened and checkpointed so that no WAL of it survives: SQLite would
// replay a stale WAL onto the new file. The new database's own -shm and
// -wal then replace the old ones, before it replaces the old database: a
// reader who may not create them (store.OpenReadOnly) finds them at every
// moment. Its -wal must be empty, as a clean close leaves it (store's
// keepWAL), for a reader may open the old database between the renames.
// With keep, the old database is hard-linked as dbPath.previous before the
// last rename, so that dbPath always names a whole database and the old
// one survives the swap.
func swapIn(ctx context.Context, tmp, dbPath string, keep bool) error {
	_, statErr := os.Stat(dbPath)
	hadOld := statErr == nil
	if hadOld {
		if err := checkpoint(ctx, dbPath); err != nil {
			return err
		}
		// Kept before anything of the old database is touched: if this
		// fails, the old database is still whole and in use.
		if keep {
			if err := keepPrevious(dbPath); err != nil {
				return err
			}
		}
	}
	if fi, err := os.Stat(tmp + "-wal"); err == nil && fi.Size() > 0 {
		return fmt.Errorf("rebuild: the new database's WAL holds %d bytes after closing: not checkpointed", fi.Size())
	}
	for _, suffix := range []string{"-shm", "-wal"} {
		err := os.Rename(tmp+suffix, dbPath+suffix)
		if errors.Is(err, os.ErrNotExist) {
			err = os.Remove(dbPath + suffix)
		}
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("rebuild: replace %s: %w", dbPath+suffix, err)
		}
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		return fmt.Errorf("rebuild: swap in new database: %w", err)
	}
	d, err := os.Open(filepath.Dir(dbPath))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// checkpoint copies the old database's WAL into it and empties the WAL, so
// that the file alone is the whole database. A reader in the middle of a
// read makes SQLite report the checkpoint busy (in its result, not as an
// error): it is retried for a few seconds, then the rebuild fails rather
// than keep an incomplete copy.
func checkpoint(ctx context.Context, dbPath string) error {
	old, err := store.Open(ctx, dbPath)
	if err != nil {
		return fmt.Errorf("rebuild: open old database to retire it: %w", err)
	}
	defer old.Close()
	for try := 0; ; try++ {
		var busy, logPages, done int
		if err := old.DB.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logPages, &done); err != nil {
			return fmt.Errorf("rebuild: checkpoint old database: %w", err)
		}
		if busy == 0 {
			return old.Close()
		}
		if try == 40 {
			return fmt.Errorf("rebuild: checkpoint old database: still busy after %d tries (a reader holds it); nothing was changed, try again", try+1)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// keepPrevious keeps the database at dbPath as dbPath.previous, through a
// temporary name so that an old .previous is replaced atomically: a hard
// link, which needs no copy and leaves dbPath in place throughout, or a
// copy where the file system has no hard links.
func keepPrevious(dbPath string) error {
	prev := dbPath + PreviousSuffix
	tmp := prev + ".tmp"
	os.Remove(tmp)
	// An old .previous opened by someone may have WAL files beside it,
	// which SQLite would replay onto the new one.
	os.Remove(prev + "-wal")
	os.Remove(prev + "-shm")
	if err := os.Link(dbPath, tmp); err != nil {
		if err := copyFile(dbPath, tmp); err != nil {
			os.Remove(tmp)
			return fmt.Errorf("rebuild: keep the old database as %s: %w", prev, err)
		}
	}
	if err := os.Rename(tmp, prev); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("rebuild: keep the old database as %s: %w", prev, err)
	}
	return nil
}

// copyFile copies src to a new file dst and syncs it.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	return errors.Join(err, out.Sync(), out.Close())
}

// removeStaleRebuilds removes the databases of rebuilds that were killed
// before they could clean up (a few megabytes each, forever otherwise).
func removeStaleRebuilds(dbPath string) {
	stale, _ := filepath.Glob(dbPath + ".rebuild-*")
	for _, p := range stale {
		if !strings.HasSuffix(p, "-wal") && !strings.HasSuffix(p, "-shm") && !strings.HasSuffix(p, "-journal") {
			removeDB(p)
		}
	}
}

func removeDB(path string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		os.Remove(path + suffix)
	}
}
