package sources

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// xlsxInMemoryPartBytes is the largest sheet or shared strings part
// excelize holds inflated in memory (excelize's own default). Every
// published part is under 2 MB; held in memory, the benchmark sheet's 75 MB
// part was most of the peak of excelize's read of it (262 MB beyond its
// result, measured when excelize still read every workbook).
const xlsxInMemoryPartBytes = 16 << 20

// xlsxReader reads Office Open XML workbooks, streaming each sheet's rows
// (readXLSXStream), or through excelize (readXLSXExcelize) where the
// streaming reader cannot be sure of reading exactly as excelize does.
type xlsxReader struct{}

// ReadSheets implements Reader.
func (xlsxReader) ReadSheets(r io.ReaderAt, size int64, keep SheetFilter) ([]*Sheet, error) {
	if err := checkFileSize(size); err != nil {
		return nil, err
	}
	// Indexed once for the checks and the streaming reader; excelize
	// reads the zip by itself.
	zr, err := openZip(r, size)
	if err != nil {
		return nil, err
	}
	if err := checkXLSXPackage(zr); err != nil {
		return nil, err
	}
	sheets, err := readXLSXStream(zr, keep)
	if errors.Is(err, errXLSXFallback) {
		// excelize materialises before anything can be counted and
		// ignores read errors, so the rest of its input is scanned first.
		if err := checkXLSXParts(zr, false); err != nil {
			return nil, err
		}
		return readXLSXExcelize(r, size, keep)
	}
	return sheets, err
}

// readXLSXExcelize reads a workbook checkXLSXPackage and checkXLSXParts
// have accepted through excelize: the reader before readXLSXStream, which
// still reads what that one cannot reproduce excelize's reading of with
// certainty.
func readXLSXExcelize(r io.ReaderAt, size int64, keep SheetFilter) ([]*Sheet, error) {
	// excelize applies the package limit again as it unzips. It keeps
	// each sheet and the shared strings inflated in memory, unless larger
	// than UnzipXMLSizeLimit: then it inflates them to a temporary file,
	// which Rows streams and Close removes. checkXLSXPackage has bounded
	// that file by maxPartBytes.
	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{
		UnzipSizeLimit:    maxPackageBytes,
		UnzipXMLSizeLimit: xlsxInMemoryPartBytes,
	})
	if err != nil {
		return nil, err
	}
	defer f.Close()
	names := f.GetSheetList()
	if len(names) > maxSheets {
		return nil, limitError("more than %d sheets", maxSheets)
	}
	var b budget
	sheets := make([]*Sheet, 0, len(names))
	for _, name := range names {
		if !keep.wants(name) {
			sheets = append(sheets, &Sheet{Name: name, Skipped: true})
			continue
		}
		sh, err := readXLSXSheet(f, name, &b)
		if err != nil {
			return nil, fmt.Errorf("sheet %q: %w", name, err)
		}
		sheets = append(sheets, sh)
	}
	return sheets, nil
}

func readXLSXSheet(f *excelize.File, name string, b *budget) (*Sheet, error) {
	if err := b.addSheet(); err != nil {
		return nil, err
	}
	rows, err := f.Rows(name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	sh := &Sheet{Name: name}
	held := heldRows{sheet: sh}
	strs := make(interner)
	for rows.Next() {
		// Raw values: the display format ("1,596", "125") would hide the
		// stored number and round published rates.
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, xlsxError(err)
		}
		err = held.add(b, cols, func(cols []string) []string {
			// excelize makes a new string for every cell and grows the
			// row by append: a row of its own length holding shared
			// strings halved the heap the benchmark sheet kept (measured
			// when excelize still read every workbook).
			row := make([]string, len(cols))
			for i, v := range cols {
				row[i] = strs.intern(v)
			}
			return row
		})
		if err != nil {
			return nil, err
		}
	}
	if err := rows.Error(); err != nil {
		return nil, xlsxError(err)
	}
	trimTrailingEmptyRows(sh)
	return sh, nil
}

// xlsxError states excelize's grid errors as the limits they are.
func xlsxError(err error) error {
	switch {
	case errors.Is(err, excelize.ErrMaxRows):
		return limitError("sheet taller than %d rows", maxRows)
	case errors.Is(err, excelize.ErrColumnNumber):
		return limitError("row wider than %d columns", maxColumns)
	}
	return err
}

// checkXLSXPackage applies the package limits beyond openZip's. The zip
// headers are checked first, without inflating anything; then the shared
// strings, which both readers decode whole, are scanned (scanXML). The
// streaming reader counts a sheet's cells as it goes and stops on any
// error, so scanning its sheets first would only read them twice; excelize
// needs the rest scanned as well (checkXLSXParts).
func checkXLSXPackage(zr *zip.Reader) error {
	sheets := 0
	for _, f := range zr.File {
		switch name := xlsxPartName(f.Name); {
		case name == "xl/sharedstrings.xml" && f.UncompressedSize64 > maxSharedStringsBytes:
			return fmt.Errorf("read %s: %w", f.Name, limitError(
				"zip header declares %d bytes decompressed, more than %d for shared strings",
				f.UncompressedSize64, maxSharedStringsBytes))
		case strings.HasPrefix(name, "xl/worksheets/sheet"):
			if sheets++; sheets > maxSheets {
				return limitError("more than %d worksheet parts", maxSheets)
			}
		}
	}
	return checkXLSXParts(zr, true)
}

