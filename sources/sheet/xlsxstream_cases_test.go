package sheet

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// Named cases for what the reader does where it used to hand a workbook
// to excelize (errXLSXFallback): read it as ECMA-376 defines it, or fail
// with an error that says which part, row or cell is at fault.

// xlsxCase is a package and what the reader must make of it: the sheets
// as fmtSheets prints them, or exactly the error err.
type xlsxCase struct {
	name  string
	parts []zipPart
	keep  SheetFilter
	want  string
	err   string
}

func runXLSXCases(t *testing.T, cases []xlsxCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data := zipOf(t, tc.parts...)
			sheets, err := xlsxReader{}.ReadSheets(bytes.NewReader(data), int64(len(data)), tc.keep)
			switch {
			case tc.err != "" && (err == nil || err.Error() != tc.err):
				t.Fatalf("error %v\n  want %s", err, tc.err)
			case tc.err == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.err == "" && fmtSheets(sheets) != tc.want:
				t.Fatalf("sheets %s\n  want %s", fmtSheets(sheets), tc.want)
			}
		})
	}
}

// fmtSheets prints sheets as `S1 [["a" "" "b"] [] ["c"]]; S2 skipped`.
func fmtSheets(sheets []*Sheet) string {
	var out []string
	for _, sh := range sheets {
		if sh.Skipped {
			out = append(out, sh.Name+" skipped")
			continue
		}
		out = append(out, fmt.Sprintf("%s %q", sh.Name, sh.Rows))
	}
	return strings.Join(out, "; ")
}

// rowsXML is a worksheet of the given sheetData content.
func rowsXML(inner string) string { return sheetXML("<sheetData>" + inner + "</sheetData>") }

// oneCell is a worksheet whose A1 holds 1.
var oneCell = rowsXML(`<row r="1"><c r="A1"><v>1</v></c></row>`)

// editPart returns parts with old replaced by new in the named part's
// body, or the part renamed when old is "" (dropped when new is also "").
func editPart(parts []zipPart, name, old, new string) []zipPart {
	parts = slices.Clone(parts)
	for i, p := range parts {
		switch {
		case p.name != name:
			continue
		case old == "" && new == "":
			return slices.Delete(parts, i, i+1)
		case old == "":
			parts[i].name = new
		case !strings.Contains(p.body, old):
			panic(fmt.Sprintf("%s has no %q", name, old))
		default:
			parts[i].body = strings.ReplaceAll(p.body, old, new)
		}
		return parts
	}
	panic("no part " + name)
}

// strictParts are xlsxParts with every namespace and relationship type
// of the Strict conformance class.
func strictParts(sheets []string, sst string) []zipPart {
	parts := xlsxParts(sheets, 0, sst)
	for i := range parts {
		b := strings.ReplaceAll(parts[i].body, "http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main")
		parts[i].body = strings.ReplaceAll(b, "http://schemas.openxmlformats.org/officeDocument/2006/relationships", "http://purl.oclc.org/ooxml/officeDocument/relationships")
	}
	return parts
}

const (
	wbXML   = "xl/workbook.xml"
	wbRels  = "xl/_rels/workbook.xml.rels"
	sheet1  = "xl/worksheets/sheet1.xml"
	sstXML  = "xl/sharedStrings.xml"
	relType = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
)

