package pipeline

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/sources"
)

// Helpers shared by the benchmarks: the published-style fixtures read once,
// outside any timed loop, so that each benchmark times only its own stage.

// fixtureEntry is one line of testdata/published/MANIFEST.tsv.
type fixtureEntry struct {
	kind, period, path string
}

// fixtureEntries returns the manifest's files of one kind with their period
// (the financial year or mid-year), in manifest order.
func fixtureEntries(tb testing.TB, kind string) []fixtureEntry {
	tb.Helper()
	f, err := os.Open(filepath.Join(publishedDir, "MANIFEST.tsv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []fixtureEntry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rec := strings.Split(sc.Text(), "\t"); len(rec) == 3 && rec[0] == kind {
			out = append(out, fixtureEntry{rec[0], rec[1], filepath.Join(publishedDir, rec[2])})
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// fixtureLookups reads the LAD to PFA lookups that local-authority
// population workbooks are summed through.
func fixtureLookups(tb testing.TB) []*Lookup {
	tb.Helper()
	var out []*Lookup
	for _, e := range fixtureEntries(tb, "lookup") {
		f, err := os.Open(e.path)
		if err != nil {
			tb.Fatal(err)
		}
		l, err := ReadLookup(filepath.Base(e.path), f)
		f.Close()
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, l)
	}
	return out
}

// openPopulation reads a population workbook as Parser.Parse does: the
// persons sheet's cells only.
func openPopulation(tb testing.TB, path string) *sources.Workbook {
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
	wb, err := sources.Open(filepath.Base(path), f, st.Size(), sources.OnlySheets(PopulationSheet))
	if err != nil {
		tb.Fatal(err)
	}
	return wb
}

// fixtureYears is every fixture year extracted, with every population
// estimate: the contents of a rebuilt database.
type fixtureYears struct {
	years []string
	obs   map[string][]figure.Observation // by financial year
	all   []figure.Observation            // every year, in manifest order
	pops  map[int][]figure.Population     // by mid-year
	how   map[int]figure.PopulationSource
}

func loadFixtureYears(tb testing.TB) *fixtureYears {
	tb.Helper()
	fx := &fixtureYears{obs: map[string][]figure.Observation{}, pops: map[int][]figure.Population{}, how: map[int]figure.PopulationSource{}}
	ex := NewExtractor()
	for _, e := range fixtureEntries(tb, "area-tables") {
		wb, err := sources.OpenFile(e.path)
		if err != nil {
			tb.Fatal(err)
		}
		got, err := ex.Extract(wb, e.period)
		if err != nil {
			tb.Fatal(err)
		}
		fx.years = append(fx.years, e.period)
		fx.obs[e.period] = got.Observations
		fx.all = append(fx.all, got.Observations...)
	}
	lookups := fixtureLookups(tb)
	for _, e := range fixtureEntries(tb, "population") {
		mid, err := strconv.Atoi(e.period)
		if err != nil {
			tb.Fatal(err)
		}
		pops, how, err := ReadPopulation(openPopulation(tb, e.path), mid, lookups)
		if err != nil {
			tb.Fatal(err)
		}
		fx.pops[mid], fx.how[mid] = pops, how
	}
	return fx
}

// allPops returns every estimate, oldest first, as readPopulation would.
func (fx *fixtureYears) allPops() []figure.Population {
	var out []figure.Population
	for mid := 1990; mid <= 2100; mid++ {
		out = append(out, fx.pops[mid]...)
	}
	return out
}

// loadInto loads every fixture population and year into st in one batch,
// as a rebuild does.
func (fx *fixtureYears) loadInto(tb testing.TB, st *Store) {
	tb.Helper()
	ctx := context.Background()
	err := st.Batch(ctx, func() error {
		for mid, pops := range fx.pops {
			p := strconv.Itoa(mid)
			if err := st.LoadPopulation(ctx, mid, src("population", p), fx.how[mid], pops); err != nil {
				return err
			}
		}
		for _, y := range fx.years {
			if err := st.LoadAreaTables(ctx, Release{FinancialYear: y}, src("area-tables", y), fx.obs[y]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// openBenchStore opens a new database in a temporary directory.
func openBenchStore(b *testing.B) *Store {
	b.Helper()
	st, err := OpenStore(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

// reportRate reports n items per iteration as a rate per second of timed
// (not stopped) time, the figure the performance targets are stated in.
// Call it after the b.Loop loop, when b.N is the iterations that ran.
func reportRate(b *testing.B, n int, unit string) {
	if e := b.Elapsed(); e > 0 && b.N > 0 {
		b.ReportMetric(float64(n)*float64(b.N)/e.Seconds(), unit)
	}
}
