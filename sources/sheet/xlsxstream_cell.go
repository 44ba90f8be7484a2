package sheet

import (
	"bytes"
	"fmt"
)

// A worksheet cell (CT_Cell): its reference, type and value.

// readCell reads the <c> just started. Its r attribute is optional (the
// cell after the previous one); cells must ascend within their row. The
// value is the <v> text as written (the raw number, never a display
// format), the shared string it indexes (t="s"), or the inline string
// (t="inlineStr"); a formula's value is its cached <v>. The style (s) only
// formats the value, so it is not read.
func (p *xlsxSheetParser) readCell() error {
	col, typ := p.col+1, byte(0)
	var ref []byte // valid until the next token, read after it is used
	// The type decides how <v> reads: 's' a shared string index, 'i' an
	// inline string, 'f' a formula's string result, 0 the text as it is.
	for i := range p.x.attrs {
		switch a := &p.x.attrs[i]; string(a.raw) {
		case "r":
			ref = a.val
		case "t":
			switch string(a.val) {
			case "s":
				typ = 's'
			case "inlineStr":
				typ = 'i'
			case "str":
				typ = 'f'
			default:
				typ = 0 // n, b, e, d: the text as written
			}
		}
	}
	if len(ref) > 0 {
		c, r, ok := xlsxCellRef(ref)
		switch {
		case !ok:
			return fmt.Errorf("row %d: bad cell reference %q", p.row, xlsxQuote(ref))
		case c <= maxColumns && r != p.row:
			return fmt.Errorf("cell %s in row %d (a cell's reference names its row)", ref, p.row)
		case c <= maxColumns && c <= p.col:
			return fmt.Errorf("cell %s after cell %s (cells must ascend)", ref, CellName(p.row-1, p.col-1))
		}
		col = c
	}
	// Checked for every cell, with or without a reference: cells without
	// one still move along the row, and the row is padded up to the next
	// value, so unchecked they could grow it past any limit first.
	if col > maxColumns {
		return fmt.Errorf("cell %s: %w", CellName(p.row-1, col-1), limitError("row wider than %d columns", maxColumns))
	}
	p.col = col
	if err := p.readValue(typ); err != nil {
		return fmt.Errorf("cell %s: %w", CellName(p.row-1, col-1), err)
	}
	return nil
}

// readValue reads the children of the <c> just started and appends its
// value to the row, unless it has none: an empty cell without a formula is
// not materialised.
func (p *xlsxSheetParser) readValue(typ byte) error {
	p.v = p.v[:0]
	var inline []byte
	hasF, hasIS := false, false
	err := p.children(func(local string) (err error) {
		switch local {
		case "v":
			p.v, err = p.text(p.v[:0])
		case "f":
			hasF = true
			err = p.skip()
		case "is":
			hasIS = true
			inline, err = p.rst()
		case "extLst":
			err = p.skip()
		default:
			err = fmt.Errorf("<%s> in <c>", p.x.raw)
		}
		return err
	})
	if err != nil {
		return err
	}
	var val string
	switch {
	case typ == 's' && len(p.v) > 0:
		idx, ok := xlsxUint(p.v)
		switch {
		case !ok:
			return fmt.Errorf("shared string index %q is not a number", xlsxQuote(p.v))
		case idx >= len(p.sst):
			return fmt.Errorf("shared string %d out of range (the workbook has %d)", idx, len(p.sst))
		}
		// One string per table item, shared by every cell using it.
		val = p.sst[idx]
	case typ == 'i' && hasIS:
		val = p.strs.internBytes(inline)
	case typ == 'i' || typ == 'f':
		// <v> is an ST_Xstring too.
		val = p.strs.internBytes(xlsxUnescape(p.v))
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

// xlsxCellRef reads an A1-style reference: one to three column letters
// and a row number without leading zeros, either optionally absolute
// ("$B$3"). Letters of any case name the same column.
func xlsxCellRef(ref []byte) (col, row int, ok bool) {
	i := 0
	if i < len(ref) && ref[i] == '$' {
		i++
	}
	start := i
	for ; i < len(ref) && i-start < 4; i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a') + 1
	}
	if n := i - start; n == 0 || n > 3 {
		return 0, 0, false
	}
	if i < len(ref) && ref[i] == '$' {
		i++
	}
	if i == len(ref) || ref[i] == '0' || len(ref)-i > 7 {
		return 0, 0, false
	}
	for ; i < len(ref); i++ {
		if ref[i] < '0' || ref[i] > '9' {
			return 0, 0, false
		}
		row = row*10 + int(ref[i]-'0')
	}
	return col, row, true
}

// xlsxUint reads a non-negative decimal (xsd:unsignedInt, surrounding
// white space allowed) of at most nine digits.
func xlsxUint(b []byte) (int, bool) {
	b = bytes.Trim(b, " \t\r\n")
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
