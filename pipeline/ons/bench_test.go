package ons

import (
	"path/filepath"
	"testing"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
)

// BenchmarkReadPopulation measures ReadPopulation on MYE2 workbooks opened
// as the pipeline opens them (persons sheet only), outside the loop: at
// local-authority level, summed through a LAD to PFA lookup, from XLS and
// XLSX, and at police-force-area level. rows/s counts the rows of the
// persons sheet, every one of which is classified by its code.
func BenchmarkReadPopulation(b *testing.B) {
	lookups := pipelinetest.Lookups(b, ReadLookup)
	for _, tc := range []struct {
		name string
		mid  figure.MidYear
		file string
	}{
		{"xls-la", 2017, "MYE2_population_by_sex_and_age_for_local_authorities_UK_mid-2017.xls"},
		{"xlsx-la", 2019, "ukpopestimatesmid2019.xlsx"},
		{"xlsx-pfa", 2023, "mye23tablesew_pfa.xlsx"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			wb := pipelinetest.OpenWorkbook(b, filepath.Join(pipelinetest.PublishedDir(), tc.file), PopulationSheet)
			sh, err := populationSheet(wb)
			if err != nil {
				b.Fatal(err)
			}
			if _, _, err := ReadPopulation(wb, tc.mid, lookups); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := ReadPopulation(wb, tc.mid, lookups); err != nil {
					b.Fatal(err)
				}
			}
			pipelinetest.ReportRate(b, len(sh.Rows), "rows/s")
		})
	}
}

// BenchmarkReadRealEstimate opens and reads each real ONS estimate
// (testdata/real) as mappa add does: only the sheets Read needs, then Read
// with no lookup (the bundled code history). Its B/op is the allocation of
// one add's parse; docs/performance.md records the peak RSS of mappa add.
func BenchmarkReadRealEstimate(b *testing.B) {
	for _, tc := range []struct {
		mid  figure.MidYear
		file string
	}{
		{2018, "ukmidyearestimates20182019ladcodes.xls"},
		{2019, "ukmidyearestimates20192019ladcodes.xls"},
	} {
		b.Run(tc.mid.String(), func(b *testing.B) {
			path := filepath.Join(pipelinetest.Root(), "testdata", "real", tc.file)
			b.ReportAllocs()
			for b.Loop() {
				wb := pipelinetest.OpenWorkbook(b, path, PopulationSheet)
				if _, _, err := Read(wb, figure.SingleMidYear(tc.mid), nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
