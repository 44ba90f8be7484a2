package main

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mappa-etl/mappa/pipeline"
	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/sources/govuk/govuktest"
)

// TestScheduleResilience runs `mappa schedule --cron "@every 1s"` as a
// separate process and breaks things between its ticks: the scheduler must
// log a clear error for the tick that fails, keep running, load on the next
// tick once the fault is gone, and exit 0 on SIGTERM.
//
// "Between ticks" is made exact by taking the writer lock, as another
// mappa would: once the test holds it no tick is in flight, and the ticks
// that come meanwhile are skipped.
//
// A read-only database is chmod 0444. Root writes regardless of modes, so
// when the test runs as root that scheduler runs as nobody, as a
// production scheduler would run as an unprivileged user. (A read-only
// mount would be the other faithful way, and needs privileges a test
// should not.) A read-only directory is not tested: SQLite goes on
// writing through the -wal and -shm files already there, so whether a
// tick fails depends on whether they happened to exist.
//
// A full disk is tested in pipeline (TestDiskFullLeavesNoPartialYear):
// the command has no way to cap the database's size.
func TestScheduleResilience(t *testing.T) {
	skipProcessSuite(t)
	srv, fx, err := govuktest.NewMAPPA("../../testdata/published")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	// A clean run: the state every scenario must end in, and the start
	// of those that begin with a loaded database.
	seed := t.TempDir()
	// One mid-year population (and the lookups it needs) rather than
	// twelve: parsing population workbooks is most of a full load, which
	// two of the scenarios repeat.
	args := []string{"--source", srv.URL(""), "--rate", "100", "--retries", "0", "--timeout", "10s",
		"--db", "db/m.db", "--archive", "arch", "--population", "2019=" + fx.Population["2019"]}
	for _, l := range fx.Lookups {
		args = append(args, "--lookup", l)
	}
	if err := os.Mkdir(filepath.Join(seed, "db"), 0o755); err != nil {
		t.Fatal(err)
	}
	if res := execMappa(t, seed, append([]string{"run"}, args...)...); res.code != exitOK {
		t.Fatalf("seed run: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	want, wantShape := pipelinetest.InspectDB(t, filepath.Join(seed, "db/m.db"), "")
	allYears := "2013-14,2014-15,2015-16,2016-17,2017-18,2018-19,2019-20,2020-21,2021-22,2022-23,2023-24,2024-25,2025-26"

	tests := []struct {
		name   string
		seeded bool // start from the clean run's database and archive
		// asUser: the scheduler must not be root, whose writes ignore
		// file modes (when the test runs as root it runs as nobody).
		asUser bool
		// scenario breaks and mends things around the scheduler s.
		scenario func(t *testing.T, s *scheduler)
	}{
		{name: "failing run, then the next tick", scenario: func(t *testing.T, s *scheduler) {
			// Started with GOV.UK failing: the run at start fails.
			r := s.waitRun(t, 0)
			if r.outcome != store.RunFailed || !strings.Contains(r.err, "503 Service Unavailable") {
				t.Errorf("first tick: %s %q, want failed with the 503", r.outcome, r.err)
			}
			// The run is recorded before its failure is logged: wait.
			s.waitLog(t, `"msg":"run failed"`, 1)
			srv.ClearFaults()
			r = s.waitRunWith(t, r.id, func(r schedRun) bool { return r.outcome == store.RunOK })
			if r.years != allYears {
				t.Errorf("the tick after the fault cleared loaded %q, want %s", r.years, allYears)
			}
		}},
		{name: "database file removed", seeded: true, scenario: func(t *testing.T, s *scheduler) {
			r := s.waitRun(t, 1)
			if r.outcome != store.RunOK || r.years != "" {
				t.Fatalf("first tick: %+v, want ok and nothing loaded", r)
			}
			resume := s.pause(t)
			for _, suffix := range []string{"", "-wal", "-shm"} {
				if err := os.Remove(s.db + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
					t.Fatal(err)
				}
			}
			mark := len(s.log.String())
			resume()
			// The next tick makes a new database and loads every year
			// from the archive; the run history is gone with the file.
			r = s.waitRun(t, 0)
			if r.outcome != store.RunOK || r.years != allYears {
				t.Errorf("the tick after the database was removed: %s %q loaded %q, want ok and every year", r.outcome, r.err, r.years)
			}
			// ...and says so, since the history went with the old file.
			if w := s.warnings(mark); !strings.Contains(w, "no database found: created a new one") {
				t.Errorf("the tick that recreated the database did not warn; it logged: %s", w)
			}
			t.Logf("the next tick recreated the database (run %d) and loaded %s from the archive; warnings and errors it logged: %s",
				r.id, r.years, s.warnings(mark))
		}},
		{name: "database directory removed", seeded: true, scenario: func(t *testing.T, s *scheduler) {
			s.waitRun(t, 1)
			resume := s.pause(t)
			failed := s.count(`"msg":"run failed"`)
			if err := os.RemoveAll(filepath.Dir(s.db)); err != nil {
				t.Fatal(err)
			}
			resume()
			line := s.waitLog(t, `"msg":"run failed"`, failed+1)
			if !strings.Contains(line, "--db db/m.db: directory db does not exist") {
				t.Errorf("the failed tick's error does not say the database's directory is missing:\n%s", line)
			}
			t.Logf("tick with the directory gone: %s", line)
			if err := os.Mkdir(filepath.Dir(s.db), 0o755); err != nil {
				t.Fatal(err)
			}
			s.chown(t)
			r := s.waitRun(t, 0)
			if r.outcome != store.RunOK || r.years != allYears {
				t.Errorf("the tick after the directory came back: %s %q loaded %q, want ok and every year", r.outcome, r.err, r.years)
			}
		}},
		{name: "database file read-only", seeded: true, asUser: true, scenario: func(t *testing.T, s *scheduler) {
			r := s.waitRun(t, 1)
			resume := s.pause(t)
			failed := s.count(`"msg":"run failed"`)
			if err := os.Chmod(s.db, 0o444); err != nil {
				t.Fatal(err)
			}
			resume()
			line := s.waitLog(t, `"msg":"run failed"`, failed+1)
			if !strings.Contains(line, "readonly database") {
				t.Errorf("the failed tick's error does not say the database is read-only:\n%s", line)
			}
			t.Logf("tick with the database read-only: %s", line)
			if got, shape := pipelinetest.InspectDB(t, s.db, ""); got != want {
				t.Errorf("the read-only database changed: %s", shape)
			}
			resume = s.pause(t)
			if err := os.Chmod(s.db, 0o644); err != nil {
				t.Fatal(err)
			}
			resume()
			if r = s.waitRun(t, r.id); r.outcome != store.RunOK {
				t.Errorf("the tick after the database was writable again: %s %q", r.outcome, r.err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer srv.ClearFaults()
			dir := userDir(t, tc.asUser)
			if tc.seeded {
				if err := pipelinetest.CopyTree(seed, dir); err != nil {
					t.Fatal(err)
				}
			} else {
				srv.AddFault("/api/content"+govuktest.CollectionPath, govuktest.Fault{Kind: govuktest.Status, Status: 503})
			}
			s := startScheduler(t, dir, tc.asUser, append([]string{"schedule", "--cron", "@every 1s", "--tz", "UTC", "--at-start"}, args...)...)
			tc.scenario(t, s)
			s.stop(t)
			if got, shape := pipelinetest.InspectDB(t, s.db, ""); got != want {
				t.Errorf("after the scheduler recovered, the data differ from a clean run's:\n got %s\nwant %s", shape, wantShape)
			}
		})
	}
}

// scheduler is a `mappa schedule` process; its database is db/m.db in
// its directory.
type scheduler struct {
	cmd     *exec.Cmd
	log     *syncBuffer
	dir, db string
	cred    *syscall.Credential
}

// userDir returns a directory the scheduler can write to: when asUser and
// the test runs as root, one in nobodyBase, which nobody can reach.
func userDir(t *testing.T, asUser bool) string {
	if !asUser || os.Geteuid() != 0 {
		return t.TempDir()
	}
	dir := filepath.Join(nobodyBase(t), "work")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func startScheduler(t *testing.T, dir string, asUser bool, args ...string) *scheduler {
	t.Helper()
	s := &scheduler{log: &syncBuffer{}, dir: dir, db: filepath.Join(dir, "db", "m.db")}
	if err := os.MkdirAll(filepath.Dir(s.db), 0o755); err != nil {
		t.Fatal(err)
	}
	s.cmd = mappaCommand(t, dir, args...)
	if asUser && os.Geteuid() == 0 {
		s.cred = asNobody(s.cmd, filepath.Dir(dir))
		s.chown(t)
	}
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		if s.cred != nil {
			skipIfCannotBecomeNobody(t, err)
		}
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			s.cmd.Process.Kill()
			s.cmd.Wait()
		}
	})
	return s
}

// chown gives the scheduler's directory to the user it runs as.
func (s *scheduler) chown(t *testing.T) {
	t.Helper()
	if s.cred == nil {
		return
	}
	if err := filepath.WalkDir(s.dir, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, int(s.cred.Uid), int(s.cred.Gid))
	}); err != nil {
		t.Fatal(err)
	}
}

