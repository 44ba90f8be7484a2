package main

import (
	"bytes"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
)

// The tests in crash_test.go, concurrency_test.go and schedule_resilience_test.go
// run mappa as a separate process, to kill it, race it or send it signals.
//
// The child process is this test binary itself: TestMain hands control to
// testscript.Main, which runs the "mappa" command, instead of the tests,
// whenever the base name of os.Args[0] is "mappa". So mappaCommand runs
// os.Executable() with Args[0] set to "mappa": no `go build`, no copy, no
// $PATH lookup, and the child is exactly the code under test.

// mappaCommand returns an unstarted `mappa ARGS...` in dir.
func mappaCommand(t testing.TB, dir string, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Args = append([]string{"mappa"}, args...)
	cmd.Dir = dir
	return cmd
}

// procResult is how a mappa process ended.
type procResult struct {
	code           int  // exit status; -1 when killed
	killed         bool // ended by SIGKILL
	stdout, stderr string
	took           time.Duration
}

// execMappa runs mappa to the end.
func execMappa(t *testing.T, dir string, args ...string) procResult {
	t.Helper()
	cmd := mappaCommand(t, dir, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	res := procResult{stdout: stdout.String(), stderr: stderr.String(), took: time.Since(start)}
	res.code, res.killed = pipelinetest.ExitStatus(t, cmd, err)
	return res
}

// killMappa starts mappa and SIGKILLs it after delay, unless it has ended
// by then.
func killMappa(t *testing.T, dir string, delay time.Duration, args ...string) procResult {
	t.Helper()
	cmd := mappaCommand(t, dir, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(delay)
	// Killing a process that has exited but not been waited for signals a
	// zombie: harmless. Wait says whether the kill or the exit came first.
	_ = cmd.Process.Kill()
	err := cmd.Wait()
	res := procResult{stdout: stdout.String(), stderr: stderr.String(), took: time.Since(start)}
	res.code, res.killed = pipelinetest.ExitStatus(t, cmd, err)
	return res
}

// skipProcessSuite skips, under go test -short, a suite that runs mappa as
// child processes: seconds to minutes each, where the rest of the package
// takes well under one. make test runs them all.
func skipProcessSuite(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("process-level suite; make test runs it (go test without -short)")
	}
}
