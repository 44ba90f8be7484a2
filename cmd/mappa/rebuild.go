package main

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/mappa-etl/mappa/pipeline"
	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/sources/archive"
)

// RebuildCommand rebuilds the database from the archive alone.
type RebuildCommand struct {
	app *App
}

// Name implements Command.
func (c *RebuildCommand) Name() string { return "rebuild" }

// Summary implements Command.
func (c *RebuildCommand) Summary() string {
	return "build a new database from the archive and swap it in atomically"
}

const rebuildExamples = `  mappa rebuild
  mappa rebuild --db /srv/mappa/mappa.db --archive /srv/mappa/archive
  mappa rebuild --archive testdata/archive --db demo.db

The new database is built beside the old one and renamed over it only when
every archived file has loaded; on any error the old database is untouched.
Run history is carried over from the old database.
`

// Run implements Command.
func (c *RebuildCommand) Run(ctx context.Context, args []string) error {
	var sf storeFlags
	fs := c.app.newFlagSet("rebuild", "mappa rebuild [--db PATH] [--archive DIR]", rebuildExamples)
	sf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if _, err := os.Stat(sf.archive); err != nil {
		return fmt.Errorf("open archive %s: %w", sf.archive, err)
	}
	unlock, err := pipeline.LockWriter(sf.db)
	if err != nil {
		return err
	}
	defer unlock()
	a, err := archive.Open(sf.archive)
	if err != nil {
		return err
	}
	budgetMemory()
	started := time.Now()
	_, oldErr := os.Stat(sf.db)
	hadOld := oldErr == nil
	res, err := pipeline.Rebuild(ctx, a, sf.db, c.app.Log, func(st *store.Store) error {
		if hadOld {
			if err := st.CopyRuns(ctx, sf.db); err != nil {
				c.app.Log.Sugar().Warnf("run history not carried over: %v", err)
			}
		}
		id, err := st.StartRun(ctx, "rebuild", args, started)
		if err != nil {
			return err
		}
		years, _ := st.Years(ctx)
		return st.FinishRun(ctx, id, nil, store.RunTotals{Years: years})
	})
	if err != nil {
		c.recordFailure(ctx, sf.db, hadOld, args, started, err)
		return err
	}
	st, err := store.Open(ctx, sf.db)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(c.app.Stdout, "rebuilt %s from %s: %d financial years (%s), %d population estimates, %d lookups\n",
		sf.db, sf.archive, len(res.Years), span(res.Years), res.Estimates, res.Lookups)
	return printLoadReport(ctx, c.app, st, "")
}

// recordFailure notes a failed rebuild in the old database's run history;
// its data stay exactly as they were.
func (c *RebuildCommand) recordFailure(ctx context.Context, db string, hadOld bool, args []string, started time.Time, runErr error) {
	if !hadOld {
		return
	}
	st, err := store.Open(ctx, db)
	if err != nil {
		return
	}
	defer st.Close()
	if id, err := st.StartRun(ctx, "rebuild", args, started); err == nil {
		_ = st.FinishRun(ctx, id, runErr, store.RunTotals{})
	}
}

func span(years []figure.FinancialYear) string {
	if len(years) == 0 {
		return "none"
	}
	return years[0].String() + " to " + years[len(years)-1].String()
}

// printLoadReport prints the failing checks and the unmapped columns of
// one year (or all years when year is ""), so a failure is never silent.
func printLoadReport(ctx context.Context, app *App, st *store.Store, year figure.FinancialYear) error {
	rep, err := st.Status(ctx, 0)
	if err != nil {
		return err
	}
	var lines []string
	for _, f := range rep.Failing {
		if year == "" || f.FinancialYear == year {
			lines = append(lines, fmt.Sprintf("  %s %s %s: %s", f.FinancialYear, f.Check, f.Subject, f.Detail))
		}
	}
	passed, notChecked := 0, 0
	for _, r := range rep.Releases {
		if year == "" || r.FinancialYear == year {
			passed += r.ChecksPassed
			notChecked += r.NotChecked
		}
	}
	fmt.Fprintf(app.Stdout, "checks: %d passed, %d failed, %d not checked (see mappa status)\n", passed, len(lines), notChecked)
	if len(lines) > 0 {
		fmt.Fprintln(app.Stdout, "failing checks:\n"+strings.Join(lines, "\n"))
	}
	var unmapped []store.UnmappedStatus
	for _, u := range rep.Unmapped {
		if year == "" || u.FinancialYear == year {
			unmapped = append(unmapped, u)
		}
	}
	printUnmapped(app, unmapped)
	return nil
}

// plural is "1 published column" or "2 published columns".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// printUnmapped lists published columns that map to no known measure, so
// that an operator sees what a release holds that mappa did not load.
func printUnmapped(app *App, cols []store.UnmappedStatus) {
	if len(cols) == 0 {
		return
	}
	fmt.Fprintf(app.Stdout, "not loaded: %s of no known measure (recorded in unmapped_columns):\n", plural(len(cols), "published column"))
	for _, u := range cols {
		fmt.Fprintf(app.Stdout, "  %s %s %s!%s: %q\n", u.FinancialYear, u.File, u.Sheet, u.Cell, u.Header)
	}
}

// rebuildMemory is the heap a rebuild lets build up before collecting.
// A rebuild allocates ~260 MB in all but keeps at most ~13 MB live
// (GODEBUG=gctrace=1). Collecting at a fixed budget instead of at twice
// the live heap (GOGC=100) measured, runs interleaved on the 2-core
// machine, 0.37-0.40 s instead of 0.48-0.55 s for the bundled archive, at
// 68-71 MB peak RSS instead of 52-55 MB (docs/performance.md). Were the
// live heap ever to pass the budget, the runtime's GC CPU limiter keeps a
// rebuild going.
const rebuildMemory = 48 << 20

// budgetMemory collects garbage at rebuildMemory, unless the operator has
// tuned the collector with GOGC or GOMEMLIMIT.
func budgetMemory() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(rebuildMemory)
}
