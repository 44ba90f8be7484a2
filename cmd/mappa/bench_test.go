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
// changed upstream, as a whole process: the fake GOV.UK on loopback
// answers every attachment 304, so the time is mappa's own (start-up,
// discovery, 26 conditional requests, no file parsed) plus loopback round
// trips.
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
