package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

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
	// PopulationMidYears are the mid-year estimates the year's computed
	// rates divided by (one, unless a load went wrong).
	PopulationMidYears []int
}

// EstimateSource is the file one mid-year population estimate came from,
// and how it was read.
type EstimateSource struct {
	MidYear              int
	File                 FileSource
	Sheet, Level, Lookup string
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
			(SELECT GROUP_CONCAT(DISTINCT x.population_mid_year) FROM rso_rates x
				WHERE x.financial_year = r.financial_year)
		FROM releases r JOIN source_files f ON f.sha256 = r.source_sha256
		ORDER BY r.financial_year`, nil,
		func(rows *sql.Rows) error {
			var rs ReleaseSource
			var mids sql.NullString
			if err := rows.Scan(&rs.Year, &rs.PeriodEnd, &rs.Title, &rs.LandingURL, &rs.PublishedAt, &rs.File.Name, &rs.File.SHA256,
				&rs.File.URL, &rs.File.FetchedAt, &rs.File.Bytes, &mids); err != nil {
				return err
			}
			for _, m := range strings.FieldsFunc(mids.String, func(r rune) bool { return r == ',' }) {
				y, err := strconv.Atoi(m)
				if err != nil {
					return fmt.Errorf("population mid-year %q: %w", m, err)
				}
				rs.PopulationMidYears = append(rs.PopulationMidYears, y)
			}
			slices.Sort(rs.PopulationMidYears)
			out = append(out, rs)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read releases: %w", err)
	}
	return out, nil
}

// EstimateSources lists the provenance of every loaded population
// estimate, oldest first.
func (s *Store) EstimateSources(ctx context.Context) ([]EstimateSource, error) {
	var out []EstimateSource
	err := EachRow(ctx, s.DB, `SELECT p.mid_year, f.filename, f.sha256, COALESCE(f.url, ''), f.fetched_at, f.bytes,
			p.sheet, p.level, COALESCE(p.lookup, '')
		FROM population_sources p JOIN source_files f ON f.sha256 = p.source_sha256
		ORDER BY p.mid_year`, nil,
		func(rows *sql.Rows) error {
			var e EstimateSource
			err := rows.Scan(&e.MidYear, &e.File.Name, &e.File.SHA256, &e.File.URL, &e.File.FetchedAt, &e.File.Bytes,
				&e.Sheet, &e.Level, &e.Lookup)
			out = append(out, e)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("read population_sources: %w", err)
	}
	return out, nil
}
