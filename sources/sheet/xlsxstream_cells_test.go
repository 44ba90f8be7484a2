package sheet

import (
	"strings"
	"testing"
)

// TestXLSXSheetCases: sheet XML the reader used to hand to excelize, and
// the errors that replace excelize's silent readings.
func TestXLSXSheetCases(t *testing.T) {
	sheet := func(inner string) []zipPart { return xlsxParts([]string{rowsXML(inner)}, 0, "") }
	shared := func(sst, inner string) []zipPart { return xlsxParts([]string{rowsXML(inner)}, 0, sst) }
	cell := func(c string) []zipPart { return sheet(`<row r="1">` + c + `</row>`) }
	var wide strings.Builder
	for range maxColumns + 1 {
		wide.WriteString(`<c><v>1</v></c>`)
	}
	runXLSXCases(t, []xlsxCase{
		// Read as the format defines them.
		{name: "bad style index", parts: cell(`<c r="A1" s="x"><v>1</v></c><c r="B1" s="-1"><v>2</v></c>`), want: `S1 [["1" "2"]]`},
		{name: "inline rich text with run properties", parts: cell(`<c r="A1" t="inlineStr"><is><r><rPr><b val="yes"/><sz val="big"/><color theme="x"/></rPr><t>bold</t></r>` +
			`<r><rPr><i/></rPr><t xml:space="preserve"> plain</t></r></is></c>`), want: `S1 [["bold plain"]]`},
		{name: "inline string with direct text and runs", parts: cell(`<c r="A1" t="inlineStr"><is><t>a</t><r><t>b</t></r><r><t>c</t></r></is></c>`), want: `S1 [["abc"]]`},
		{name: "inline phonetic runs", parts: cell(`<c r="A1" t="inlineStr"><is><t>漢字</t><rPh sb="0" eb="2" x="y"><t>かんじ</t></rPh><phoneticPr fontId="z"/></is></c>`),
			want: `S1 [["漢字"]]`},
		{name: "shared rich text with run properties", parts: shared(`<si><r><rPr><b val="yes"/></rPr><t>rich</t></r><rPh sb="x"><t>no</t></rPh></si>`,
			`<row r="1"><c r="A1" t="s"><v>0</v></c></row>`), want: `S1 [["rich"]]`},
		{name: "shared strings larger than excelize kept in memory", parts: shared(strings.Repeat(`<si><t>`+strings.Repeat("x", 100)+`</t></si>`, 170_000),
			`<row r="1"><c r="A1" t="s"><v>169999</v></c></row>`), want: `S1 [["` + strings.Repeat("x", 100) + `"]]`},
		{name: "escapes", parts: cell(`<c r="A1" t="inlineStr"><is><t>a_x000D_b_x005F_x000D_c_x00e9__x00G0__xD83D__xDE00__xD800_</t></is></c>` +
			`<c r="B1" t="str"><f>x</f><v>cr_x000D_</v></c><c r="C1"><v>_x0031_</v></c>`), want: `S1 [["a\rb_x000D_cé_x00G0_😀_xD800_" "cr\r" "_x0031_"]]`},
		{name: "rows and cells without references", parts: sheet(`<row><c><v>1</v></c><c/><c><v>3</v></c></row><row r="3"><c><v>4</v></c></row><row><c r="B4"><v>5</v></c><c><v>6</v></c></row>`),
			want: `S1 [["1" "" "3"] [] ["4"] ["" "5" "6"]]`},
		// Errors that name where the sheet is broken.
		{name: "truncated", parts: xlsxParts([]string{strings.TrimSuffix(sheetXML(""), "</worksheet>") + `<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2`}, 0, ""),
			err: `sheet "S1": cell A2: read xl/worksheets/sheet1.xml: XML syntax error on line 1: unexpected EOF`},
		{name: "truncated between rows", parts: xlsxParts([]string{strings.TrimSuffix(rowsXML(`<row r="1"><c r="A1"><v>1</v></c></row>`), "</sheetData></worksheet>")}, 0, ""),
			err: `sheet "S1": read xl/worksheets/sheet1.xml: XML syntax error on line 1: unexpected EOF`},
		{name: "mismatched end tags", parts: cell(`<c r="A1"><v>1</c></v>`),
			err: `sheet "S1": cell A1: read xl/worksheets/sheet1.xml: XML syntax error on line 1: element <v> closed by </c>`},
		{name: "entity declared inside the document", parts: cell(`<!ENTITY x "y"><c r="A1"><v>&x;</v></c>`),
			err: `sheet "S1": cell A1: read xl/worksheets/sheet1.xml: XML syntax error on line 1: invalid character entity &x;`},
		{name: "rows out of order", parts: sheet(`<row r="3"><c r="A3"><v>3</v></c></row><row r="2"><c r="B2"><v>2</v></c></row>`),
			err: `sheet "S1": row 2 after row 3 (rows must ascend)`},
		{name: "row repeated", parts: sheet(`<row r="3"><c r="A3"><v>3</v></c></row><row r="3"><c r="B3"><v>2</v></c></row>`),
			err: `sheet "S1": row 3 repeated (rows must ascend)`},
		{name: "row without number going back", parts: sheet(`<row r="3"/><row/><row r="4"/>`),
			err: `sheet "S1": row 4 repeated (rows must ascend)`},
		{name: "bad row number", parts: sheet(`<row r="x"><c r="A1"><v>1</v></c></row>`),
			err: `sheet "S1": bad row number "x" (before the first row)`},
		{name: "row zero", parts: sheet(`<row r="1"/><row r="0"/>`), err: `sheet "S1": bad row number "0" (after row 1)`},
		{name: "cell inside a cell", parts: cell(`<c r="A1"><c r="B1"><v>1</v></c></c>`), err: `sheet "S1": cell A1: <c> in <c>`},
		{name: "cell outside a row", parts: sheet(`<row r="1"><c r="A1"><v>1</v></c></row><c r="B1"><v>2</v></c>`),
			err: `sheet "S1": <c> in <sheetData> after row 1 (only rows belong there)`},
		{name: "element in a row", parts: cell(`<x><c r="A1"><v>1</v></c></x>`), err: `sheet "S1": row 1: <x> in <row> (only cells belong there)`},
		{name: "element in a value", parts: cell(`<c r="A1"><v>1<x/></v></c>`), err: `sheet "S1": cell A1: <x> in <v> (it holds only text)`},
		{name: "element in an inline string", parts: cell(`<c r="A1" t="inlineStr"><is><x/></is></c>`), err: `sheet "S1": cell A1: <x> in <is>`},
		{name: "element in a run", parts: cell(`<c r="A1" t="inlineStr"><is><r><x/></r></is></c>`), err: `sheet "S1": cell A1: <x> in <r>`},
		{name: "bad cell reference", parts: cell(`<c r="1A"><v>1</v></c>`), err: `sheet "S1": row 1: bad cell reference "1A"`},
		{name: "row zero in a cell reference", parts: cell(`<c r="A0"><v>1</v></c>`), err: `sheet "S1": row 1: bad cell reference "A0"`},
		{name: "four column letters", parts: cell(`<c r="ABCD1"><v>1</v></c>`), err: `sheet "S1": row 1: bad cell reference "ABCD1"`},
		{name: "cell reference in another row", parts: sheet(`<row r="4"><c r="B3"><v>1</v></c></row>`),
			err: `sheet "S1": cell B3 in row 4 (a cell's reference names its row)`},
		{name: "cells out of order", parts: sheet(`<row r="7"><c r="C7"><v>1</v></c><c r="A7"><v>2</v></c></row>`),
			err: `sheet "S1": cell A7 after cell C7 (cells must ascend)`},
		{name: "cell repeated", parts: sheet(`<row r="7"><c r="C7"><v>1</v></c><c r="C7"><v>2</v></c></row>`),
			err: `sheet "S1": cell C7 after cell C7 (cells must ascend)`},
		{name: "cells without references past the grid", parts: cell(wide.String()),
			err: `sheet "S1": cell XFE1: row wider than 16384 columns (reader limit)`},
		{name: "shared string out of range", parts: shared(`<si><t>x</t></si>`, `<row r="1"><c r="A1" t="s"><v>5</v></c></row>`),
			err: `sheet "S1": cell A1: shared string 5 out of range (the workbook has 1)`},
		{name: "shared string index not a number", parts: shared(`<si><t>x</t></si>`, `<row r="1"><c r="A1" t="s"><v>x</v></c></row>`),
			err: `sheet "S1": cell A1: shared string index "x" is not a number`},
		{name: "shared string without a table", parts: cell(`<c r="A1" t="s"><v>0</v></c>`),
			err: `sheet "S1": cell A1: shared string 0 out of range (the workbook has 0)`},
		{name: "shared strings syntax error", parts: shared(`<si><t>x</si>`, `<row r="1"><c r="A1" t="s"><v>0</v></c></row>`),
			err: `sheet "S1": read xl/sharedStrings.xml: XML syntax error on line 1: element <t> closed by </si>`},
		{name: "element in a shared string", parts: shared(`<si><t>x</t></si><si><x/></si>`, `<row r="1"><c r="A1" t="s"><v>0</v></c></row>`),
			err: `sheet "S1": read xl/sharedStrings.xml: shared string 1: <x> in <si>`},
	})
}
