package extract

import (
	"path/filepath"
	"strconv"
	"testing"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
	"github.com/mappa-etl/mappa/schema"
	"github.com/mappa-etl/mappa/sources/sheet"
)

// BenchmarkExtract measures the table locator, Extractor.Extract: finding
// the area column of every sheet, the header above it and reading each
// area row into observations. Workbooks are parsed once, outside the loop,
// so file parsing (the sources readers) is not counted. One sub-benchmark
// per format and layout family. rows/s counts area rows read (one per area
// and table sheet); cells/s counts every cell of the workbook, all of which
// the locator may look at.
func BenchmarkExtract(b *testing.B) {
	for _, tc := range []struct {
		name string
		year figure.FinancialYear
		file string
	}{
		{"xls-legacy", "2015-16", "MAPPA_Annual_Report_2015-16_Area_Tables.xls"},
		{"xlsx-legacy", "2019-20", "MAPPA_Annual_Report_2019-20_Area_Tables.xlsx"},
		{"xlsx-accessible", "2022-23", "MAPPA_Annual_Report_-_Areas_Tables_2022-23.xlsx"},
		{"ods-accessible", "2023-24", "MAPPA_Annual_Report_2023-24_Area_Tables.ods"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			wb, err := sheet.OpenFile(filepath.Join(pipelinetest.PublishedDir(), tc.file))
			if err != nil {
				b.Fatal(err)
			}
			cells := 0
			for _, sh := range wb.Sheets {
				for _, row := range sh.Rows {
					cells += len(row)
				}
			}
			ex := New()
			got, err := ex.Extract(wb, tc.year)
			if err != nil {
				b.Fatal(err)
			}
			type sheetArea struct{ sheet, area string }
			rows := map[sheetArea]bool{}
			for _, o := range got.Observations {
				rows[sheetArea{o.Sheet, o.AreaCode}] = true
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ex.Extract(wb, tc.year); err != nil {
					b.Fatal(err)
				}
			}
			pipelinetest.ReportRate(b, len(rows), "rows/s")
			pipelinetest.ReportRate(b, cells, "cells/s")
		})
	}
}

// labelCorpus returns the cells Extract hands to AreaMatcher.Match and
// Normalise: every cell of the columns searched for area names, on every
// sheet of every fixture area-tables workbook. It holds area names with
// footnotes ("Avon and Somerset (1)", "Dyfed-Powys [note 3]"), totals,
// subtotals, titles, notes, headers with line breaks, numbers and blanks,
// in the proportions the locator meets them.
func labelCorpus(b *testing.B) (labels []string, bytes int64) {
	b.Helper()
	for _, wb := range pipelinetest.Workbooks(b, "area-tables") {
		for _, sh := range wb.Sheets {
			for r := range sh.Rows {
				for c := 0; c < areaColumnsSearched; c++ {
					v := sh.Value(r, c)
					labels = append(labels, v)
					bytes += int64(len(v))
				}
			}
		}
	}
	return labels, bytes
}

// BenchmarkNormalise measures Normalise over the label corpus, skipping
// blanks and plain numbers, which the benchmark would otherwise mostly
// time. MB/s is of label text; labels/s counts calls.
func BenchmarkNormalise(b *testing.B) {
	all, _ := labelCorpus(b)
	var labels []string
	var bytes int64
	for _, l := range all {
		if _, err := strconv.ParseFloat(l, 64); l == "" || err == nil {
			continue
		}
		labels = append(labels, l)
		bytes += int64(len(l))
	}
	b.SetBytes(bytes)
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range labels {
			schema.Normalise(l)
		}
	}
	pipelinetest.ReportRate(b, len(labels), "labels/s")
}

// BenchmarkAreaMatch measures AreaMatcher.Match over the whole label
// corpus, blanks and numbers included: the calls findAreaColumn makes.
func BenchmarkAreaMatch(b *testing.B) {
	labels, bytes := labelCorpus(b)
	m := New().Areas
	b.SetBytes(bytes)
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range labels {
			m.Match(l)
		}
	}
	pipelinetest.ReportRate(b, len(labels), "labels/s")
}
