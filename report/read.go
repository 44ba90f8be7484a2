package report

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/mappa-etl/mappa/pipeline/derive"
	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/schema"
)

// markers reads the markers printed in place of the figures the report
// shows, keyed "year|area|area_summary column".
func markers(ctx context.Context, db *sql.DB) (map[string]string, error) {
	out := map[string]string{}
	err := store.EachRow(ctx, db, `SELECT financial_year, area_code,
			CASE WHEN measure = 'rso_rate_per_100k' THEN 'rso_rate_per_100k_published'
				WHEN category = '1' THEN 'rsos' WHEN category = '2' THEN 'violent_offenders' ELSE 'total_offenders' END,
			marker
		FROM observations
		WHERE value IS NULL AND marker IS NOT NULL
			AND (measure = 'rso_rate_per_100k' OR (measure = 'offenders' AND level = 'all' AND category IN ('1', '2', 'all')))`,
		nil, func(rows *sql.Rows) error {
			var y, code, col, marker string
			err := rows.Scan(&y, &code, &col, &marker)
			out[y+"|"+code+"|"+col] = marker
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("read markers: %w", err)
	}
	return out, nil
}

// readChecks files the year's failing checks under the area they are about
// (a subject that starts with its code) or, failing that, under the year.
func (r *Report) readChecks(ctx context.Context, db *sql.DB) error {
	byArea := map[string][]Check{schema.EnglandAndWales: nil}
	for _, a := range schema.Areas() {
		byArea[a.Code] = nil
	}
	r.CheckCounts = map[string]int{}
	err := store.EachRow(ctx, db, `SELECT check_name, subject, status, detail FROM check_results
		WHERE financial_year = ? ORDER BY check_name, subject`, []any{r.Year},
		func(rows *sql.Rows) error {
			var c Check
			var status string
			if err := rows.Scan(&c.Name, &c.Subject, &status, &c.Detail); err != nil {
				return err
			}
			r.CheckCounts[status]++
			if status != derive.CheckFail {
				return nil
			}
			code, _, _ := strings.Cut(c.Subject, " ")
			if _, ok := byArea[code]; ok {
				byArea[code] = append(byArea[code], c)
			} else {
				r.YearChecks = append(r.YearChecks, c)
			}
			return nil
		})
	if err != nil {
		return fmt.Errorf("read check_results for %s: %w", r.Year, err)
	}
	r.National.Failing = byArea[schema.EnglandAndWales]
	for i := range r.Areas {
		r.Areas[i].Failing = byArea[r.Areas[i].Code]
	}
	return nil
}

// readColumns reads the descriptions of the area table's columns from the
// columns table, so the page and the data dictionary share one wording.
func readColumns(ctx context.Context, db *sql.DB) ([]Column, error) {
	byName := map[string]Column{}
	err := store.EachRow(ctx, db, `SELECT column_name, description, COALESCE(unit, '') FROM columns
		WHERE table_name = 'area_summary'`, nil,
		func(rows *sql.Rows) error {
			var c Column
			err := rows.Scan(&c.Name, &c.Description, &c.Unit)
			byName[c.Name] = c
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("read column descriptions of area_summary: %w", err)
	}
	out := slices.Clone(tableColumns)
	for i, c := range out {
		out[i].Description, out[i].Unit = byName[c.Name].Description, byName[c.Name].Unit
	}
	return out, nil
}
