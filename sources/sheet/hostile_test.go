package sheet

import (
	"archive/zip"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

// hostileCase is a hostile workbook and what reading it through Open must
// give: an error containing want (and wrapping is, if set), or, when want
// is "", a workbook that check accepts. Either way within hostileTime and
// the memory bounds, which are 64 MiB unless a case says why not.
type hostileCase struct {
	name  string
	build func(t testing.TB) []byte
	size  int64 // the size Open is told, if not len(build())
	want  string
	is    error
	check func(t *testing.T, wb *Workbook)
	// maxPeak bounds the growth of the heap (HeapAlloc, uncollected
	// garbage included) while reading, maxAlloc all bytes allocated.
	maxPeak, maxAlloc uint64
}

// hostileTime is generous: it catches hangs and quadratic work, it is no
// benchmark. The slowest case took up to 1 s on a busy 2-core machine.
const hostileTime = 5 * time.Second

// raceScale scales the time and memory bounds under the race detector,
// which made these reads up to 7 times slower and, measured, up to 1.5
// times larger in heap.
var raceScale = func() (time.Duration, uint64) {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-race" && s.Value == "true" {
				return 5, 2
			}
		}
	}
	return 1, 1
}

// limitFootprint bounds the peak heap of a rejection at the cell or text
// limit, which has by definition held maxCells 16-byte string headers or
// maxTextBytes of text (64 MiB either way; a quarter more for the spare
// capacity of rows grown by append), plus 32 MiB for the reader's own
// working set; and the heap may grow to twice its live size before a
// collection (GOGC=100). Measured peaks are 67 to 167 MB.
const limitFootprint = 2 * (maxCells*16*5/4 + 32<<20)

func runHostile(t *testing.T, cases []hostileCase) {
	timeScale, memScale := raceScale()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.build(t)
			var r io.ReaderAt = bytes.NewReader(data)
			size := int64(len(data))
			if tc.size != 0 {
				r, size = paddedReaderAt(data), tc.size
			}
			var wb *Workbook
			var err error
			u := measure(func() { wb, err = Open("hostile", r, size) })
			t.Logf("%v, %.1f MB allocated, peak heap +%.1f MB: %v", u.elapsed.Round(time.Millisecond),
				float64(u.alloc)/1e6, float64(u.peak)/1e6, err)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tc.want == "":
				tc.check(t, wb)
			case err == nil || !strings.Contains(err.Error(), tc.want):
				t.Errorf("error = %v, want it to contain %q", err, tc.want)
			case tc.is != nil && !errors.Is(err, tc.is):
				t.Errorf("error %v does not wrap %v", err, tc.is)
			case tc.is == nil && errors.Is(err, ErrLimit):
				t.Errorf("error %v wraps ErrLimit, want a format error", err)
			}
			if u.elapsed > hostileTime*timeScale {
				t.Errorf("took %v, more than %v", u.elapsed, hostileTime*timeScale)
			}
			if maxPeak := cmp.Or(tc.maxPeak, 64<<20) * memScale; u.peak > maxPeak {
				t.Errorf("peak heap grew by %d bytes, more than %d", u.peak, maxPeak)
			}
			if maxAlloc := cmp.Or(tc.maxAlloc, 64<<20) * memScale; u.alloc > maxAlloc {
				t.Errorf("allocated %d bytes, more than %d", u.alloc, maxAlloc)
			}
		})
	}
}

type usage struct {
	elapsed     time.Duration
	alloc, peak uint64
}

// measure runs fn and reports its time, the bytes it allocated and the
// high-water mark of the live heap above where it started.
func measure(fn func()) usage {
	var elapsed time.Duration
	before, high := heapPeak(func() {
		start := time.Now()
		fn()
		elapsed = time.Since(start)
	})
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return usage{elapsed, m.TotalAlloc - before.TotalAlloc, max(high, m.HeapAlloc) - before.HeapAlloc}
}

// heapPeak runs fn after a collection and returns the memory statistics
// from before it and the highest live heap seen while it ran, sampled
// every millisecond (a large allocation stays in HeapAlloc until the next
// collection, so sampling does not miss it).
func heapPeak(fn func()) (before runtime.MemStats, peak uint64) {
	runtime.GC()
	runtime.ReadMemStats(&before)
	stop, high := make(chan struct{}), make(chan uint64)
	go func() {
		top := before.HeapAlloc
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			top = max(top, m.HeapAlloc)
			select {
			case <-stop:
				high <- top
				return
			case <-tick.C:
			}
		}
	}()
	fn()
	close(stop)
	return before, <-high
}

