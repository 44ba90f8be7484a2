package main

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"go.uber.org/zap"

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
  mappa rebuild --db /srv/mappa/mappa.db            # from /srv/mappa/archive
  mappa rebuild --archive testdata/archive --db demo.db
  mappa rebuild --dry-run

The new database is built beside the old one and renamed over it only when
every archived file has loaded; on any error the old database is untouched.
The old one is kept as DB.previous (one generation). Run history is carried
over from the old database.

The archive is the one beside the database (DIR/archive for --db
DIR/mappa.db) unless --archive says otherwise. A rebuild that would leave
fewer financial years or population estimates than the database holds, or
that reads an archive with nothing to load, is refused unless --force: an
empty or wrong archive must not empty a database.
`

// Run implements Command.
func (c *RebuildCommand) Run(ctx context.Context, args []string) error {
	var sf storeFlags
	fs := c.app.newFlagSet("rebuild", "mappa rebuild [--db PATH] [--archive DIR] [--force] [--dry-run]", rebuildExamples)
	sf.register(fs)
	force := fs.Bool("force", false, "replace the database even with one holding fewer years or estimates, or from an empty archive")
	dryRun := fs.Bool("dry-run", false, "print what would be loaded, and change nothing")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := sf.checkDB(); err != nil {
		return err
	}
	dir := sf.archiveDir()
	if _, err := os.Stat(dir); err != nil {
		return fmt.Errorf("open archive %s: %w (the archive beside the database is used unless --archive gives another)", dir, err)
	}
	if *dryRun {
		// Read only: neither the archive nor the database is opened for
		// writing, so a dry run changes nothing, even a schema.
		m, err := (&archive.Archive{Dir: dir}).Manifest()
		if err != nil {
			return err
		}
		old, err := holdingsOf(ctx, sf.db, true)
		if err != nil {
			return err
		}
		return c.plan(m, sf, old)
	}
	unlock, err := pipeline.LockWriter(sf.db)
	if err != nil {
		return err
	}
	defer unlock()
	// An archive with nothing to load is refused before anything is
	// opened for writing: not even its directories are made.
	m, err := (&archive.Archive{Dir: dir}).Manifest()
	if err != nil {
		return err
	}
	if len(m.Current()) == 0 && !*force {
		return holdings{}.refuse(&pipeline.RebuildResult{}, dir, 0)
	}
	a, err := archive.Open(dir)
	if err != nil {
		return err
	}
	old, err := holdingsOf(ctx, sf.db, false)
	if err != nil {
		if !*force {
			return fmt.Errorf("%w (to replace a database that cannot be read, give --force)", err)
		}
		c.app.Log.Warn("the database to be replaced cannot be read; replacing it (--force)", zap.Error(err))
	}
	budgetMemory()
	guard := pipeline.Vet(func(res *pipeline.RebuildResult) error {
		if *force {
			return nil
		}
		return old.refuse(res, dir, len(m.Current()))
	})
	res, err := rebuildDB(ctx, c.app, sf.db, a, "rebuild", args, guard, pipeline.FromManifest(m))
	if err != nil {
		return err
	}
	// The new database is in place: a signal now must not report the
	// rebuild as undone.
	ctx = context.WithoutCancel(ctx)
	st, err := store.Open(ctx, sf.db)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(c.app.Stdout, "rebuilt %s from %s: %s (%s), %s, %s\n", sf.db, dir, plural(len(res.Years), "financial year"),
		span(res.Years), plural(res.Estimates, "population estimate"), plural(res.Lookups, "lookup"))
	if old.exists {
		fmt.Fprintf(c.app.Stdout, "the database it replaced is kept as %s\n", sf.db+pipeline.PreviousSuffix)
	}
	_, err = printLoadReport(ctx, c.app, st, "")
	return err
}

// plan prints what a rebuild would load, in load order, and whether the
// guard would let it replace the database.
func (c *RebuildCommand) plan(m *archive.Manifest, sf storeFlags, old holdings) error {
	entries := pipeline.LoadOrder(m.Current())
	fmt.Fprintf(c.app.Stdout, "a rebuild of %s from %s would load %s:\n", sf.db, sf.archiveDir(), plural(len(entries), "file"))
	for _, e := range entries {
		what := string(e.Kind) + " " + e.Period
		if e.Kind == archive.KindPopulation {
			ed, _ := archive.EditionOf(e)
			what += " edition " + ed
		}
		fmt.Fprintf(c.app.Stdout, "  %-34s %s (%s)\n", strings.TrimSpace(what), e.Filename, e.SHA256[:12])
	}
	if n := len(m.Files) - len(entries); n > 0 {
		fmt.Fprintf(c.app.Stdout, "and not %s: replaced by a later file of their period, or withdrawn (mappa archive list)\n", plural(n, "archived file"))
	}
	if old.exists {
		fmt.Fprintf(c.app.Stdout, "the database now holds %s and %s\n", plural(len(old.years), "financial year"), plural(old.estimates, "population estimate"))
	}
	if err := old.refuse(planned(entries), sf.archiveDir(), len(entries)); err != nil {
		fmt.Fprintf(c.app.Stdout, "a rebuild would be refused without --force: %v\n", strings.TrimPrefix(err.Error(), "rebuild refused: "))
	}
	fmt.Fprintln(c.app.Stdout, "nothing was changed (--dry-run)")
	return nil
}

// planned is what a rebuild of entries would hold, as the archive says,
// for a dry run's guard: the financial years of its area tables and the
// estimates (mid-year and edition) of its population files.
func planned(entries []archive.Entry) *pipeline.RebuildResult {
	res := &pipeline.RebuildResult{}
	estimates := map[string]bool{}
	for _, e := range entries {
		switch e.Kind {
		case archive.KindAreaTables:
			if y, err := figure.ParseFinancialYear(e.Period); err == nil && !slices.Contains(res.Years, y) {
				res.Years = append(res.Years, y)
			}
		case archive.KindPopulation:
			ed, _ := archive.EditionOf(e)
			if span, err := figure.ParseMidYears(e.Period); err == nil {
				for y := span.First; y <= span.Last; y++ {
					estimates[fmt.Sprint(y, ed)] = true
				}
			}
		}
	}
	res.Estimates = len(estimates)
	return res
}

// holdings is what a database holds, for the rebuild guard.
type holdings struct {
	exists    bool
	years     []figure.FinancialYear
	estimates int
}

func holdingsOf(ctx context.Context, db string, readOnly bool) (holdings, error) {
	if _, err := os.Stat(db); err != nil {
		return holdings{}, nil
	}
	open := store.Open
	if readOnly {
		open = store.OpenReadOnly
	}
	st, err := open(ctx, db)
	if err != nil {
		return holdings{}, err
	}
	defer st.Close()
	h := holdings{exists: true}
	if h.years, err = st.Years(ctx); err != nil {
		return h, err
	}
	h.estimates, err = st.Estimates(ctx)
	return h, err
}

// refuse is the guard's verdict on a rebuilt database replacing this one:
// an error when the archive held nothing to load, or the new database
// holds fewer financial years or estimates.
func (h holdings) refuse(res *pipeline.RebuildResult, dir string, files int) error {
	if files == 0 {
		return fmt.Errorf("rebuild refused: archive %s holds no file to load, so the database would be empty; check --archive (by default the archive beside the database), or give --force", dir)
	}
	var lost []string
	for _, y := range h.years {
		if !slices.Contains(res.Years, y) {
			lost = append(lost, y.String())
		}
	}
	if len(lost) > 0 || res.Estimates < h.estimates {
		return fmt.Errorf("rebuild refused: the database holds %s and %s, the archive %s only %s and %s (it lacks %s); nothing was changed; check --archive, or give --force to replace it anyway",
			plural(len(h.years), "financial year"), plural(h.estimates, "population estimate"), dir,
			plural(len(res.Years), "financial year"), plural(res.Estimates, "population estimate"), lacking(lost, h.estimates-res.Estimates))
	}
	return nil
}

// refuseAmended is the guard for a withdrawal or relabelling of e: the
// new database may lack only the year the file was filed under (area
// tables) or the estimates it held (population), never anything else.
func (h holdings) refuseAmended(res *pipeline.RebuildResult, e archive.Entry, ch archive.Change) error {
	from := e.Period
	if ch.Action == archive.ActionRelabel {
		from = ch.From
	}
	var lost []string
	for _, y := range h.years {
		if !slices.Contains(res.Years, y) && !(e.Kind == archive.KindAreaTables && y.String() == from) {
			lost = append(lost, y.String())
		}
	}
	mayLose := 0
	if e.Kind == archive.KindPopulation {
		if span, err := figure.ParseMidYears(from); err == nil {
			mayLose = int(span.Last-span.First) + 1
		}
	}
	if len(lost) > 0 || res.Estimates < h.estimates-mayLose {
		return fmt.Errorf("%s refused: the archive without %s would lose more than that file (%s); nothing was changed; check --archive (by default the archive beside the database)",
			ch.Action, e.Filename, lacking(lost, h.estimates-mayLose-res.Estimates))
	}
	return nil
}

func lacking(years []string, estimates int) string {
	var parts []string
	if len(years) > 0 {
		parts = append(parts, strings.Join(years, ", "))
	}
	if estimates > 0 {
		parts = append(parts, plural(estimates, "estimate"))
	}
	return strings.Join(parts, " and ")
}

// rebuildDB rebuilds the database at db from the archive, keeping the one
// it replaces as db.previous, carrying its run history over and recording
// the rebuild as a run (as command, with args) in the new database, or
// in the old one when it fails.
func rebuildDB(ctx context.Context, app *App, db string, a *archive.Archive, command string, args []string, opts ...pipeline.RebuildOption) (*pipeline.RebuildResult, error) {
	started := time.Now()
	_, oldErr := os.Stat(db)
	hadOld := oldErr == nil
	res, err := pipeline.Rebuild(ctx, a, db, app.Log, func(st *store.Store) error {
		if hadOld {
			if err := st.CopyRuns(ctx, db); err != nil {
				app.Log.Sugar().Warnf("run history not carried over: %v", err)
			}
		}
		id, err := st.StartRun(ctx, command, args, started)
		if err != nil {
			return err
		}
		years, _ := st.Years(ctx)
		return st.FinishRun(ctx, id, nil, store.RunTotals{Years: years})
	}, append(opts, pipeline.KeepPrevious())...)
	if err != nil {
		recordFailure(ctx, db, hadOld, command, args, started, err)
		return nil, err
	}
	return res, nil
}

// recordFailure notes a failed or interrupted rebuild in the old
// database's run history; its data stay exactly as they were. It runs
// even when ctx was cancelled (Ctrl-C), so an interruption is recorded.
func recordFailure(ctx context.Context, db string, hadOld bool, command string, args []string, started time.Time, runErr error) {
	if !hadOld {
		return
	}
	ctx = context.WithoutCancel(ctx)
	st, err := store.Open(ctx, db)
	if err != nil {
		return
	}
	defer st.Close()
	if id, err := st.StartRun(ctx, command, args, started); err == nil {
		_ = st.FinishRun(ctx, id, runErr, store.RunTotals{})
	}
}

func span(years []figure.FinancialYear) string {
	if len(years) == 0 {
		return "none"
	}
	return years[0].String() + " to " + years[len(years)-1].String()
}

// printLoadReport prints the failing checks, grouped by cause with the
// areas' names and what would fix them, and the unmapped columns of one
// year (or all years when year is ""), so a failure is never silent. It
// returns the groups of failing checks.
func printLoadReport(ctx context.Context, app *App, st *store.Store, year figure.FinancialYear) ([]*failureGroup, error) {
	rep, err := st.Status(ctx, 0)
	if err != nil {
		return nil, err
	}
	groups := printChecks(app, rep, year)
	var unmapped []store.UnmappedStatus
	for _, u := range rep.Unmapped {
		if year == "" || u.FinancialYear == year {
			unmapped = append(unmapped, u)
		}
	}
	printUnmapped(app, unmapped)
	return groups, nil
}

// printChecks prints how many checks of year (every year when "") passed
// and failed, and the failing ones grouped by cause.
func printChecks(app *App, rep *store.StatusReport, year figure.FinancialYear) []*failureGroup {
	groups := groupFailures(rep.Failing, year)
	failed := 0
	for _, g := range groups {
		failed += len(g.Areas)
	}
	passed, notChecked := 0, 0
	for _, r := range rep.Releases {
		if year == "" || r.FinancialYear == year {
			passed += r.ChecksPassed
			notChecked += r.NotChecked
		}
	}
	fmt.Fprintf(app.Stdout, "checks: %d passed, %d failed, %d not checked (see mappa status)\n", passed, failed, notChecked)
	if len(groups) > 0 {
		fmt.Fprintf(app.Stdout, "failing checks, %s:\n", plural(len(groups), "cause"))
		printFailures(app.Stdout, groups)
	}
	return groups
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
