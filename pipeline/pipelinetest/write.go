package pipelinetest

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"hash/crc32"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/mappa-etl/mappa/sources/sheet"
)

// The writers below put a hand-built *sheet.Workbook into a real file, so a
// test can send its own table through the real readers (sheet.Open). Only
// cell texts and sheet names, in order, are written: no styles or merges.
// A cell whose text matches plainNumber ("1596", "-3", "125.2") is written
// as a number, any other non-empty text as a string ("1,596", "[c]", "-",
// "1e5"), and "" as an empty cell. The readers give a number back as the
// text it was written with, so the rows read back are those written, less
// the empty cells that end a row and the empty rows that end a sheet.
var plainNumber = regexp.MustCompile(`^-?\d+(\.\d+)?$`)

// WriteWorkbook writes wb to dir/base.<format>, format being "xlsx" or
// "ods" (sheet.FormatXLSX, sheet.FormatODS), and returns the path.
func WriteWorkbook(tb testing.TB, dir, base string, format string, wb *sheet.Workbook) string {
	tb.Helper()
	path := filepath.Join(dir, base+"."+format)
	switch sheet.Format(format) {
	case sheet.FormatXLSX:
		WriteXLSX(tb, path, wb)
	case sheet.FormatODS:
		WriteODS(tb, path, wb)
	default:
		tb.Fatalf("WriteWorkbook %s: format %q, want %q or %q", path, format, sheet.FormatXLSX, sheet.FormatODS)
	}
	return path
}

// WriteXLSX writes wb to path as an XLSX workbook, with excelize. Numbers
// are written as <v> holding the text as it is; strings go to the shared
// strings table. Excel limits apply: at least one sheet, names of at most
// 31 characters without []:*?/\ (excelize fails the test otherwise).
func WriteXLSX(tb testing.TB, path string, wb *sheet.Workbook) {
	tb.Helper()
	if len(wb.Sheets) == 0 {
		tb.Fatalf("WriteXLSX %s: an XLSX workbook needs at least one sheet", path)
	}
	f := excelize.NewFile()
	defer f.Close()
	for i, sh := range wb.Sheets {
		var err error
		if i == 0 {
			// NewFile starts with "Sheet1": it becomes the first sheet.
			err = f.SetSheetName(f.GetSheetName(0), sh.Name)
		} else {
			_, err = f.NewSheet(sh.Name)
		}
		if err != nil {
			tb.Fatalf("WriteXLSX %s: sheet %q: %v", path, sh.Name, err)
		}
		for r, row := range sh.Rows {
			for c, v := range row {
				cell := sheet.CellName(r, c)
				switch {
				case v == "":
				case plainNumber.MatchString(v):
					// The text unchanged as the <v> of a numeric cell;
					// SetCellValue would reformat a float.
					err = f.SetCellDefault(sh.Name, cell, v)
				default:
					err = f.SetCellStr(sh.Name, cell, v)
				}
				if err != nil {
					tb.Fatalf("WriteXLSX %s: sheet %q, cell %s: %v", path, sh.Name, cell, err)
				}
			}
		}
	}
	if err := f.SaveAs(path); err != nil {
		tb.Fatalf("WriteXLSX %s: %v", path, err)
	}
}

// WriteODS writes wb to path as an OpenDocument spreadsheet. It is
// hand-written, package and content.xml, because no maintained Go library
// writes ODS, and LibreOffice (which could convert an XLSX) is not there
// when the tests run. Numbers are office:value-type "float", the text as
// office:value and paragraph; the lines of a text are paragraphs (the
// reader joins them with "\n"); spaces the ODF white-space rules would
// drop or collapse are text:s, tabs text:tab. A "\r" has no ODF form and
// reads back as white space.
func WriteODS(tb testing.TB, path string, wb *sheet.Workbook) {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	// mimetype first, stored, sizes in its local header (CreateRaw writes
	// no data descriptor): how an OpenDocument package is recognised.
	mt := []byte(sheet.FormatODS.MediaType())
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "mimetype", Method: zip.Store, CRC32: crc32.ChecksumIEEE(mt),
		CompressedSize64: uint64(len(mt)), UncompressedSize64: uint64(len(mt))})
	if err == nil {
		_, err = w.Write(mt)
	}
	for _, part := range []struct{ name, body string }{
		{"META-INF/manifest.xml", odsManifest},
		{"content.xml", odsContent(wb)},
	} {
		if err == nil {
			w, err = zw.Create(part.name)
		}
		if err == nil {
			_, err = w.Write([]byte(part.body))
		}
	}
	if err == nil {
		err = zw.Close()
	}
	if err == nil {
		err = os.WriteFile(path, buf.Bytes(), 0o644)
	}
	if err != nil {
		tb.Fatalf("WriteODS %s: %v", path, err)
	}
}

const odsManifest = xml.Header + `<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
`

// odsContent renders content.xml. As the ODF schema asks, each table
// declares its columns and has a row, and each row has a cell, empty if
// need be. Empty cells are written one by one: these tables are small.
func odsContent(wb *sheet.Workbook) string {
	var b strings.Builder
	b.WriteString(xml.Header + `<office:document-content` +
		` xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"` +
		` xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"` +
		` xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"` +
		` office:version="1.3"><office:body><office:spreadsheet>`)
	for _, sh := range wb.Sheets {
		b.WriteString(`<table:table table:name="` + odsEscape(sh.Name) + `">`)
		b.WriteString(`<table:table-column table:number-columns-repeated="` + strconv.Itoa(max(sh.Width(), 1)) + `"/>`)
		rows := sh.Rows
		if len(rows) == 0 {
			rows = [][]string{nil}
		}
		for _, row := range rows {
			if len(row) == 0 {
				row = []string{""}
			}
			b.WriteString(`<table:table-row>`)
			for _, v := range row {
				switch {
				case v == "":
					b.WriteString(`<table:table-cell/>`)
				case plainNumber.MatchString(v):
					b.WriteString(`<table:table-cell office:value-type="float" office:value="` + v + `"><text:p>` + v + `</text:p></table:table-cell>`)
				default:
					b.WriteString(`<table:table-cell office:value-type="string">`)
					for _, line := range strings.Split(v, "\n") {
						b.WriteString(`<text:p>` + odsLine(line) + `</text:p>`)
					}
					b.WriteString(`</table:table-cell>`)
				}
			}
			b.WriteString(`</table:table-row>`)
		}
		b.WriteString(`</table:table>`)
	}
	b.WriteString(`</office:spreadsheet></office:body></office:document-content>`)
	return b.String()
}

// odsLine renders a line as paragraph content, XML-escaped. Of a run of
// spaces, ODF keeps one literal space unless the run opens the paragraph:
// the others are written as one text:s.
func odsLine(line string) string {
	var b strings.Builder
	for i := 0; i < len(line); {
		switch n := len(line[i:]) - len(strings.TrimLeft(line[i:], " ")); {
		case n > 0:
			i += n
			if i > n { // not at the start; a text:tab before counts too
				b.WriteByte(' ')
				n--
			}
			if n > 0 {
				b.WriteString(`<text:s text:c="` + strconv.Itoa(n) + `"/>`)
			}
		case line[i] == '\t':
			b.WriteString(`<text:tab/>`)
			i++
		default:
			j := strings.IndexAny(line[i:], " \t")
			if j < 0 {
				j = len(line) - i
			}
			b.WriteString(odsEscape(line[i : i+j]))
			i += j
		}
	}
	return b.String()
}

// odsEscape escapes text for XML character data or a quoted attribute.
func odsEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder does not fail
	return b.String()
}