func TestHostileXLSX(t *testing.T) {
	cell := sheetXML(`<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>`)
	farCorner := sheetXML(`<sheetData><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>`)
	var manyCells, farRight, sharedUses strings.Builder
	for r := 1; r <= 257; r++ {
		fmt.Fprintf(&farRight, `<row r="%d"><c r="XFD%d"><v>1</v></c></row>`, r, r)
	}
	for range maxCells/16 + 1 {
		manyCells.WriteString(`<row>` + strings.Repeat(`<c/>`, 16) + `</row>`)
	}
	for range maxTextBytes/maxCellChars/16 + 1 {
		sharedUses.WriteString(`<row>` + strings.Repeat(`<c t="s"><v>0</v></c>`, 16) + `</row>`)
	}
	runHostile(t, []hostileCase{
		{name: "part declares more than the part limit", build: func(t testing.TB) []byte {
			return zipOf(t, withPart(xlsxParts([]string{cell}, 0, ""),
				zipPart{name: "xl/media/image1.png", raw: deflated(t, 1<<10), declared: maxPartBytes + 1})...)
		}, want: "read xl/media/image1.png: zip header declares 268435457 bytes decompressed, more than 268435456 (reader limit)", is: ErrLimit},
		{name: "parts declare more than the package limit", build: func(t testing.TB) []byte {
			parts := xlsxParts([]string{cell}, 0, "")
			for i := range 3 {
				parts = withPart(parts, zipPart{name: fmt.Sprintf("xl/media/image%d.png", i), raw: deflated(t, 1<<10), declared: 200 << 20})
			}
			return zipOf(t, parts...)
		}, want: "bytes decompressed in all, more than 536870912 (reader limit)", is: ErrLimit},
		{name: "sheet inflates past its declared size", build: func(t testing.TB) []byte {
			parts := xlsxParts([]string{cell}, 0, "")
			parts[2] = zipPart{name: parts[2].name, raw: deflated(t, 16<<20), declared: 1024}
			return zipOf(t, parts...)
		}, want: "read xl/worksheets/sheet1.xml: inflates to more than the 1024 bytes its zip header declares: zip: not a valid zip file", is: zip.ErrFormat},
		{name: "billion laughs in a sheet", build: func(t testing.TB) []byte {
			return xlsxOf(t, strings.Replace(sheetXML(`<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>`), "?>", "?>"+laughs(), 1))
		}, want: "read xl/worksheets/sheet1.xml: DTD declaration in an OOXML part"},
		{name: "dimension declares the whole grid", build: func(t testing.TB) []byte {
			return xlsxOf(t, strings.Replace(cell, "<sheetData>", `<dimension ref="A1:XFD1048576"/><sheetData>`, 1))
		}, check: func(t *testing.T, wb *Workbook) { oneSheet(t, wb, 1, 1) }},
		{name: "one cell at the grid's far corner", build: func(t testing.TB) []byte { return xlsxOf(t, farCorner) },
			check: func(t *testing.T, wb *Workbook) { oneSheet(t, wb, maxRows, maxColumns) }},
		// Two full-height sheets are 48 MiB of row headers by design, and
		// the heap may reach twice its live size before a collection.
		{name: "far corner on every sheet", build: func(t testing.TB) []byte { return xlsxOf(t, farCorner, farCorner, farCorner) },
			want: `sheet "S3": row 1048576: more than 2097152 rows in the workbook (reader limit)`, is: ErrLimit,
			maxPeak: 96 << 20, maxAlloc: 96 << 20},
		{name: "row past the grid", build: func(t testing.TB) []byte {
			return xlsxOf(t, sheetXML(`<sheetData><row r="1048577"><c r="A1048577"><v>1</v></c></row></sheetData>`))
		}, want: `sheet "S1": row 1048577: sheet taller than 1048576 rows (reader limit)`, is: ErrLimit},
		{name: "column past the grid", build: func(t testing.TB) []byte {
			return xlsxOf(t, sheetXML(`<sheetData><row r="1"><c r="XFE1"><v>1</v></c></row></sheetData>`))
		}, want: `sheet "S1": cell XFE1: row wider than 16384 columns (reader limit)`, is: ErrLimit},
		{name: "cells without references past the grid", build: func(t testing.TB) []byte {
			// Each <c/> moves along the row; the value after them would
			// pad the row out to its column, 2 million cells in.
			return xlsxOf(t, sheetXML(`<sheetData><row r="1">`+strings.Repeat(`<c/>`, 2_000_000)+`<c><v>1</v></c></row></sheetData>`))
		}, want: `sheet "S1": cell XFE1: row wider than 16384 columns (reader limit)`, is: ErrLimit},
		{name: "5,000 sheet parts", build: func(t testing.TB) []byte {
			sheets := make([]string, 5000)
			for i := range sheets {
				sheets[i] = cell
			}
			return xlsxOf(t, sheets...)
		}, want: "read xlsx: more than 1000 worksheet parts (reader limit)", is: ErrLimit},
		{name: "workbook lists 5,000 sheets", build: func(t testing.TB) []byte { return zipOf(t, xlsxParts([]string{cell}, 5000, "")...) },
			want: "read xlsx: more than 1000 sheets (reader limit)", is: ErrLimit},
		{name: "10,001 zip entries", build: func(t testing.TB) []byte {
			parts := xlsxParts([]string{cell}, 0, "")
			return zipOf(t, manyEntries(parts, maxZipEntries+1-len(parts))...)
		}, want: "more than 10000 zip entries (reader limit)", is: ErrLimit},
		{name: "100,000 zip entries", build: func(t testing.TB) []byte { return zipOf(t, manyEntries(xlsxParts([]string{cell}, 0, ""), 100_000)...) },
			want: "zip central directory larger than 4194304 bytes (reader limit)", is: ErrLimit},
		{name: "cell longer than 32,767 characters", build: func(t testing.TB) []byte {
			return xlsxOf(t, sheetXML(`<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>`+strings.Repeat("x", maxCellChars+1)+`</t></is></c></row></sheetData>`))
		}, want: `sheet "S1": cell A1: cell text longer than 32767 characters (reader limit)`, is: ErrLimit},
		// Empty cells are never materialised, so this reads as the empty
		// sheet it is.
		{name: "4,194,305 empty cell elements", build: func(t testing.TB) []byte { return xlsxOf(t, sheetXML(`<sheetData>`+manyCells.String()+`</sheetData>`)) },
			check: func(t *testing.T, wb *Workbook) { oneSheet(t, wb, 0, 0) }},
		// Rows out of order are an error as soon as they are seen, before
		// anything after them is read.
		{name: "rows out of order before 4,194,305 cell elements", build: func(t testing.TB) []byte {
			return xlsxOf(t, sheetXML(`<sheetData><row r="3"><c r="A3"><v>1</v></c></row><row r="2"><c r="A2"><v>1</v></c></row>`+
				manyCells.String()+`</sheetData>`))
		}, want: `sheet "S1": row 2 after row 3 (rows must ascend)`},
		// The text is refused once it is longer than any cell's could be
		// written, not held whole first.
		{name: "one text node of 32 MiB", build: func(t testing.TB) []byte {
			return xlsxOf(t, sheetXML(`<sheetData><row r="1"><c r="A1"><v>`+strings.Repeat("1", 32<<20)+`</v></c></row></sheetData>`))
		}, want: `sheet "S1": cell A1: cell text longer than 32767 characters (reader limit)`, is: ErrLimit,
			maxPeak: 4 << 20, maxAlloc: 4 << 20},
		{name: "cells far to the right", build: func(t testing.TB) []byte { return xlsxOf(t, sheetXML(`<sheetData>`+farRight.String()+`</sheetData>`)) },
			// Each 16,384-cell row is copied out at its length: ~0.26 MB
			// allocated for each, plus the row buffer's growth.
			want: `sheet "S1": cell A257: more than 4194304 cells in the workbook (reader limit)`, is: ErrLimit,
			maxPeak: limitFootprint, maxAlloc: 8 * maxCells * 16},
		{name: "shared strings declare more than their limit", build: func(t testing.TB) []byte {
			return zipOf(t, withSharedStrings(cell, zipPart{raw: deflated(t, 1<<10), declared: maxSharedStringsBytes + 1})...)
		}, want: "read xl/sharedStrings.xml: zip header declares 67108865 bytes decompressed, more than 67108864 for shared strings (reader limit)", is: ErrLimit},
		{name: "262,145 shared strings", build: func(t testing.TB) []byte {
			return zipOf(t, xlsxParts([]string{cell}, 0, strings.Repeat(`<si><t>x</t></si>`, maxSharedStrings+1))...)
		}, want: "read xl/sharedStrings.xml: more than 262144 shared strings (reader limit)", is: ErrLimit},
		// A reader that transcoded the body after the ASCII declaration
		// would count nothing before holding it all.
		{name: "UTF-16 shared strings", build: func(t testing.TB) []byte {
			var body []byte
			for _, u := range utf16.Encode([]rune(strings.Repeat(`<si><t>x</t></si>`, maxSharedStrings+1))) {
				body = append(body, byte(u), byte(u>>8))
			}
			return zipOf(t, withSharedStrings(cell, zipPart{body: `<?xml version="1.0" encoding="utf-16le"?>` + string(body)})...)
		}, want: "read xl/sharedStrings.xml: XML declaration with an encoding other than UTF-8 (only UTF-8 is read)"},
		{name: "shared string used past the text limit", build: func(t testing.TB) []byte {
			return zipOf(t, xlsxParts([]string{sheetXML(`<sheetData>` + sharedUses.String() + `</sheetData>`)}, 0,
				`<si><t>`+strings.Repeat("x", maxCellChars)+`</t></si>`)...)
		}, want: `sheet "S1": cell A129: more than 64 MiB of cell text in the workbook (reader limit)`, is: ErrLimit,
			maxPeak: limitFootprint, maxAlloc: limitFootprint},
	})
}