// checkXLSXParts scans the shared strings (scanXML), counting their items,
// or else every other XML part, counting the sheets' cells. The second is
// for excelize alone, which materialises a sheet before its cells can be
// counted and ignores read errors (a part that inflates past its declared
// size, or fails its checksum, would be silently truncated).
func checkXLSXParts(zr *zip.Reader, sharedStrings bool) error {
	var cells int64
	for _, f := range zr.File {
		name := xlsxPartName(f.Name)
		if !strings.HasSuffix(name, ".xml") && !strings.HasSuffix(name, ".rels") && !strings.HasSuffix(name, ".vml") {
			continue // media: excelize keeps the bytes but never parses them
		}
		count := ""
		switch {
		case (name == "xl/sharedstrings.xml") != sharedStrings:
			continue
		case sharedStrings:
			count = "si"
		case strings.HasPrefix(name, "xl/worksheets/sheet"):
			count = "c"
		}
		n, err := scanXLSXPart(f, count)
		if err != nil {
			return err
		}
		switch {
		case count == "si" && n > maxSharedStrings:
			return fmt.Errorf("read %s: %w", f.Name, limitError("more than %d shared strings", maxSharedStrings))
		case count == "c":
			// Every cell element is at least one cell once read.
			if cells += n; cells > maxCells {
				return fmt.Errorf("read %s: %w", f.Name, errTooManyCells())
			}
		}
	}
	return nil
}

// xlsxPartName normalises a part name the way excelize matches it.
func xlsxPartName(name string) string {
	return strings.ToLower(strings.ReplaceAll(name, `\`, "/"))
}

func scanXLSXPart(f *zip.File, count string) (int64, error) {
	rc, err := openPart(f)
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	n, err := scanXML(bufio.NewReaderSize(rc, 32<<10), count)
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", f.Name, err)
	}
	return n, nil
}

var (
	errXMLDTD      = errors.New("DTD declaration in an OOXML part (not allowed; it could define entities)")
	errXMLEncoding = errors.New("XML declaration with an encoding other than UTF-8 (only UTF-8 is read)")
)

// scanXML reads an XML document to its end and counts the start tags
// whose local name is local. It is a byte scanner, much faster than a
// tokenizer: it over-counts tags inside comments and CDATA, which only
// makes the limits stricter for odd files, and never under-counts, since
// every start tag is '<' immediately followed by its name. It rejects DTD
// declarations (<!DOCTYPE, <!ENTITY): the Open Packaging Conventions forbid
// them, and they are how entity-expansion ("billion laughs") documents
// start. encoding/xml would not expand such entities anyway, but excelize
// turns the resulting syntax error into a silently shortened sheet. It also
// rejects XML declarations of any encoding but UTF-8: excelize would
// transcode the rest of the part (a UTF-16 body hides every '<' from a
// byte scanner), and Excel writes only UTF-8.
func scanXML(br *bufio.Reader, local string) (int64, error) {
	var n int64
	for {
		if _, err := br.ReadSlice('<'); err != nil {
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			if err == io.EOF {
				return n, nil
			}
			return n, err
		}
		head, _ := br.Peek(64)
		if len(head) > 0 && head[0] == '!' {
			if !bytes.HasPrefix(head, []byte("!--")) && !bytes.HasPrefix(head, []byte("![CDATA[")) && len(head) >= 3 {
				return n, errXMLDTD
			}
			continue
		}
		if bytes.HasPrefix(head, []byte("?xml")) && len(head) > 4 && bytes.IndexByte([]byte(" \t\r\n?"), head[4]) >= 0 {
			if err := checkXMLDecl(br); err != nil {
				return n, err
			}
			continue
		}
		if local == "" {
			continue
		}
		end := bytes.IndexAny(head, " \t\r\n/>")
		if end < 0 {
			// A long prefix ("<aaaa…:c>") must not hide a tag: look
			// further, and count a name too long to see whole.
			head, _ = br.Peek(br.Size())
			if end = bytes.IndexAny(head, " \t\r\n/>"); end < 0 {
				n++
				continue
			}
		}
		name := head[:end]
		if i := bytes.LastIndexByte(name, ':'); i >= 0 {
			name = name[i+1:]
		}
		if string(name) == local {
			n++
		}
	}
}

// checkXMLDecl checks the XML declaration br is at (after its '<'), which
// encoding/xml honours wherever it appears in a document.
func checkXMLDecl(br *bufio.Reader) error {
	head, _ := br.Peek(256)
	end := bytes.Index(head, []byte("?>"))
	if end < 0 {
		return errXMLEncoding
	}
	decl := strings.ToLower(string(head[:end]))
	if strings.Contains(decl, "encoding") && !strings.Contains(decl, `encoding="utf-8"`) && !strings.Contains(decl, `encoding='utf-8'`) {
		return errXMLEncoding
	}
	return nil
}
