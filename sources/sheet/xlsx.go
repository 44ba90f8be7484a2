package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// xlsxReader reads Office Open XML workbooks (ECMA-376 SpreadsheetML in
// an Open Packaging Conventions zip), streaming each sheet's rows
// (readXLSXStream). It is the only XLSX reader: a package it cannot read
// fails with an error naming the part, row or cell at fault.
type xlsxReader struct{}

// ReadSheets implements Reader.
func (xlsxReader) ReadSheets(r io.ReaderAt, size int64, keep SheetFilter) ([]*Sheet, error) {
	if err := checkFileSize(size); err != nil {
		return nil, err
	}
	zr, err := openZip(r, size)
	if err != nil {
		return nil, err
	}
	if err := checkXLSXPackage(zr); err != nil {
		return nil, err
	}
	return readXLSXStream(zr, keep)
}

// checkXLSXPackage applies the XLSX limits that the zip headers alone can
// check, before anything is inflated. Everything else is counted as it is
// read: the reader stops at the first limit or error, so nothing needs
// scanning twice.
func checkXLSXPackage(zr *zip.Reader) error {
	sheets := 0
	for _, f := range zr.File {
		if strings.HasPrefix(xlsxPartName(f.Name), "xl/worksheets/sheet") {
			if sheets++; sheets > maxSheets {
				return limitError("more than %d worksheet parts", maxSheets)
			}
		}
	}
	return nil
}

// xlsxPartName is the key a zip entry's part name is looked up by. OPC
// part names compare case-insensitively (ASCII); a backslash, which no
// part name may hold, is read as the slash that some zip tools write it
// for.
func xlsxPartName(name string) string {
	name = strings.TrimPrefix(strings.ReplaceAll(name, `\`, "/"), "/")
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, name)
}

var (
	errXMLDTD      = errors.New("DTD declaration in an OOXML part (not allowed; it could define entities)")
	errXMLEncoding = errors.New("XML declaration with an encoding other than UTF-8 (only UTF-8 is read)")
)

// xlsxPrologBytes is how much of a part's start checkXMLProlog sees.
const xlsxPrologBytes = 4 << 10

// openXLSXPart opens a part for lexer after checking its prolog. The
// caller closes the returned part.
func openXLSXPart(f *zip.File) (*lexer, io.Closer, error) {
	rc, err := openPart(f)
	if err != nil {
		return nil, nil, err
	}
	head := make([]byte, xlsxPrologBytes)
	n, err := io.ReadFull(rc, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		rc.Close()
		return nil, nil, fmt.Errorf("read %s: %w", f.Name, err)
	}
	if err := checkXMLProlog(head[:n]); err != nil {
		rc.Close()
		return nil, nil, fmt.Errorf("read %s: %w", f.Name, err)
	}
	return newLexer(io.MultiReader(bytes.NewReader(head[:n]), rc)), rc, nil
}

// checkXMLProlog rejects a part whose prolog (what comes before the root
// element) holds a DTD or declares an encoding other than UTF-8. The Open
// Packaging Conventions forbid DTDs, which are how entity-expansion
// ("billion laughs") documents start; lexer would skip one and then
// fail on its first entity, so this only makes the error say why. Excel
// writes only UTF-8; lexer refuses any other encoding too. A prolog
// longer than head (comments) is left to lexer.
func checkXMLProlog(head []byte) error {
	b := bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))
	for {
		b = bytes.TrimLeft(b, " \t\r\n")
		switch {
		case bytes.HasPrefix(b, []byte("<?")):
			end := bytes.Index(b[2:], []byte("?>"))
			if end < 0 {
				return nil
			}
			if err := checkXMLDecl(b[2 : 2+end]); err != nil {
				return err
			}
			b = b[2+end+2:]
		case bytes.HasPrefix(b, []byte("<!--")):
			end := bytes.Index(b[4:], []byte("-->"))
			if end < 0 {
				return nil
			}
			b = b[4+end+3:]
		case bytes.HasPrefix(b, []byte("<!")):
			return errXMLDTD
		default:
			return nil // the root element, or something lexer rejects
		}
	}
}

// checkXMLDecl checks the body of a processing instruction ("xml
// version='1.0' encoding='UTF-8'"): an XML declaration must declare
// UTF-8 or no encoding.
func checkXMLDecl(pi []byte) error {
	end := bytes.IndexAny(pi, " \t\r\n")
	if end < 0 || string(pi[:end]) != "xml" {
		return nil
	}
	rest := pi[end:]
	_, enc, ok := bytes.Cut(rest, []byte("encoding"))
	if !ok {
		return nil
	}
	enc = bytes.TrimLeft(enc, " \t\r\n")
	if enc, ok = bytes.CutPrefix(enc, []byte("=")); !ok {
		return errXMLEncoding
	}
	enc = bytes.TrimLeft(enc, " \t\r\n")
	if len(enc) < 2 || enc[0] != '"' && enc[0] != '\'' {
		return errXMLEncoding
	}
	q := bytes.IndexByte(enc[1:], enc[0])
	if q < 0 || !strings.EqualFold(string(enc[1:1+q]), "utf-8") {
		return errXMLEncoding
	}
	return nil
}
