package sources

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// readBothXLSX reads data through the streaming reader and through
// excelize. The streaming reader must not fall back when mustStream.
func readBothXLSX(t *testing.T, data []byte, keep SheetFilter, mustStream bool) (got, want []*Sheet, gotErr, wantErr error) {
	t.Helper()
	r, size := bytes.NewReader(data), int64(len(data))
	if err := checkFileSize(size); err != nil {
		t.Fatal(err)
	}
	zr, err := openZip(r, size)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkXLSXPackage(zr); err != nil {
		t.Fatal(err)
	}
	if err := checkXLSXParts(zr, false); err != nil {
		t.Fatal(err)
	}
	got, gotErr = readXLSXStream(zr, keep)
	if mustStream && errors.Is(gotErr, errXLSXFallback) {
		t.Fatalf("streaming reader fell back to excelize")
	}
	want, wantErr = readXLSXExcelize(r, size, keep)
	return got, want, gotErr, wantErr
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

// TestXLSXStreamFixtures compares the streaming reader with excelize on
// every published XLSX fixture, with and without a sheet filter.
func TestXLSXStreamFixtures(t *testing.T) {
	files := publishedFiles(t, "*.xlsx")
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for name, data := range files {
		t.Run(filepath.Base(name), func(t *testing.T) {
			got, want, gotErr, wantErr := readBothXLSX(t, data, nil, true)
			if gotErr != nil || wantErr != nil {
				t.Fatalf("errors: stream %v, excelize %v", gotErr, wantErr)
			}
			sameSheets(t, got, want)
			n := 0
			for _, sh := range got {
				for _, row := range sh.Rows {
					n += len(row)
				}
			}
			t.Logf("%d sheets, %d cells", len(got), n)
			// Every other sheet.
			keep := map[string]bool{}
			for i, sh := range want {
				keep[sh.Name] = i%2 == 1
			}
			only := func(name string) bool { return keep[name] }
			got, want, gotErr, wantErr = readBothXLSX(t, data, only, true)
			if gotErr != nil || wantErr != nil {
				t.Fatalf("filtered errors: stream %v, excelize %v", gotErr, wantErr)
			}
			sameSheets(t, got, want)
		})
	}
}

// handMadeXLSX is a workbook excelize writes, with every kind of cell it
// writes, gaps between rows and columns, rich text and formulas.
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
	must(f.SetCellValue("Sheet1", "B4", "  spaced  "))
	must(f.SetCellValue("Sheet1", "H4", "line\r\nbreak & <tag> \"q\""))
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
	buf, err := f.WriteToBuffer()
	must(err)
	return buf.Bytes()
}

func TestXLSXStreamHandMade(t *testing.T) {
	got, want, gotErr, wantErr := readBothXLSX(t, handMadeXLSX(t), nil, true)
	if gotErr != nil || wantErr != nil {
		t.Fatalf("errors: stream %v, excelize %v", gotErr, wantErr)
	}
	sameSheets(t, got, want)
	if len(got) != 3 || len(got[0].Rows) != 20 || got[0].Rows[0][4] != "1" {
		t.Errorf("unexpected sheets: %+v", got)
	}
}

