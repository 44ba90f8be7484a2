package pipeline

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Run outcomes, stored in runs.outcome.
const (
	RunRunning = "running"
	RunOK      = "ok"
	RunFailed  = "failed"
)

func timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// StartRun records that a writing command has started.
func (s *Store) StartRun(ctx context.Context, command string, args []string, started time.Time) (int64, error) {
	res, err := s.DB.ExecContext(ctx, `INSERT INTO runs (command, args, started_at, outcome) VALUES (?, ?, ?, ?)`,
		command, strings.Join(args, " "), timestamp(started), RunRunning)
	if err != nil {
		return 0, fmt.Errorf("record run: %w", err)
	}
	return res.LastInsertId()
}

// FinishRun records how a run ended.
func (s *Store) FinishRun(ctx context.Context, id int64, runErr error, years []string) error {
	outcome, msg := RunOK, ""
	if runErr != nil {
		outcome, msg = RunFailed, runErr.Error()
	}
	_, err := s.DB.ExecContext(ctx, `UPDATE runs SET finished_at = ?, outcome = ?, error = ?, years_loaded = ? WHERE run_id = ?`,
		timestamp(time.Now()), outcome, nullable(msg), nullable(strings.Join(years, ",")), id)
	if err != nil {
		return fmt.Errorf("record run: %w", err)
	}
	return nil
}

// CopyRuns carries the run history of the database at path into this one,
// so a rebuild does not erase the record of what ran before it.
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
	_, err = conn.ExecContext(ctx, `INSERT INTO runs (run_id, command, args, started_at, finished_at, outcome, error, years_loaded)
		SELECT run_id, command, args, started_at, finished_at, outcome, error, years_loaded FROM old.runs`)
	if err != nil {
		return fmt.Errorf("copy run history of %s: %w", path, err)
	}
	return nil
}
