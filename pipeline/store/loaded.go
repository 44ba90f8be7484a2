package store

import (
	"context"
	"database/sql"
	"fmt"
)

// LoadedFiles says which source file each loaded period comes from.
type LoadedFiles struct {
	// Current maps a kind and period to the sha256 of the file its
	// figures come from.
	Current map[Period]string
	// Lookups holds the sha256 of every lookup recorded.
	Lookups map[string]bool
}

// Period is a kind of file ("area-tables", "population") and its period
// ("2019-20", "2019").
type Period struct{ Kind, Period string }

// Loaded reads which files the database's figures come from.
func (s *Store) Loaded(ctx context.Context) (LoadedFiles, error) {
	out := LoadedFiles{Current: map[Period]string{}, Lookups: map[string]bool{}}
	err := EachRow(ctx, s.DB, `SELECT 'area-tables', financial_year, source_sha256 FROM releases
		UNION ALL SELECT 'population', CAST(mid_year AS TEXT), source_sha256 FROM population_sources
		UNION ALL SELECT 'lookup', '', sha256 FROM source_files WHERE kind = 'lookup'`, nil,
		func(rows *sql.Rows) error {
			var kind, period, sha string
			err := rows.Scan(&kind, &period, &sha)
			if kind == "lookup" {
				out.Lookups[sha] = true
			} else {
				out.Current[Period{kind, period}] = sha
			}
			return err
		})
	if err != nil {
		return LoadedFiles{}, fmt.Errorf("read loaded files: %w", err)
	}
	return out, nil
}
