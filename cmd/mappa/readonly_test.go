package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
	"github.com/mappa-etl/mappa/pipeline/store"
)

// TestReadOnlyReaders runs the reading commands (summary, status, export,
// report) as a user who may read the database but write neither it nor its
// directory: the README's layout, /srv/mappa owned by the user mappa runs
// as, read by others. The database is root's, in a directory of root's
// with mode 0755, and the commands run as nobody (so the test needs root).
// Each must print or write its output and leave the directory as it was,
// whether a writer has the database open, has closed it, or was killed; a
// database SQLite cannot open for nobody, or whose schema is older than
// this mappa's, is refused with an error saying what its owner must run.
func TestReadOnlyReaders(t *testing.T) {
	skipProcessSuite(t)
	if os.Geteuid() != 0 {
		t.Skip("only root can run mappa as another user, for whom file modes count")
	}
	ctx := context.Background()
	base := nobodyBase(t)
	archive := filepath.Join(base, "archive")
	if err := pipelinetest.CopyTree("../../testdata/archive", archive); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(base, "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(out, nobody, nobody); err != nil {
		t.Fatal(err)
	}
	// newDB rebuilds a database as root in a directory of its own and
	// returns its path.
	newDB := func(t *testing.T, name string) string {
		t.Helper()
		dir := filepath.Join(base, name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		db := filepath.Join(dir, "mappa.db")
		if res := execMappa(t, base, "rebuild", "--archive", archive, "--db", db); res.code != exitOK {
			t.Fatalf("rebuild as root: exit %d\n%s", res.code, res.stderr)
		}
		return db
	}
	// writer opens db as root and records a run named command in it: its
	// commit stays in the WAL while the writer holds the database open.
	writer := func(t *testing.T, db, command string) *store.Store {
		t.Helper()
		st, err := store.Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		id, err := st.StartRun(ctx, command, nil, time.Now())
		if err == nil {
			err = st.FinishRun(ctx, id, nil, store.RunTotals{})
		}
		if err != nil {
			st.Close()
			t.Fatal(err)
		}
		return st
	}

	tests := []struct {
		name string
		// setup returns the database the readers read, as the case
		// leaves it.
		setup func(t *testing.T) string
		// wantRun is a run the readers must see (it is in the WAL only);
		// wantErr, when set, is the error every reader must fail with.
		wantRun, wantErr string
		writing          bool // a writer changes the files meanwhile
	}{
		{name: "a writer holding the database open", wantRun: "writer-holding", setup: func(t *testing.T) string {
			db := newDB(t, "holding")
			st := writer(t, db, "writer-holding")
			t.Cleanup(func() { st.Close() })
			return db
		}},
		{name: "a writer committing meanwhile", writing: true, setup: func(t *testing.T) string {
			db := newDB(t, "writing")
			st := writer(t, db, "writer-first")
			// Checkpoints every few commits, each restarting the WAL,
			// are what could go wrong under a reader.
			st.DB.SetMaxOpenConns(1)
			if _, err := st.DB.ExecContext(ctx, "PRAGMA wal_autocheckpoint = 4"); err != nil {
				t.Fatal(err)
			}
			stop, done := make(chan struct{}), make(chan error, 1)
			commits := 0
			go func() {
				for {
					select {
					case <-stop:
						done <- nil
						return
					case <-time.After(2 * time.Millisecond):
					}
					id, err := st.StartRun(ctx, "writer-meanwhile", nil, time.Now())
					if err == nil {
						err = st.FinishRun(ctx, id, nil, store.RunTotals{})
					}
					if err != nil {
						done <- err
						return
					}
					commits += 2
				}
			}()
			t.Cleanup(func() {
				close(stop)
				if err := <-done; err != nil {
					t.Errorf("the writer failed: %v", err)
				}
				t.Logf("the writer committed %d transactions while the readers read", commits)
				st.Close()
			})
			return db
		}},
		{name: "the writer closed it", setup: func(t *testing.T) string {
			return newDB(t, "closed")
		}},
		{name: "a writer killed before checkpointing", wantRun: "writer-killed", setup: func(t *testing.T) string {
			// The files of a database open in a writer, copied, are the
			// files a SIGKILL would leave: committed pages in the WAL
			// only, and a -shm that no process holds.
			db := newDB(t, "live")
			st := writer(t, db, "writer-killed")
			defer st.Close()
			dir := filepath.Join(base, "killed")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			for _, suffix := range []string{"", "-wal", "-shm"} {
				if err := pipelinetest.CopyFileIfExists(db+suffix, filepath.Join(dir, "mappa.db"+suffix)); err != nil {
					t.Fatal(err)
				}
			}
			return filepath.Join(dir, "mappa.db")
		}},
		{name: "its -wal and -shm removed", wantErr: "its -wal or -shm file is missing", setup: func(t *testing.T) string {
			// As an earlier mappa left it: SQLite deleted them on close.
			return removed(t, newDB(t, "removed"), "-wal", "-shm")
		}},
		{name: "its -shm removed", wantErr: "its -wal or -shm file is missing", setup: func(t *testing.T) string {
			return removed(t, newDB(t, "no-shm"), "-shm")
		}},
		{name: "a schema older than this mappa's", wantErr: "this mappa needs", setup: func(t *testing.T) string {
			db := newDB(t, "older")
			st, err := store.Open(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if _, err := st.DB.ExecContext(ctx, "PRAGMA user_version = 1"); err != nil {
				t.Fatal(err)
			}
			return db
		}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := tc.setup(t)
			dir := filepath.Dir(db)
			// Where nobody writes the export and the report.
			dest := filepath.Join(out, fmt.Sprint(i))
			if err := os.Mkdir(dest, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Chown(dest, nobody, nobody); err != nil {
				t.Fatal(err)
			}
			before := dirState(t, dir)
			readers := []struct {
				name string
				args []string
				want string // in stdout
			}{
				{"summary", []string{"summary", "--db", db}, "registered sexual offenders (RSOs) at 31 March"},
				{"status", []string{"status", "--db", db}, "YEAR"},
				{"export", []string{"export", "--db", db, "--out", filepath.Join(dest, "export")},
					fmt.Sprintf("exported %d tables and views", len(store.ExportTables()))},
				{"report", []string{"report", "--db", db, "--out", filepath.Join(dest, "report.html")}, "wrote "},
			}
			for _, r := range readers {
				res := execAsNobody(t, base, base, r.args...)
				if tc.wantErr != "" {
					if res.code != exitFailure || !strings.Contains(res.stderr, tc.wantErr) {
						t.Errorf("%s: exit %d, stderr %q; want exit 1 and %q", r.name, res.code, res.stderr, tc.wantErr)
					}
					continue
				}
				if res.code != exitOK || !strings.Contains(res.stdout, r.want) {
					t.Errorf("%s: exit %d, want 0 and %q in stdout\nstdout: %.300s\nstderr: %s", r.name, res.code, r.want, res.stdout, res.stderr)
				}
				if r.name == "status" && tc.wantRun != "" && !strings.Contains(res.stdout, tc.wantRun) {
					t.Errorf("status does not show run %s, which only the WAL holds:\n%s", tc.wantRun, res.stdout)
				}
			}
			switch {
			case tc.wantErr != "":
				res := execAsNobody(t, base, base, "summary", "--db", db)
				t.Logf("refused: %s", strings.TrimSpace(res.stderr))
			case !t.Failed():
				checkOutputs(t, dest)
			}
			if after := dirState(t, dir); !tc.writing && !slices.Equal(after, before) {
				t.Errorf("the readers changed the database's directory:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
}

// removed removes the files of db with these suffixes and returns db.
func removed(t *testing.T, db string, suffixes ...string) string {
	t.Helper()
	for _, suffix := range suffixes {
		if err := os.Remove(db + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
	}
	return db
}

// checkOutputs checks that export and report wrote their files in dest.
func checkOutputs(t *testing.T, dest string) {
	t.Helper()
	for _, table := range store.ExportTables() {
		if fi, err := os.Stat(filepath.Join(dest, "export", table+".csv")); err != nil || fi.Size() == 0 {
			t.Errorf("export: %s.csv: %v", table, err)
		}
	}
	if b, err := os.ReadFile(filepath.Join(dest, "report.html")); err != nil || !strings.Contains(string(b), "<html") {
		t.Errorf("report: %d bytes, %v; want an HTML page", len(b), err)
	}
}

// dirState lists the files of dir with the size and sha256 of each.
func dirState(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %d %x", e.Name(), len(b), sha256.Sum256(b)))
	}
	return out
}
