package report

import (
	"context"
	"slices"
	"strings"

	"github.com/mappa-etl/mappa/pipeline/derive"
	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/schema"
)

// readChecks files the year's failing checks under the area they are about
// (a subject that starts with its code) or, failing that, under the year.
func (r *Report) readChecks(ctx context.Context, st *store.Store) error {
	byArea := map[string][]Check{schema.EnglandAndWales: nil}
	for _, a := range schema.AllAreas() {
		byArea[a.Code] = nil
	}
	checks, err := st.Checks(ctx, r.Year)
	if err != nil {
		return err
	}
	r.CheckCounts = map[string]int{}
	kinds := map[string]int{}
	for _, row := range checks {
		r.CheckCounts[string(row.Status)]++
		if row.Status != derive.CheckFail {
			continue
		}
		if kinds[row.Name] == 0 {
			r.FailingKinds = append(r.FailingKinds, row.Name)
		}
		kinds[row.Name]++
		c := Check{Name: row.Name, Subject: row.Subject, Detail: row.Detail}
		code, _, _ := strings.Cut(c.Subject, " ")
		if _, ok := byArea[code]; ok {
			byArea[code] = append(byArea[code], c)
		} else {
			r.YearChecks = append(r.YearChecks, c)
		}
	}
	r.National.Failing = byArea[schema.EnglandAndWales]
	for _, rows := range [][]Row{r.Areas, r.Units} {
		for i := range rows {
			rows[i].Failing = byArea[rows[i].Code]
		}
	}
	return nil
}

// readColumns reads the descriptions of the area table's columns from the
// columns table, so the page and the data dictionary share one wording.
func readColumns(ctx context.Context, st *store.Store) ([]Column, error) {
	docs, err := st.ColumnDocs(ctx, "area_summary")
	if err != nil {
		return nil, err
	}
	out := slices.Clone(tableColumns)
	for i, c := range out {
		out[i].Description, out[i].Unit = docs[c.Name].Description, docs[c.Name].Unit
	}
	return out, nil
}
