package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/mappa-etl/mappa/pipeline"
	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/sources/fetch"
)

// RunCommand fetches what is new on GOV.UK and loads it, once.
type RunCommand struct {
	app *App
}

// Name implements Command.
func (c *RunCommand) Name() string { return "run" }

// Summary implements Command.
func (c *RunCommand) Summary() string {
	return "fetch new and changed releases from GOV.UK into the archive and load them"
}

const runExamples = `  mappa run --population 2023=ukpopestimatesmid2023.xlsx --lookup LAD23_PFA23_EW_LU.csv
  mappa run --config /etc/mappa.json
  mappa run --source http://127.0.0.1:8080 --db test.db --archive /tmp/archive

Files already fetched are asked for conditionally (ETag, Last-Modified), so
a run when nothing changed downloads no file bodies; a GOV.UK attachment
whose release page is unchanged is not asked for at all until --revalidate
(default 168h, a week) has passed since it was last confirmed. Population
and lookup URLs are asked for on every run. Each release loads in
its own transaction; one failing does not stop the others, and the exit
status is 1 if any failed. If another mappa is writing to the same database
the run exits at once with status 3 and changes nothing.

The config file is JSON with these keys, all optional: "db", "archive",
"source", "allow_hosts" (list, as --allow-host), "population" (object of
YEAR: URL_OR_PATH) and "lookups" (list, as --lookup). Any other key is an
error; --max-mib, --timeout, --retries, --rate and --revalidate are flags
only.
  {"db": "/srv/mappa/mappa.db", "archive": "/srv/mappa/archive",
   "population": {"2023": "https://example.org/mye2023.xlsx"},
   "lookups": ["/srv/mappa/inputs/LAD23_PFA23_EW_LU.csv"]}
`

// Run implements Command.
func (c *RunCommand) Run(ctx context.Context, args []string) error {
	var ff fetchFlags
	fs := c.app.newFlagSet("run", "mappa run [--db PATH] [--archive DIR] [--config FILE] [--source URL] [--population YEAR=URL_OR_PATH]... [--lookup URL_OR_PATH]...", runExamples)
	ff.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	job, err := newFetchJob(c.app, fs, &ff, "run", args)
	if err != nil {
		return err
	}
	return job.run(ctx)
}

// fetchJob is one run of the fetch-and-load pipeline, as `mappa run` does
// it and as `mappa schedule` does it on every tick.
type fetchJob struct {
	app     *App
	flags   *fetchFlags
	cfg     pipeline.RunConfig
	fetcher *fetch.Client // GOV.UK
	inputs  *fetch.Client // population and lookup URLs
	command string
	args    []string
}

func newFetchJob(app *App, fs *flag.FlagSet, ff *fetchFlags, command string, args []string) (*fetchJob, error) {
	cfg, err := ff.resolve(fs)
	if err != nil {
		return nil, err
	}
	site, inputs, err := ff.fetchers(app, cfg)
	if err != nil {
		return nil, err
	}
	return &fetchJob{app: app, flags: ff, cfg: cfg, fetcher: site, inputs: inputs, command: command, args: args}, nil
}

// run takes the writer lock, fetches and loads, and records the run. It
// returns pipeline.ErrLocked, touching nothing, when another mappa writes.
func (j *fetchJob) run(ctx context.Context) error {
	if err := j.flags.checkDB(); err != nil {
		return err
	}
	unlock, err := pipeline.LockWriter(j.flags.db)
	if err != nil {
		return err
	}
	defer unlock()
	a, err := j.flags.openArchive(j.app.Log)
	if err != nil {
		return err
	}
	_, statErr := os.Stat(j.flags.db)
	st, err := store.Open(ctx, j.flags.db)
	if err != nil {
		return err
	}
	defer st.Close()
	if errors.Is(statErr, fs.ErrNotExist) {
		// Unattended, a removed or misplaced database would otherwise be
		// recreated in silence, losing the run history.
		j.app.Log.Warn("no database found: created a new one; everything in the archive will be loaded into it",
			zap.String("db", j.flags.db), zap.String("archive", j.flags.archiveDir()))
	}
	id, err := st.StartRun(ctx, j.command, j.args, time.Now())
	if err != nil {
		return err
	}
	r := &pipeline.Runner{Archive: a, Store: st, Fetcher: j.fetcher, Inputs: j.inputs, Log: j.app.Log}
	totals, runErr := r.Run(ctx, j.cfg)
	if err := st.FinishRun(ctx, id, runErr, totals); err != nil {
		if runErr == nil {
			runErr = err
		} else {
			j.app.Log.Error("recording the run failed", zap.Error(err))
		}
	}
	j.report(totals)
	if len(totals.Years) > 0 {
		unmapped, err := st.Unmapped(context.WithoutCancel(ctx), totals.Years...)
		if err != nil {
			return errors.Join(runErr, err)
		}
		printUnmapped(j.app, unmapped)
	}
	if runErr != nil {
		return runErr
	}
	// Every year's checks, not only those of years loaded now: a new
	// estimate changes the rates, and so the checks, of years loaded
	// before. Unattended, the log is what someone reads. The run is
	// recorded by now; a signal arriving meanwhile does not make a
	// finished run interrupted, so this read of milliseconds ignores it.
	rep, err := st.Status(context.WithoutCancel(ctx), 0)
	if err != nil {
		return err
	}
	groups := printChecks(j.app, rep, "")
	logFailures(j.app.Log, groups)
	if j.flags.failOnChecks && len(groups) > 0 {
		return checksFailed{len(rep.Failing), len(groups)}
	}
	return nil
}

// checksFailed is a run that loaded what it fetched but left failing
// checks, returned when --fail-on-checks asks for a distinct exit status.
type checksFailed struct{ checks, causes int }

func (e checksFailed) Error() string {
	return fmt.Sprintf("%s of %s failing (--fail-on-checks); see mappa status", plural(e.checks, "check"), plural(e.causes, "cause"))
}

// report prints one line per failed file and a summary line.
func (j *fetchJob) report(t store.RunTotals) {
	for _, f := range t.Files {
		if f.Status == store.FileFailed {
			fmt.Fprintf(j.app.Stdout, "failed: %s\n", describeFailure(f))
		}
	}
	for _, n := range t.Notices {
		fmt.Fprintf(j.app.Stdout, "page %s; its figures stay loaded\n", n)
	}
	loaded := "no years loaded"
	if len(t.Years) > 0 {
		loaded = "loaded " + figure.JoinYears(t.Years, ", ")
	}
	fmt.Fprintf(j.app.Stdout, "%s: %d fetched, %d unchanged, %d failed; %s\n", j.command,
		t.Count(store.FileFetched), t.Count(store.FileUnchanged), t.Count(store.FileFailed), loaded)
}

// describeFailure says what failed and why, naming the URL once.
func describeFailure(f store.RunFile) string {
	what := strings.TrimSpace(f.Kind + " " + f.Period)
	if strings.Contains(f.Error, f.URL) {
		return what + ": " + f.Error
	}
	return what + " " + f.URL + ": " + f.Error
}
