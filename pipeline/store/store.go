package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/schema"
)

// Store is the mappa SQLite database.
type Store struct {
	DB   *sql.DB
	Path string
}

// Loader loads files' figures: a Store, each load in a transaction of its
// own, or a Tx, every load in one.
type Loader interface {
	LoadAreaTables(ctx context.Context, rel Release, src SourceFile, obs []figure.Observation) error
	LoadPopulation(ctx context.Context, src SourceFile, est Estimate) error
	RecordSource(ctx context.Context, src SourceFile) error
}

// Tx is one transaction of a Batch: its loads commit together, and derive
// once, when the batch ends.
type Tx struct {
	tx *sql.Tx
}

// Open opens (creating if needed) and migrates the database at path, to
// write it; OpenReadOnly is for the commands that only read.
// WAL keeps readers working during a load, and every connection keeps the
// -wal and -shm files when it closes so that readers who cannot create
// them can read (keepWAL); synchronous=NORMAL is durable
// enough under WAL (a power cut may lose the last commit, never corrupt);
// _txlock=immediate takes the write lock at BEGIN so two writers fail fast
// instead of deadlocking on upgrade.
func Open(ctx context.Context, path string) (*Store, error) {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "NORMAL")
	q.Set("_busy_timeout", "5000")
	q.Set("_foreign_keys", "on")
	q.Set("_txlock", "immediate")
	db, err := sql.Open(driverName, "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := schema.Migrate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate database %s: %w", path, err)
	}
	return &Store{DB: db, Path: path}, nil
}

// Close closes the database; the last connection to close checkpoints the
// WAL into the main file and empties it (keepWAL).
func (s *Store) Close() error { return s.DB.Close() }

// Batch runs fn with a Tx, so that every load fn makes through it is one
// transaction, and derives rates, growth and checks once, at the end. Rebuild uses it: its database
// is new and unread until it is renamed in, so a commit per file buys
// nothing, while deriving again after every file made a rebuild quadratic
// in the number of files. fn must not use the store from other goroutines.
func (s *Store) Batch(ctx context.Context, fn func(*Tx) error) error {
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(&Tx{tx: tx}); err != nil {
		return err
	}
	if err := refreshDerived(ctx, tx); err != nil {
		return fmt.Errorf("derive: %w", err)
	}
	return tx.Commit()
}

// SourceFile describes an archived file that figures were read from.
type SourceFile struct {
	SHA256, Kind, Period, URL, Filename, MediaType string
	Bytes                                          int64
	FetchedAt                                      string
	// FinalURL is where URL led when it redirected; "" when it did not.
	FinalURL string
}

// Release describes one financial year's publication. Its year comes from
// figure.ParseFinancialYear, as every FinancialYear does: it is not checked
// again here.
type Release struct {
	FinancialYear                  figure.FinancialYear
	Title, LandingURL, PublishedAt string
	// Unmapped are the release's columns of no known measure, recorded in
	// unmapped_columns with the year.
	Unmapped []figure.UnmappedColumn
}

