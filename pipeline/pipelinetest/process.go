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

// DataQueries render every table of loaded data, in key order. runs and
// run_files (history, with timestamps) are left out, and so is
// source_files.fetched_at: when a file entered the archive differs between
// two runs that load the same bytes.
var DataQueries = []string{
	"SELECT * FROM releases ORDER BY 1",
	"SELECT sha256, kind, period, url, filename, media_type, bytes FROM source_files ORDER BY 1",
	"SELECT * FROM observations ORDER BY 1, 2, 3, 4, 5",
	"SELECT * FROM population ORDER BY 1, 2",
	"SELECT * FROM population_sources ORDER BY 1",
	"SELECT * FROM rso_rates ORDER BY 1, 2",
	"SELECT * FROM growth ORDER BY 1, 2, 3, 4, 5",
	"SELECT * FROM check_results ORDER BY 1, 2, 3",
}

// DumpData renders the data of a database as text, one line per row, with
// the origin of a fake GOV.UK written as GOVUK so that dumps of runs
// against different fake servers compare. A database whose first migration
// never committed holds no data: its dump is empty.
func DumpData(db *sql.DB, origin string) (string, error) {
	var tables int
	if err := db.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'releases'`).Scan(&tables); err != nil {
		return "", err
	}
	if tables == 0 {
		return "", nil
	}
	var b strings.Builder
	for _, q := range DataQueries {
		if err := eachRow(db, q, nil, func(rows *sql.Rows) error {
			cols, err := rows.Columns()
			if err != nil {
				return err
			}
			vals, ptrs := make([]any, len(cols)), make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return err
			}
			for i, v := range vals {
				if i > 0 {
					b.WriteByte('|')
				}
				if s, ok := v.([]byte); ok {
					v = string(s)
				}
				fmt.Fprint(&b, v)
			}
			b.WriteByte('\n')
			return nil
		}); err != nil {
			return "", fmt.Errorf("%s: %w", q, err)
		}
	}
	if origin == "" {
		return b.String(), nil
	}
	return strings.ReplaceAll(b.String(), origin, "GOVUK"), nil
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
	var integrity []string
	if err := eachRow(db, "PRAGMA integrity_check", nil, func(rows *sql.Rows) error {
		var s string
		integrity = append(integrity, s)
		return rows.Scan(&integrity[len(integrity)-1])
	}); err != nil {
		t.Fatalf("integrity_check: %v", err)
	}
	if len(integrity) != 1 || integrity[0] != "ok" {
		t.Errorf("%s: PRAGMA integrity_check = %q, want ok", path, integrity)
	}
	var fkViolations int
	if err := eachRow(db, "PRAGMA foreign_key_check", nil, func(*sql.Rows) error {
		fkViolations++
		return nil
	}); err != nil {
		t.Fatalf("foreign_key_check: %v", err)
	}
	if fkViolations > 0 {
		t.Errorf("%s: PRAGMA foreign_key_check: %d violations", path, fkViolations)
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
		if err := eachRow(db, `SELECT financial_year, COUNT(*) FROM observations GROUP BY 1 ORDER BY 1`, nil,
			func(rows *sql.Rows) error {
				var y string
				var n int
				err := rows.Scan(&y, &n)
				years = append(years, fmt.Sprintf("%s:%d", y, n))
				return err
			}); err != nil {
			t.Fatal(err)
		}
		if err := eachRow(db, `SELECT DISTINCT mid_year FROM population ORDER BY 1`, nil,
			func(rows *sql.Rows) error {
				var y string
				err := rows.Scan(&y)
				mids = append(mids, y)
				return err
			}); err != nil {
			t.Fatal(err)
		}
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

// eachRow calls scan for each row of q.
func eachRow(db *sql.DB, q string, args []any, scan func(*sql.Rows) error) error {
	rows, err := db.Query(q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// WaitFor polls cond every 20 ms until it holds, failing the test with
// what after timeout: for what another process does, which no channel
// reports.
func WaitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
