package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/mappa-etl/mappa/pipeline"
	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/sources/archive"
	"github.com/mappa-etl/mappa/sources/govuk/govuktest"
)

func hashOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}

// crashSeed is the seed of the kill delays: MAPPA_CRASH_SEED when set (to
// repeat a failing run's delays), else the clock.
func crashSeed(t *testing.T) uint64 {
	if s := os.Getenv("MAPPA_CRASH_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("MAPPA_CRASH_SEED=%q: %v", s, err)
		}
		return n
	}
	return uint64(time.Now().UnixNano())
}

// published is a fixture file under testdata/published, by absolute path.
func published(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("../../testdata/published", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// crashCase is one operation killed at random points. Its work directory
// holds the database m.db and the archive arch.
type crashCase struct {
	name              string
	kills, shortKills int
	// prepare builds the state before the operation in dir.
	prepare func(t *testing.T, dir string)
	args    []string
	// recoverByRepeating: after each kill the same command is run again
	// to the end and must reach the state after. Rebuild instead reuses
	// one directory for all its kills, so that leftovers pile up as they
	// would in production, and must succeed once at the end.
	recoverByRepeating bool
	// intermediate: the operation commits several transactions (mappa
	// run: one per file); the allowed states are computed by loading the
	// archive's files one at a time (see loadStates).
	intermediate bool
}

// TestCrashKillsLeaveBeforeOrAfter SIGKILLs mappa at random points of add,
// rebuild and run, and checks what each kill left:
//
//   - PRAGMA integrity_check is ok and foreign_key_check finds nothing;
//   - the data (every table but the run history) equal the state before
//     or the state after the operation. For mappa run, which commits one
//     transaction per file, the allowed states are S0..Sn: the state before
//     plus the first k files of the run's load order (lookups, population
//     by mid-year, area tables by year), each complete with its derived
//     rates, growth and checks; never part of a file;
//   - the writer lock is free at once (the kernel drops a dead process's
//     flock);
//   - the next mappa, the same command run again, reaches the state after,
//     and records the killed run as failed rather than leaving it running;
//   - for rebuild, the temporary databases of killed rebuilds do not stop
//     the next one (they are counted and logged).
//
// The delays are random, one in each of as many equal slices of the time
// the operation takes when left alone as there are kills; the seed is
// logged and MAPPA_CRASH_SEED repeats it.
func TestCrashKillsLeaveBeforeOrAfter(t *testing.T) {
	skipProcessSuite(t)
	seed := crashSeed(t)
	t.Logf("kill delays: seed %d (MAPPA_CRASH_SEED=%d repeats them)", seed, seed)
	srv, fx, err := govuktest.NewMAPPA("../../testdata/published")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	fixtureArchive, err := filepath.Abs("../../testdata/archive")
	if err != nil {
		t.Fatal(err)
	}
	// A database with two years and a mid-year population, added as an
	// operator would: the state before add and rebuild.
	fewYears := func(t *testing.T, dir string) {
		for _, args := range [][]string{
			{"lookup", published(t, "LAD19_CSP19_PFA19_EW_LU.csv")},
			{"lookup", published(t, "LAD21_CSP21_PFA21_EW_LU.csv")},
			{"population", "2019", published(t, "ukpopestimatesmid2019.xlsx")},
			{"area-tables", "2019-20", published(t, "MAPPA_Annual_Report_2019-20_Area_Tables.xlsx")},
			{"area-tables", "2020-21", published(t, "MAPPA_Annual_Report_2020-21_Area_Tables.xlsx")},
		} {
			var stdout, stderr bytes.Buffer
			app := &App{Stdout: &stdout, Stderr: &stderr}
			args = append([]string{"add", "--db", filepath.Join(dir, "m.db"), "--archive", filepath.Join(dir, "arch")}, args...)
			if code := app.Main(context.Background(), args); code != exitOK {
				t.Fatalf("%v: exit %d: %s", args, code, stderr.String())
			}
		}
	}
	// Before a run: lookups, population and six years fetched by an
	// earlier run while GOV.UK answered 404 for the seven later years; the
	// run fetches and loads those seven, each in its own transaction.
	runArgs := append([]string{"run", "--source", srv.URL(""), "--rate", "100", "--db", "m.db", "--archive", "arch"}, fx.Args()...)
	sixYears := func(t *testing.T, dir string) {
		for _, r := range fx.Releases[6:] {
			srv.AddFault(r.FilePath, govuktest.Fault{Kind: govuktest.Status, Status: 404})
		}
		defer srv.ClearFaults()
		var stdout, stderr bytes.Buffer
		app := &App{Stdout: &stdout, Stderr: &stderr}
		args := append([]string{"run", "--source", srv.URL(""), "--rate", "100", "--db", filepath.Join(dir, "m.db"), "--archive", filepath.Join(dir, "arch")}, fx.Args()...)
		if code := app.Main(context.Background(), args); code != exitFailure || !strings.Contains(stdout.String(), "7 failed; loaded 2013-14, 2014-15, 2015-16, 2016-17, 2017-18, 2018-19\n") {
			t.Fatalf("run with seven years missing upstream: exit %d\n%s%s", code, stdout.String(), stderr.String())
		}
	}
	cases := []crashCase{
		// From nothing: the first kills land in the schema migrations.
		{name: "add area-tables to a new database", kills: 6, shortKills: 3, prepare: func(*testing.T, string) {}, recoverByRepeating: true,
			args: []string{"add", "--db", "m.db", "--archive", "arch", "area-tables", "2019-20", published(t, "MAPPA_Annual_Report_2019-20_Area_Tables.xlsx")}},
		{name: "add area-tables", kills: 10, shortKills: 4, prepare: fewYears, recoverByRepeating: true,
			args: []string{"add", "--db", "m.db", "--archive", "arch", "area-tables", "2021-22", published(t, "MAPPA_Annual_Report_2021-22_Area_Tables.xlsx")}},
		// A population load rewrites the rates of every year it serves.
		{name: "add population", kills: 8, shortKills: 3, prepare: fewYears, recoverByRepeating: true,
			args: []string{"add", "--db", "m.db", "--archive", "arch", "population", "2020", published(t, "ukpopestimatesmid2020on2020geography.xlsx")}},
		{name: "rebuild", kills: 3, shortKills: 1, prepare: fewYears,
			args: []string{"rebuild", "--db", "m.db", "--archive", fixtureArchive}},
		{name: "run", kills: 5, shortKills: 2, prepare: sixYears, recoverByRepeating: true, intermediate: true,
			args: runArgs},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, uint64(i)))
			testCrashCase(t, tc, rng, srv.URL(""))
		})
	}
}

