package sources

import (
	"archive/zip"
	"bytes"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// xlsxSheetParser streams one worksheet as excelize's Rows and Columns
// read it with RawCellValue: elements are matched by local name wherever
// they are, a row is the cells from its <row> to the next <row> or the end
// of <sheetData>, and a cell keeps the last <v>'s own text.
type xlsxSheetParser struct {
	x     *odsLexer
	sst   []string
	strs  interner
	cells []string // the current row
	col   int      // excelize's cellCol
	ref   []byte   // the cell's r attribute
	v     []byte   // the cell's <v> text
	isT   []byte   // the cell's inline string: last <is><t>
	isR   []byte   // and its runs' text
	runT  []byte
}

func readXLSXStreamSheet(f *zip.File, name string, sst []string, b *budget) (*Sheet, error) {
	if err := b.addSheet(); err != nil {
		return nil, err
	}
	rc, err := openPart(f)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	p := &xlsxSheetParser{x: newODSLexer(rc), sst: sst, strs: make(interner)}
	sh := &Sheet{Name: name}
	held := heldRows{sheet: sh}
	var (
		cur   int  // excelize's curRow
		inRow bool // cells now belong to row cur
	)
	flush := func() error {
		inRow = false
		return held.add(b, p.cells, copyRow)
	}
	for {
		kind, err := p.x.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			// excelize stops reading at a syntax error and keeps
			// what it has: only it can say what that is.
			return nil, errXLSXFallback
		}
		switch kind {
		case odsStartTag:
			switch xlsxLocal(p.x.raw) {
			case "row":
				n, err := p.rowNumber()
				if err != nil {
					return nil, err
				}
				if n < 0 || n != 0 && n <= cur {
					// excelize merges such a row into the one before.
					return nil, errXLSXFallback
				}
				if inRow {
					if err := flush(); err != nil {
						return nil, err
					}
				}
				if n == 0 {
					n = cur + 1
				}
				held.skip(n - cur - 1)
				cur, inRow = n, true
				p.cells, p.col = p.cells[:0], 0
			case "c":
				if inRow {
					if err := p.readCell(); err != nil {
						return nil, err
					}
				}
			}
		case odsEndTag:
			if inRow && xlsxLocal(p.x.raw) == "sheetData" {
				if err := flush(); err != nil {
					return nil, err
				}
			}
		}
	}
	if inRow {
		if err := flush(); err != nil {
			return nil, err
		}
	}
	trimTrailingEmptyRows(sh)
	return sh, nil
}

// copyRow copies the parser's row buffer out at its final length.
func copyRow(cells []string) []string {
	row := make([]string, len(cells))
	copy(row, cells)
	return row
}

// xlsxLocal is the local part of a name as encoding/xml splits it.
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

// rowNumber is the row's r attribute as excelize's attrValToInt reads it
// (the last one, 0 if none), checked against the grid.
func (p *xlsxSheetParser) rowNumber() (int, error) {
	n := 0
	for i := range p.x.attrs {
		a := &p.x.attrs[i]
		if string(xlsxLocalBytes(a.raw)) != "r" {
			continue
		}
		v, err := strconv.Atoi(string(a.val))
		if v > xlsxTotalRows {
			return 0, limitError("sheet taller than %d rows", maxRows)
		}
		if err != nil {
			return 0, errXLSXFallback
		}
		n = v
	}
	return n, nil
}

// readCell reads the <c> element just started, as excelize's
// cellXMLHandler, rowXMLHandler and getValueFrom do.
func (p *xlsxSheetParser) readCell() error {
	p.col++
	cTag := p.x.tag
	p.ref = p.ref[:0]
	typ := ""
	for i := range p.x.attrs {
		a := &p.x.attrs[i]
		switch string(xlsxLocalBytes(a.raw)) {
		case "r":
			p.ref = append(p.ref[:0], a.val...)
		case "s":
			if !xlsxIsInt(a.val) {
				if _, err := strconv.ParseInt(string(a.val), 10, 64); err != nil {
					return errXLSXFallback
				}
			}
		case "t":
			switch string(a.val) {
			case "s":
				typ = "s"
			case "inlineStr":
				typ = "inlineStr"
			default:
				typ = ""
			}
		}
	}
	p.v, p.isT, p.isR = p.v[:0], p.isT[:0], p.isR[:0]
	hasF, hasIS := false, false
	for done := false; !done; {
		kind, err := p.x.next()
		if err != nil {
			return errXLSXFallback
		}
		switch kind {
		case odsEndTag:
			done = p.x.tag == cTag
		case odsStartTag:
			if p.x.tag == cTag {
				return errXLSXFallback // a <c> in a <c> ends it early
			}
			switch xlsxLocal(p.x.raw) {
			case "v":
				if p.v, err = p.directText(p.v[:0]); err != nil {
					return err
				}
			case "f":
				hasF = true
				if err := p.x.skip(); err != nil {
					return errXLSXFallback
				}
			case "is":
				hasIS = true
				if err := p.readInline(); err != nil {
					return err
				}
			}
		}
	}
	if len(p.ref) > 0 {
		col, ok := xlsxFastCol(p.ref)
		if !ok {
			var err error
			if col, _, err = excelize.CellNameToCoordinates(string(p.ref)); err != nil {
				return xlsxError(err)
			}
		}
		p.col = col
	}
	var val string
	switch {
	case typ == "s":
		if len(p.v) > 0 {
			idx, ok := xlsxFastIndex(p.v)
			if !ok {
				idx, _ = strconv.Atoi(strings.TrimSpace(string(p.v)))
			}
			// The table holds one string per item, which every cell
			// using it shares already.
			if idx >= 0 && idx < len(p.sst) {
				val = p.sst[idx]
			}
		}
	case typ == "inlineStr" && hasIS:
		// The direct <t>'s text, then the runs'.
		if p.isT = append(p.isT, p.isR...); bytes.Contains(p.isT, []byte("_x")) {
			val = p.strs.intern(xlsxBstrUnmarshal(string(p.isT)))
		} else {
			val = p.strs.internBytes(p.isT)
		}
	default:
		val = p.strs.internBytes(p.v)
	}
	if val == "" && !hasF {
		return nil
	}
	for i := len(p.cells) + 1; i < p.col; i++ {
		p.cells = append(p.cells, "")
	}
	p.cells = append(p.cells, val)
	return nil
}
