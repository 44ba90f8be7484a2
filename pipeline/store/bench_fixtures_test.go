package store

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/mappa-etl/mappa/pipeline/extract"
	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/ons"
	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
	"github.com/mappa-etl/mappa/sources/sheet"
)

// Helpers shared by the benchmarks: the published-style fixtures read once,
// outside any timed loop, so that each benchmark times only its own stage.

// fixtureYears is every fixture year extracted, with every population
// estimate: the contents of a rebuilt database.
type fixtureYears struct {
	years []figure.FinancialYear
	obs   map[figure.FinancialYear][]figure.Observation // by financial year
	all   []figure.Observation                          // every year, in manifest order
	pops  map[figure.MidYear][]figure.Population        // by mid-year
	how   map[figure.MidYear]figure.PopulationSource
}

func loadFixtureYears(tb testing.TB) *fixtureYears {
	tb.Helper()
	fx := &fixtureYears{obs: map[figure.FinancialYear][]figure.Observation{}, pops: map[figure.MidYear][]figure.Population{}, how: map[figure.MidYear]figure.PopulationSource{}}
	ex := extract.New()
	for _, e := range pipelinetest.Fixtures(tb, "area-tables") {
		wb, err := sheet.OpenFile(e.Path)
		if err != nil {
			tb.Fatal(err)
		}
		year, err := figure.ParseFinancialYear(e.Period)
		if err != nil {
			tb.Fatal(err)
		}
		got, err := ex.Extract(wb, year)
		if err != nil {
			tb.Fatal(err)
		}
		fx.years = append(fx.years, year)
		fx.obs[year] = got.Observations
		fx.all = append(fx.all, got.Observations...)
	}
	lookups := pipelinetest.Lookups(tb, ons.ReadLookup)
	for _, e := range pipelinetest.Fixtures(tb, "population") {
		mid, err := figure.ParseMidYear(e.Period)
		if err != nil {
			tb.Fatal(err)
		}
		pops, how, err := ons.ReadPopulation(pipelinetest.OpenWorkbook(tb, e.Path, ons.PopulationSheet), mid, lookups)
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
	for mid := figure.MidYear(1990); mid <= 2100; mid++ {
		out = append(out, fx.pops[mid]...)
	}
	return out
}

// loadInto loads every fixture population and year into st in one batch,
// as a rebuild does.
func (fx *fixtureYears) loadInto(tb testing.TB, st *Store) {
	tb.Helper()
	ctx := context.Background()
	err := st.Batch(ctx, func(tx *Tx) error {
		for mid, pops := range fx.pops {
			p := mid.String()
			if err := tx.LoadPopulation(ctx, src("population", p), testEstimate(fx.how[mid], pops)); err != nil {
				return err
			}
		}
		for _, y := range fx.years {
			if err := tx.LoadAreaTables(ctx, Release{FinancialYear: y}, src("area-tables", y.String()), fx.obs[y]); err != nil {
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
	st, err := Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}