func testCrashCase(t *testing.T, tc crashCase, rng *rand.Rand, origin string) {
	template := t.TempDir()
	tc.prepare(t, template)
	before, beforeShape := pipelinetest.InspectDB(t, filepath.Join(template, "m.db"), origin)

	// The operation left alone: the state after, and how long it takes.
	afterDir := t.TempDir()
	resetWorkDir(t, template, afterDir)
	done := execMappa(t, afterDir, tc.args...)
	if done.code != exitOK {
		t.Fatalf("%v: exit %d\n%s%s", tc.args, done.code, done.stdout, done.stderr)
	}
	after, afterShape := pipelinetest.InspectDB(t, filepath.Join(afterDir, "m.db"), origin)
	if after == before {
		t.Fatal("the operation changes nothing: the test would prove nothing")
	}
	t.Logf("before: %s", beforeShape)
	t.Logf("after (%v unkilled): %s", done.took.Round(time.Millisecond), afterShape)

	states := []string{before, after}
	names := []string{"before", "after"}
	if tc.intermediate {
		start := time.Now()
		states = loadStates(t, filepath.Join(template, "m.db"), filepath.Join(afterDir, "arch"), origin)
		t.Logf("computed the %d allowed states in %v", len(states), time.Since(start).Round(time.Millisecond))
		if states[0] != before || states[len(states)-1] != after {
			t.Fatalf("loading the archive file by file gives S0 = before %v, S%d = after %v: the model of a run is wrong",
				states[0] == before, len(states)-1, states[len(states)-1] == after)
		}
		names = make([]string, len(states))
		for k := range states {
			names[k] = fmt.Sprintf("S%d", k)
		}
		names[0], names[len(names)-1] = "before (S0)", fmt.Sprintf("after (S%d)", len(states)-1)
	}
	stateOf := map[string]int{}
	for k, s := range states {
		stateOf[hashOf(s)] = k
	}

	kills := tc.kills
	if testing.Short() {
		kills = tc.shortKills
	}
	work := t.TempDir()
	seen := map[string]int{}
	exitedFirst := 0
	// Stratified: one delay at random in each of kills equal slices of the
	// time the operation took, so that a few kills still cover the start,
	// the middle and the end (where a run commits its transactions).
	span := done.took
	for n := range kills {
		resetWorkDir(t, template, work)
		slice := span / time.Duration(kills)
		delay := time.Duration(n)*slice + time.Duration(rng.Int64N(int64(slice)))
		res := killMappa(t, work, delay, tc.args...)
		outcome := "killed"
		if !res.killed {
			outcome = fmt.Sprintf("exited %d before the kill", res.code)
			exitedFirst++
			if res.code != exitOK {
				t.Errorf("kill %d: not killed, but exit %d:\n%s%s", n, res.code, res.stdout, res.stderr)
			}
		}
		lockFree(t, filepath.Join(work, "m.db"))
		dump, shape := pipelinetest.InspectDB(t, filepath.Join(work, "m.db"), origin)
		k, ok := stateOf[hashOf(dump)]
		if !ok {
			t.Errorf("kill %d after %v (%s): the data match no allowed state: %s\n(before: %s)\n(after: %s)",
				n, delay, outcome, shape, beforeShape, afterShape)
			seen["no allowed state"]++
			continue
		}
		if !res.killed && k != len(states)-1 {
			t.Errorf("kill %d: the process exited 0 on its own but left %s", n, names[k])
		}
		seen[names[k]]++
		t.Logf("kill %d after %v: %s; left %s (%s); leftovers %v", n, delay.Round(time.Millisecond), outcome, names[k], shape, leftovers(t, work))
		if tc.recoverByRepeating {
			again := execMappa(t, work, tc.args...)
			if again.code != exitOK {
				t.Errorf("kill %d: %s left %s; running the command again: exit %d:\n%s%s", n, outcome, names[k], again.code, again.stdout, again.stderr)
				continue
			}
			got, gotShape := pipelinetest.InspectDB(t, filepath.Join(work, "m.db"), origin)
			if got != after {
				hint := ""
				if strings.Contains(again.stdout, "already archived, nothing changed") {
					hint = "\n(the kill came after the file was archived and before its load committed: see TestCrashAfterArchivingBeforeLoading)"
				}
				t.Errorf("kill %d: %s left %s (%s); running the same command again exited 0 but did not reach the state after: %s\nwant: %s\nits output: %s%s",
					n, outcome, names[k], shape, gotShape, afterShape, strings.TrimSpace(again.stdout), hint)
			}
			checkNoRunLeftRunning(t, filepath.Join(work, "m.db"))
		}
	}
	var summary []string
	for _, name := range append(slices.Clone(names), "no allowed state") {
		if seen[name] > 0 {
			summary = append(summary, fmt.Sprintf("%s %d", name, seen[name]))
		}
	}
	t.Logf("%d kills over %v: %d exited before the kill; states left: %s", kills, span.Round(time.Millisecond), exitedFirst, strings.Join(summary, ", "))

	if !tc.recoverByRepeating {
		// Rebuild: every kill's temporary database is still there.
		left := leftovers(t, work)
		resetWorkDir(t, template, work)
		res := execMappa(t, work, tc.args...)
		if res.code != exitOK {
			t.Fatalf("rebuild after %d killed rebuilds (leftovers %v): exit %d\n%s%s", kills, left, res.code, res.stdout, res.stderr)
		}
		if got, gotShape := pipelinetest.InspectDB(t, filepath.Join(work, "m.db"), origin); got != after {
			t.Errorf("rebuild after killed rebuilds: %s, want %s", gotShape, afterShape)
		}
		var size int64
		for _, p := range left {
			if fi, err := os.Stat(filepath.Join(work, p)); err == nil {
				size += fi.Size()
			}
		}
		t.Logf("a rebuild after %d killed ones succeeded; files killed rebuilds left behind (never removed): %d, %d KiB: %v",
			kills, len(left), size>>10, left)
	}
}

