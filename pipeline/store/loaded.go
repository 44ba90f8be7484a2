package store

import (
	"context"
	"database/sql"
	"fmt"
)

// LoadedFiles says which source files the loaded figures come from.
type LoadedFiles struct {
	// Releases maps a financial year ("2019-20") to the sha256 of the
	// file its figures come from.
	Releases map[string]string
	// Population holds the sha256 of every file an estimate (an edition
	// of a mid-year) comes from.
	Population map[string]bool
	// Lookups holds the sha256 of every lookup recorded.
	Lookups map[string]bool
}

// Loaded reads which files the database's figures come from.
func (s *Store) Loaded(ctx context.Context) (LoadedFiles, error) {
	out := LoadedFiles{Releases: map[string]string{}, Population: map[string]bool{}, Lookups: map[string]bool{}}
	err := EachRow(ctx, s.DB, `SELECT 'area-tables', financial_year, source_sha256 FROM releases
		UNION ALL SELECT 'population', CAST(mid_year AS TEXT), source_sha256 FROM population_sources
		UNION ALL SELECT 'lookup', '', sha256 FROM source_files WHERE kind = 'lookup'`, nil,
		func(rows *sql.Rows) error {
			var kind, period, sha string
			err := rows.Scan(&kind, &period, &sha)
			switch kind {
			case "lookup":
				out.Lookups[sha] = true
			case "population":
				out.Population[sha] = true
			default:
				out.Releases[period] = sha
			}
			return err
		})
	if err != nil {
		return LoadedFiles{}, fmt.Errorf("read loaded files: %w", err)
	}
	return out, nil
}
