package sources

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf16"
)

// Parts of this reader follow excelize (github.com/xuri/excelize, BSD
// 3-Clause licence) line for line where matching its results exactly
// matters: worksheet path resolution, the shared-string structs and
// _xHHHH_ decoding, and the row and cell walk of Rows and Columns.

// The streaming XLSX reader. excelize (readXLSXExcelize) holds the whole
// package in memory and makes ~9 bytes of garbage per byte of sheet XML;
// this reader streams each worksheet through odsLexer instead and keeps
// only the rows. It reproduces excelize's raw-value reading exactly
// (xlsxstream_test.go compares the two on every published fixture), and
// where it cannot be sure of doing so (strict-namespace or unusually laid
// out packages, malformed XML that excelize would silently truncate, rows
// out of order, inline rich text) it returns errXLSXFallback and the
// excelize path reads the workbook instead.

// errXLSXFallback asks ReadSheets to read the workbook through excelize.
var errXLSXFallback = errors.New("xlsx: workbook outside the streaming reader's exact cases")

const (
	xlsxMainNS      = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	xlsxRelsNS      = "http://schemas.openxmlformats.org/package/2006/relationships"
	xlsxOfficeDocRT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
	xlsxWorkbookXML = "xl/workbook.xml"
	xlsxWBRelsXML   = "xl/_rels/workbook.xml.rels"
	xlsxSSTXML      = "xl/sharedStrings.xml"
	// excelize's TotalRows and MaxSheetNameLength.
	xlsxTotalRows    = 1 << 20
	xlsxMaxSheetName = 31
)

type xlsxStreamRels struct {
	XMLName       xml.Name `xml:"http://schemas.openxmlformats.org/package/2006/relationships Relationships"`
	Relationships []struct {
		ID     string `xml:"Id,attr"`
		Target string `xml:",attr"`
		Type   string `xml:",attr"`
	} `xml:"Relationship"`
}

type xlsxStreamWorkbook struct {
	XMLName xml.Name `xml:"http://schemas.openxmlformats.org/spreadsheetml/2006/main workbook"`
	Sheets  struct {
		Sheet []struct {
			Name    string `xml:"name,attr,omitempty"`
			SheetID int    `xml:"sheetId,attr,omitempty"`
			ID      string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheet"`
	} `xml:"sheets"`
}

// readXLSXStream reads a package checkXLSXPackage has accepted.
func readXLSXStream(zr *zip.Reader, keep SheetFilter) ([]*Sheet, error) {
	// Part names as excelize stores them.
	parts := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		name := strings.ReplaceAll(f.Name, `\`, "/")
		switch strings.ToLower(name) {
		case "[content_types].xml":
			name = "[Content_Types].xml"
		case "xl/sharedstrings.xml":
			name = xlsxSSTXML
		}
		if _, dup := parts[name]; dup {
			return nil, errXLSXFallback
		}
		parts[name] = f
	}
	var rels xlsxStreamRels
	if err := decodeXLSXPart(parts["_rels/.rels"], &rels); err != nil {
		return nil, err
	}
	wbPath := ""
	for _, rel := range rels.Relationships {
		if rel.Type == xlsxOfficeDocRT {
			wbPath = strings.TrimPrefix(rel.Target, "/")
			break
		}
	}
	if wbPath != xlsxWorkbookXML {
		return nil, errXLSXFallback
	}
	var wb xlsxStreamWorkbook
	var wbRels xlsxStreamRels
	if err := decodeXLSXPart(parts[xlsxWorkbookXML], &wb); err != nil {
		return nil, err
	}
	if err := decodeXLSXPart(parts[xlsxWBRelsXML], &wbRels); err != nil {
		return nil, err
	}
	list := wb.Sheets.Sheet
	if len(list) > maxSheets {
		return nil, limitError("more than %d sheets", maxSheets)
	}
	// excelize's getSheetMap, then its lookup by name in Rows.
	paths := make(map[string]*zip.File, len(list))
	for _, s := range list {
		for _, rel := range wbRels.Relationships {
			if rel.ID == s.ID {
				if f, ok := parts[xlsxWorksheetPath(wbPath, rel.Target)]; ok {
					paths[s.Name] = f
				}
			}
		}
	}
	var (
		b     budget
		sst   []string
		sstOK bool
	)
	sheets := make([]*Sheet, 0, len(list))
	for _, s := range list {
		name := s.Name
		if !keep.wants(name) {
			sheets = append(sheets, &Sheet{Name: name, Skipped: true})
			continue
		}
		part, err := xlsxSheetPart(paths, name)
		if err != nil {
			return nil, err
		}
		if !sstOK {
			if sst, err = readXLSXSharedStrings(parts[xlsxSSTXML]); err != nil {
				return nil, err
			}
			sstOK = true
		}
		sh, err := readXLSXStreamSheet(part, name, sst, &b)
		if err != nil {
			if errors.Is(err, errXLSXFallback) {
				return nil, err
			}
			return nil, fmt.Errorf("sheet %q: %w", name, err)
		}
		sheets = append(sheets, sh)
	}
	return sheets, nil
}

// xlsxSheetPart finds a sheet's part as excelize's Rows does, or asks for
// the fallback wherever excelize would fail or pick among several.
func xlsxSheetPart(paths map[string]*zip.File, name string) (*zip.File, error) {
	if name == "" || xlsxUTF16Len(name) > xlsxMaxSheetName ||
		strings.HasPrefix(name, "'") || strings.HasSuffix(name, "'") ||
		strings.ContainsAny(name, ":\\/?*[]") {
		return nil, errXLSXFallback
	}
	var part *zip.File
	for n, f := range paths {
		if strings.EqualFold(n, name) {
			if part != nil {
				return nil, errXLSXFallback
			}
			part = f
		}
	}
	// An empty part is read from a temporary file that does not exist.
	if part == nil || part.UncompressedSize64 == 0 || part.FileInfo().IsDir() {
		return nil, errXLSXFallback
	}
	return part, nil
}

func xlsxUTF16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// xlsxWorksheetPath is excelize's getWorksheetPath.
func xlsxWorksheetPath(wbPath, relTarget string) string {
	path := filepath.ToSlash(strings.TrimPrefix(
		strings.ReplaceAll(filepath.Clean(fmt.Sprintf("%s/%s", filepath.Dir(wbPath), relTarget)), "\\", "/"), "/"))
	if strings.HasPrefix(relTarget, "/") {
		path = filepath.ToSlash(strings.TrimPrefix(strings.ReplaceAll(filepath.Clean(relTarget), "\\", "/"), "/"))
	}
	return path
}

// readXLSXPart reads a small part whole; nil for a missing one.
func readXLSXPart(f *zip.File) ([]byte, error) {
	if f == nil {
		return nil, nil
	}
	rc, err := openPart(f)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	// openZip has bounded the part's declared size, which archive/zip
	// does not read past.
	b, err := io.ReadAll(rc)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", f.Name, err)
	}
	return b, nil
}

// decodeXLSXPart decodes a metadata part as excelize does, asking for the
// fallback where excelize would translate strict namespaces, fail, or
// find the part missing.
func decodeXLSXPart(f *zip.File, v any) error {
	if f == nil {
		return errXLSXFallback
	}
	b, err := readXLSXPart(f)
	if err != nil {
		return err
	}
	if bytes.Contains(b, []byte("purl.oclc.org")) {
		return errXLSXFallback
	}
	if err := xml.NewDecoder(bytes.NewReader(b)).Decode(v); err != nil {
		return errXLSXFallback
	}
	return nil
}
