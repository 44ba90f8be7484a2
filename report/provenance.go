package report

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mappa-etl/mappa/pipeline/store"
)

// SourceFile is an archived file that figures were read from.
type SourceFile struct {
	Name, SHA256, URL, FetchedAt string
	Bytes                        int64
}

// ReleaseSource is the publication one financial year's figures came from.
type ReleaseSource struct {
	Year, PeriodEnd, Title, LandingURL, PublishedAt string
	File                                            SourceFile
	// PopulationMidYears are the mid-year estimates the year's computed
	// rates divided by (one, unless a load went wrong).
	PopulationMidYears []int
}

// PopulationSource is the file one mid-year population estimate came from.
type PopulationSource struct {
	MidYear              int
	File                 SourceFile
	Sheet, Level, Lookup string
}

func (r *Report) readProvenance(ctx context.Context, db *sql.DB) error {
	var asOf sql.NullString
	if err := db.QueryRowContext(ctx, "SELECT MAX(fetched_at) FROM source_files").Scan(&asOf); err != nil {
		return fmt.Errorf("read source_files: %w", err)
	}
	r.DataAsOf = asOf.String
	err := store.EachRow(ctx, db, `SELECT r.financial_year, r.period_end, COALESCE(r.title, ''), COALESCE(r.landing_url, ''),
			COALESCE(r.published_at, ''), f.filename, f.sha256, COALESCE(f.url, ''), f.fetched_at, f.bytes,
			(SELECT GROUP_CONCAT(DISTINCT x.population_mid_year) FROM rso_rates x
				WHERE x.financial_year = r.financial_year)
		FROM releases r JOIN source_files f ON f.sha256 = r.source_sha256
		ORDER BY r.financial_year`, nil,
		func(rows *sql.Rows) error {
			var s ReleaseSource
			var mids sql.NullString
			if err := rows.Scan(&s.Year, &s.PeriodEnd, &s.Title, &s.LandingURL, &s.PublishedAt, &s.File.Name, &s.File.SHA256,
				&s.File.URL, &s.File.FetchedAt, &s.File.Bytes, &mids); err != nil {
				return err
			}
			for _, m := range strings.FieldsFunc(mids.String, func(r rune) bool { return r == ',' }) {
				y, err := strconv.Atoi(m)
				if err != nil {
					return fmt.Errorf("population mid-year %q: %w", m, err)
				}
				s.PopulationMidYears = append(s.PopulationMidYears, y)
			}
			slices.Sort(s.PopulationMidYears)
			r.Releases = append(r.Releases, s)
			return nil
		})
	if err != nil {
		return fmt.Errorf("read releases: %w", err)
	}
	err = store.EachRow(ctx, db, `SELECT p.mid_year, f.filename, f.sha256, COALESCE(f.url, ''), f.fetched_at, f.bytes,
			p.sheet, p.level, COALESCE(p.lookup, '')
		FROM population_sources p JOIN source_files f ON f.sha256 = p.source_sha256
		ORDER BY p.mid_year`, nil,
		func(rows *sql.Rows) error {
			var s PopulationSource
			err := rows.Scan(&s.MidYear, &s.File.Name, &s.File.SHA256, &s.File.URL, &s.File.FetchedAt, &s.File.Bytes,
				&s.Sheet, &s.Level, &s.Lookup)
			r.Populations = append(r.Populations, s)
			return err
		})
	if err != nil {
		return fmt.Errorf("read population_sources: %w", err)
	}
	return nil
}

// release returns the provenance of one financial year, or nil.
func (r *Report) release(year string) *ReleaseSource {
	for i := range r.Releases {
		if r.Releases[i].Year == year {
			return &r.Releases[i]
		}
	}
	return nil
}

// population returns the provenance of one mid-year estimate, or nil.
func (r *Report) population(midYear int) *PopulationSource {
	for i := range r.Populations {
		if r.Populations[i].MidYear == midYear {
			return &r.Populations[i]
		}
	}
	return nil
}

// yearSources names the release and population estimate behind the year's
// rates.
func (r *Report) yearSources() string {
	rel := r.release(r.Year)
	if rel == nil {
		return ""
	}
	parts := []string{fmt.Sprintf("Area tables %s (%s)", rel.File.Name, r.Year)}
	for _, m := range rel.PopulationMidYears {
		if pop := r.population(m); pop != nil {
			parts = append(parts, fmt.Sprintf("mid-%d population estimate %s", m, pop.File.Name))
		}
	}
	return strings.Join(parts, "; ") + "."
}

// trendSources names what a trend chart is drawn from; the files of each
// year are listed under Provenance.
func (r *Report) trendSources(rates bool) string {
	s := fmt.Sprintf("Area tables of the %d loaded releases, %s to %s", len(r.Releases), r.Years[0], r.Years[len(r.Years)-1])
	if rates {
		s += fmt.Sprintf(", and %d mid-year population estimates", len(r.Populations))
	}
	return s + "; the files are listed under Provenance."
}