// resetWorkDir puts the database and archive of template in dir, keeping
// anything else (temporary databases of killed rebuilds, the lock file).
func resetWorkDir(t *testing.T, template, dir string) {
	t.Helper()
	for _, p := range []string{"m.db", "m.db-wal", "m.db-shm", "arch"} {
		if err := os.RemoveAll(filepath.Join(dir, p)); err != nil {
			t.Fatal(err)
		}
	}
	// A clean close keeps the WAL, empty (store's keepWAL): the file alone
	// is then the whole database.
	if fi, err := os.Stat(filepath.Join(template, "m.db-wal")); err == nil && fi.Size() > 0 {
		t.Fatalf("the template database's WAL holds %d bytes: it was not closed cleanly", fi.Size())
	}
	if err := pipelinetest.CopyFileIfExists(filepath.Join(template, "m.db"), filepath.Join(dir, "m.db")); err != nil {
		t.Fatal(err)
	}
	if err := pipelinetest.CopyTree(filepath.Join(template, "arch"), filepath.Join(dir, "arch")); err != nil {
		t.Fatal(err)
	}
}

// leftovers lists what killed processes left in dir: temporary rebuild
// databases and files staged in the archive.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	for _, pattern := range []string{"m.db.rebuild-*", "arch/.incoming-*"} {
		m, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range m {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
	}
	return out
}

// lockFree checks that the writer lock of db can be taken at once.
func lockFree(t *testing.T, db string) {
	t.Helper()
	unlock, err := pipeline.LockWriter(db)
	if err != nil {
		t.Errorf("the writer lock is not free after the process ended: %v", err)
		return
	}
	unlock()
}

