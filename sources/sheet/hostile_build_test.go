package sheet

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
)

// paddedReaderAt reads as data followed by zeros, to pass for a file far
// larger than the test allocates.
type paddedReaderAt []byte

func (p paddedReaderAt) ReadAt(b []byte, off int64) (int, error) {
	clear(b)
	if off < int64(len(p)) {
		copy(b, p[off:])
	}
	return len(b), nil
}

// zipPart is one entry of a test package: body deflated by the writer (or
// stored, if stored), or raw, already deflated, written with the declared
// size given.
type zipPart struct {
	name     string
	body     string
	stored   bool
	raw      []byte
	declared uint64
}

// zipOf is a zip package of parts, in order.
func zipOf(t testing.TB, parts ...zipPart) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		var w io.Writer
		var err error
		method := zip.Deflate
		if p.stored {
			method = zip.Store
		}
		if p.raw != nil {
			w, err = zw.CreateRaw(&zip.FileHeader{Name: p.name, Method: zip.Deflate,
				CompressedSize64: uint64(len(p.raw)), UncompressedSize64: p.declared})
			if err == nil {
				_, err = w.Write(p.raw)
			}
		} else if w, err = zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: method}); err == nil {
			_, err = io.WriteString(w, p.body)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// deflated returns real bytes of zeros, deflated: a bomb that is small on
// disk and large once inflated.
func deflated(t testing.TB, real int64) []byte {
	pkg := lyingZip(t, "x", 0, real)
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.File[0].OpenRaw()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	return b
}

const ssml = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`

// sheetXML is a worksheet document around inner (sheetData and the like).
func sheetXML(inner string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><worksheet ` + ssml + `>` + inner + `</worksheet>`
}

// xlsxParts are the parts of a workbook with one sheet per document, and
// listed more sheet entries in the workbook pointing at the first part.
func xlsxParts(sheets []string, listed int, sst string) []zipPart {
	const rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	var wb, rels strings.Builder
	parts := []zipPart{
		{name: "[Content_Types].xml", body: `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`},
		{name: "_rels/.rels", body: `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + rel + `/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
	}
	for i := range max(len(sheets), listed) {
		fmt.Fprintf(&wb, `<sheet name="S%d" sheetId="%d" r:id="rId%d"/>`, i+1, i+1, min(i, len(sheets)-1)+1)
	}
	for i, doc := range sheets {
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="%s/worksheet" Target="worksheets/sheet%d.xml"/>`, i+1, rel, i+1)
		parts = append(parts, zipPart{name: fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1), body: doc})
	}
	if sst != "" {
		fmt.Fprintf(&rels, `<Relationship Id="rIdS" Type="%s/sharedStrings" Target="sharedStrings.xml"/>`, rel)
		parts = append(parts, zipPart{name: "xl/sharedStrings.xml", body: `<sst ` + ssml + `>` + sst + `</sst>`})
	}
	return append(parts,
		zipPart{name: "xl/workbook.xml", body: `<workbook ` + ssml + ` xmlns:r="` + rel + `"><sheets>` + wb.String() + `</sheets></workbook>`},
		zipPart{name: "xl/_rels/workbook.xml.rels", body: `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + rels.String() + `</Relationships>`})
}

func xlsxOf(t testing.TB, sheets ...string) []byte {
	return zipOf(t, xlsxParts(sheets, 0, "")...)
}

// withSharedStrings is the parts of a workbook of one sheet whose shared
// strings part, related from the workbook, is sst (named here).
func withSharedStrings(sheet string, sst zipPart) []zipPart {
	parts := xlsxParts([]string{sheet}, 0, "<si/>")
	for i := range parts {
		if parts[i].name == "xl/sharedStrings.xml" {
			sst.name = parts[i].name
			parts[i] = sst
		}
	}
	return parts
}

// withPart is pkg's parts plus one.
func withPart(parts []zipPart, p zipPart) []zipPart {
	return append(parts[:len(parts):len(parts)], p)
}

// laughs is a billion-laughs DTD: lol9 would expand to 10⁹ "lol"s.
func laughs() string {
	s := `<!DOCTYPE lolz [<!ENTITY lol0 "lol">`
	for i := 1; i <= 9; i++ {
		s += fmt.Sprintf(`<!ENTITY lol%d "%s">`, i, strings.Repeat(fmt.Sprintf("&lol%d;", i-1), 10))
	}
	return s + `]>`
}

// manyEntries is n empty parts, never read: enough to pass a count.
func manyEntries(parts []zipPart, n int) []zipPart {
	parts = slices.Clone(parts)
	for i := range n {
		parts = append(parts, zipPart{name: fmt.Sprintf("x/%d", i), raw: []byte{}})
	}
	return parts
}

// oneSheet fails unless wb is one sheet of rows × width cells.
func oneSheet(t *testing.T, wb *Workbook, rows, width int) {
	t.Helper()
	if len(wb.Sheets) != 1 {
		t.Fatalf("got %d sheets, want 1", len(wb.Sheets))
	}
	if sh := wb.Sheets[0]; len(sh.Rows) != rows || sh.Width() != width {
		t.Fatalf("got %d rows × %d, want %d × %d", len(sh.Rows), sh.Width(), rows, width)
	}
}