// TestXLSXStreamCellKinds compares the readers on hand-written sheet XML:
// every cell type, inline strings, errors, cached formula values, rows and
// cells without r, gaps, escapes, CDATA, phonetic runs and xml:space.
func TestXLSXStreamCellKinds(t *testing.T) {
	sst := `<si><t>zero</t></si>` +
		`<si><r><rPr><b/><sz val="11"/><color rgb="FFFF0000"/><rFont val="Calibri"/><family val="2"/></rPr><t>rich </t></r><r><t xml:space="preserve"> text </t></r></si>` +
		`<si><t>with phonetic</t><rPh sb="0" eb="1"><t>ふり</t></rPh><phoneticPr fontId="1"/></si>` +
		`<si><t>esc_x000D_aped_x005F_x0041_</t></si>` +
		`<si><t></t></si>` +
		`<si><t>first</t><t>second</t></si>` +
		`<si>direct text<t>in t</t></si>`
	sheets := []string{
		sheetXML(`<sheetData>` +
			`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c><c r="F1" t="s"><v>5</v></c><c r="G1" t="s"><v>6</v></c><c r="H1" t="s"><v> 0 </v></c><c r="I1" t="s"><v>99</v></c><c r="J1" t="s"><v>x</v></c><c r="K1" t="s"/></row>` +
			`<row r="3"><c r="B3" t="inlineStr"><is><t>inline</t></is></c><c t="inlineStr"><is><r><t>in</t></r><r><t>runs</t></r></is></c><c r="F3" t="inlineStr"><v>ignored?</v></c><c r="G3" t="inlineStr"><is><t>x_x0042_</t></is></c></row>` +
			`<row><c r="A4" t="b"><v>1</v></c><c t="b"><v>0</v></c><c t="e"><v>#DIV/0!</v></c><c t="str"><f>A1&amp;"x"</f><v>zerox</v></c><c t="d"><v>2024-01-02T00:00:00</v></c><c><f>1+1</f><v>2</v></c><c><f>SUM()</f></c><c t="n"><v>1.5E-3</v></c><c s="3"><v>0.1</v></c></row>` +
			`<row r="7" spans="1:3" ht="20" customHeight="1"><c r="C7"><v><![CDATA[12]]></v></c><c r="A7"><v>back</v></c><c r="C7"><v>dup</v></c></row>` +
			`<row r="8"><c r="B8"><v>a&amp;b&#65;&#x42;</v></c><c r="D8"><v>two</v><v>values</v></c><c r="E8"><v>1<!-- c -->2</v></c><c r="F8"><x><v>nested</v></x></c></row>` +
			`<row r="9"><c r="A9"/><c r="B9"><v></v></c></row>` +
			`<row r="10"/>` +
			`<row r="12"><c r="XFD12"><v>far</v></c></row>` +
			`<row r="13"><c r="$B$13"><v>abs</v></c><c r="d13"><v>lower</v></c></row>` +
			`<row r="14"><c r="A14"><v>x</v></c></row><c r="C14"><v>stray</v></c>` +
			`<row r="15"/><row r="16"/>` +
			`</sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>`),
		sheetXML(`<sheetData></sheetData>`),
		sheetXML(`<sheetData><row r="3"><c r="A3"><v> </v></c></row><row r="5"><c r="A5"><f>X</f></c></row></sheetData>`),
		sheetXML(`<sheetData><row><c><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row><row r="6"><c r="B6"><v>4</v></c></row><row><c><v>5</v></c></row></sheetData>`),
	}
	data := zipOf(t, xlsxParts(sheets, 0, sst)...)
	got, want, gotErr, wantErr := readBothXLSX(t, data, nil, true)
	if gotErr != nil || wantErr != nil {
		t.Fatalf("errors: stream %v, excelize %v", gotErr, wantErr)
	}
	sameSheets(t, got, want)
}

// TestXLSXStreamFallback checks that documents the streaming reader leaves
// to excelize read as excelize reads them through ReadSheets.
func TestXLSXStreamFallback(t *testing.T) {
	for name, inner := range map[string]string{
		"rows out of order":   `<sheetData><row r="3"><c r="A3"><v>3</v></c></row><row r="2"><c r="B2"><v>2</v></c></row></sheetData>`,
		"truncated":           `<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2`,
		"bad row number":      `<sheetData><row r="x"><c r="A1"><v>1</v></c></row></sheetData>`,
		"rich inline string":  `<sheetData><row r="1"><c r="A1" t="inlineStr"><is><r><rPr><b val="yes"/></rPr><t>b</t></r></is></c></row></sheetData>`,
		"bad style":           `<sheetData><row r="1"><c r="A1" s="x"><v>1</v></c></row></sheetData>`,
		"mismatched end tags": `<sheetData><row r="1"><c r="A1"><v>1</c></v></row></sheetData>`,
	} {
		t.Run(name, func(t *testing.T) {
			data := xlsxOf(t, sheetXML(inner))
			r, size := bytes.NewReader(data), int64(len(data))
			zr, err := openZip(r, size)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := readXLSXStream(zr, nil); !errors.Is(err, errXLSXFallback) {
				t.Fatalf("stream read: %v, want the fallback", err)
			}
			got, gotErr := xlsxReader{}.ReadSheets(r, size, nil)
			want, wantErr := readXLSXExcelize(r, size, nil)
			if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
				t.Fatalf("error %v, excelize %v", gotErr, wantErr)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("got %+v, excelize %+v", got, want)
			}
		})
	}
}

// TestXLSXStreamErrors checks the grid errors the streaming reader raises
// itself are excelize's.
func TestXLSXStreamErrors(t *testing.T) {
	for _, inner := range []string{
		`<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1048577"><c r="A1048577"><v>1</v></c></row></sheetData>`,
		`<sheetData><row r="1"><c r="XFE1"><v>1</v></c></row></sheetData>`,
		`<sheetData><row r="1"><c r="A1048577"><v>1</v></c></row></sheetData>`,
		`<sheetData><row r="1"><c r="1A"><v>1</v></c></row></sheetData>`,
		`<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>` + strings.Repeat("x", maxCellChars+1) + `</t></is></c></row></sheetData>`,
	} {
		data := xlsxOf(t, sheetXML(inner))
		_, _, gotErr, wantErr := readBothXLSX(t, data, nil, true)
		if gotErr == nil || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Errorf("%.60s: error %v, excelize %v", inner, gotErr, wantErr)
		}
	}
}