// checkNoRunLeftRunning checks that no run is still marked running once
// another writer has started: a killed run is recorded as failed.
func checkNoRunLeftRunning(t *testing.T, db string) {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+db+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := store.EachRow(context.Background(), conn, `SELECT run_id, command, outcome, COALESCE(error, '') FROM runs WHERE outcome = 'running'`, nil, func(rows *sql.Rows) error {
		var id int
		var command, outcome, msg string
		if err := rows.Scan(&id, &command, &outcome, &msg); err != nil {
			return err
		}
		t.Errorf("run %d (%s) is still %s %q after the next writer ran; want it failed, 'did not finish'", id, command, outcome, msg)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// loadStates returns the data after each transaction a run commits when
// it starts from the database beforeDB and ends with the archive
// archiveDir: S0 is beforeDB, Sk has the first k files the run loads (what
// pipeline.Pending returns, in its order) loaded as the run loads them, each
// in its own transaction with the derived tables refreshed.
func loadStates(t *testing.T, beforeDB, archiveDir, origin string) []string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "states.db")
	if err := pipelinetest.CopyFileIfExists(beforeDB, path); err != nil {
		t.Fatal(err)
	}
	a, err := archive.Open(archiveDir)
	if err != nil {
		t.Fatal(err)
	}
	m, err := a.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	lookups, err := pipeline.ArchivedLookups(a, m)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	pending, err := pipeline.Pending(ctx, st, m)
	if err != nil {
		t.Fatal(err)
	}
	parser := pipeline.NewParser()
	var states []string
	for i := 0; ; i++ {
		d, err := pipelinetest.DumpData(st.DB, origin)
		if err != nil {
			t.Fatal(err)
		}
		states = append(states, d)
		if i == len(pending) {
			return states
		}
		e := pending[i]
		var p *pipeline.Parsed
		if e.Kind != archive.KindLookup {
			f, err := a.Open(e)
			if err != nil {
				t.Fatal(err)
			}
			p, err = parser.ParseFile(e.Kind, e.Period, f, e.Filename, lookups)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := pipeline.Load(ctx, st, e, p); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCrashAfterArchivingBeforeLoading: `mappa add` archives the file (the
// manifest is renamed into place) and then loads it in a transaction. A
// SIGKILL between the two leaves the archive holding a file the database
// lacks. The same add run again must load it; the archive alone must not
// make it "already archived, nothing changed". The state is made exactly
// as such a kill leaves it, so this does not depend on a kill's timing.
func TestCrashAfterArchivingBeforeLoading(t *testing.T) {
	skipProcessSuite(t)
	dir := t.TempDir()
	db, arch := filepath.Join(dir, "m.db"), filepath.Join(dir, "arch")
	file := published(t, "MAPPA_Annual_Report_2021-22_Area_Tables.xlsx")
	// The killed add, in-process: AddFile archives the file, then its load
	// transaction never commits (here its context is cancelled, as the
	// kill would have stopped it; the database is as a kill leaves it).
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.StartRun(context.Background(), "add", []string{"area-tables", "2021-22", file}, time.Now()); err != nil {
		t.Fatal(err)
	}
	a, err := archive.Open(arch)
	if err != nil {
		t.Fatal(err)
	}
	killed, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := pipeline.AddFile(killed, a, st, zap.NewNop(), archive.KindAreaTables, "2021-22", file)
	st.Close()
	if !errors.Is(err, context.Canceled) || !res.Added {
		t.Fatalf("the interrupted add: %+v, %v; want the file archived and the load cancelled", res, err)
	}

	again := execMappa(t, dir, "add", "--db", "m.db", "--archive", "arch", "area-tables", "2021-22", file)
	if again.code != exitOK {
		t.Fatalf("add again: exit %d\n%s%s", again.code, again.stdout, again.stderr)
	}
	conn, err := sql.Open("sqlite3", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var releases, observations int
	if err := conn.QueryRow(`SELECT (SELECT COUNT(*) FROM releases WHERE financial_year = '2021-22'),
		(SELECT COUNT(*) FROM observations WHERE financial_year = '2021-22')`).Scan(&releases, &observations); err != nil {
		t.Fatal(err)
	}
	if releases != 1 || observations == 0 {
		t.Errorf("after a kill between archiving and loading, `mappa add` of the same file again exited 0 with %q\n"+
			"but the database holds %d release rows and %d observations for 2021-22: the year is in the archive and never loaded "+
			"(only mappa run or mappa rebuild would load it)", strings.TrimSpace(again.stdout), releases, observations)
	}
	checkNoRunLeftRunning(t, db)
}
