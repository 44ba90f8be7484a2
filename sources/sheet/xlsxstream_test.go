package sheet

import (
	"bytes"
	"crypto/sha256"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// readBothXLSX reads data through the reader (xlsxReader, limits and
// all) and through excelize, the oracle.
func readBothXLSX(t *testing.T, data []byte, keep SheetFilter) (got, want []*Sheet, gotErr, wantErr error) {
	t.Helper()
	got, gotErr = xlsxReader{}.ReadSheets(bytes.NewReader(data), int64(len(data)), keep)
	want, wantErr = readExcelize(data, keep)
	return got, want, gotErr, wantErr
}

// readExcelize reads a workbook as excelize's Rows and Columns give it
// with RawCellValue (the stored number, never a display format), shaped as
// a Sheet is (empty rows nil, trailing empty rows dropped) by code of its
// own: sharing the reader's would let a bug there pass in both.
func readExcelize(data []byte, keep SheetFilter) ([]*Sheet, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var sheets []*Sheet
	for _, name := range f.GetSheetList() {
		if !keep.wants(name) {
			sheets = append(sheets, &Sheet{Name: name, Skipped: true})
			continue
		}
		rows, err := f.Rows(name)
		if err != nil {
			return nil, err
		}
		sh := &Sheet{Name: name}
		for rows.Next() {
			cols, err := rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				rows.Close()
				return nil, err
			}
			var row []string
			for _, c := range cols {
				if c != "" {
					row = slices.Clone(cols) // kept whole: empty cells between values stay
					break
				}
			}
			sh.Rows = append(sh.Rows, row)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Error(); err != nil {
			return nil, err
		}
		for len(sh.Rows) > 0 && sh.Rows[len(sh.Rows)-1] == nil {
			sh.Rows = sh.Rows[:len(sh.Rows)-1]
		}
		sheets = append(sheets, sh)
	}
	return sheets, nil
}

func sameSheets(t *testing.T, got, want []*Sheet) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d sheets, excelize %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Name != w.Name || g.Skipped != w.Skipped {
			t.Fatalf("sheet %d = %q skipped %v, excelize %q skipped %v", i, g.Name, g.Skipped, w.Name, w.Skipped)
		}
		if len(g.Rows) != len(w.Rows) {
			t.Errorf("sheet %q: %d rows, excelize %d", g.Name, len(g.Rows), len(w.Rows))
			continue
		}
		for r := range w.Rows {
			if !reflect.DeepEqual(g.Rows[r], w.Rows[r]) {
				t.Errorf("sheet %q row %d:\n got %q\nwant %q", g.Name, r+1, g.Rows[r], w.Rows[r])
			}
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("sheets differ from excelize's")
	}
}

// xlsxFixtures returns every XLSX file under testdata by path, each
// content once (the archive holds copies of the published files, whose
// names are kept).
func xlsxFixtures(t *testing.T) map[string][]byte {
	t.Helper()
	files, seen := map[string][]byte{}, map[[32]byte]string{}
	err := filepath.WalkDir(filepath.Join("..", "..", "testdata"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.EqualFold(filepath.Ext(path), ".xlsx") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		if old, ok := seen[sum]; ok {
			if !strings.Contains(path, "published") {
				return nil
			}
			delete(files, old)
		}
		seen[sum], files[path] = path, data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 12 {
		t.Fatalf("%d XLSX fixtures, want the 12 published at least", len(files))
	}
	return files
}

// TestXLSXStreamFixtures compares the reader with excelize on every XLSX
// fixture, with and without a sheet filter.
func TestXLSXStreamFixtures(t *testing.T) {
	for path, data := range xlsxFixtures(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			got, want, gotErr, wantErr := readBothXLSX(t, data, nil)
			if gotErr != nil || wantErr != nil {
				t.Fatalf("errors: reader %v, excelize %v", gotErr, wantErr)
			}
			sameSheets(t, got, want)
			n := 0
			for _, sh := range got {
				for _, row := range sh.Rows {
					n += len(row)
				}
			}
			if n == 0 {
				t.Fatal("no cells read")
			}
			t.Logf("%d sheets, %d cells", len(got), n)
			// Every other sheet.
			keep := map[string]bool{}
			for i, sh := range want {
				keep[sh.Name] = i%2 == 1
			}
			only := func(name string) bool { return keep[name] }
			got, want, gotErr, wantErr = readBothXLSX(t, data, only)
			if gotErr != nil || wantErr != nil {
				t.Fatalf("filtered errors: reader %v, excelize %v", gotErr, wantErr)
			}
			sameSheets(t, got, want)
		})
	}
}

