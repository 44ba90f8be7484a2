package pipelinetest

import (
	"archive/zip"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/mappa-etl/mappa/sources/sheet"
)

// writeTestWorkbook has what the published tables hold and what a writer
// could get wrong: numbers with and without decimals next to "1,596"-style
// text and markers, gaps inside rows, an empty row inside the sheet,
// trailing empty cells and rows, a multi-line header, XML specials,
// non-ASCII text and white space ODF would collapse.
func writeTestWorkbook() *sheet.Workbook {
	return &sheet.Workbook{Name: "test", Sheets: []*sheet.Sheet{
		{Name: "Table 1 – <A&B>", Rows: [][]string{
			{"Area", "Number of\nMAPPA-eligible offenders", "Rate per 100,000 ²", ""},
			{"North East", "1596", "125.2", "[c]"},
			{"Wales", "1,596", "", "-"},
			{},
			{"", "", "7"},
			{"Notes: <&>\"'", "", "", "", ""},
			{"", ""},
			nil,
		}},
		{Name: "Sheet 2", Rows: [][]string{
			{"-3", "0", "-0.5", "125.20", "007", "1e5", "12%"},
			{"  two leading", "a  b", "tab\there", "trailing ", "x\n\ny\n", " \t x"},
			{"café", "–", "²", "\u00a0nbsp"},
		}},
	}}
}

// wantRead is what the readers give back for rows: each row without its
// trailing empty cells (nil if none is left), and the sheet without its
// trailing empty rows.
func wantRead(rows [][]string) [][]string {
	var out [][]string
	for _, row := range rows {
		n := len(row)
		for n > 0 && row[n-1] == "" {
			n--
		}
		var r []string
		if n > 0 {
			r = append(r, row[:n]...)
		}
		out = append(out, r)
	}
	for len(out) > 0 && out[len(out)-1] == nil {
		out = out[:len(out)-1]
	}
	return out
}

func TestWriteWorkbookRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		format string
		want   sheet.Format
	}{
		{"xlsx", sheet.FormatXLSX},
		{"ods", sheet.FormatODS},
	} {
		t.Run(tc.format, func(t *testing.T) {
			wb := writeTestWorkbook()
			path := WriteWorkbook(t, t.TempDir(), "round", tc.format, wb)
			if filepath.Base(path) != "round."+tc.format {
				t.Errorf("path %s, want round.%s", path, tc.format)
			}
			got, err := sheet.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got.Format != tc.want || got.Name != filepath.Base(path) {
				t.Errorf("read back as %q %s, want %q %s", got.Name, got.Format, filepath.Base(path), tc.want)
			}
			if len(got.Sheets) != len(wb.Sheets) {
				t.Fatalf("%d sheets read back, want %d", len(got.Sheets), len(wb.Sheets))
			}
			for i, sh := range wb.Sheets {
				g := got.Sheets[i]
				if g.Name != sh.Name {
					t.Errorf("sheet %d named %q, want %q", i, g.Name, sh.Name)
				}
				if want := wantRead(sh.Rows); !reflect.DeepEqual(g.Rows, want) {
					t.Errorf("sheet %q rows:\n got %q\nwant %q", sh.Name, g.Rows, want)
				}
			}
		})
	}
}

// TestWriteNumberCells checks that plain numbers are numeric cells in the
// file, not strings that merely read back alike.
func TestWriteNumberCells(t *testing.T) {
	wb := &sheet.Workbook{Sheets: []*sheet.Sheet{{Name: "S", Rows: [][]string{{"1596", "125.2", "1,596", "[c]"}}}}}
	dir := t.TempDir()

	f, err := excelize.OpenFile(WriteWorkbook(t, dir, "n", "xlsx", wb))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i, want := range []excelize.CellType{excelize.CellTypeUnset, excelize.CellTypeUnset, excelize.CellTypeSharedString, excelize.CellTypeSharedString} {
		// excelize reports a numeric cell, which has no t attribute, as unset.
		if typ, err := f.GetCellType("S", sheet.CellName(0, i)); err != nil || typ != want {
			t.Errorf("xlsx cell %s: type %v, %v; want %v", sheet.CellName(0, i), typ, err, want)
		}
	}

	zr, err := zip.OpenReader(WriteWorkbook(t, dir, "n", "ods", wb))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	if zr.File[0].Name != "mimetype" || zr.File[0].Method != zip.Store {
		t.Errorf("first ODS entry %q, method %d; want mimetype, stored", zr.File[0].Name, zr.File[0].Method)
	}
	content := readZipPart(t, zr, "content.xml")
	for _, want := range []string{
		`office:value-type="float" office:value="1596"><text:p>1596</text:p>`,
		`office:value-type="float" office:value="125.2"><text:p>125.2</text:p>`,
		`office:value-type="string"><text:p>1,596</text:p>`,
		`office:value-type="string"><text:p>[c]</text:p>`,
	} {
		if !strings.Contains(content, want) {
			t.Errorf("content.xml lacks %s:\n%s", want, content)
		}
	}
}

func readZipPart(t *testing.T, zr *zip.ReadCloser, name string) string {
	t.Helper()
	rc, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestWriteWorkbookSniff(t *testing.T) {
	dir := t.TempDir()
	for _, format := range []sheet.Format{sheet.FormatXLSX, sheet.FormatODS} {
		f, err := os.Open(WriteWorkbook(t, dir, "sniff", string(format), writeTestWorkbook()))
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.Stat()
		if err == nil {
			var got sheet.Format
			got, err = sheet.Sniff(f, st.Size())
			if got != format {
				t.Errorf("Sniff(%s) = %q, %v", f.Name(), got, err)
			}
		}
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
}