// stop sends SIGTERM and expects a clean exit.
func (s *scheduler) stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("the scheduler is no longer running: %v\n%s", err, s.summary())
	}
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		if code, _ := pipelinetest.ExitStatus(t, s.cmd, err); code != exitOK || !strings.Contains(s.log.String(), `"msg":"scheduler stopped"`) {
			t.Errorf("after SIGTERM: exit %d, want 0 and 'scheduler stopped'", code)
		}
	case <-time.After(time.Minute):
		s.cmd.Process.Kill()
		t.Fatalf("the scheduler did not stop within a minute of SIGTERM")
	}
}

// pause takes the writer lock, waiting for a tick in flight to finish, and
// returns the function that lets ticks run again.
func (s *scheduler) pause(t *testing.T) (resume func()) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		unlock, err := pipeline.LockWriter(s.db)
		if err == nil {
			return func() { unlock() }
		}
		if !errors.Is(err, pipeline.ErrLocked) || time.Now().After(deadline) {
			t.Fatalf("pause the scheduler: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// count returns how many log lines contain s.
func (s *scheduler) count(substr string) int { return strings.Count(s.log.String(), substr) }

// waitLog waits for the nth log line containing substr and returns it.
func (s *scheduler) waitLog(t *testing.T, substr string, n int) string {
	t.Helper()
	var hit string
	found := pipelinetest.WaitFor(time.Minute, func() bool {
		var hits []string
		for _, line := range strings.Split(s.log.String(), "\n") {
			if strings.Contains(line, substr) {
				hits = append(hits, line)
			}
		}
		if len(hits) >= n {
			hit = hits[n-1]
			return true
		}
		s.checkAlive(t)
		return false
	})
	if !found {
		t.Fatalf("no log line %d with %s in a minute:\n%s", n, substr, s.summary())
	}
	return hit
}

// warnings returns the warnings and errors logged from byte offset mark
// on, but for skipped ticks.
func (s *scheduler) warnings(mark int) string {
	var hits []string
	for _, line := range strings.Split(s.log.String()[mark:], "\n") {
		if (strings.Contains(line, `"level":"warn"`) || strings.Contains(line, `"level":"error"`)) &&
			!strings.Contains(line, "skipped") {
			hits = append(hits, line)
		}
	}
	if len(hits) == 0 {
		return "none"
	}
	return strings.Join(hits, "\n")
}

// summary is the log without the lines for files that went well.
func (s *scheduler) summary() string {
	var keep []string
	for _, line := range strings.Split(s.log.String(), "\n") {
		if !strings.Contains(line, `"level":"info"`) || !strings.Contains(line, `"msg":"file `) {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "\n")
}

func (s *scheduler) checkAlive(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.Signal(0)); err != nil {
		t.Fatalf("the scheduler died: %v\n%s", err, s.summary())
	}
}

// schedRun is a finished run of the scheduler, from the runs table.
type schedRun struct {
	id         int
	outcome    store.Outcome
	err, years string
}

// waitRun waits for the first finished schedule run after run afterID.
func (s *scheduler) waitRun(t *testing.T, afterID int) schedRun {
	t.Helper()
	return s.waitRunWith(t, afterID, func(schedRun) bool { return true })
}

// waitRunWith waits for a finished schedule run after afterID that ok
// accepts.
func (s *scheduler) waitRunWith(t *testing.T, afterID int, ok func(schedRun) bool) schedRun {
	t.Helper()
	var run schedRun
	found := pipelinetest.WaitFor(time.Minute, func() bool {
		for _, r := range s.runs(afterID) {
			if ok(r) {
				run = r
				return true
			}
		}
		s.checkAlive(t)
		return false
	})
	if !found {
		t.Fatalf("no finished schedule run after run %d in a minute:\n%s", afterID, s.summary())
	}
	return run
}

func (s *scheduler) runs(afterID int) []schedRun {
	if _, err := os.Stat(s.db); err != nil {
		return nil
	}
	conn, err := sql.Open("sqlite3", "file:"+s.db+"?mode=ro&_busy_timeout=1000")
	if err != nil {
		return nil
	}
	defer conn.Close()
	var out []schedRun
	store.EachRow(context.Background(), conn, `SELECT run_id, outcome, COALESCE(error, ''), COALESCE(years_loaded, '')
		FROM runs WHERE command = 'schedule' AND finished_at IS NOT NULL AND run_id > ? ORDER BY run_id`, []any{afterID},
		func(rows *sql.Rows) error {
			var r schedRun
			err := rows.Scan(&r.id, &r.outcome, &r.err, &r.years)
			out = append(out, r)
			return err
		})
	return out
}
