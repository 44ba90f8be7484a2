package main

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/sources/govuk/govuktest"
)

// TestConcurrentRunsAndSchedulerLoadOnce starts two `mappa run` and one
// `mappa schedule --at-start` together, as separate processes, against the
// same fake GOV.UK, database and archive. Exactly one of them loads; the
// runs that lose exit 3 with the lock message, and a scheduler that loses
// logs the skipped tick and keeps running until SIGTERM, then exits 0. The
// database holds one run and exactly the data of a clean single run (no
// year twice, none missing).
func TestConcurrentRunsAndSchedulerLoadOnce(t *testing.T) {
	skipProcessSuite(t)
	srv, fx, err := govuktest.NewMAPPA("../../testdata/published")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	dir := t.TempDir()
	common := append([]string{"--source", srv.URL(""), "--rate", "100", "--db", "m.db", "--archive", "arch"}, fx.Args()...)

	type proc struct {
		name           string
		args           []string
		cmd            *exec.Cmd
		stdout, stderr *syncBuffer
	}
	procs := []*proc{
		{name: "run A", args: append([]string{"run"}, common...)},
		{name: "run B", args: append([]string{"run"}, common...)},
		// A schedule that cannot fire again during the test: only the run
		// at start can collide.
		{name: "schedule", args: append([]string{"schedule", "--cron", "@every 24h", "--tz", "UTC", "--at-start"}, common...)},
	}
	for _, p := range procs {
		p.stdout, p.stderr = &syncBuffer{}, &syncBuffer{}
		p.cmd = mappaCommand(t, dir, p.args...)
		p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	}
	// Started back to back, in an order that varies, so that over many
	// runs each of the three gets to win.
	order := rand.Perm(len(procs))
	start := time.Now()
	for _, i := range order {
		if err := procs[i].cmd.Start(); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	for _, i := range order {
		names = append(names, procs[i].name)
	}
	t.Logf("started %s", strings.Join(names, ", "))
	sched := procs[2]
	defer sched.cmd.Process.Kill() // if the test fails before SIGTERM

	winners := 0
	lockMsg := regexp.MustCompile(`mappa run: another mappa process is writing to this database \(lock \S*m\.db\.lock is held\); nothing was done`)
	for _, p := range procs[:2] {
		err := p.cmd.Wait()
		code, _ := pipelinetest.ExitStatus(t, p.cmd, err)
		switch code {
		case exitOK:
			winners++
			t.Logf("%s loaded, in %v: %s", p.name, time.Since(start).Round(time.Millisecond), strings.TrimSpace(p.stdout.String()))
		case exitLocked:
			if !lockMsg.MatchString(p.stderr.String()) {
				t.Errorf("%s exited 3 without the lock message; stderr:\n%s", p.name, p.stderr.String())
			}
			t.Logf("%s exited 3: %s", p.name, strings.TrimSpace(p.stderr.String()))
		default:
			t.Errorf("%s exited %d, want 0 or 3:\n%s%s", p.name, code, p.stdout.String(), p.stderr.String())
		}
	}

	// The scheduler's run at start either loaded or was skipped.
	const finished, skipped = `"msg":"run finished"`, `"msg":"another mappa is writing the database; this run is skipped"`
	pipelinetest.WaitFor(time.Minute, func() bool {
		log := sched.stderr.String()
		return strings.Contains(log, finished) || strings.Contains(log, skipped)
	})
	log := sched.stderr.String()
	switch {
	case strings.Contains(log, finished):
		winners++
		t.Logf("the scheduler loaded, in %v", time.Since(start).Round(time.Millisecond))
	case strings.Contains(log, skipped):
		if !regexp.MustCompile(`this run is skipped","error":"another mappa process is writing to this database \(lock \S*m\.db\.lock is held\)"`).MatchString(log) {
			t.Errorf("the scheduler's skipped tick does not give the lock error:\n%s", log)
		}
		t.Logf("the scheduler's run at start was skipped: another mappa held the lock")
	default:
		t.Fatalf("the scheduler neither ran nor skipped its run at start in a minute:\n%s", log)
	}
	if strings.Contains(log, `"msg":"run failed"`) {
		t.Errorf("the scheduler logged a failed run:\n%s", log)
	}
	// Still running after a lost tick; SIGTERM stops it cleanly.
	if err := sched.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("the scheduler is not running: %v", err)
	}
	code, _ := pipelinetest.ExitStatus(t, sched.cmd, sched.cmd.Wait())
	if code != exitOK || !strings.Contains(sched.stderr.String(), `"msg":"scheduler stopped"`) {
		t.Errorf("scheduler after SIGTERM: exit %d, want 0 and 'scheduler stopped':\n%s", code, sched.stderr.String())
	}
	if winners != 1 {
		t.Errorf("%d of the 3 processes loaded, want exactly 1", winners)
	}

	// One run recorded, with every year.
	db := filepath.Join(dir, "m.db")
	conn, err := sql.Open("sqlite3", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var runs []string
	if err := store.EachRow(context.Background(), conn, `SELECT command || ' ' || outcome || ' ' || COALESCE(years_loaded, '') FROM runs ORDER BY run_id`, nil,
		func(rows *sql.Rows) error {
			var s string
			err := rows.Scan(&s)
			runs = append(runs, s)
			return err
		}); err != nil {
		t.Fatal(err)
	}
	allYears := "2013-14,2014-15,2015-16,2016-17,2017-18,2018-19,2019-20,2020-21,2021-22,2022-23,2023-24,2024-25,2025-26"
	if len(runs) != 1 || !strings.HasSuffix(runs[0], " ok "+allYears) {
		t.Errorf("runs = %q, want one run, ok, that loaded %s", runs, allYears)
	}

	// The data equal a clean single run's, row for row (so no year is
	// there twice and none is short); counts per year are logged.
	got, shape := pipelinetest.InspectDB(t, db, "")
	t.Logf("after the race: %s", shape)
	cleanDir := t.TempDir()
	clean := execMappa(t, cleanDir, append([]string{"run"}, common...)...)
	if clean.code != exitOK {
		t.Fatalf("clean run: exit %d\n%s%s", clean.code, clean.stdout, clean.stderr)
	}
	want, wantShape := pipelinetest.InspectDB(t, filepath.Join(cleanDir, "m.db"), "")
	if got != want {
		t.Errorf("the data after the race differ from a clean single run's:\n got %s\nwant %s", shape, wantShape)
	}
}
