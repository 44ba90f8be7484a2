package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/mappa-etl/mappa/pipeline/derive"
	"github.com/mappa-etl/mappa/pipeline/figure"
)

// ReleaseStatus summarises one loaded financial year.
type ReleaseStatus struct {
	FinancialYear figure.FinancialYear `json:"financial_year"`
	File          string               `json:"file"`
	SHA256        string               `json:"sha256"`
	Observations  int                  `json:"observations"`
	Areas         int                  `json:"areas"`
	ChecksPassed  int                  `json:"checks_passed"`
	ChecksFailed  int                  `json:"checks_failed"`
	NotChecked    int                  `json:"checks_not_checked"`
	// RatesMidYear and RatesEdition are the estimate that reproduces the
	// published rates (nil when none does); RatesReproduced of
	// RatesPublished areas agree.
	RatesMidYear    *int    `json:"rates_population_mid_year"`
	RatesEdition    *string `json:"rates_population_edition"`
	RatesReproduced *int    `json:"rates_reproduced"`
	RatesPublished  *int    `json:"rates_published"`
	// UsesMidYear and UsesEdition are the estimate the computed rates
	// use: RatesMidYear's, else the rule's; nil with no estimate.
	UsesMidYear *int    `json:"rates_use_mid_year"`
	UsesEdition *string `json:"rates_use_edition"`
}

// PopulationStatus summarises one loaded estimate: a mid-year in one
// edition.
type PopulationStatus struct {
	MidYear     int    `json:"mid_year"`
	Edition     string `json:"edition"`
	EditionFrom string `json:"edition_from"`
	// Current is true for the edition the population table holds.
	Current bool   `json:"current"`
	File    string `json:"file"`
	Level   string `json:"level"`
	Lookup  string `json:"lookup,omitempty"`
}

// RunStatus is one recorded run.
type RunStatus struct {
	ID          int64  `json:"run_id"`
	Command     string `json:"command"`
	StartedAt   string `json:"started_at"`
	FinishedAt  string `json:"finished_at,omitempty"`
	Outcome     string `json:"outcome"`
	Error       string `json:"error,omitempty"`
	YearsLoaded string `json:"years_loaded,omitempty"`
	Fetched     int    `json:"files_fetched"`
	Unchanged   int    `json:"files_unchanged"`
	Failed      int    `json:"files_failed"`
	// FailedFiles are the files (or pages) that failed in this run.
	FailedFiles []RunFile `json:"failed_files,omitempty"`
}

// UnmappedStatus is one column of a loaded release that maps to no known
// measure, so its figures were not loaded.
type UnmappedStatus struct {
	FinancialYear figure.FinancialYear `json:"financial_year"`
	File          string               `json:"file"`
	Sheet         string               `json:"sheet"`
	Cell          string               `json:"cell"`
	Header        string               `json:"header"`
}

// StatusReport is what `mappa status` prints.
type StatusReport struct {
	Releases   []ReleaseStatus      `json:"releases"`
	Population []PopulationStatus   `json:"population"`
	Runs       []RunStatus          `json:"runs"`
	Failing    []derive.CheckResult `json:"failing_checks"`
	Unmapped   []UnmappedStatus     `json:"unmapped_columns"`
	// Pages are the GOV.UK pages withdrawn, gone or moved (a kind of
	// Change each); their figures stay loaded.
	Pages []Change `json:"pages"`
}

