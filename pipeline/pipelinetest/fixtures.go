package pipelinetest

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/mappa-etl/mappa/sources/sheet"
)

// Root is the module's root directory, wherever the test runs from.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// PublishedDir holds the published-style fixtures (testdata/published).
func PublishedDir() string { return filepath.Join(Root(), "testdata", "published") }

// Fixture is one line of testdata/published/MANIFEST.tsv.
type Fixture struct {
	Kind, Period, Path string
}

// Fixtures returns the manifest's files of one kind ("area-tables",
// "population", "lookup") with their period, in manifest order.
func Fixtures(tb testing.TB, kind string) []Fixture {
	tb.Helper()
	f, err := os.Open(filepath.Join(PublishedDir(), "MANIFEST.tsv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []Fixture
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rec := strings.Split(sc.Text(), "\t"); len(rec) >= 3 && rec[0] == kind {
			out = append(out, Fixture{rec[0], rec[1], filepath.Join(PublishedDir(), rec[2])})
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	if len(out) == 0 {
		tb.Fatalf("no %s fixtures in %s/MANIFEST.tsv", kind, PublishedDir())
	}
	return out
}

// FixturePaths returns the paths of Fixtures.
func FixturePaths(tb testing.TB, kind string) []string {
	tb.Helper()
	var files []string
	for _, e := range Fixtures(tb, kind) {
		files = append(files, e.Path)
	}
	return files
}

// Workbooks opens every fixture workbook of one kind.
func Workbooks(tb testing.TB, kind string) []*sheet.Workbook {
	tb.Helper()
	var wbs []*sheet.Workbook
	for _, p := range FixturePaths(tb, kind) {
		wb, err := sheet.OpenFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		wbs = append(wbs, wb)
	}
	return wbs
}

// SheetText lays a sheet out as text, a line per row and cells joined by
// sep, the form the sheet fuzz targets split back into cells; line breaks
// and sep inside a cell become spaces.
func SheetText(sh *sheet.Sheet, sep string) string {
	clean := strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", sep, " ")
	var b strings.Builder
	for _, row := range sh.Rows {
		for c, v := range row {
			if c > 0 {
				b.WriteString(sep)
			}
			b.WriteString(clean.Replace(v))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// Lookups reads every fixture LAD to PFA lookup with read (ons.ReadLookup,
// which this package cannot import: ons's own tests use it).
func Lookups[T any](tb testing.TB, read func(name string, r io.Reader) (T, error)) []T {
	tb.Helper()
	var out []T
	for _, e := range Fixtures(tb, "lookup") {
		f, err := os.Open(e.Path)
		if err != nil {
			tb.Fatal(err)
		}
		l, err := read(filepath.Base(e.Path), f)
		f.Close()
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, l)
	}
	return out
}

// OpenWorkbook reads a workbook as the pipeline's parser does, keeping only
// the sheets keep wants (ons.PopulationSheet for population workbooks).
func OpenWorkbook(tb testing.TB, path string, keep sheet.SheetFilter) *sheet.Workbook {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		tb.Fatal(err)
	}
	wb, err := sheet.Open(filepath.Base(path), f, st.Size(), sheet.OnlySheets(keep))
	if err != nil {
		tb.Fatal(err)
	}
	return wb
}

// ReportRate reports n items per iteration as a rate per second of timed
// (not stopped) time, the figure the performance targets are stated in.
// Call it after the b.Loop loop, when b.N is the iterations that ran.
func ReportRate(b *testing.B, n int, unit string) {
	if e := b.Elapsed(); e > 0 && b.N > 0 {
		b.ReportMetric(float64(n)*float64(b.N)/e.Seconds(), unit)
	}
}
