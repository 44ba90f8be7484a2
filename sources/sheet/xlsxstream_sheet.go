package sheet

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"
)

// xlsxSheetParser streams one sheet part (CT_Worksheet): the <row>s of its
// <sheetData>, and in each row its <c>s. Other elements of the sheet
// (columns, merged cells, formatting, extensions) are read past. Inside
// sheetData, rows and cells are where the data is: anything there the
// schema does not allow is an error, not something to guess around.
type xlsxSheetParser struct {
	xlsxText
	sst   []string
	strs  interner
	held  heldRows
	b     *budget
	row   int      // the current row's number (1-based); rows must ascend
	cells []string // the current row
	col   int      // the last cell's column (1-based); cells must ascend
	v     []byte   // the cell's <v> text
}

func readXLSXStreamSheet(f *zip.File, name string, sst []string, b *budget) (*Sheet, error) {
	if err := b.addSheet(); err != nil {
		return nil, err
	}
	x, c, err := openXLSXPart(f)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	sh := &Sheet{Name: name}
	p := &xlsxSheetParser{xlsxText: xlsxText{x: x, part: f.Name}, sst: sst, strs: make(interner), held: heldRows{sheet: sh}, b: b}
	roots := 0
	for {
		kind, err := x.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, p.readError(err)
		}
		if kind == startTag {
			roots++
			if err := p.readRoot(); err != nil {
				return nil, err
			}
		}
	}
	if roots == 0 {
		return nil, fmt.Errorf("read %s: no XML element", f.Name)
	}
	trimTrailingEmptyRows(sh)
	return sh, nil
}

// readRoot reads the root element just started, <worksheet> or another
// sheet's (a chartsheet has no sheetData: it reads as an empty sheet).
func (p *xlsxSheetParser) readRoot() error {
	return p.children(func(local string) error {
		if local == "sheetData" {
			return p.readSheetData()
		}
		return p.skip()
	})
}

// readSheetData reads the rows of <sheetData>, its only children.
func (p *xlsxSheetParser) readSheetData() error {
	return p.children(func(local string) error {
		if local == "row" {
			return p.readRow()
		}
		return fmt.Errorf("<%s> in <sheetData> %s (only rows belong there)", p.x.raw, p.where())
	})
}

// readRow reads the <row> just started. Its r attribute is optional (the
// row after the previous one), and rows must ascend: a row number repeated
// or going back would put cells in a place that is not theirs.
func (p *xlsxSheetParser) readRow() error {
	n := p.row + 1
	if v, ok := p.x.attr("r"); ok {
		r, ok := xlsxUint(v)
		switch {
		case !ok || r == 0:
			return fmt.Errorf("bad row number %q (%s)", xlsxQuote(v), p.where())
		case r > maxRows:
			return fmt.Errorf("row %d: %w", r, limitError("sheet taller than %d rows", maxRows))
		case r == p.row:
			return fmt.Errorf("row %d repeated (rows must ascend)", r)
		case r < p.row:
			return fmt.Errorf("row %d after row %d (rows must ascend)", r, p.row)
		}
		n = r
	}
	p.held.skip(n - p.row - 1)
	p.row, p.col, p.cells = n, 0, p.cells[:0]
	err := p.children(func(local string) error {
		switch local {
		case "c":
			return p.readCell()
		case "extLst":
			return p.skip()
		}
		return fmt.Errorf("row %d: <%s> in <row> (only cells belong there)", p.row, p.x.raw)
	})
	if err != nil {
		return err
	}
	return p.held.add(p.b, p.cells)
}

// where says where in the sheet the parser is, for errors.
func (p *xlsxSheetParser) where() string {
	if p.row == 0 {
		return "before the first row"
	}
	return fmt.Sprintf("after row %d", p.row)
}

// xlsxLocal is the local part of a name as written ("x:row" → "row").
func xlsxLocal(raw string) string {
	space, local, ok := strings.Cut(raw, ":")
	if !ok || space == "" || local == "" || strings.IndexByte(local, ':') >= 0 {
		return raw
	}
	return local
}

func xlsxLocalBytes(raw []byte) []byte {
	space, local, ok := bytes.Cut(raw, []byte{':'})
	if !ok || len(space) == 0 || len(local) == 0 || bytes.IndexByte(local, ':') >= 0 {
		return raw
	}
	return local
}

// xlsxQuote is an attribute value cut short enough to quote in an error.
func xlsxQuote(v []byte) string {
	if len(v) > 32 {
		return string(v[:32]) + "…"
	}
	return string(v)
}
