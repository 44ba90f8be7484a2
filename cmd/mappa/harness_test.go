package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
)

// The tests in crash_test.go, concurrency_test.go, readonly_test.go and
// schedule_resilience_test.go run mappa as a separate process, to kill it,
// race it, send it signals or run it as another user.
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

// nobody is the user mappa runs as in the tests that need file modes to
// count, when the tests run as root: root reads and writes regardless of
// them.
const nobody = 65534

// nobodyBase returns a new directory, root's and 0755, holding a copy of
// this test binary as mappa for nobody to run: go test's own directories,
// t.TempDir() among them, are private, so nobody could reach nothing in
// them. Whatever nobody must write goes in a directory made under it and
// given to nobody.
func nobodyBase(t *testing.T) string {
	t.Helper()
	base, err := os.MkdirTemp("", "mappa-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if err := pipelinetest.CopyFileIfExists(exe, filepath.Join(base, "mappa")); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(base, "mappa"), 0o755); err != nil {
		t.Fatal(err)
	}
	return base
}

// asNobody makes cmd run as nobody, from the copy of the test binary in
// base (a nobodyBase), and returns the credential it runs with.
func asNobody(cmd *exec.Cmd, base string) *syscall.Credential {
	cred := &syscall.Credential{Uid: nobody, Gid: nobody}
	cmd.Path = filepath.Join(base, "mappa")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	return cred
}

// skipIfCannotBecomeNobody skips the test when starting a command as
// nobody failed for want of the privilege: root in a user namespace that
// maps no other user has no one to run as for whom file modes count.
func skipIfCannotBecomeNobody(t *testing.T, err error) {
	t.Helper()
	if errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EINVAL) {
		t.Skipf("cannot run mappa as uid %d, for whom file modes count: %v", nobody, err)
	}
}

// execAsNobody runs mappa to the end as nobody, from base (a nobodyBase);
// it skips the test when not root.
func execAsNobody(t *testing.T, base, dir string, args ...string) procResult {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("only root can run mappa as another user, for whom file modes count")
	}
	cmd := mappaCommand(t, dir, args...)
	asNobody(cmd, base)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		skipIfCannotBecomeNobody(t, err)
		t.Fatal(err)
	}
	err := cmd.Wait()
	res := procResult{stdout: stdout.String(), stderr: stderr.String(), took: time.Since(start)}
	res.code, res.killed = pipelinetest.ExitStatus(t, cmd, err)
	return res
}
