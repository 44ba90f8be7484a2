package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	// Embedded zone data: a minimal server image may have no
	// /usr/share/zoneinfo, and Europe/London must still resolve.
	_ "time/tzdata"

	"github.com/robfig/cron/v3"
	"go.uber.org/zap"

	"github.com/mappa-etl/mappa/pipeline"
)

// ScheduleCommand runs the same job as `mappa run` on a cron schedule
// until SIGINT or SIGTERM.
type ScheduleCommand struct {
	app *App
}

// Name implements Command.
func (c *ScheduleCommand) Name() string { return "schedule" }

// Summary implements Command.
func (c *ScheduleCommand) Summary() string {
	return "stay running and do 'mappa run' on a cron schedule"
}

const scheduleExamples = `  mappa schedule --cron "0 7 * * *" --config /etc/mappa.json
  mappa schedule --cron @daily --tz UTC --db /srv/mappa/mappa.db --archive /srv/mappa/archive
  mappa schedule --cron "30 6 * * 1-5" --at-start

Takes every flag of 'mappa run'. --cron is a standard 5-field expression
(minute hour day-of-month month day-of-week) or a descriptor such as @daily,
@hourly or "@every 6h", read in --tz. A tick that comes while the previous
run is still going is skipped, not queued; a tick that finds another mappa
writing the database is skipped too. SIGINT or SIGTERM stops the run in
flight (its open transaction rolls back, committed years stay) and exits 0.
`

// Run implements Command.
func (c *ScheduleCommand) Run(ctx context.Context, args []string) error {
	var ff fetchFlags
	fs := c.app.newFlagSet("schedule", "mappa schedule --cron SPEC [--tz ZONE] [--at-start] [run flags]", scheduleExamples)
	ff.register(fs)
	spec := fs.String("cron", "0 7 * * *", "when to run: a 5-field cron expression or @daily-style descriptor")
	tz := fs.String("tz", "Europe/London", "time zone the schedule is read in")
	atStart := fs.Bool("at-start", false, "also run once immediately on start")
	if err := parse(fs, args); err != nil {
		return err
	}
	when, loc, err := parseSchedule(*spec, *tz)
	if err != nil {
		return err
	}
	job, err := newFetchJob(c.app, fs, &ff, "schedule", args)
	if err != nil {
		return err
	}
	log := c.app.Log
	clog := cronLogger{log}
	sched := cron.New(cron.WithLocation(loc), cron.WithLogger(clog),
		cron.WithChain(cron.Recover(clog), cron.SkipIfStillRunning(clog)))
	var id cron.EntryID
	tick := cron.FuncJob(func() {
		job.tick(ctx)
		log.Info("next run", zap.Time("at", sched.Entry(id).Next))
	})
	// The spec was parsed, and rejected as a usage error, above; Schedule
	// takes that result and wraps the job in the chain as AddJob would.
	id = sched.Schedule(when, tick)
	sched.Start()
	log.Info("scheduler started", zap.String("cron", *spec), zap.String("tz", loc.String()),
		zap.Time("next", sched.Entry(id).Next), zap.String("db", ff.db))
	first := make(chan struct{})
	if *atStart {
		go func() { // through the chain, so a tick cannot overlap it
			defer close(first)
			sched.Entry(id).WrappedJob.Run()
		}()
	} else {
		close(first)
	}
	<-ctx.Done()
	log.Info("stopping: waiting for the run in flight to finish or roll back")
	<-sched.Stop().Done()
	<-first // Stop waits only for the jobs the scheduler started
	log.Info("scheduler stopped")
	return nil
}

// parseSchedule reads --cron and --tz: a standard 5-field expression or a
// descriptor, whose times are those of the zone (cron.WithLocation hands
// the schedule the time in loc). The scheduler runs the schedule returned
// here, so the spec is parsed once and its errors are usage errors.
func parseSchedule(spec, tz string) (cron.Schedule, *time.Location, error) {
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, nil, usageError{fmt.Sprintf("--tz %q: %v", tz, err)}
	}
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, nil, usageError{fmt.Sprintf("--cron %q: %v", spec, err)}
	}
	return sched, loc, nil
}

// tick is one scheduled run; its failure is logged and recorded, never
// fatal to the scheduler.
func (j *fetchJob) tick(ctx context.Context) {
	err := j.run(ctx)
	switch {
	case err == nil: // finished, whether or not a signal came after it did
		j.app.Log.Info("run finished")
	case errors.Is(err, pipeline.ErrLocked):
		j.app.Log.Warn("another mappa is writing the database; this run is skipped", zap.Error(err))
	case ctx.Err() != nil:
		j.app.Log.Warn("run interrupted", zap.Error(err))
	default:
		j.app.Log.Error("run failed", zap.Error(err))
	}
}

// cronLogger lets robfig/cron log through zap.
type cronLogger struct{ l *zap.Logger }

func (c cronLogger) Info(msg string, kv ...any) {
	if msg == "skip" { // an overlapping tick: worth seeing
		c.l.Sugar().Warnw("tick skipped: the previous run is still going", kv...)
		return
	}
	c.l.Sugar().Debugw("cron: "+msg, kv...)
}

func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Sugar().Errorw("cron: "+msg, append(kv, "error", err)...)
}
