package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/mappa-etl/mappa/sources/govuk/govuktest"
)

// runProcess runs one mappa process to the end and returns its wall time
// and peak resident set size (getrusage's ru_maxrss, in kilobytes on
// Linux), the numbers /usr/bin/time -v would give.
func runProcess(b *testing.B, dir string, args ...string) (time.Duration, int64) {
	b.Helper()
	cmd := mappaCommand(b, dir, args...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	took := time.Since(start)
	if err != nil {
		b.Fatalf("mappa %v: %v\n%s", args, err, out)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		b.Fatal("no rusage on this platform")
	}
	return took, ru.Maxrss
}

// reportProcess reports the mean wall time and the highest peak RSS; call
// it after the b.Loop loop, when b.N is the iterations that ran.
func reportProcess(b *testing.B, total time.Duration, peakKB int64) {
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "wall-ms/op")
	b.ReportMetric(float64(peakKB)/1024, "peak-RSS-MB")
}

// BenchmarkRebuildProcess is `mappa rebuild` of the bundled archive (12
// years of area tables in XLS, XLSX and ODS, 12 population workbooks, 2
// lookups) as a whole process, from start to exit. The process is this
// test binary acting as mappa (see mappaCommand), so it carries a little
// test code the real binary lacks.
func BenchmarkRebuildProcess(b *testing.B) {
	archive, err := filepath.Abs("../../testdata/archive")
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	var total time.Duration
	var peak int64
	for b.Loop() {
		os.Remove(filepath.Join(dir, "m.db"))
		took, rss := runProcess(b, dir, "rebuild", "--archive", archive, "--db", "m.db")
		total, peak = total+took, max(peak, rss)
	}
	reportProcess(b, total, peak)
}

// BenchmarkRunUnchangedProcess is a scheduled `mappa run` on a day nothing
// changed upstream, as a whole process, with the rate limit lifted
// (--rate 1000): the time is mappa's own (start-up, discovery, the
// conditional requests of the 14 population and lookup files, no file
// parsed) plus loopback round trips. BenchmarkUnchangedRun is the same run
// at the default rate, which is most of its time.
func BenchmarkRunUnchangedProcess(b *testing.B) {
	srv, fx, err := govuktest.NewMAPPA("../../testdata/published")
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	dir := b.TempDir()
	args := append([]string{"run", "--source", srv.URL(""), "--rate", "1000", "--db", "m.db", "--archive", "arch"}, fx.Args()...)
	runProcess(b, dir, args...) // the first run fetches and loads everything
	var total time.Duration
	var peak int64
	for b.Loop() {
		took, rss := runProcess(b, dir, args...)
		total, peak = total+took, max(peak, rss)
	}
	reportProcess(b, total, peak)
}

// BenchmarkUnchangedRun is `mappa run` as an operator schedules it, at the
// default --rate (5 requests a second), on a day nothing changed upstream,
// against the fake GOV.UK on loopback: with the default --revalidate, the
// day after the run that fetched everything; with --revalidate 0, asking
// for every attachment too, as every run did before. It reports the HTTP
// requests the server saw per run (redirects included) beside the wall
// time, most of which is the rate limit's pacing.
func BenchmarkUnchangedRun(b *testing.B) {
	for _, bc := range []struct {
		name  string
		flags []string
	}{
		{name: "revalidate=default"},
		{name: "revalidate=0", flags: []string{"--revalidate", "0"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			srv, fx, err := govuktest.NewMAPPA("../../testdata/published")
			if err != nil {
				b.Fatal(err)
			}
			defer srv.Close()
			dir := b.TempDir()
			args := append([]string{"run", "--source", srv.URL(""), "--db", "m.db", "--archive", "arch"}, fx.Args()...)
			// The first run fetches and loads everything; its pacing is not
			// what is measured.
			runProcess(b, dir, append(args, "--rate", "1000")...)
			srv.Requests()
			args = append(args, bc.flags...)
			var total time.Duration
			var peak int64
			requests := 0
			for b.Loop() {
				took, rss := runProcess(b, dir, args...)
				total, peak = total+took, max(peak, rss)
				requests += len(srv.Requests())
			}
			reportProcess(b, total, peak)
			b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
		})
	}
}
