package sheet

import (
	"archive/zip"
	"bytes"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"
)

// fuzzReadTimeout bounds one read of a fuzz input. The published files read
// in well under a second, so an input that takes this long has found a
// hang (or a quadratic path) rather than a big workbook.
const fuzzReadTimeout = 10 * time.Second

// publishedFiles returns the bytes of every testdata/published file whose
// name matches glob, keyed by base name; the fixtures are the seed corpus of
// the reader fuzz targets.
func publishedFiles(tb testing.TB, glob string) map[string][]byte {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "..", "testdata", "published", glob))
	if err != nil {
		tb.Fatal(err)
	}
	if len(paths) == 0 {
		tb.Fatalf("no testdata/published/%s", glob)
	}
	files := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		files[filepath.Base(p)] = b
	}
	return files
}

// seedMutations returns small breakages of a seed file that a download can
// produce: cut short (half, and all but the last byte) and one byte flipped
// in the middle.
func seedMutations(b []byte) [][]byte {
	if len(b) < 2 {
		return nil
	}
	flipped := bytes.Clone(b)
	flipped[len(b)/2] ^= 0xFF
	return [][]byte{b[:len(b)/2], b[:len(b)-1], flipped}
}

// readerOutcome is what one ReadSheets call did.
type readerOutcome struct {
	sheets []*Sheet
	err    error
	panic  any
	stack  []byte
}

// fuzzRead runs rd on data in its own goroutine and fails the test when the
// reader panics or does not return within fuzzReadTimeout; otherwise it
// returns the sheets and error. A reader must turn every malformed input
// into an error: a bad download may fail one file, never the process.
func fuzzRead(t *testing.T, rd Reader, data []byte, keep ...SheetFilter) ([]*Sheet, error) {
	t.Helper()
	done := make(chan readerOutcome, 1)
	go func() {
		var out readerOutcome
		defer func() {
			if p := recover(); p != nil {
				out.panic, out.stack = p, debug.Stack()
			}
			done <- out
		}()
		var k SheetFilter
		if len(keep) > 0 {
			k = keep[0]
		}
		out.sheets, out.err = rd.ReadSheets(bytes.NewReader(data), int64(len(data)), k)
	}()
	timer := time.NewTimer(fuzzReadTimeout)
	defer timer.Stop()
	select {
	case out := <-done:
		if out.panic != nil {
			t.Fatalf("%T.ReadSheets panicked on %d bytes: %v\n%s", rd, len(data), out.panic, out.stack)
		}
		return out.sheets, out.err
	case <-timer.C:
		t.Fatalf("%T.ReadSheets did not return within %v on %d bytes", rd, fuzzReadTimeout, len(data))
	}
	return nil, nil
}

// The grid of a worksheet in Excel, columns A to XFD and 1,048,576 rows,
// which every reader caps sheets to. They are spelt out here rather than
// taken from the readers, so that the property does not move with them.
const (
	gridMaxColumns = 16384
	gridMaxRows    = 1 << 20
)

// checkSheetBounds fails the test when a successful read breaks the
// limits every reader promises: no row wider than gridMaxColumns, no sheet
// taller than gridMaxRows.
func checkSheetBounds(t *testing.T, sheets []*Sheet) {
	t.Helper()
	for _, s := range sheets {
		if s == nil {
			t.Fatal("nil sheet in a successful read")
		}
		if len(s.Rows) > gridMaxRows {
			t.Fatalf("sheet %q has %d rows, over the limit of %d", s.Name, len(s.Rows), gridMaxRows)
		}
		for r, row := range s.Rows {
			if len(row) > gridMaxColumns {
				t.Fatalf("sheet %q row %d has %d columns, over the limit of %d", s.Name, r+1, len(row), gridMaxColumns)
			}
		}
	}
}

