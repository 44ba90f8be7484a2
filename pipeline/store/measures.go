package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Measure is one row of the measures table: what is counted, in words.
type Measure struct {
	Measure     string `json:"measure"`
	Description string `json:"description"`
	Unit        string `json:"unit"`
	Timing      string `json:"timing"`
	PublishedAs string `json:"published_as"`
}

// Measures lists the measures mappa knows, by name.
func (s *Store) Measures(ctx context.Context) ([]Measure, error) {
	var out []Measure
	err := EachRow(ctx, s.DB, "SELECT measure, description, unit, timing, COALESCE(published_as, '') FROM measures ORDER BY measure", nil,
		func(rows *sql.Rows) error {
			var m Measure
			err := rows.Scan(&m.Measure, &m.Description, &m.Unit, &m.Timing, &m.PublishedAs)
			out = append(out, m)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("read measures: %w", err)
	}
	return out, nil
}
