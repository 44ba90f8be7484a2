package main

import (
	"bytes"
	"context"
	"flag"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mappa-etl/mappa/pipeline"
	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/sources/govuk/govuktest"
)

// syncBuffer is a buffer safe for the scheduler's goroutines to log into.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "m.db")
	unlock, err := pipeline.LockWriter(db)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	empty := filepath.Join(dir, "empty.db")
	st, err := store.Open(context.Background(), empty)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	tests := []struct {
		name    string
		args    []string
		want    int
		wantErr string
	}{
		{"locked run", []string{"run", "--db", db, "--archive", filepath.Join(dir, "a"), "--source", "http://127.0.0.1:1"}, exitLocked, "nothing was done"},
		{"locked add", []string{"add", "--db", db, "--archive", filepath.Join(dir, "a"), "lookup", "x.csv"}, exitLocked, "lock"},
		{"unknown flag", []string{"run", "--nope"}, exitUsage, "flag provided but not defined"},
		{"bad population flag", []string{"run", "--population", "2019"}, exitUsage, "want YEAR=URL_OR_PATH"},
		{"bad cron", []string{"schedule", "--cron", "61 * * * *"}, exitUsage, "--cron"},
		{"missing config", []string{"run", "--config", filepath.Join(dir, "none.json")}, exitFailure, "read config"},
		// Flag parsing stops at the first argument: one that is not taken
		// must fail, not leave the flags after it unread.
		{"summary with a year argument", []string{"summary", "2019-20"}, exitUsage, `unexpected argument "2019-20"`},
		{"status with an argument", []string{"status", "x"}, exitUsage, `unexpected argument "x"`},
		{"argument before a flag", []string{"export", "x", "--out", dir}, exitUsage, `unexpected argument "x"`},
		{"archive on a reading command", []string{"status", "--archive", dir}, exitUsage, "flag provided but not defined: -archive"},
		{"help lists the flags", []string{"run", "-h"}, exitOK, "  -fail-on-checks\n    \texit with status 4"},
		{"help after an argument", []string{"archive", "list", "-h"}, exitOK, "  -force-year\n    \trelabel: even"},
		{"flags after the arguments", []string{"add", "lookup", "x.csv", "--db", db}, exitLocked, "lock"},
		{"unknown command", []string{"sumary"}, exitUsage, "mappa: unknown command \"sumary\"; did you mean summary? (run 'mappa help' for the commands)\n"},
		{"unknown flag, one line", []string{"status", "--nope"}, exitUsage, "mappa status: flag provided but not defined: -nope (run 'mappa status -h' for usage)\n"},
		{"a year as people type it, not loaded", []string{"summary", "--db", empty, "--year", "2019 to 2020"}, exitFailure, "no figures loaded for 2019-20: the database holds no financial year yet"},
		{"summary of an empty database", []string{"summary", "--db", empty}, exitFailure, "mappa summary: no financial years loaded\n"},
		{"area summary of an empty database", []string{"summary", "--db", empty, "--area", "Essex"}, exitFailure, "mappa summary: no financial years loaded\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			app := &App{Stdout: &stdout, Stderr: &stderr}
			if got := app.Main(context.Background(), tc.args); got != tc.want {
				t.Errorf("exit code = %d, want %d; stderr: %s", got, tc.want, stderr.String())
			}
			if strings.HasSuffix(tc.wantErr, "\n") && strings.Count(stderr.String(), "\n") != 1 {
				t.Errorf("stderr is %d lines, want one: %q", strings.Count(stderr.String(), "\n"), stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.wantErr) {
				t.Errorf("stderr = %q, want it to mention %q", stderr.String(), tc.wantErr)
			}
		})
	}
}

// TestScheduleSkipsOverlappingTicks runs the scheduler every second against
// a GOV.UK that takes 2.5 s to list the collection: the ticks that come
// while a run is going are skipped, and cancelling stops it cleanly.
func TestScheduleSkipsOverlappingTicks(t *testing.T) {
	srv, _, err := govuktest.NewMAPPA("../../testdata/published")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	srv.AddFault("/api/content"+govuktest.CollectionPath, govuktest.Fault{Kind: govuktest.Hang, Delay: 2500 * time.Millisecond})
	dir := t.TempDir()
	var stdout, stderr syncBuffer
	app := &App{Stdout: &stdout, Stderr: &stderr}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		done <- app.Main(ctx, []string{"schedule", "--cron", "@every 1s", "--tz", "UTC", "--source", srv.URL(""), "--rate", "100",
			"--timeout", "10s", "--db", filepath.Join(dir, "m.db"), "--archive", filepath.Join(dir, "a")})
	}()
	pipelinetest.WaitFor(20*time.Second, func() bool { return strings.Contains(stderr.String(), "tick skipped") })
	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("exit code after cancel = %d, want 0; stderr:\n%s", code, stderr.String())
	}
	log := stderr.String()
	for _, want := range []string{"tick skipped: the previous run is still going", "scheduler stopped"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}

// TestParse reads flags wherever they stand, with "--" ending them unless
// it is a flag's value.
func TestParse(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		reason string
		json   bool
		rest   []string
	}{
		{"flags first", []string{"--json", "--reason", "x", "a", "b"}, "x", true, []string{"a", "b"}},
		{"flags after", []string{"a", "--reason", "x", "b", "--json"}, "x", true, []string{"a", "b"}},
		{"a terminator", []string{"a", "--", "--json"}, "", false, []string{"a", "--json"}},
		{"-- as a value", []string{"--reason", "--", "a", "--json"}, "--", true, []string{"a"}},
		{"-- after a boolean", []string{"--json", "--", "--reason"}, "", true, []string{"--reason"}},
		{"-- after an = value", []string{"--reason=x", "--", "--json"}, "x", false, []string{"--json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := flag.NewFlagSet("archive", flag.ContinueOnError)
			reason := fs.String("reason", "", "")
			asJSON := fs.Bool("json", false, "")
			if err := parse(fs, tt.args); err != nil {
				t.Fatal(err)
			}
			if *reason != tt.reason || *asJSON != tt.json || !slices.Equal(fs.Args(), tt.rest) {
				t.Errorf("reason %q, json %v, args %q; want %q, %v, %q", *reason, *asJSON, fs.Args(), tt.reason, tt.json, tt.rest)
			}
		})
	}
}