// handMadeXLSX is a workbook excelize writes, with every kind of cell it
// writes: shared strings, rich text, numbers, booleans, formulas (without
// cached values: excelize writes none), a date, escapes, and gaps between
// rows and columns; and a sheet of inline strings (excelize's
// StreamWriter writes those).
func handMadeXLSX(t *testing.T) []byte {
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetCellValue("Sheet1", "A1", "Area"))
	must(f.SetCellValue("Sheet1", "C1", 12))
	must(f.SetCellValue("Sheet1", "D1", 3.25))
	must(f.SetCellValue("Sheet1", "E1", true))
	must(f.SetCellValue("Sheet1", "F1", false))
	must(f.SetCellValue("Sheet1", "G1", time.Date(2024, 3, 31, 12, 0, 0, 0, time.UTC)))
	must(f.SetCellValue("Sheet1", "B4", "  spaced  "))
	must(f.SetCellValue("Sheet1", "H4", "line\r\nbreak & <tag> \"q\""))
	must(f.SetCellValue("Sheet1", "I4", "literal _x000D_ and _x005F_"))
	must(f.SetCellValue("Sheet1", "A5", "Area")) // a shared string used twice
	must(f.SetCellValue("Sheet1", "A6", "ctl\x01char"))
	must(f.SetCellFormula("Sheet1", "B6", "C1*2"))
	must(f.SetCellFormula("Sheet1", "C6", "1/0"))
	must(f.SetCellRichText("Sheet1", "A8", []excelize.RichTextRun{
		{Text: "bold ", Font: &excelize.Font{Bold: true, Size: 11, Color: "FF0000"}},
		{Text: "plain"},
	}))
	style, err := f.NewStyle(&excelize.Style{NumFmt: 3})
	must(err)
	must(f.SetCellStyle("Sheet1", "C1", "D1", style))
	must(f.SetCellValue("Sheet1", "Z20", "far"))
	_, err = f.NewSheet("Second")
	must(err)
	must(f.SetCellValue("Second", "B2", 1e20))
	must(f.SetCellValue("Second", "C3", "é ünïcode ☃ 𝄞"))
	_, err = f.NewSheet("Empty")
	must(err)
	_, err = f.NewSheet("Inline")
	must(err)
	sw, err := f.NewStreamWriter("Inline")
	must(err)
	must(sw.SetRow("A1", []any{"inline", 7, 2.5, true, "tab\there\r"}))
	must(sw.SetRow("C3", []any{"after a gap", excelize.Cell{Formula: "1+1", Value: 2}}))
	must(sw.Flush())
	buf, err := f.WriteToBuffer()
	must(err)
	return buf.Bytes()
}

func TestXLSXStreamHandMade(t *testing.T) {
	got, want, gotErr, wantErr := readBothXLSX(t, handMadeXLSX(t), nil)
	if gotErr != nil || wantErr != nil {
		t.Fatalf("errors: reader %v, excelize %v", gotErr, wantErr)
	}
	sameSheets(t, got, want)
	if len(got) != 4 || len(got[0].Rows) != 20 || got[0].Rows[0][4] != "1" || got[3].Value(0, 4) != "tab\there\r" {
		t.Errorf("unexpected sheets: %+v", got)
	}
}