// TestXLSXPackageCases: finding the workbook, its sheets and its shared
// strings through the package's relationships.
func TestXLSXPackageCases(t *testing.T) {
	book := xlsxParts([]string{oneCell}, 0, "")
	// The workbook in book/main.xml, the sheet reached by "..".
	moved := editPart(editPart(book, wbXML, "", "book/main.xml"), wbRels, "", "book/_rels/main.xml.rels")
	moved = editPart(editPart(moved, "_rels/.rels", `Target="xl/workbook.xml"`, `Target="./book/main.xml"`),
		"book/_rels/main.xml.rels", `Target="worksheets/`, `Target="../xl/worksheets/`)
	names := editPart(xlsxParts([]string{oneCell, oneCell, oneCell, oneCell, oneCell}, 0, ""), wbXML, `name="S1"`, `name="'quoted'"`)
	names = editPart(names, wbXML, `name="S2"`, `name="a:b/c?*[]"`)
	names = editPart(names, wbXML, `name="S3"`, `name="`+strings.Repeat("long", 10)+`"`)
	names = editPart(names, wbXML, `name="S4"`, `name="Data"`)
	names = editPart(names, wbXML, `name="S5"`, `name="DATA"`)
	spaced := editPart(editPart(xlsxParts([]string{oneCell}, 0, ""), sheet1, "", "xl/worksheets/sheet 1.xml"),
		wbRels, "sheet1.xml", "sheet%201.xml")
	chart := editPart(editPart(book, wbRels, "/worksheet", "/chartsheet"), sheet1, oneCell,
		`<chartsheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><drawing r:id="rId1" xmlns:r="x"/></chartsheet>`)
	runXLSXCases(t, []xlsxCase{
		{name: "workbook part elsewhere, relative targets", parts: moved, want: `S1 [["1"]]`},
		{name: "workbook part by an absolute target", parts: editPart(book, "_rels/.rels", `Target="xl/`, `Target="/xl/`), want: `S1 [["1"]]`},
		{name: "strict namespaces", parts: strictParts([]string{rowsXML(`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>2</v></c></row>`)}, `<si><t>strict</t></si>`),
			want: `S1 [["strict" "2"]]`},
		{name: "part names in another case than their targets", parts: editPart(book, sheet1, "", "XL/Worksheets/Sheet1.XML"), want: `S1 [["1"]]`},
		{name: "percent-encoded target", parts: spaced, want: `S1 [["1"]]`},
		{name: "sheet names as written", parts: names,
			want: `'quoted' [["1"]]; a:b/c?*[] [["1"]]; longlonglonglonglonglonglonglonglonglong [["1"]]; Data [["1"]]; DATA [["1"]]`},
		{name: "chartsheet", parts: chart, want: `S1 []`},
		{name: "skipped sheet's part is not looked up", parts: editPart(xlsxParts([]string{oneCell, oneCell}, 0, ""), "xl/worksheets/sheet2.xml", "", ""),
			keep: func(name string) bool { return name == "S1" }, want: `S1 [["1"]]; S2 skipped`},
		{name: "part names differ in case only", parts: append(slices.Clone(book), zipPart{name: "XL/Workbook.xml", body: "<x/>"}),
			err: `zip entries "xl/workbook.xml" and "XL/Workbook.xml" are the same part name (part names are case-insensitive)`},
		{name: "no package relationships", parts: editPart(book, "_rels/.rels", "", ""),
			err: "missing part _rels/.rels (the package relationships)"},
		{name: "no officeDocument relationship", parts: editPart(book, "_rels/.rels", "/officeDocument", "/other"),
			err: "_rels/.rels has no officeDocument relationship"},
		{name: "two officeDocument relationships", parts: editPart(book, "_rels/.rels", "</Relationships>",
			`<Relationship Id="rId2" Type="`+relType+`officeDocument" Target="xl/workbook.xml"/></Relationships>`),
			err: "_rels/.rels has two officeDocument relationships (rId1 and rId2)"},
		{name: "relationship id used twice", parts: editPart(book, "_rels/.rels", "</Relationships>",
			`<Relationship Id="rId1" Type="x" Target="y"/></Relationships>`),
			err: `_rels/.rels: relationship id "rId1" used twice`},
		{name: "workbook part missing", parts: editPart(book, wbXML, "", ""),
			err: "missing part xl/workbook.xml (officeDocument relationship rId1 in _rels/.rels)"},
		{name: "workbook XML syntax error", parts: editPart(book, wbXML, "</sheets>", ""),
			err: "read xl/workbook.xml: XML syntax error on line 1: element <sheets> closed by </workbook>"},
		{name: "relationships XML syntax error", parts: editPart(book, wbRels, "/>", ">"),
			err: "read xl/_rels/workbook.xml.rels: XML syntax error on line 1: element <Relationship> closed by </Relationships>"},
		{name: "no workbook relationships", parts: editPart(book, wbRels, "", ""),
			err: `sheet "S1": relationship rId1 not found: missing part xl/_rels/workbook.xml.rels`},
		{name: "sheet's relationship missing", parts: editPart(book, wbXML, `r:id="rId1"`, `r:id="rId9"`),
			err: `sheet "S1": relationship rId9 not found in xl/_rels/workbook.xml.rels`},
		{name: "sheet without r:id", parts: editPart(book, wbXML, `r:id="rId1"`, ""),
			err: `sheet "S1": no r:id in its <sheet> element of xl/workbook.xml`},
		{name: "relationship not to a sheet", parts: editPart(book, wbRels, "/worksheet", "/styles"),
			err: `sheet "S1": relationship rId1 in xl/_rels/workbook.xml.rels is of type ` + relType + `styles, not a sheet`},
		{name: "external sheet", parts: editPart(book, wbRels, `Target="worksheets/sheet1.xml"`, `Target="http://example.com/s.xml" TargetMode="External"`),
			err: `sheet "S1": missing part http://example.com/s.xml (external) (relationship rId1 in xl/_rels/workbook.xml.rels)`},
		{name: "sheet part missing", parts: editPart(book, sheet1, "", ""),
			err: `sheet "S1": missing part xl/worksheets/sheet1.xml (relationship rId1 in xl/_rels/workbook.xml.rels)`},
		{name: "sheet part empty", parts: editPart(book, sheet1, oneCell, ""),
			err: `sheet "S1": part xl/worksheets/sheet1.xml is empty`},
		{name: "sheet part without an element", parts: editPart(book, sheet1, oneCell, `<?xml version="1.0"?>`),
			err: `sheet "S1": read xl/worksheets/sheet1.xml: no XML element`},
		{name: "shared strings not related from the workbook", parts: append(slices.Clone(book),
			zipPart{name: sstXML, body: `<sst><si><t>x</t></si></sst>`}),
			want: `S1 [["1"]]`},
	})
}
