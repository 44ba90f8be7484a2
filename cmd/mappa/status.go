package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/sources/archive"
)

// StatusCommand shows what is loaded, the last runs and failing checks.
type StatusCommand struct {
	app *App
}

// Name implements Command.
func (c *StatusCommand) Name() string { return "status" }

// Summary implements Command.
func (c *StatusCommand) Summary() string { return "show loaded years, last runs and failing checks" }

const statusExamples = `  mappa status
  mappa status --json | jq '.failing_checks'
  mappa status --db /srv/mappa/mappa.db --runs 20
`

// Run implements Command.
func (c *StatusCommand) Run(ctx context.Context, args []string) error {
	var sf storeFlags
	fs := c.app.newFlagSet("status", "mappa status [--db PATH] [--json] [--runs N]", statusExamples)
	sf.registerDB(fs)
	asJSON := fs.Bool("json", false, "print JSON instead of tables")
	runs := fs.Int("runs", 10, "how many recent runs to show")
	if err := parse(fs, args); err != nil {
		return err
	}
	st, err := sf.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := st.Status(ctx, *runs)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(c.app.Stdout, rep)
	}
	w := tabwriter.NewWriter(c.app.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "YEAR\tAREAS\tVALUES\tCHECKS PASS/FAIL/NOT CHECKED\tRATES ON\tFILE")
	for _, r := range rep.Releases {
		fmt.Fprintf(w, "%s\t%d\t%d\t%d/%d/%d\t%s\t%s\n", r.FinancialYear, r.Areas, r.Observations, r.ChecksPassed, r.ChecksFailed, r.NotChecked,
			ratesOn(r), r.File)
	}
	fmt.Fprintln(w, "\nMID-YEAR\tEDITION\tLEVEL\tFILE\tLOOKUP")
	for _, p := range rep.Population {
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", p.MidYear, editionCell(p), p.Level, p.File, p.Lookup)
	}
	fmt.Fprintln(w, "\nRUN\tSTARTED\tCOMMAND\tOUTCOME\tFILES\tYEARS LOADED\tERROR")
	for _, r := range rep.Runs {
		files := "-"
		if r.Fetched+r.Unchanged+r.Failed > 0 {
			files = fmt.Sprintf("fetched %d, unchanged %d, failed %d", r.Fetched, r.Unchanged, r.Failed)
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.StartedAt, r.Command, r.Outcome, files, yearSpan(r.YearsLoaded), r.Error)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	for _, r := range rep.Runs {
		for _, f := range r.FailedFiles {
			fmt.Fprintf(c.app.Stdout, "run %d failed: %s\n", r.ID, describeFailure(f))
		}
	}
	if len(rep.Pages) > 0 {
		fmt.Fprintln(c.app.Stdout, "\nGOV.UK pages no longer as they were (mappa changes says when):")
		for _, p := range rep.Pages {
			fmt.Fprintf(c.app.Stdout, "  %s\n", p.What)
		}
	}
	if len(rep.Unmapped) > 0 {
		fmt.Fprintln(c.app.Stdout)
		printUnmapped(c.app, rep.Unmapped)
	}
	if len(rep.Failing) == 0 {
		fmt.Fprintln(c.app.Stdout, "\nno failing checks")
		return nil
	}
	groups := groupFailures(rep.Failing, "")
	fmt.Fprintf(c.app.Stdout, "\n%s, %s (every one: mappa status --json, or the check_results table):\n",
		plural(len(rep.Failing), "failing check"), plural(len(groups), "cause"))
	printFailures(c.app.Stdout, groups)
	return nil
}

// ratesOn says which estimate a year's rates use and how many published
// rates it reproduces: "mid-2021 (43/43 reproduce)", or, when no loaded
// estimate reproduces them all, "rule (12/43 reproduce)".
func ratesOn(r store.ReleaseStatus) string {
	if r.RatesPublished == nil {
		return "no estimate"
	}
	if *r.RatesPublished == 0 {
		return "none published"
	}
	on := "rule"
	if r.RatesMidYear != nil {
		on = fmt.Sprintf("mid-%d %s", *r.RatesMidYear, *r.RatesEdition)
	} else if r.UsesMidYear != nil && r.UsesEdition != nil {
		on = fmt.Sprintf("rule: mid-%d %s", *r.UsesMidYear, *r.UsesEdition)
	}
	return fmt.Sprintf("%s (%d/%d reproduce)", on, *r.RatesReproduced, *r.RatesPublished)
}

// editionCell is an estimate's edition, marked when it is not the one the
// population table holds, or when it is only the day it was added.
func editionCell(p store.PopulationStatus) string {
	s := p.Edition
	if p.EditionFrom == archive.EditionFromAdded {
		s += " (added)"
	}
	if !p.Current {
		s += ", superseded"
	}
	return s
}

// yearSpan shortens a run's comma-separated years to a span when they are
// consecutive, so a rebuild's twelve years fit on a terminal line.
func yearSpan(years string) string {
	ys := strings.Split(years, ",")
	if len(ys) < 3 {
		return years
	}
	for i := 1; i < len(ys); i++ {
		prev, err1 := figure.ParseFinancialYear(ys[i-1])
		this, err2 := figure.ParseFinancialYear(ys[i])
		if err1 != nil || err2 != nil || this.Previous() != prev {
			return years
		}
	}
	return fmt.Sprintf("%s to %s (%d)", ys[0], ys[len(ys)-1], len(ys))
}