// TestXLSXStreamCellKinds compares the readers on hand-written sheet XML:
// every cell type, shared and inline strings with rich text, errors,
// formulas with cached values, dates as raw numbers, rows and cells
// without r, gaps, _xHHHH_ escapes, CDATA, phonetic runs and xml:space.
func TestXLSXStreamCellKinds(t *testing.T) {
	sst := `<si><t>zero</t></si>` +
		`<si><r><rPr><b/><sz val="11"/><color rgb="FFFF0000"/><rFont val="Calibri"/><family val="2"/></rPr><t>rich </t></r><r><t xml:space="preserve"> text </t></r></si>` +
		`<si><t>with phonetic</t><rPh sb="0" eb="1"><t>ふり</t></rPh><phoneticPr fontId="1"/></si>` +
		`<si><t>esc_x000D_aped_x005F_x0041_ _x000d_</t></si>` +
		`<si><t></t></si>` +
		`<si><t>first</t><t>second</t></si>` +
		`<si>direct text<t>in t</t></si>`
	sheets := []string{
		sheetXML(`<dimension ref="A1:XFD16"/><sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetData>` +
			`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c><c r="F1" t="s"><v>5</v></c><c r="G1" t="s"><v>6</v></c><c r="H1" t="s"><v> 0 </v></c><c r="K1" t="s"/></row>` +
			`<row r="3"><c r="B3" t="inlineStr"><is><t>inline</t></is></c><c t="inlineStr"><is><r><t>in</t></r><r><rPr><b/><i/></rPr><t>runs</t></r></is></c><c r="F3" t="inlineStr"><v>ignored?</v></c><c r="G3" t="inlineStr"><is><t>x_x0042_</t></is></c><c r="H3" t="inlineStr"><is><t>cr_x000D_lf_x000A_</t></is></c></row>` +
			`<row><c r="A4" t="b"><v>1</v></c><c t="b"><v>0</v></c><c t="e"><v>#DIV/0!</v></c><c t="str"><f>A1&amp;"x"</f><v>zerox</v></c><c t="d"><v>2024-01-02T00:00:00</v></c><c><f>1+1</f><v>2</v></c><c><f>SUM()</f></c><c t="n"><v>1.5E-3</v></c><c s="3"><v>0.1</v></c><c s="14"><v>45382</v></c><c t="e"><f>NA()</f><v>#N/A</v></c></row>` +
			`<row r="7" spans="1:3" ht="20" customHeight="1"><c r="C7"><v><![CDATA[12]]></v></c><c r="E7"><f t="shared" ref="E7:E9" si="0">C7*2</f><v>24</v></c></row>` +
			`<row r="8"><c r="B8"><v>a&amp;b&#65;&#x42;</v></c><c r="D8"><v>two</v><v>values</v></c><c r="E8"><v>1<!-- c -->2</v></c><c r="F8"><extLst/><v>3</v></c></row>` +
			`<row r="9"><c r="A9"/><c r="B9"><v></v></c><c r="C9" t="s"><v></v></c></row>` +
			`<row r="10"/>` +
			`<row r="12"><c r="XFD12"><v>far</v></c></row>` +
			`<row r="13"><c r="$B$13"><v>abs</v></c><c r="d13"><v>lower</v></c></row>` +
			`<row r="14"><c r="A14"><v>x</v></c></row>` +
			`<row r="15"/><row r="16"/>` +
			`</sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>`),
		sheetXML(`<sheetData></sheetData>`),
		sheetXML(`<sheetData/>`),
		sheetXML(`<sheetData><row r="3"><c r="A3"><v> </v></c></row><row r="5"><c r="A5"><f>X</f></c></row></sheetData>`),
		sheetXML(`<sheetData><row><c><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row><row r="6"><c r="B6"><v>4</v></c></row><row><c><v>5</v></c></row></sheetData>`),
	}
	data := zipOf(t, xlsxParts(sheets, 0, sst)...)
	got, want, gotErr, wantErr := readBothXLSX(t, data, nil)
	if gotErr != nil || wantErr != nil {
		t.Fatalf("errors: reader %v, excelize %v", gotErr, wantErr)
	}
	sameSheets(t, got, want)
	if v := got[0].Value(0, 3); v != "esc\raped_x0041_ \r" {
		t.Errorf("escaped shared string = %q", v)
	}
}
