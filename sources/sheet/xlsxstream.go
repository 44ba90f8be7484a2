package sheet

import (
	"archive/zip"
	"fmt"
	"io"
	"strings"
)

// The streaming XLSX reader. It reads a package as ECMA-376 defines it,
// not as any library happens to: the workbook part is wherever _rels/.rels
// points, each sheet's part is found through its r:id relationship, and
// elements are matched by local name, so Strict documents
// (http://purl.oclc.org/ooxml/...) read as Transitional ones do. Every
// part streams through lexer and only the rows are kept. Whatever it
// cannot read exactly (malformed XML, rows out of order, a missing part)
// is an error naming the part, row or cell: a partly read sheet would
// silently shorten a table.

// The bases of relationship types, Transitional and Strict.
const (
	xlsxRelTransitional = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
	xlsxRelStrict       = "http://purl.oclc.org/ooxml/officeDocument/relationships/"
)

// xlsxRelIs reports whether typ is the relationship type name ("worksheet")
// in either conformance class.
func xlsxRelIs(typ, name string) bool {
	rest, ok := strings.CutPrefix(typ, xlsxRelTransitional)
	if !ok {
		rest, ok = strings.CutPrefix(typ, xlsxRelStrict)
	}
	return ok && rest == name
}

// xlsxRelIsSheet reports whether typ is a relationship to a sheet part:
// a worksheet, chartsheet, dialog sheet or Excel 4 macro sheet.
func xlsxRelIsSheet(typ string) bool {
	return xlsxRelIs(typ, "worksheet") || xlsxRelIs(typ, "chartsheet") || xlsxRelIs(typ, "dialogsheet") ||
		typ == "http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet" ||
		typ == "http://schemas.microsoft.com/office/2006/relationships/xlIntlMacrosheet"
}

// xlsxPackage holds a package's parts by xlsxPartName.
type xlsxPackage map[string]*zip.File

// indexXLSXParts indexes the parts of a zip. Two entries whose names
// differ only in case are one part name twice, which OPC forbids: which
// of them a reader took would be chance.
func indexXLSXParts(zr *zip.Reader) (xlsxPackage, error) {
	pkg := make(xlsxPackage, len(zr.File))
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/") {
			continue // a folder entry, not a part
		}
		key := xlsxPartName(f.Name)
		if g, dup := pkg[key]; dup {
			return nil, fmt.Errorf("zip entries %q and %q are the same part name (part names are case-insensitive)", g.Name, f.Name)
		}
		pkg[key] = f
	}
	return pkg, nil
}

// readXLSXStream reads a package checkXLSXPackage has accepted.
func readXLSXStream(zr *zip.Reader, keep SheetFilter) ([]*Sheet, error) {
	pkg, err := indexXLSXParts(zr)
	if err != nil {
		return nil, err
	}
	wbName, wbPart, err := pkg.mainPart()
	if err != nil {
		return nil, err
	}
	list, err := readXLSXWorkbook(wbPart)
	if err != nil {
		return nil, err
	}
	rels, err := pkg.rels(wbName)
	if err != nil {
		return nil, err
	}
	sst, err := pkg.sharedStringsPart(wbName, rels)
	if err != nil {
		return nil, err
	}
	var b budget
	sheets := make([]*Sheet, 0, len(list))
	for _, s := range list {
		if !keep.wants(s.name) {
			sheets = append(sheets, &Sheet{Name: s.name, Skipped: true})
			continue
		}
		sh, err := pkg.readSheet(s, wbName, rels, sst, &b)
		if err != nil {
			return nil, fmt.Errorf("sheet %q: %w", s.name, err)
		}
		sheets = append(sheets, sh)
	}
	return sheets, nil
}

