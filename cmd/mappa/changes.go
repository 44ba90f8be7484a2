package main

import (
	"context"
	"fmt"
	"time"

	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/report"
)

// ChangesCommand says what changed in what GOV.UK published: new
// releases, revised figures, replaced files, moved, withdrawn or gone
// pages, and change notes.
type ChangesCommand struct {
	app *App
}

// Name implements Command.
func (c *ChangesCommand) Name() string { return "changes" }

// Summary implements Command.
func (c *ChangesCommand) Summary() string {
	return "what changed: new releases, revised figures, replaced files, moved or withdrawn pages"
}

const changesExamples = `  mappa changes
  mappa changes --since 2026-11-01
  mappa changes --year 2019-20
  mappa changes --year 2019-20 --json | jq '.[] | select(.kind == "revised") | .revised'

Each file loaded for a year is a vintage of it; a revision lists every figure
that differs from the vintage before (the revisions table holds them all).
`

// maxShown is how many revised figures a revision lists before it says how
// many more there are.
const maxShown = 12

// Run implements Command.
func (c *ChangesCommand) Run(ctx context.Context, args []string) error {
	var sf storeFlags
	fs := c.app.newFlagSet("changes", "mappa changes [--db PATH] [--since YYYY-MM-DD] [--year YYYY-YY] [--json]", changesExamples)
	sf.registerDB(fs)
	since := fs.String("since", "", "only what was found on or after this `date` (YYYY-MM-DD)")
	yearFlag := fs.String("year", "", "only this financial year")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *since != "" {
		if _, err := time.Parse("2006-01-02", *since); err != nil {
			return usageError{fmt.Sprintf("--since %q: want a date YYYY-MM-DD", *since)}
		}
	}
	year, err := yearArg(*yearFlag)
	if err != nil {
		return err
	}
	st, err := sf.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := loadedYear(ctx, st, year); err != nil {
		return err
	}
	changes, err := st.Changes(ctx, *since, year)
	if err != nil {
		return err
	}
	if *asJSON {
		if changes == nil {
			changes = []store.Change{}
		}
		return writeJSON(c.app.Stdout, changes)
	}
	if len(changes) == 0 {
		fmt.Fprintln(c.app.Stdout, "no changes found")
		return nil
	}
	for _, ch := range changes {
		fmt.Fprintf(c.app.Stdout, "%s  %s\n", day(ch.At), ch.What)
		for i, r := range ch.Revised {
			if i == maxShown {
				fmt.Fprintf(c.app.Stdout, "            and %d more (mappa changes --year %s --json, or the revisions table)\n", len(ch.Revised)-maxShown, ch.FinancialYear)
				break
			}
			fmt.Fprintf(c.app.Stdout, "            %s, %s: %s -> %s%s\n", r.AreaName, r.Figure,
				report.RevisedFigure(r.PreviousValue, r.PreviousMarker, r.PreviousCell), report.RevisedFigure(r.Value, r.Marker, r.Cell), cells(r))
		}
	}
	return nil
}

// cells says where the figure was and is.
func cells(r store.Revision) string {
	switch {
	case r.PreviousCell == r.Cell:
		return " (" + r.Cell + ")"
	case r.PreviousCell == "":
		return " (" + r.Cell + ")"
	case r.Cell == "":
		return " (was " + r.PreviousCell + ")"
	}
	return " (" + r.Cell + ", was " + r.PreviousCell + ")"
}

func day(ts string) string {
	if len(ts) >= 10 {
		return ts[:10]
	}
	return ts
}
