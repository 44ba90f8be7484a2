package sheet

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestBudget(t *testing.T) {
	wide := make([]string, maxColumns)
	long := strings.Repeat("x", maxCellChars)
	for _, tc := range []struct {
		name string
		run  func(b *budget) error
		want string // error text; "" means success
	}{
		{name: "within limits", run: func(b *budget) error {
			if err := b.addSheet(); err != nil {
				return err
			}
			return b.addRow(3, []string{"a", "", "é"})
		}},
		{name: "longest cell in characters", run: func(b *budget) error {
			return b.addRow(0, []string{strings.Repeat("é", maxCellChars)})
		}},
		{name: "cell text too long", run: func(b *budget) error {
			return b.addRow(1, []string{"", strings.Repeat("é", maxCellChars+1)})
		}, want: "cell B2: cell text longer than 32767 characters (reader limit)"},
		{name: "row wider than the grid", run: func(b *budget) error {
			return b.addRow(0, make([]string, maxColumns+1))
		}, want: "cell XFE1: row wider than 16384 columns (reader limit)"},
		{name: "sheet taller than the grid", run: func(b *budget) error {
			return b.addRow(maxRows, []string{"x"})
		}, want: "row 1048577: sheet taller than 1048576 rows (reader limit)"},
		{name: "too many sheets", run: func(b *budget) error {
			for range maxSheets {
				if err := b.addSheet(); err != nil {
					return err
				}
			}
			return b.addSheet()
		}, want: "more than 1000 sheets (reader limit)"},
		{name: "rows across sheets", run: func(b *budget) error {
			for range 2 {
				if err := b.addSheet(); err != nil {
					return err
				}
				if err := b.addRow(maxRows-1, []string{"x"}); err != nil {
					return err
				}
			}
			b.addSheet()
			return b.addRow(0, []string{"x"})
		}, want: "row 1: more than 2097152 rows in the workbook (reader limit)"},
		{name: "cells across rows", run: func(b *budget) error {
			for r := range maxCells / maxColumns {
				if err := b.addRow(int64(r), wide); err != nil {
					return err
				}
			}
			return b.addRow(maxCells/maxColumns, []string{"x"})
		}, want: "cell A257: more than 4194304 cells in the workbook (reader limit)"},
		{name: "cell text across cells", run: func(b *budget) error {
			row := make([]string, maxColumns)
			for i := range row {
				row[i] = long
			}
			return b.addRow(0, row)
		}, want: "cell BZU1: more than 64 MiB of cell text in the workbook (reader limit)"},
		{name: "charge counts repeats before they exist", run: func(b *budget) error {
			return b.charge(maxCells+1, 0)
		}, want: "more than 4194304 cells in the workbook (reader limit)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run(&budget{})
			if tc.want == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || err.Error() != tc.want || !errors.Is(err, ErrLimit) {
				t.Fatalf("error = %v, want %q wrapping ErrLimit", err, tc.want)
			}
		})
	}
}

func TestBudgetCounts(t *testing.T) {
	var b budget
	b.addSheet()
	b.addRow(2, []string{"ab", "", "é"})
	b.addSheet()
	b.addRow(0, nil)
	if b.sheets != 2 || b.rows != 4 || b.cells != 3 || b.text != 4 {
		t.Fatalf("budget = %+v, want 2 sheets, 4 rows, 3 cells, 4 text bytes", b)
	}
}

// TestCheckXMLProlog checks the prolog check every XLSX part passes
// before lexer reads it.
func TestCheckXMLProlog(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		err       error
	}{
		{"no prolog", `<w><c/></w>`, nil},
		{"UTF-8 declared, BOM, comments and a processing instruction", "\xEF\xBB\xBF" + `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			"\n<!-- note --><?xml-stylesheet href=\"x\"?><w/>", nil},
		{"no encoding declared", `<?xml version="1.0"?><w/>`, nil},
		{"processing instruction cut short", `<?>`, nil},
		{"empty processing instruction", `<??><w/>`, nil},
		{"spaces around the encoding's =", `<?xml version="1.0" encoding = 'utf-8'?><w/>`, nil},
		{"doctype", `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><w/>`, errXMLDTD},
		{"doctype after a comment", `<!-- x --><!DOCTYPE w><w/>`, errXMLDTD},
		{"UTF-16 body behind an ASCII declaration", "<?xml version='1.0' encoding='utf-16le'?><\x00c\x00/\x00>\x00", errXMLEncoding},
		{"declaration tab-separated", "<?xml\tversion='1.0'\tencoding='ebcdic'?><w/>", errXMLEncoding},
		{"encoding without a value", `<?xml version="1.0" encoding?><w/>`, errXMLEncoding},
		{"unquoted encoding", `<?xml version="1.0" encoding=utf-8?><w/>`, errXMLEncoding},
		// lexer refuses such a document; the check only explains the
		// refusals it can see.
		{"declaration longer than the head", `<?xml version="1.0"` + strings.Repeat(" ", xlsxPrologBytes) + `?><w/>`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := []byte(tc.doc)
			if err := checkXMLProlog(doc[:min(len(doc), xlsxPrologBytes)]); err != tc.err {
				t.Fatalf("checkXMLProlog = %v, want %v", err, tc.err)
			}
		})
	}
}

// TestZipRefusesToInflatePastHeader pins what openZip relies on: a part
// whose header understates its size stops at that size with zip.ErrFormat,
// so limits checked on declared sizes bound the bytes actually inflated.
func TestZipRefusesToInflatePastHeader(t *testing.T) {
	pkg := lyingZip(t, "content.xml", 10, 1<<20)
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := openPart(zr.File[0])
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, rc)
	if !errors.Is(err, zip.ErrFormat) || n > 10 {
		t.Fatalf("read %d bytes, error %v; want at most 10 and zip.ErrFormat", n, err)
	}
	if want := "inflates to more than the 10 bytes its zip header declares: zip: not a valid zip file"; err.Error() != want {
		t.Fatalf("error %q, want %q", err, want)
	}
}

// lyingZip is a zip whose one part declares declared bytes decompressed
// but inflates to real bytes of zeros.
func lyingZip(t testing.TB, name string, declared uint64, real int64) []byte {
	var data bytes.Buffer
	fw, _ := flate.NewWriter(&data, flate.BestSpeed)
	if _, err := io.CopyN(fw, zeros{}, real); err != nil {
		t.Fatal(err)
	}
	fw.Close()
	return rawZip(t, name, declared, data.Bytes())
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// rawZip is a zip of one deflated part with a handcrafted declared size.
func rawZip(t testing.TB, name string, declared uint64, deflated []byte) []byte {
	return zipOf(t, zipPart{name: name, raw: deflated, declared: declared})
}