func TestHostileODS(t *testing.T) {
	mimetype := zipPart{name: "mimetype", body: odsSpreadsheetMT}
	content := func(tables string) zipPart { return zipPart{name: "content.xml", body: odsDoc(tables)} }
	table := func(rows string) zipPart { return content(`<table:table table:name="S">` + rows + `</table:table>`) }
	var sheets strings.Builder
	for i := 1; i <= 5000; i++ {
		fmt.Fprintf(&sheets, `<table:table table:name="S%d"><table:table-row>%s</table:table-row></table:table>`, i, odsCell("x"))
	}
	runHostile(t, []hostileCase{
		{name: "content.xml declares more than the part limit", build: func(t testing.TB) []byte {
			return zipOf(t, mimetype, zipPart{name: "content.xml", raw: deflated(t, 1<<10), declared: maxPartBytes + 1})
		}, want: "read content.xml: zip header declares 268435457 bytes decompressed, more than 268435456 (reader limit)", is: ErrLimit},
		{name: "content.xml inflates past its declared size", build: func(t testing.TB) []byte {
			return zipOf(t, mimetype, zipPart{name: "content.xml", raw: deflated(t, 16<<20), declared: 1024})
		}, want: "read content.xml: inflates to more than the 1024 bytes its zip header declares: zip: not a valid zip file", is: zip.ErrFormat},
		{name: "billion laughs", build: func(t testing.TB) []byte {
			p := table(`<table:table-row>` + odsCell("&lol9;") + `</table:table-row>`)
			p.body = strings.Replace(p.body, "?>", "?>"+laughs(), 1)
			return zipOf(t, mimetype, p)
		}, want: `read content.xml: sheet "S": cell A1: XML syntax error on line 10: invalid character entity &lol9;`},
		{name: "whole grid of empty cells", build: func(t testing.TB) []byte {
			return zipOf(t, mimetype, table(`<table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>`))
		}, check: func(t *testing.T, wb *Workbook) { oneSheet(t, wb, 0, 0) }},
		{name: "5,000 sheets", build: func(t testing.TB) []byte { return zipOf(t, mimetype, content(sheets.String())) },
			want: `read content.xml: sheet "S1001": more than 1000 sheets (reader limit)`, is: ErrLimit},
		{name: "10,001 zip entries", build: func(t testing.TB) []byte {
			return zipOf(t, manyEntries([]zipPart{mimetype, table("")}, maxZipEntries-1)...)
		}, want: "more than 10000 zip entries (reader limit)", is: ErrLimit},
		{name: "cell longer than 32,767 characters", build: func(t testing.TB) []byte {
			return zipOf(t, mimetype, table(`<table:table-row>`+odsCell(strings.Repeat("x", maxCellChars+1))+`</table:table-row>`))
		}, want: `read content.xml: sheet "S": cell A1: cell text longer than 32767 characters (reader limit)`, is: ErrLimit},
		{name: "repeats make too many cells", build: func(t testing.TB) []byte {
			return zipOf(t, mimetype, table(`<table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>`))
		}, want: `read content.xml: sheet "S": row 1: more than 4194304 cells in the workbook (reader limit)`, is: ErrLimit},
		{name: "repeats make too much text", build: func(t testing.TB) []byte {
			return zipOf(t, mimetype, table(`<table:table-row><table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>`+
				strings.Repeat("x", maxCellChars)+`</text:p></table:table-cell></table:table-row>`))
		}, want: `read content.xml: sheet "S": cell A1: more than 64 MiB of cell text in the workbook (reader limit)`, is: ErrLimit},
		{name: "sheet taller than the grid", build: func(t testing.TB) []byte {
			return zipOf(t, mimetype, table(`<table:table-row table:number-rows-repeated="1048577">`+odsCell("x")+`</table:table-row>`))
		}, want: `read content.xml: sheet "S": row 1: sheet taller than 1048576 rows (reader limit)`, is: ErrLimit},
		{name: "a tag longer than 1 MiB", build: func(t testing.TB) []byte {
			return zipOf(t, mimetype, table(`<table:table-row><table:table-cell table:style-name="`+strings.Repeat("x", 2<<20)+`"/></table:table-row>`))
		}, want: "XML markup longer than 1048576 bytes (reader limit)", is: ErrLimit},
		{name: "elements nested 70,000 deep", build: func(t testing.TB) []byte {
			return zipOf(t, mimetype, table(`<table:table-row><table:table-cell office:value-type="string"><text:p>`+
				strings.Repeat("<text:span>", 70_000)+strings.Repeat("</text:span>", 70_000)+`</text:p></table:table-cell></table:table-row>`))
		}, want: "XML elements nested deeper than 65536 (reader limit)", is: ErrLimit},
	})
}