// readSheet finds the sheet's part through its relationship and reads it.
func (pkg xlsxPackage) readSheet(s xlsxSheetEntry, wbName string, rels *xlsxRels, sst *xlsxSST, b *budget) (*Sheet, error) {
	if s.rid == "" {
		return nil, fmt.Errorf("no r:id in its <sheet> element of %s", wbName)
	}
	rel, err := rels.get(s.rid)
	if err != nil {
		return nil, err
	}
	if !xlsxRelIsSheet(rel.typ) {
		return nil, fmt.Errorf("relationship %s in %s is of type %s, not a sheet", s.rid, rels.name, rel.typ)
	}
	name, part := pkg.target(wbName, rel)
	switch {
	case part == nil:
		return nil, fmt.Errorf("missing part %s (relationship %s in %s)", name, s.rid, rels.name)
	case part.UncompressedSize64 == 0:
		return nil, fmt.Errorf("part %s is empty", part.Name)
	}
	strs, err := sst.strings()
	if err != nil {
		return nil, err
	}
	return readXLSXStreamSheet(part, s.name, strs, b)
}

// mainPart finds the workbook part: the target of the package's one
// officeDocument relationship.
func (pkg xlsxPackage) mainPart() (string, *zip.File, error) {
	rels, err := pkg.rels("")
	if err != nil {
		return "", nil, err
	}
	if rels.missing {
		return "", nil, fmt.Errorf("missing part %s (the package relationships)", rels.name)
	}
	main, err := rels.only("officeDocument")
	if err != nil {
		return "", nil, err
	}
	if main == nil {
		return "", nil, fmt.Errorf("%s has no officeDocument relationship", rels.name)
	}
	name, part := pkg.target("", main)
	if part == nil {
		return "", nil, fmt.Errorf("missing part %s (officeDocument relationship %s in %s)", name, main.id, rels.name)
	}
	return name, part, nil
}

// sharedStringsPart finds the workbook's shared strings, if it has any,
// and checks their declared size.
func (pkg xlsxPackage) sharedStringsPart(wbName string, rels *xlsxRels) (*xlsxSST, error) {
	rel, err := rels.only("sharedStrings")
	if err != nil {
		return nil, err
	}
	if rel == nil {
		return &xlsxSST{}, nil
	}
	name, part := pkg.target(wbName, rel)
	if part == nil {
		return nil, fmt.Errorf("missing part %s (sharedStrings relationship %s in %s)", name, rel.id, rels.name)
	}
	if part.UncompressedSize64 > maxSharedStringsBytes {
		return nil, fmt.Errorf("read %s: %w", part.Name, limitError(
			"zip header declares %d bytes decompressed, more than %d for shared strings",
			part.UncompressedSize64, maxSharedStringsBytes))
	}
	return &xlsxSST{part: part}, nil
}

// xlsxSheetEntry is a <sheet> of the workbook part.
type xlsxSheetEntry struct{ name, rid string }

// readXLSXWorkbook lists the sheets of the workbook part in order, with
// their names as written.
func readXLSXWorkbook(f *zip.File) ([]xlsxSheetEntry, error) {
	var list []xlsxSheetEntry
	err := walkXLSXPart(f, func(x *lexer, path []string) error {
		if len(path) != 3 || path[1] != "sheets" || path[2] != "sheet" {
			return nil
		}
		if len(list) == maxSheets {
			return limitError("more than %d sheets", maxSheets)
		}
		var s xlsxSheetEntry
		for i := range x.attrs {
			switch a := &x.attrs[i]; {
			case string(a.raw) == "name":
				s.name = string(a.val)
			case string(xlsxLocalBytes(a.raw)) == "id" && len(xlsxLocalBytes(a.raw)) < len(a.raw):
				// r:id, in the relationships namespace of either class.
				s.rid = string(a.val)
			}
		}
		list = append(list, s)
		return nil
	})
	return list, err
}

// walkXLSXPart reads a small part to its end, calling fn at each start tag
// with the local names of the open elements, the root first. Read and
// syntax errors name the part; fn's errors are returned as they are.
func walkXLSXPart(f *zip.File, fn func(x *lexer, path []string) error) error {
	x, c, err := openXLSXPart(f)
	if err != nil {
		return err
	}
	defer c.Close()
	var path []string
	for {
		kind, err := x.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return &xlsxPartError{part: f.Name, err: err}
		}
		switch kind {
		case startTag:
			path = append(path, xlsxLocal(x.raw))
			if err := fn(x, path); err != nil {
				return err
			}
		case endTag:
			path = path[:len(path)-1]
		}
	}
}
