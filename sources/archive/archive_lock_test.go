package archive

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// concurrentAdds is how many writers add into one archive at once: as many
// as the eight `mappa add`s, each with its own database.
const concurrentAdds = 8

// addYear adds one financial year's area tables, distinct bytes per year.
// The validator stands for the parse `mappa add` makes of the workbook: it
// takes a little while, as a parse does, so the writers' manifest reads
// and writes interleave as they did in the issue.
func addYear(a *Archive, i int) error {
	period := fmt.Sprintf("%d-%02d", 2010+i, 11+i)
	validate := func(string) (Validated, error) {
		time.Sleep(5 * time.Millisecond)
		return Validated{MediaType: "application/vnd.oasis.opendocument.spreadsheet"}, nil
	}
	_, err := a.Add(Entry{Kind: KindAreaTables, Period: period, Filename: period + ".ods"},
		strings.NewReader("area tables "+period), validate)
	return err
}

// checkAllYears checks that every writer's file is in the manifest and in
// files/, and that the lock file is neither.
func checkAllYears(t *testing.T, dir string) {
	t.Helper()
	a, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	m, err := a.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	var periods []string
	for _, e := range m.Current() {
		periods = append(periods, e.Period)
		if f, err := a.Open(e); err != nil {
			t.Errorf("open %s: %v", e.Period, err)
		} else {
			f.Close()
		}
	}
	if len(m.Files) != concurrentAdds || len(periods) != concurrentAdds {
		t.Errorf("manifest has %d files, %d financial years %v; want %d", len(m.Files), len(periods), periods, concurrentAdds)
	}
	files, _ := os.ReadDir(filepath.Join(dir, "files"))
	if len(files) != concurrentAdds {
		t.Errorf("files/ holds %d files, want %d", len(files), concurrentAdds)
	}
}

// TestArchiveConcurrentAddsInProcess: writers in one process, each with its
// own Archive as separate commands would have, started together.
func TestArchiveConcurrentAddsInProcess(t *testing.T) {
	dir := t.TempDir()
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range concurrentAdds {
		wg.Go(func() {
			a, err := Open(dir)
			if err != nil {
				t.Error(err)
				return
			}
			<-start
			if err := addYear(a, i); err != nil {
				t.Errorf("add %d: %v", i, err)
			}
		})
	}
	close(start)
	wg.Wait()
	checkAllYears(t, dir)
}

// helperEnv names the archive a re-executed test binary adds into.
const helperEnv = "MAPPA_TEST_ARCHIVE_ADD"

// TestArchiveConcurrentAddsAcrossProcesses: the case, one process
// per writer. Each is this test binary run again as a helper; each says
// "ready" once its archive is open, then all wait on their stdin, which is
// closed for all of them at once.
func TestArchiveConcurrentAddsAcrossProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	type helper struct {
		cmd   *exec.Cmd
		stdin io.WriteCloser
		ready *bufio.Reader
		out   strings.Builder
	}
	var helpers []*helper
	for i := range concurrentAdds {
		h := &helper{cmd: exec.Command(os.Args[0], "-test.run=^TestArchiveAddHelperProcess$", "-test.count=1")}
		h.cmd.Env = append(os.Environ(), helperEnv+"="+dir+string(os.PathListSeparator)+strconv.Itoa(i))
		h.cmd.Stderr = &h.out
		stdout, err := h.cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		h.ready = bufio.NewReader(stdout)
		if h.stdin, err = h.cmd.StdinPipe(); err != nil {
			t.Fatal(err)
		}
		if err := h.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		helpers = append(helpers, h)
	}
	for i, h := range helpers {
		if line, err := h.ready.ReadString('\n'); line != "ready\n" {
			t.Fatalf("helper %d: %q, %v", i, line, err)
		}
	}
	for _, h := range helpers {
		h.stdin.Close()
	}
	for _, h := range helpers {
		io.Copy(&h.out, h.ready) // the rest, before Wait closes the pipe
	}
	for i, h := range helpers {
		if err := h.cmd.Wait(); err != nil {
			t.Errorf("helper %d: %v\n%s", i, err, h.out.String())
		}
	}
	checkAllYears(t, dir)
}

// TestArchiveAddHelperProcess is one writer of
// TestArchiveConcurrentAddsAcrossProcesses; run directly it does nothing.
func TestArchiveAddHelperProcess(t *testing.T) {
	v := os.Getenv(helperEnv)
	if v == "" {
		return
	}
	dir, n, _ := strings.Cut(v, string(os.PathListSeparator))
	i, err := strconv.Atoi(n)
	if err != nil {
		t.Fatal(err)
	}
	a, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin) // until the parent closes it: the start
	if err := addYear(a, i); err != nil {
		t.Fatal(err)
	}
}