// withTxOnly runs fn in one transaction, for a write that changes no
// figure and so derives nothing.
func (s *Store) withTxOnly(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// withTx runs fn in one transaction, then refreshes derived figures and
// checks, so a load is all or nothing.
func (s *Store) withTx(ctx context.Context, fn func(*sql.Tx) error) error {
	return s.withTxOnly(ctx, func(tx *sql.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		if err := refreshDerived(ctx, tx); err != nil {
			return fmt.Errorf("derive: %w", err)
		}
		return nil
	})
}

func upsertSource(ctx context.Context, tx *sql.Tx, f SourceFile) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO source_files (sha256, kind, period, url, filename, media_type, bytes, fetched_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (sha256) DO UPDATE SET kind = excluded.kind, period = excluded.period, url = excluded.url,
			filename = excluded.filename, media_type = excluded.media_type, bytes = excluded.bytes, fetched_at = excluded.fetched_at`,
		f.SHA256, f.Kind, nullable(f.Period), nullable(f.URL), f.Filename, f.MediaType, f.Bytes, f.FetchedAt)
	if err != nil {
		return fmt.Errorf("record source file %s: %w", f.Filename, err)
	}
	return nil
}

// LoadAreaTables replaces one financial year with the observations read
// from one file, atomically.
func (s *Store) LoadAreaTables(ctx context.Context, rel Release, src SourceFile, obs []figure.Observation) error {
	return s.withTx(ctx, func(tx *sql.Tx) error { return loadAreaTables(ctx, tx, rel, src, obs) })
}

// LoadAreaTables is Store.LoadAreaTables within the batch.
func (t *Tx) LoadAreaTables(ctx context.Context, rel Release, src SourceFile, obs []figure.Observation) error {
	return loadAreaTables(ctx, t.tx, rel, src, obs)
}

func loadAreaTables(ctx context.Context, tx *sql.Tx, rel Release, src SourceFile, obs []figure.Observation) error {
	if err := upsertSource(ctx, tx, src); err != nil {
		return err
	}
	// The derived tables are recomputed whole once the load is in.
	for _, table := range []string{"observations", "unmapped_columns"} {
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE financial_year = ?", rel.FinancialYear); err != nil {
			return err
		}
	}
	// Another release's figures of this year, recorded while the year was
	// not loaded (recordUnloadedYear), are that no longer.
	if _, err := tx.ExecContext(ctx, "DELETE FROM unmapped_columns WHERE header LIKE '% figures of ' || ? || ', a year not loaded: %'", rel.FinancialYear); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO releases (financial_year, period_end, title, landing_url, published_at, source_sha256)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (financial_year) DO UPDATE SET period_end = excluded.period_end, title = excluded.title,
				landing_url = excluded.landing_url, published_at = excluded.published_at, source_sha256 = excluded.source_sha256`,
		rel.FinancialYear, rel.FinancialYear.PeriodEnd(), nullable(rel.Title), nullable(rel.LandingURL), nullable(isoTimestamp(rel.PublishedAt)), src.SHA256)
	if err != nil {
		return fmt.Errorf("record release %s: %w", rel.FinancialYear, err)
	}
	for _, u := range rel.Unmapped {
		if _, err := tx.ExecContext(ctx, `INSERT INTO unmapped_columns (financial_year, source_sha256, sheet, cell, header)
				VALUES (?, ?, ?, ?, ?)`, rel.FinancialYear, src.SHA256, u.Sheet, u.Cell, u.Header); err != nil {
			return fmt.Errorf("record unmapped column %s!%s: %w", u.Sheet, u.Cell, err)
		}
	}
	ins := newBulkInsert(ctx, tx, "observations",
		[]bulkFixed{{"financial_year", rel.FinancialYear}, {"source_sha256", src.SHA256}},
		"area_code", "measure", "category", "level", "value", "marker", "sheet", "cell")
	defer ins.close()
	// Putting a string in an interface allocates. Areas, measures,
	// categories, levels and sheets repeat row after row, so each is
	// boxed once a load.
	boxes := boxCache{}
	own, earlier := splitYears(obs, rel.FinancialYear)
	for _, o := range own {
		if err := ins.add(boxes.of(o.AreaCode), boxes.of(o.Measure), boxes.of(o.Category), boxes.of(o.Level),
			nullableNumber(o.Number), nullable(o.Marker), boxes.of(o.Sheet), o.Cell); err != nil {
			return observationInsertError(own, err)
		}
	}
	if err := ins.flush(); err != nil {
		return observationInsertError(own, err)
	}
	if err := recordVintage(ctx, tx, rel, src); err != nil {
		return err
	}
	return loadRepublished(ctx, tx, rel, src, earlier)
}

func observationInsertError(obs []figure.Observation, err error) error {
	var re *bulkRowError
	if !errors.As(err, &re) {
		return err
	}
	o := obs[re.row]
	return fmt.Errorf("insert %s %s from %s!%s: %w", o.AreaCode, o.Measure, o.Sheet, o.Cell, re.err)
}

// RecordSource records an archived file that loads nothing itself (a
// lookup): no figure changes, so nothing is derived again.
func (s *Store) RecordSource(ctx context.Context, src SourceFile) error {
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := upsertSource(ctx, tx, src); err != nil {
		return err
	}
	return tx.Commit()
}

// RecordSource is Store.RecordSource within the batch.
func (t *Tx) RecordSource(ctx context.Context, src SourceFile) error {
	return upsertSource(ctx, t.tx, src)
}

// isoTimestamp writes a GOV.UK timestamp ("2020-10-29T09:30:00.000+01:00")
// as RFC 3339 in UTC, the form of every other timestamp in the database, so
// analysts can compare them as text. Anything unparseable is kept as given:
// it is the publisher's, not ours to guess.
func isoTimestamp(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.UTC().Format(time.RFC3339)
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
