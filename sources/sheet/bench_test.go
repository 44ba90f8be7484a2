package sheet

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Reader benchmarks. Besides ns/op, B/op and allocs/op each reports:
//
//   - MB/s: file bytes read a second (b.SetBytes);
//   - xmlMB/s (XLSX and ODS): decompressed XML read a second, the sum of
//     the uncompressed sizes of the XML parts (ODS: content.xml; XLSX:
//     every .xml, .rels and .vml part, each counted once, though the
//     reader skips styles and the like, so that figures stay comparable
//     with those measured when excelize read them all);
//   - rows/s: rows returned a second (len(Sheet.Rows), all sheets);
//   - peak-MB-beyond-result (generated sheets): the highest heap during one
//     read, sampled every millisecond, minus the heap the returned sheets
//     still hold after a collection. It is what the read costs beyond what
//     the caller keeps, garbage not yet collected included.
//
// Run them with
//
//	go test ./sources -run '^$' -bench Read -benchmem

// benchInput is one workbook in memory.
type benchInput struct {
	name string
	data []byte
	xml  int64 // decompressed bytes of the XML parts read
}

// fixtures returns the published fixtures whose names end in ext.
func fixtures(b *testing.B, ext string) []benchInput {
	b.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "..", "testdata", "published", "*"+ext))
	if err != nil || len(paths) == 0 {
		b.Fatalf("no %s fixtures: %v", ext, err)
	}
	var in []benchInput
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		in = append(in, benchInput{name: filepath.Base(p), data: data, xml: xmlSize(b, data)})
	}
	return in
}

// xmlSize is benchInput.xml of a zip package; 0 for anything else.
func xmlSize(b *testing.B, data []byte) int64 {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return 0
	}
	var n int64
	ods := false
	for _, f := range zr.File {
		ods = ods || f.Name == "mimetype"
	}
	for _, f := range zr.File {
		switch name := xlsxPartName(f.Name); {
		case ods && name == "content.xml",
			!ods && (strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") || strings.HasSuffix(name, ".vml")):
			n += int64(f.UncompressedSize64)
		}
	}
	if n == 0 {
		b.Fatal("package has no XML parts")
	}
	return n
}

// benchRead reads every input once an iteration through Open, and reports
// the throughput metrics.
func benchRead(b *testing.B, in []benchInput, opts ...OpenOption) {
	var size, xml int64
	for _, w := range in {
		size += int64(len(w.data))
		xml += w.xml
	}
	b.SetBytes(size)
	b.ReportAllocs()
	rows := 0
	for b.Loop() {
		rows = 0
		for _, w := range in {
			wb, err := Open(w.name, bytes.NewReader(w.data), int64(len(w.data)), opts...)
			if err != nil {
				b.Fatal(err)
			}
			for _, sh := range wb.Sheets {
				rows += len(sh.Rows)
			}
		}
	}
	perSecond := float64(b.N) / b.Elapsed().Seconds()
	b.ReportMetric(float64(rows)*perSecond, "rows/s")
	if xml > 0 {
		b.ReportMetric(float64(xml)*perSecond/1e6, "xmlMB/s")
	}
}

// BenchmarkReadODS reads every ODS fixture (MAPPA area tables and an ONS
// population workbook) an iteration.
func BenchmarkReadODS(b *testing.B) { benchRead(b, fixtures(b, ".ods")) }

// BenchmarkReadXLSX reads every XLSX fixture (area tables and ONS
// population workbooks of three sheets of ~450 × 95 cells) an iteration.
func BenchmarkReadXLSX(b *testing.B) { benchRead(b, fixtures(b, ".xlsx")) }

// BenchmarkReadXLS reads every XLS fixture (BIFF8 area tables and
// population workbooks) an iteration.
func BenchmarkReadXLS(b *testing.B) { benchRead(b, fixtures(b, ".xls")) }

// BenchmarkReadODS200k reads the generated 200,000 × 10 sheet from ODS
// (bench_gen_test.go), and reports its peak memory beyond the result.
func BenchmarkReadODS200k(b *testing.B) { benchGenerated(b, "long.ods", genODS) }

// BenchmarkReadXLSX200k is BenchmarkReadODS200k for XLSX.
func BenchmarkReadXLSX200k(b *testing.B) { benchGenerated(b, "long.xlsx", genXLSX) }

func benchGenerated(b *testing.B, name string, gen func() ([]byte, error)) {
	data := generated(b, name, gen)
	in := []benchInput{{name: name, data: data, xml: xmlSize(b, data)}}
	benchRead(b, in)
	// One more read, untimed, to measure memory without the sampler
	// slowing the timed ones.
	var wb *Workbook
	var err error
	peak, kept := peakBeyond(func() { wb, err = Open(name, bytes.NewReader(data), int64(len(data))) })
	if err != nil {
		b.Fatal(err)
	}
	if sh := wb.Sheets[0]; len(wb.Sheets) != 1 || len(sh.Rows) != genRows || sh.Width() != genCols {
		b.Fatalf("read %d sheets, the first %d × %d; want 1 sheet of %d × %d",
			len(wb.Sheets), len(sh.Rows), sh.Width(), genRows, genCols)
	}
	runtime.KeepAlive(wb)
	b.ReportMetric(float64(peak-min(peak, kept))/1e6, "peak-MB-beyond-result")
	b.ReportMetric(float64(kept)/1e6, "result-MB")
}

// peakBeyond runs read, which must store its result where the caller keeps
// it, and returns the peak heap during the read and the heap still held
// after it and a collection, both above the heap before it. The peak is
// sampled every millisecond (heapPeak, hostile_test.go).
func peakBeyond(read func()) (peak, kept uint64) {
	before, top := heapPeak(read)
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	top = max(top, m.HeapAlloc)
	runtime.GC()
	runtime.ReadMemStats(&m)
	return top - before.HeapAlloc, m.HeapAlloc - min(m.HeapAlloc, before.HeapAlloc)
}

// BenchmarkReadOnlySheets reads the population fixtures of each format
// whole ("all") and keeping only the persons sheet ("persons"), as the
// pipeline does (OnlySheets), to show what skipping sheets saves.
func BenchmarkReadOnlySheets(b *testing.B) {
	persons := OnlySheets(func(name string) bool {
		name = strings.ToLower(name)
		return strings.Contains(name, "persons") || strings.Contains(name, "all")
	})
	for _, file := range []string{
		"MYE2_population_by_sex_and_age_for_local_authorities_UK_mid-2016.xls",
		"ukpopestimatesmid2019.xlsx",
		"mye24tablesew_pfa.ods",
	} {
		var in []benchInput
		for _, w := range fixtures(b, filepath.Ext(file)) {
			if w.name == file {
				in = append(in, w)
			}
		}
		ext := strings.TrimPrefix(filepath.Ext(file), ".")
		b.Run(ext+"/all", func(b *testing.B) { benchRead(b, in) })
		b.Run(ext+"/persons", func(b *testing.B) { benchRead(b, in, persons) })
	}
}
