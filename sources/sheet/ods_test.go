package sheet

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

// odsDoc wraps table XML in a content.xml document with the namespaces
// LibreOffice declares.
func odsDoc(tables string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<office:document-content
 xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:xlink="http://www.w3.org/1999/xlink"
 xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
 office:version="1.3"><office:automatic-styles/><office:body><office:spreadsheet>` +
		tables + `</office:spreadsheet></office:body></office:document-content>`
}

// odsPackage builds an ODS zip in memory from named entries, mimetype first
// and stored as the format requires.
func odsPackage(t testing.TB, files ...string) []byte {
	t.Helper()
	var parts []zipPart
	for i := 0; i+1 < len(files); i += 2 {
		parts = append(parts, zipPart{name: files[i], body: files[i+1], stored: files[i] == "mimetype"})
	}
	return zipOf(t, parts...)
}

// odsSheetPackage is a valid package with one sheet "S" holding rows.
func odsSheetPackage(t testing.TB, rows string) []byte {
	return odsPackage(t, "mimetype", odsSpreadsheetMT,
		"content.xml", odsDoc(`<table:table table:name="S">`+rows+`</table:table>`))
}

// odsCell is a string cell holding one paragraph of XML text.
func odsCell(text string) string {
	return `<table:table-cell office:value-type="string"><text:p>` + text + `</text:p></table:table-cell>`
}

type odsCase struct {
	name    string
	pkg     []byte
	want    []*Sheet
	wantErr string // substring; "" means success
	is      error  // if set, errors.Is must hold
}

func odsCases(t testing.TB) []odsCase {
	row := func(cells ...string) string {
		return `<table:table-row>` + strings.Join(cells, "") + `</table:table-row>`
	}
	one := func(rows ...[]string) []*Sheet { return []*Sheet{{Name: "S", Rows: rows}} }
	return []odsCase{
		{name: "typed values are raw, not display text", pkg: odsSheetPackage(t, row(
			`<table:table-cell office:value-type="float" office:value="1596"><text:p>1,596</text:p></table:table-cell>`,
			`<table:table-cell office:value-type="float" office:value="125.2"><text:p>125</text:p></table:table-cell>`,
			`<table:table-cell office:value-type="percentage" office:value="0.125"><text:p>12.5%</text:p></table:table-cell>`,
			`<table:table-cell office:value-type="currency" office:currency="EUR" office:value="3.5"><text:p>3,50 €</text:p></table:table-cell>`,
			`<table:table-cell office:value-type="date" office:date-value="2024-03-01"><text:p>01/03/24</text:p></table:table-cell>`,
			`<table:table-cell office:value-type="time" office:time-value="PT10H30M00S"><text:p>10:30</text:p></table:table-cell>`,
			`<table:table-cell office:value-type="boolean" office:boolean-value="true"><text:p>TRUE</text:p></table:table-cell>`,
			odsCell("Bern"),
			`<table:table-cell><text:p>untyped</text:p></table:table-cell>`,
			`<table:table-cell table:formula="of:=1/0" office:value-type="float" office:value="0" calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell>`,
		)), want: one([]string{"1596", "125.2", "0.125", "3.5", "2024-03-01", "PT10H30M00S", "true", "Bern", "untyped", "#DIV/0!"})},
		{name: "repeated rows and columns", pkg: odsSheetPackage(t,
			`<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="3" office:value-type="float" office:value="7"><text:p>7</text:p></table:table-cell>`+odsCell("z")+`</table:table-row>`),
			want: one([]string{"7", "7", "7", "z"}, []string{"7", "7", "7", "z"})},
		{name: "inner gaps are kept", pkg: odsSheetPackage(t, row(odsCell("a"))+
			`<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="5"/></table:table-row>`+
			row(`<table:table-cell table:number-columns-repeated="2"/>`, odsCell("b"))),
			want: one([]string{"a"}, nil, nil, []string{"", "", "b"})},
		{name: "covered cells hold a position", pkg: odsSheetPackage(t, row(
			`<table:table-cell table:number-columns-spanned="3" office:value-type="string"><text:p>merged</text:p></table:table-cell>`,
			`<table:covered-table-cell table:number-columns-repeated="2"><text:p>hidden</text:p></table:covered-table-cell>`,
			odsCell("after"), `<table:covered-table-cell/>`, odsCell("end"))),
			want: one([]string{"merged", "", "", "after", "", "end"})},
		{name: "text:s counts spaces", pkg: odsSheetPackage(t, row(
			odsCell(`a<text:s text:c="3"/>b`), odsCell(`c <text:s/>d`), odsCell(`<text:s text:c="2"/>lead`))),
			want: one([]string{"a   b", "c  d", "  lead"})},
		{name: "spans links tabs and line breaks", pkg: odsSheetPackage(t, row(
			odsCell(`Total <text:span text:style-name="T1">area <text:span>in</text:span></text:span> <text:a xlink:href="x">km²</text:a>`),
			odsCell(`one<text:line-break/>two<text:tab/>three`))),
			want: one([]string{"Total area in km²", "one\ntwo\tthree"})},
		{name: "paragraphs join with newline", pkg: odsSheetPackage(t, row(
			`<table:table-cell><text:p>first</text:p><text:p/><text:p>third</text:p></table:table-cell>`)),
			want: one([]string{"first\n\nthird"})},
		{name: "annotations and drawings are not the value", pkg: odsSheetPackage(t, row(
			`<table:table-cell><office:annotation><dc:creator>me</dc:creator><text:p>a note</text:p></office:annotation>`+
				`<draw:custom-shape><text:p>shape</text:p></draw:custom-shape><text:p>value<office:annotation><text:p>x</text:p></office:annotation></text:p></table:table-cell>`)),
			want: one([]string{"value"})},
		{name: "literal white space collapses", pkg: odsSheetPackage(t, row(odsCell("\n   a \t\n b  "))),
			want: one([]string{"a b "})},
		{name: "row groups and header rows are rows", pkg: odsSheetPackage(t,
			`<table:table-column table:number-columns-repeated="3"/><table:table-header-rows>`+row(odsCell("h"))+
				`</table:table-header-rows><table:table-row-group><table:table-row-group>`+row(odsCell("g"))+
				`</table:table-row-group></table:table-row-group>`+row(odsCell("r"))),
			want: one([]string{"h"}, []string{"g"}, []string{"r"})},
		{name: "trailing huge repeats stay small", pkg: odsSheetPackage(t,
			row(odsCell("a"), `<table:table-cell table:number-columns-repeated="16383"/>`)+
				`<table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>`),
			want: one([]string{"a"})},
		{name: "several sheets, one empty", pkg: odsPackage(t, "mimetype", odsSpreadsheetMT, "content.xml", odsDoc(
			`<table:table table:name="Data">`+row(odsCell("x"))+`</table:table><table:table table:name="Empty"><table:table-row><table:table-cell/></table:table-row></table:table>`)),
			want: []*Sheet{{Name: "Data", Rows: [][]string{{"x"}}}, {Name: "Empty"}}},
		{name: "undeclared prefixes still read", pkg: odsPackage(t, "content.xml",
			`<office:document-content><office:body><office:spreadsheet><table:table table:name="S">`+
				row(`<table:table-cell office:value-type="float" office:value="2.5"><text:p>2,5</text:p></table:table-cell>`, odsCell("t"))+
				`</table:table></office:spreadsheet></office:body></office:document-content>`),
			want: one([]string{"2.5", "t"})},
		{name: "wider than column cap", pkg: odsSheetPackage(t, row(
			`<table:table-cell table:number-columns-repeated="16384"/>`, odsCell("x"))),
			wantErr: `read content.xml: sheet "S": cell XFE1: row wider than 16384 columns (reader limit)`, is: ErrLimit},
		{name: "too many cells", pkg: odsSheetPackage(t,
			`<table:table-row table:number-rows-repeated="2100">`+`<table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>`),
			wantErr: "more than 4194304 cells in the workbook", is: ErrLimit},
		{name: "cell text over cap via text:s", pkg: odsSheetPackage(t, row(odsCell(`<text:s text:c="99999999999999999999"/>`))),
			wantErr: "cell text longer than 32767 characters", is: ErrLimit},
		{name: "cell text over cap", pkg: odsSheetPackage(t, row(odsCell(strings.Repeat("é", 32768)))),
			wantErr: "cell A1: cell text longer", is: ErrLimit},
		{name: "bad repeat count", pkg: odsSheetPackage(t, `<table:table-row table:number-rows-repeated="-3"/>`),
			wantErr: `invalid table:number-rows-repeated "-3"`},
		{name: "missing content.xml", pkg: odsPackage(t, "mimetype", odsSpreadsheetMT, "styles.xml", "<x/>"),
			wantErr: "no content.xml in ODS package", is: errODSNoContent},
		{name: "garbage xml", pkg: odsPackage(t, "content.xml", "<office:document-content><table:table <<<"),
			wantErr: "read content.xml: XML syntax error"},
		{name: "truncated xml", pkg: odsPackage(t, "content.xml", odsDoc(`<table:table table:name="S">`)[:300]),
			wantErr: "read content.xml:"},
		{name: "not xml at all", pkg: odsPackage(t, "content.xml", "hello"),
			wantErr: "read content.xml: content.xml has no office:spreadsheet body", is: errODSNotSheet},
		{name: "text document", pkg: odsPackage(t, "mimetype", "application/vnd.oasis.opendocument.text", "content.xml", odsDoc("")),
			wantErr: "ODS package mimetype is", is: ErrNotSpreadsheet},
		{name: "not a zip", pkg: []byte("PK\x03\x04 definitely not a zip"), wantErr: "open ODS zip"},
	}
}

func TestODSReader(t *testing.T) {
	for _, tc := range odsCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			got, err := odsReader{}.ReadSheets(bytes.NewReader(tc.pkg), int64(len(tc.pkg)), nil)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tc.wantErr)
				}
				if tc.is != nil && !errors.Is(err, tc.is) {
					t.Fatalf("error %v does not wrap %v", err, tc.is)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("sheets differ\n got: %s\nwant: %s", odsDump(got), odsDump(tc.want))
			}
		})
	}
}

func odsDump(sheets []*Sheet) string {
	var b strings.Builder
	for _, s := range sheets {
		b.WriteString(s.Name + ":")
		for _, r := range s.Rows {
			b.WriteString(" [" + strings.Join(r, "|") + "]")
		}
		b.WriteString("; ")
	}
	return b.String()
}

// The capped reader errs instead of ending cleanly when the limit is passed.
func TestODSCappedReader(t *testing.T) {
	cr := &odsCappedReader{r: io.LimitReader(strings.NewReader("abcdef"), 4), left: 3}
	if _, err := io.ReadAll(cr); !errors.Is(err, ErrLimit) {
		t.Fatalf("error = %v, want ErrLimit", err)
	}
	cr = &odsCappedReader{r: io.LimitReader(strings.NewReader("abc"), 4), left: 3}
	if b, err := io.ReadAll(cr); err != nil || string(b) != "abc" {
		t.Fatalf("got %q, %v; want abc at exactly the limit", b, err)
	}
}

// Open goes through Sniff and the readers map to this reader.
func TestODSThroughOpen(t *testing.T) {
	pkg := odsSheetPackage(t, `<table:table-row>`+odsCell("ok")+`</table:table-row>`)
	wb, err := Open("t.ods", bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		t.Fatal(err)
	}
	if wb.Format != FormatODS || wb.Sheets[0].Value(0, 0) != "ok" {
		t.Fatalf("got %+v", wb)
	}
}