// Status reads what is loaded, the last runs and the failing checks.
func (s *Store) Status(ctx context.Context, lastRuns int) (*StatusReport, error) {
	r := &StatusReport{Releases: []ReleaseStatus{}, Population: []PopulationStatus{}, Runs: []RunStatus{},
		Failing: []derive.CheckResult{}, Unmapped: []UnmappedStatus{}}
	err := EachRow(ctx, s.DB, `SELECT r.financial_year, f.filename, f.sha256,
			(SELECT COUNT(*) FROM observations o WHERE o.financial_year = r.financial_year),
			(SELECT COUNT(DISTINCT o.area_code) FROM observations o JOIN areas a ON a.area_code = o.area_code
				WHERE o.financial_year = r.financial_year AND a.area_type = 'police_force_area'),
			(SELECT COUNT(*) FROM check_results c WHERE c.financial_year = r.financial_year AND c.status = 'pass'),
			(SELECT COUNT(*) FROM check_results c WHERE c.financial_year = r.financial_year AND c.status = 'fail'),
			(SELECT COUNT(*) FROM check_results c WHERE c.financial_year = r.financial_year AND c.status = 'not_checked'),
			r.rates_population_mid_year, r.rates_population_edition, r.rates_reproduced, r.rates_published,
			(SELECT MIN(x.population_mid_year) FROM rso_rates x WHERE x.financial_year = r.financial_year),
			(SELECT MIN(x.population_edition) FROM rso_rates x WHERE x.financial_year = r.financial_year)
		FROM releases r JOIN source_files f ON f.sha256 = r.source_sha256 ORDER BY r.financial_year`, nil,
		func(rows *sql.Rows) error {
			var x ReleaseStatus
			err := rows.Scan(&x.FinancialYear, &x.File, &x.SHA256, &x.Observations, &x.Areas, &x.ChecksPassed, &x.ChecksFailed, &x.NotChecked,
				&x.RatesMidYear, &x.RatesEdition, &x.RatesReproduced, &x.RatesPublished, &x.UsesMidYear, &x.UsesEdition)
			r.Releases = append(r.Releases, x)
			return err
		})
	if err != nil {
		return nil, err
	}
	err = EachRow(ctx, s.DB, `SELECT p.mid_year, p.edition, p.edition_from, p.is_current, f.filename, p.level, COALESCE(p.lookup, '')
		FROM population_sources p JOIN source_files f ON f.sha256 = p.source_sha256 ORDER BY p.mid_year, p.edition`, nil,
		func(rows *sql.Rows) error {
			var x PopulationStatus
			err := rows.Scan(&x.MidYear, &x.Edition, &x.EditionFrom, &x.Current, &x.File, &x.Level, &x.Lookup)
			r.Population = append(r.Population, x)
			return err
		})
	if err != nil {
		return nil, err
	}
	err = EachRow(ctx, s.DB, `SELECT run_id, command, started_at, COALESCE(finished_at, ''), outcome, COALESCE(error, ''),
			COALESCE(years_loaded, ''), files_fetched, files_unchanged, files_failed
		FROM runs ORDER BY run_id DESC LIMIT ?`, []any{lastRuns},
		func(rows *sql.Rows) error {
			var x RunStatus
			err := rows.Scan(&x.ID, &x.Command, &x.StartedAt, &x.FinishedAt, &x.Outcome, &x.Error, &x.YearsLoaded,
				&x.Fetched, &x.Unchanged, &x.Failed)
			r.Runs = append(r.Runs, x)
			return err
		})
	if err != nil {
		return nil, err
	}
	for i := range r.Runs {
		err = EachRow(ctx, s.DB, `SELECT url, kind, COALESCE(period, ''), status, COALESCE(sha256, ''), COALESCE(bytes, 0), COALESCE(error, '')
			FROM run_files WHERE run_id = ? AND status = 'failed' ORDER BY rowid`, []any{r.Runs[i].ID},
			func(rows *sql.Rows) error {
				var f RunFile
				err := rows.Scan(&f.URL, &f.Kind, &f.Period, &f.Status, &f.SHA256, &f.Bytes, &f.Error)
				r.Runs[i].FailedFiles = append(r.Runs[i].FailedFiles, f)
				return err
			})
		if err != nil {
			return nil, err
		}
	}
	err = EachRow(ctx, s.DB, `SELECT financial_year, check_name, subject, status, detail FROM check_results
		WHERE status = 'fail' ORDER BY financial_year, check_name, subject`, nil,
		func(rows *sql.Rows) error {
			var x derive.CheckResult
			err := rows.Scan(&x.FinancialYear, &x.Check, &x.Subject, &x.Status, &x.Detail)
			r.Failing = append(r.Failing, x)
			return err
		})
	if err != nil {
		return nil, err
	}
	if r.Unmapped, err = s.Unmapped(ctx); err != nil {
		return nil, err
	}
	pages, err := s.pageChanges(ctx, "")
	r.Pages = []Change{}
	for _, p := range pages {
		if p.Kind != ChangeNoted {
			r.Pages = append(r.Pages, p)
		}
	}
	return r, err
}

// Unmapped reads the columns of no known measure of the given years (of
// every year when none is given), by year in the order the file gave them.
func (s *Store) Unmapped(ctx context.Context, years ...figure.FinancialYear) ([]UnmappedStatus, error) {
	out := []UnmappedStatus{}
	err := EachRow(ctx, s.DB, `SELECT u.financial_year, f.filename, u.sheet, u.cell, u.header
		FROM unmapped_columns u JOIN source_files f ON f.sha256 = u.source_sha256
		ORDER BY u.financial_year, u.rowid`, nil,
		func(rows *sql.Rows) error {
			var x UnmappedStatus
			if err := rows.Scan(&x.FinancialYear, &x.File, &x.Sheet, &x.Cell, &x.Header); err != nil {
				return err
			}
			if len(years) == 0 || slices.Contains(years, x.FinancialYear) {
				out = append(out, x)
			}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read unmapped_columns: %w", err)
	}
	return out, nil
}

// EachRow runs a query and calls scan for each row, closing the rows and
// reporting the iteration's error so callers cannot forget either.
func EachRow(ctx context.Context, db *sql.DB, q string, args []any, scan func(*sql.Rows) error) error {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
