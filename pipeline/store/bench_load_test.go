package store

import (
	"context"
	"fmt"
	"testing"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/ons"
	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
	"github.com/mappa-etl/mappa/sources/sheet"
)

// largeAreas is the number of synthetic areas of the large year: with
// largeColumns observations each, 220,000 rows, some 230 times a real year.
const largeAreas = 10_000

// largeYear is the synthetic year, far from the fixtures' years.
const (
	largeYear figure.FinancialYear = "2030-31"
	largeMid  figure.MidYear       = 2030
)

// largeColumns are the columns of a real year's tables: offenders by
// category and level, the total, the published rate and the yearly counts.
var largeColumns = func() []figure.Column {
	var cols []figure.Column
	for _, c := range []string{"1", "2", "3"} {
		for _, l := range []string{"1", "2", "3", figure.All} {
			cols = append(cols, figure.Column{Measure: figure.MeasureOffenders, Category: c, Level: l})
		}
	}
	cols = append(cols, figure.Column{Measure: figure.MeasureOffenders, Category: figure.All, Level: figure.All}, figure.Column{Measure: figure.MeasureRSORate, Category: "1", Level: figure.All})
	for _, m := range []string{figure.MeasureBreachConvictions, figure.MeasureRevocations} {
		cols = append(cols, figure.Column{Measure: m, Category: "1", Level: figure.All})
	}
	for _, m := range []string{figure.MeasureSHPOs, figure.MeasureSHPOsForeignTravel, figure.MeasureNotificationOrders,
		figure.MeasureSexualRiskOrders, figure.MeasureReturnedCustody, figure.MeasureSFOsCharged} {
		cols = append(cols, figure.Column{Measure: m, Category: figure.All, Level: figure.All})
	}
	return cols
}()

// largeAreaCode is the code of synthetic area i; no real code starts E99.
func largeAreaCode(i int) string { return fmt.Sprintf("E99%06d", i) }

// largeObservations builds the synthetic year: every area a row of
// largeColumns, with levels summing to their totals as published, and one
// cell in 97 suppressed ("[c]", no value) so markers and NULLs are loaded
// too.
func largeObservations() []figure.Observation {
	obs := make([]figure.Observation, 0, largeAreas*len(largeColumns))
	for i := range largeAreas {
		code := largeAreaCode(i)
		levels := map[string]float64{}
		for c, col := range largeColumns {
			var v float64
			switch {
			case col.Measure == figure.MeasureOffenders && col.Level != figure.All:
				v = float64(100 + (i*7+c*13)%900)
				levels[col.Category] += v
			case col.Measure == figure.MeasureOffenders && col.Category != figure.All:
				v = levels[col.Category]
			case col.Measure == figure.MeasureOffenders:
				v = levels["1"] + levels["2"] + levels["3"]
			case col.Measure == figure.MeasureRSORate:
				v = float64(100+i%80) + 0.5
			default:
				v = float64((i + c) % 40)
			}
			o := figure.Observation{FinancialYear: largeYear, AreaCode: code, Column: col,
				Sheet: "Table_1", Cell: sheet.CellName(5+i, 1+c)}
			if (i*len(largeColumns)+c)%97 == 0 {
				o.Marker = "[c]"
			} else {
				o.Number = &v
			}
			obs = append(obs, o)
		}
	}
	return obs
}

// largeStore opens a store whose areas table also holds the synthetic
// areas (observations are foreign-keyed to it), each with a population.
func largeStore(b *testing.B) *Store {
	b.Helper()
	ctx := context.Background()
	st := openBenchStore(b)
	tx, err := st.DB.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, "INSERT INTO areas (area_code, area_name, country) VALUES (?, ?, 'England')")
	if err != nil {
		b.Fatal(err)
	}
	for i := range largeAreas {
		if _, err := stmt.ExecContext(ctx, largeAreaCode(i), fmt.Sprintf("Synthetic area %d", i)); err != nil {
			b.Fatal(err)
		}
	}
	stmt.Close()
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	pops := make([]figure.Population, largeAreas)
	for i := range pops {
		pops[i] = figure.Population{MidYear: largeMid, AreaCode: largeAreaCode(i), Persons10Plus: 900_000 + int64(i), PersonsAllAges: 1_000_000 + int64(i)}
	}
	how := figure.PopulationSource{Sheet: "MYE2 - Persons", Level: ons.LevelPFA}
	if err := st.LoadPopulation(ctx, src("population", "2030"), testEstimate(how, pops)); err != nil {
		b.Fatal(err)
	}
	return st
}

// clearYear removes a year's observations and derived rows, so the next
// load of it is a first load.
func clearYear(b *testing.B, st *Store, year figure.FinancialYear) {
	b.Helper()
	for _, table := range []string{"observations", "growth", "rso_rates", "check_results"} {
		if _, err := st.DB.Exec("DELETE FROM "+table+" WHERE financial_year = ?", year); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadAreaTables measures Store.LoadAreaTables, which replaces a
// year's observations and derives rates, growth and checks in the same
// transaction. rows/s counts the year's observation rows.
//
//   - fixture-year reloads the 2019-20 fixture (about 950 rows) into a
//     store holding all 12 fixture years and populations: `mappa add`.
//   - large/load is a first load of a synthetic year of 220,000 rows
//     (10,000 areas); large/reload replaces it (deleting it first);
//     large/insert is large/load without derivation (the load joins a
//     batch, as in a rebuild); large/derive is refreshDerived alone.
//
// The context can be cancelled, as the signal context of cmd/mappa can:
// the SQLite driver watches such a context on every statement.
func BenchmarkLoadAreaTables(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	b.Run("fixture-year", func(b *testing.B) {
		fx := loadFixtureYears(b)
		st := openBenchStore(b)
		fx.loadInto(b, st)
		const year figure.FinancialYear = "2019-20"
		obs := fx.obs[year]
		b.ReportAllocs()
		for b.Loop() {
			if err := st.LoadAreaTables(ctx, Release{FinancialYear: year}, src("area-tables", year.String()), obs); err != nil {
				b.Fatal(err)
			}
		}
		pipelinetest.ReportRate(b, len(obs), "rows/s")
	})

	obs := largeObservations()
	rel, source := Release{FinancialYear: largeYear}, src("area-tables", largeYear.String())
	st := largeStore(b)
	load := func(b *testing.B) {
		if err := st.LoadAreaTables(ctx, rel, source, obs); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("large/load", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			clearYear(b, st, largeYear)
			b.StartTimer()
			load(b)
		}
		pipelinetest.ReportRate(b, len(obs), "rows/s")
	})
	b.Run("large/reload", func(b *testing.B) {
		load(b)
		b.ReportAllocs()
		for b.Loop() {
			load(b)
		}
		pipelinetest.ReportRate(b, len(obs), "rows/s")
	})
	b.Run("large/insert", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			clearYear(b, st, largeYear)
			b.StartTimer()
			// A load through a Tx leaves derivation to the batch's
			// end, which this one never reaches.
			tx, err := st.DB.BeginTx(ctx, nil)
			if err != nil {
				b.Fatal(err)
			}
			if err := (&Tx{tx: tx}).LoadAreaTables(ctx, rel, source, obs); err != nil {
				b.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
		}
		pipelinetest.ReportRate(b, len(obs), "rows/s")
	})
	b.Run("large/derive", func(b *testing.B) {
		load(b)
		benchRefresh(b, st, len(obs))
	})
}
