package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/mappa-etl/mappa/pipeline/figure"
)

// FileSource is an archived file that figures were read from.
type FileSource struct {
	Name, SHA256, URL, FetchedAt string
	Bytes                        int64
}

// ReleaseSource is the publication one financial year's figures came from.
type ReleaseSource struct {
	Year                                      figure.FinancialYear
	PeriodEnd, Title, LandingURL, PublishedAt string
	File                                      FileSource
	// Rates is the estimate the year's computed rates divide by; nil when
	// none is loaded.
	Rates *RateBasis
}

// RateBasis is the estimate a release's computed rates use, and why.
type RateBasis struct {
	MidYear int
	Edition string
	// EditionFrom is where the edition came from: "file", "option" or
	// "added" (population_sources.edition_from).
	EditionFrom string
	// Found is true when the estimate reproduces every rate the release
	// published; false when none loaded does and the rule chose it.
	Found bool
	// Reproduced of Published areas' published rates the estimate
	// reproduces.
	Reproduced, Published int
}

// Estimate names the estimate in words: "the ONS mid-2021 estimate
// (edition of 2022-06-28)".
func (b RateBasis) Estimate() string {
	if b.EditionFrom == "added" {
		return fmt.Sprintf("the ONS mid-%d estimate (as added on %s)", b.MidYear, b.Edition)
	}
	return fmt.Sprintf("the ONS mid-%d estimate (edition of %s)", b.MidYear, b.Edition)
}

// Describe says in words which estimate the rates use and why.
func (b RateBasis) Describe() string {
	switch {
	case b.Published == 0:
		return fmt.Sprintf("Rates are computed on %s, by the rule (the release's own mid-year, or the latest earlier one loaded): the release published no rates to compare.", b.Estimate())
	case b.Found:
		return fmt.Sprintf("Rates are computed on %s, which reproduces %s the release published.", b.Estimate(), ofRates(b.Reproduced, b.Published))
	}
	return fmt.Sprintf("Rates are computed on %s, by the rule (the release's own mid-year, or the latest earlier one loaded): no loaded estimate reproduces every rate the release published; this one reproduces %d of %d. Adding the estimate the release used makes them agree.",
		b.Estimate(), b.Reproduced, b.Published)
}

func ofRates(n, of int) string {
	if n == of {
		return fmt.Sprintf("all %d rates", of)
	}
	return fmt.Sprintf("%d of the %d rates", n, of)
}

// EstimateSource is the file one population estimate (a mid-year in one
// edition) came from, and how it was read.
type EstimateSource struct {
	MidYear              int
	Edition, EditionFrom string
	// Current is true for the edition the population table holds: the
	// latest of its mid-year.
	Current              bool
	File                 FileSource
	Sheet, Level, Lookup string
	// EnglandAndWalesCell is the file's own England and Wales row its 42
	// areas add up to; "" when it has none.
	EnglandAndWalesCell string
}

// DataAsOf is when the newest source file entered the archive ("" for an
// empty database).
func (s *Store) DataAsOf(ctx context.Context) (string, error) {
	var asOf sql.NullString
	if err := s.DB.QueryRowContext(ctx, "SELECT MAX(fetched_at) FROM source_files").Scan(&asOf); err != nil {
		return "", fmt.Errorf("read source_files: %w", err)
	}
	return asOf.String, nil
}

// ReleaseSources lists the provenance of every loaded financial year,
// oldest first.
func (s *Store) ReleaseSources(ctx context.Context) ([]ReleaseSource, error) {
	var out []ReleaseSource
	err := EachRow(ctx, s.DB, `SELECT r.financial_year, r.period_end, COALESCE(r.title, ''), COALESCE(r.landing_url, ''),
			COALESCE(r.published_at, ''), f.filename, f.sha256, COALESCE(f.url, ''), f.fetched_at, f.bytes,
			x.population_mid_year, COALESCE(x.population_edition, ''), COALESCE(p.edition_from, ''),
			r.rates_population_mid_year IS NOT NULL, COALESCE(r.rates_reproduced, 0), COALESCE(r.rates_published, 0)
		FROM releases r JOIN source_files f ON f.sha256 = r.source_sha256
		LEFT JOIN (SELECT DISTINCT financial_year, population_mid_year, population_edition FROM rso_rates) x
			ON x.financial_year = r.financial_year
		LEFT JOIN population_sources p ON p.mid_year = x.population_mid_year AND p.edition = x.population_edition
		ORDER BY r.financial_year`, nil,
		func(rows *sql.Rows) error {
			var rs ReleaseSource
			var mid sql.NullInt64
			var b RateBasis
			if err := rows.Scan(&rs.Year, &rs.PeriodEnd, &rs.Title, &rs.LandingURL, &rs.PublishedAt, &rs.File.Name, &rs.File.SHA256,
				&rs.File.URL, &rs.File.FetchedAt, &rs.File.Bytes, &mid, &b.Edition, &b.EditionFrom, &b.Found, &b.Reproduced, &b.Published); err != nil {
				return err
			}
			if mid.Valid {
				b.MidYear = int(mid.Int64)
				rs.Rates = &b
			}
			out = append(out, rs)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read releases: %w", err)
	}
	return out, nil
}

// EstimateSources lists the provenance of every loaded population
// estimate, oldest mid-year first, and within one its editions in order.
func (s *Store) EstimateSources(ctx context.Context) ([]EstimateSource, error) {
	var out []EstimateSource
	err := EachRow(ctx, s.DB, `SELECT p.mid_year, p.edition, p.edition_from, p.is_current, f.filename, f.sha256,
			COALESCE(f.url, ''), f.fetched_at, f.bytes, p.sheet, p.level, COALESCE(p.lookup, ''), COALESCE(p.england_and_wales_cell, '')
		FROM population_sources p JOIN source_files f ON f.sha256 = p.source_sha256
		ORDER BY p.mid_year, p.edition`, nil,
		func(rows *sql.Rows) error {
			var e EstimateSource
			err := rows.Scan(&e.MidYear, &e.Edition, &e.EditionFrom, &e.Current, &e.File.Name, &e.File.SHA256, &e.File.URL,
				&e.File.FetchedAt, &e.File.Bytes, &e.Sheet, &e.Level, &e.Lookup, &e.EnglandAndWalesCell)
			out = append(out, e)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("read population_sources: %w", err)
	}
	return out, nil
}

// RatesOf is the estimate one year's computed rates use, or nil when none
// is loaded.
func (s *Store) RatesOf(ctx context.Context, year figure.FinancialYear) (*RateBasis, error) {
	all, err := s.ReleaseSources(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range all {
		if r.Year == year {
			return r.Rates, nil
		}
	}
	return nil, nil
}
