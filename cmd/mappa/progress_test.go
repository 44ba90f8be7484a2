package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/creack/pty"

	"github.com/mappa-etl/mappa/sources/govuk/govuktest"
)

// barRE matches a download's progress bar: its label and percentage.
var barRE = regexp.MustCompile(`area-tables 2019-20 +[0-9]+% \|`)

// TestProgressOnTerminalOnly runs mappa run with stderr on a terminal (a
// pseudo-terminal) and on a pipe, as under cron or systemd. On the terminal
// downloads show a progress bar and logs are for people; on the pipe there
// is no bar, and every line is a JSON log record.
func TestProgressOnTerminalOnly(t *testing.T) {
	skipProcessSuite(t)
	srv, _, err := govuktest.NewMAPPA("../../testdata/published")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for _, tc := range []struct {
		name string
		open func() (reader, writer *os.File, err error)
		bar  bool
	}{
		{"terminal", func() (*os.File, *os.File, error) { return pty.Open() }, true},
		{"pipe", os.Pipe, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, w, err := tc.open()
			if err != nil {
				t.Skipf("open %s: %v", tc.name, err)
			}
			defer r.Close()
			var got bytes.Buffer
			copied := make(chan struct{})
			go func() { io.Copy(&got, r); close(copied) }() // a terminal ends with EIO
			dir := t.TempDir()
			app := &App{Stdout: io.Discard, Stderr: w}
			code := app.Main(context.Background(), []string{"run", "--source", srv.URL(""), "--rate", "100",
				"--db", filepath.Join(dir, "m.db"), "--archive", filepath.Join(dir, "a")})
			w.Close()
			<-copied
			if code != exitOK {
				t.Fatalf("exit %d:\n%s", code, got.String())
			}
			out := got.String()
			if hasBar := barRE.MatchString(out); hasBar != tc.bar {
				t.Errorf("progress bar shown = %v, want %v:\n%q", hasBar, tc.bar, out)
			}
			for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
				if isJSON := strings.HasPrefix(line, "{"); isJSON == tc.bar {
					t.Errorf("log line %q: JSON = %v on a %s", line, isJSON, tc.name)
					break
				}
			}
		})
	}
}
