package pipelinetest

import (
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// ExitStatus is how cmd ended, given the error Wait or Run returned:
// its exit code, or -1 and whether SIGKILL ended it.
func ExitStatus(t testing.TB, cmd *exec.Cmd, err error) (code int, killed bool) {
	t.Helper()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("%v: %v", cmd.Args, err)
	}
	ps := cmd.ProcessState
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return -1, ws.Signal() == syscall.SIGKILL
	}
	return ps.ExitCode(), false
}

// InspectDB checks a database as a crash left it and returns its dump.
// It works on a copy of the database and its WAL (not the -shm, which the
// first opener rebuilds, as after any crash), so the files the killed
// process left are still there, unrecovered, for the next mappa to open.
// No database at all dumps as empty.
func InspectDB(t testing.TB, path, origin string) (dump string, shape string) {
	t.Helper()
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return "", "no database"
	}
	cp := filepath.Join(t.TempDir(), "inspect.db")
	for _, suffix := range []string{"", "-wal"} {
		if err := CopyFileIfExists(path+suffix, cp+suffix); err != nil {
			t.Fatal(err)
		}
	}
	db, err := sql.Open("sqlite3", "file:"+cp+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := DumpQueries(t, db, []string{"PRAGMA integrity_check"}); got != "ok\n" {
		t.Errorf("%s: PRAGMA integrity_check = %q, want ok", path, got)
	}
	if got := DumpQueries(t, db, []string{"PRAGMA foreign_key_check"}); got != "" {
		t.Errorf("%s: PRAGMA foreign_key_check:\n%s", path, got)
	}
	dump, err = DumpData(db, origin)
	if err != nil {
		t.Fatal(err)
	}
	return dump, DBShape(t, db)
}

// DBShape summarises what a database holds, for logs and failures:
// observations per financial year and the population mid-years.
func DBShape(t testing.TB, db *sql.DB) string {
	t.Helper()
	var version int
	if err := db.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		t.Fatal(err)
	}
	var years, mids []string
	if version > 0 {
		years = strings.Fields(DumpQueries(t, db, []string{`SELECT financial_year || ':' || COUNT(*) FROM observations GROUP BY financial_year ORDER BY 1`}))
		mids = strings.Fields(DumpQueries(t, db, []string{`SELECT DISTINCT mid_year FROM population ORDER BY 1`}))
	}
	return fmt.Sprintf("schema v%d, observations %v, population %v", version, years, mids)
}

// CopyFileIfExists copies a plain file; a missing src copies nothing.
func CopyFileIfExists(src, dst string) error {
	in, err := os.Open(src)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// CopyTree copies a directory of plain files; a missing src copies nothing.
func CopyTree(src, dst string) error {
	if _, err := os.Stat(src); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		return CopyFileIfExists(p, filepath.Join(dst, rel))
	})
}

// WaitFor polls cond every 20 ms until it holds, and reports whether it
// did within timeout: for what another process or goroutine does, which no
// channel reports. The caller says what a timeout means.
func WaitFor(timeout time.Duration, cond func() bool) bool {
	for deadline := time.Now().Add(timeout); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			return false
		}
	}
	return true
}
