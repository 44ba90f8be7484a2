package store

import (
	"context"
	"testing"

	"github.com/mappa-etl/mappa/pipeline/derive"
	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
)

// BenchmarkDerive measures derivation over every fixture year's
// observations (12 years, extracted once outside the loop) and every
// population estimate: ComputeRates, ComputeGrowth and RunChecks in
// memory, and refreshDerived, which does all three against a store
// holding the same data and rewrites rso_rates, growth and check_results.
// rows/s counts the observations derived from.
func BenchmarkDerive(b *testing.B) {
	fx := loadFixtureYears(b)
	pops := fx.allPops()
	rates := derive.ComputeRates(fx.all, pops, derive.RateBases(fx.all, pops))

	b.Run("ComputeRates", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			derive.ComputeRates(fx.all, pops, derive.RateBases(fx.all, pops))
		}
		pipelinetest.ReportRate(b, len(fx.all), "rows/s")
	})
	b.Run("ComputeGrowth", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			derive.ComputeGrowth(fx.all)
		}
		pipelinetest.ReportRate(b, len(fx.all), "rows/s")
	})
	b.Run("RunChecks", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, y := range fx.years {
				derive.RunChecks(y, fx.all, rates)
			}
		}
		pipelinetest.ReportRate(b, len(fx.all), "rows/s")
	})
	b.Run("refreshDerived", func(b *testing.B) {
		st := openBenchStore(b)
		fx.loadInto(b, st)
		benchRefresh(b, st, len(fx.all))
	})
}

// benchRefresh times refreshDerived in its own committed transaction, as
// at the end of a load; it is idempotent, so every iteration does the same
// work.
func benchRefresh(b *testing.B, st *Store, rows int) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.ReportAllocs()
	for b.Loop() {
		tx, err := st.DB.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := refreshDerived(ctx, tx); err != nil {
			tx.Rollback()
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	pipelinetest.ReportRate(b, rows, "rows/s")
}
