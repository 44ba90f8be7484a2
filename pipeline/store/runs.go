package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mappa-etl/mappa/pipeline/figure"
)

// Outcome is how a run ended, stored in runs.outcome.
type Outcome string

// The run outcomes.
const (
	RunRunning Outcome = "running"
	RunOK      Outcome = "ok"
	RunFailed  Outcome = "failed"
	// RunInterrupted is a run whose context was cancelled (SIGINT or
	// SIGTERM); what it had committed stays, the transaction in flight
	// was rolled back.
	RunInterrupted Outcome = "interrupted"
)

// FileStatus is how one file of a run ended, stored in run_files.status.
type FileStatus string

// The file statuses.
const (
	FileFetched   FileStatus = "fetched"
	FileUnchanged FileStatus = "unchanged"
	FileFailed    FileStatus = "failed"
)

// RunFile is the outcome of one file (or page) in a run.
type RunFile struct {
	URL    string     `json:"url"`
	Kind   string     `json:"kind"`
	Period string     `json:"period,omitempty"`
	Status FileStatus `json:"status"`
	SHA256 string     `json:"sha256,omitempty"`
	Bytes  int64      `json:"bytes,omitempty"`
	Error  string     `json:"error,omitempty"`
}

// RunTotals is what a run did, recorded when it finishes.
type RunTotals struct {
	Years []figure.FinancialYear // financial years loaded
	Files []RunFile              // fetched, unchanged and failed files
	// Notices are the pages found withdrawn or gone, one line each.
	Notices []string
}

// Count returns how many files ended with status.
func (t RunTotals) Count(status FileStatus) int {
	n := 0
	for _, f := range t.Files {
		if f.Status == status {
			n++
		}
	}
	return n
}

func timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// StartRun records that a writing command has started. Callers hold the
// writer lock, so a run still marked running is one whose process died
// (SIGKILL, power loss) before recording its end: it is marked failed.
func (s *Store) StartRun(ctx context.Context, command string, args []string, started time.Time) (int64, error) {
	if _, err := s.DB.ExecContext(ctx, `UPDATE runs SET outcome = ?, error = ? WHERE outcome = ?`,
		RunFailed, "did not finish: the process stopped before recording an outcome", RunRunning); err != nil {
		return 0, fmt.Errorf("record run in %s: %w", s.Path, err)
	}
	res, err := s.DB.ExecContext(ctx, `INSERT INTO runs (command, args, started_at, outcome) VALUES (?, ?, ?, ?)`,
		command, strings.Join(args, " "), timestamp(started), RunRunning)
	if err != nil {
		return 0, fmt.Errorf("record run in %s: %w", s.Path, err)
	}
	return res.LastInsertId()
}

// FinishRun records how a run ended, in one transaction. It is written
// even when ctx was cancelled: an interrupted run is still recorded.
func (s *Store) FinishRun(ctx context.Context, id int64, runErr error, t RunTotals) error {
	ctx = context.WithoutCancel(ctx)
	outcome, msg := RunOK, ""
	switch {
	case errors.Is(runErr, context.Canceled):
		outcome, msg = RunInterrupted, runErr.Error()
	case runErr != nil:
		outcome, msg = RunFailed, runErr.Error()
	}
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record run in %s: %w", s.Path, err)
	}
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx, `UPDATE runs SET finished_at = ?, outcome = ?, error = ?, years_loaded = ?,
		files_fetched = ?, files_unchanged = ?, files_failed = ? WHERE run_id = ?`,
		timestamp(time.Now()), outcome, nullable(msg), nullable(figure.JoinYears(t.Years, ",")),
		t.Count(FileFetched), t.Count(FileUnchanged), t.Count(FileFailed), id)
	for _, f := range t.Files {
		if err != nil {
			break
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO run_files (run_id, url, kind, period, status, sha256, bytes, error)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, f.URL, f.Kind, nullable(f.Period), f.Status,
			nullable(f.SHA256), nullableInt(f.Bytes), nullable(f.Error))
	}
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		return fmt.Errorf("record run in %s: %w", s.Path, err)
	}
	return nil
}

func nullableInt(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

// CopyRuns carries the run history of the database at path into this one,
// so a rebuild does not erase the record of what ran before it. Columns are
// copied by name, those both databases have: the old database may be of an
// earlier schema (no run_files before migration 2) or, after a downgrade,
// a later one, and a column one side lacks is left to its default.
func (s *Store) CopyRuns(ctx context.Context, path string) error {
	conn, err := s.DB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "ATTACH DATABASE ? AS old", "file:"+path+"?mode=ro"); err != nil {
		return fmt.Errorf("read run history of %s: %w", path, err)
	}
	defer conn.ExecContext(context.Background(), "DETACH DATABASE old")
	for _, table := range []string{"runs", "run_files"} {
		cols, err := sharedColumns(ctx, conn, table)
		if err != nil {
			return fmt.Errorf("read run history of %s: %w", path, err)
		}
		if len(cols) == 0 { // the old database predates the table
			continue
		}
		list := quoteIdents(cols)
		q := fmt.Sprintf("INSERT INTO main.%s (%s) SELECT %s FROM old.%s", table, list, list, table)
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("copy run history of %s: %w", path, err)
		}
	}
	return nil
}

// sharedColumns lists the columns of table in both the main and the old
// database, in main's order.
func sharedColumns(ctx context.Context, conn *sql.Conn, table string) ([]string, error) {
	names := func(schema string) (map[string]bool, []string, error) {
		set := map[string]bool{}
		var order []string
		rows, err := conn.QueryContext(ctx, "SELECT name FROM pragma_table_info(?, ?)", table, schema)
		if err != nil {
			return nil, nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				return nil, nil, err
			}
			set[n] = true
			order = append(order, n)
		}
		return set, order, rows.Err()
	}
	old, _, err := names("old")
	if err != nil {
		return nil, err
	}
	_, cur, err := names("main")
	if err != nil {
		return nil, err
	}
	var shared []string
	for _, n := range cur {
		if old[n] {
			shared = append(shared, n)
		}
	}
	return shared, nil
}