func TestHostileXLS(t *testing.T) {
	label := biffLabelRec(0, 0, "x")
	var farRight [][]byte
	for r := range maxCells/maxColumns + 1 {
		farRight = append(farRight, biffLabelRec(uint16(r), maxColumns-1, "x"))
	}
	xls := func(b []byte) func(testing.TB) []byte { return func(testing.TB) []byte { return cfbFile(b, 0, false) } }
	runHostile(t, []hostileCase{
		{name: "file larger than the file limit", build: xls(biffBook(1, label)), size: maxFileBytes + 1,
			want: "open workbook hostile: file is 268435457 bytes, more than 268435456 (reader limit)", is: ErrLimit},
		{name: "sector chain loops", build: func(testing.TB) []byte { return cfbFile(biffBook(1, label), 0, true) },
			want: "compound file sector chains read more than twice the file's 5632 bytes (reader limit)", is: ErrLimit},
		{name: "stream declares 4 GiB", build: func(testing.TB) []byte { return cfbFile(biffBook(1, label), 0xFFFFFF00, false) },
			want: "cannot decode BIFF8 workbook: its stream declares 4294967040 bytes in a 5632-byte file"},
		{name: "5,000 sheets", build: xls(biffBook(5000, label)), want: "read xls: more than 1000 sheets (reader limit)", is: ErrLimit},
		{name: "sheets sharing 65,536-cell records", build: xls(biffBook(65, biffRec(biffMulBlank, u16(0), u16(0), u16(0), u16(0xFFFF)))),
			want: "read xls: more than 4194304 cells in the workbook (reader limit)", is: ErrLimit},
		{name: "cell past the grid's columns", build: xls(biffBook(1, biffLabelRec(0, maxColumns, "x"))),
			want: `sheet "S0": cell XFE1: row wider than 16384 columns (reader limit)`, is: ErrLimit},
		{name: "dimension declares the whole grid", build: xls(biffBook(1, biffRec(0x0200, u32(0), u32(0xFFFFFFFF), u16(0), u16(0xFFFF), u16(0)), label)),
			check: func(t *testing.T, wb *Workbook) { oneSheet(t, wb, 1, 1) }},
		{name: "cells far to the right", build: xls(biffBook(1, farRight...)),
			// The library grows each row's cells by append too: ~1.5 MB
			// allocated for each 16,384-cell row.
			want: `sheet "S0": cell A257: more than 4194304 cells in the workbook (reader limit)`, is: ErrLimit,
			maxPeak: limitFootprint, maxAlloc: 8 * maxCells * 16},
	})
}