// FuzzXLSXReader checks that the XLSX reader never panics or hangs on
// arbitrary bytes, returns sheets or an error, and that every row of a
// successful read is at most 16384 cells wide (gridMaxColumns).
//
// Each input is read twice: as a whole package, and as the XML of the only
// worksheet of a fresh stored package whose shared strings are the second
// argument. Mutating a package in place mostly breaks the zip checksums, so
// the second form is what lets the fuzzer reach the sheet and shared
// strings parsing with documents that can succeed. Seeds are every
// testdata/published/*.xlsx (the population workbooks with their sheets
// cut to 40 rows), truncated and byte-flipped copies of them, and the
// worksheet and shared-strings parts of the area tables.
func FuzzXLSXReader(f *testing.F) {
	files := publishedFiles(f, "*.xlsx")
	for _, name := range slices.Sorted(maps.Keys(files)) {
		pkg := files[name]
		if len(pkg) > 128<<10 {
			// A population workbook takes a quarter of a second to read
			// (more under coverage instrumentation), and the fuzzer
			// minimises every interesting input: seeded whole, it spends
			// the run minimising. Its sheets cut to their first rows keep
			// its structure at a twentieth of the cost.
			pkg = xlsxShrunk(f, pkg, 40)
		}
		f.Add(pkg, []byte(nil))
		for _, m := range seedMutations(pkg) {
			f.Add(m, []byte(nil))
		}
		parts := zipParts(pkg)
		for _, part := range slices.Sorted(maps.Keys(parts)) {
			sheet := parts[part]
			// The population workbooks' sheets are most of a megabyte
			// each: as seeds they would only slow every mutation down.
			if strings.HasPrefix(part, "xl/worksheets/sheet") && len(sheet) <= 64<<10 {
				f.Add(sheet, parts["xl/sharedStrings.xml"])
			}
		}
	}
	f.Add([]byte(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`+
		`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="XFD1"><v>1.5</v></c></row>`+
		`<row r="3"><c r="B3" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>`),
		[]byte(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Area</t></si></sst>`))
	f.Fuzz(func(t *testing.T, data, shared []byte) {
		for _, pkg := range [][]byte{data, xlsxStoredPackage(t, data, shared)} {
			sheets, err := fuzzRead(t, xlsxReader{}, pkg)
			if err != nil {
				continue
			}
			checkSheetBounds(t, sheets)
		}
	})
}

// xlsxStoredPackage wraps a worksheet (and shared strings, when given) into
// the smallest package Excel and excelize open, stored rather than deflated so that
// building it costs little more than a copy.
func xlsxStoredPackage(t *testing.T, sheet, shared []byte) []byte {
	const (
		main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
		rels = "http://schemas.openxmlformats.org/package/2006/relationships"
		docr = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	)
	parts := []zipPart{
		{name: "[Content_Types].xml", stored: true, body: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
			`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>` +
			`</Types>`},
		{name: "_rels/.rels", stored: true, body: `<Relationships xmlns="` + rels + `">` +
			`<Relationship Id="rId1" Type="` + docr + `/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{name: "xl/workbook.xml", stored: true, body: `<workbook xmlns="` + main + `" xmlns:r="` + docr + `">` +
			`<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{name: "xl/_rels/workbook.xml.rels", stored: true, body: `<Relationships xmlns="` + rels + `">` +
			`<Relationship Id="rId1" Type="` + docr + `/worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="` + docr + `/sharedStrings" Target="sharedStrings.xml"/></Relationships>`},
		{name: "xl/worksheets/sheet1.xml", stored: true, body: string(sheet)},
	}
	if len(shared) > 0 {
		parts = append(parts, zipPart{name: "xl/sharedStrings.xml", stored: true, body: string(shared)})
	}
	return zipOf(t, parts...)
}

// zipParts returns the decompressed parts of a zip package by name, or nil
// when it is not one.
func zipParts(pkg []byte) map[string][]byte {
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		return nil
	}
	parts := map[string][]byte{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			continue
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err == nil {
			parts[zf.Name] = b
		}
	}
	return parts
}

// xlsxShrunk rewrites an XLSX package with every worksheet cut to its first
// rows and all other parts unchanged.
func xlsxShrunk(tb testing.TB, pkg []byte, rows int) []byte {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			tb.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			tb.Fatal(err)
		}
		if strings.HasPrefix(zf.Name, "xl/worksheets/sheet") {
			b = cutSheetData(b, rows)
		}
		w, err := zw.Create(zf.Name)
		if err == nil {
			_, err = w.Write(b)
		}
		if err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// cutSheetData drops the rows of worksheet XML after the first n, keeping
// what follows </sheetData> (merged cells and the like).
func cutSheetData(sheet []byte, n int) []byte {
	end := bytes.Index(sheet, []byte("</sheetData>"))
	if end < 0 {
		return sheet
	}
	at := 0
	for i := 0; i < n; i++ {
		j := bytes.Index(sheet[at:end], []byte("</row>"))
		if j < 0 {
			return sheet
		}
		at += j + len("</row>")
	}
	return append(bytes.Clone(sheet[:at]), sheet[end:]...)
}
