package sheet

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

var (
	errODSNoContent  = errors.New("no content.xml in ODS package")
	errODSNotSheet   = errors.New("content.xml has no office:spreadsheet body")
	odsSpreadsheetMT = FormatODS.MediaType()
)

// odsReader reads OpenDocument spreadsheets. It is hand-written because no
// maintained Go ODS library exists; it streams content.xml token by token so
// memory follows the cells kept, not the size of the XML.
type odsReader struct{}

// ReadSheets implements Reader.
func (odsReader) ReadSheets(r io.ReaderAt, size int64, keep SheetFilter) ([]*Sheet, error) {
	if err := checkFileSize(size); err != nil {
		return nil, err
	}
	// openZip also rejects a content.xml whose header declares more than
	// maxPartBytes, before it is inflated.
	zr, err := openZip(r, size)
	if errors.Is(err, ErrLimit) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("open ODS zip: %w", err)
	}
	var content *zip.File
	for _, f := range zr.File {
		switch {
		case f.Name == "mimetype":
			if err := checkODSMimetype(f); err != nil {
				return nil, err
			}
		case f.Name == "content.xml" && content == nil:
			content = f
		}
	}
	if content == nil {
		return nil, errODSNoContent
	}
	rc, err := openPart(content)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	// archive/zip already stops content.xml at its declared size, which
	// openZip capped; odsCappedReader is a second, independent guard.
	cr := &odsCappedReader{r: rc, left: maxPartBytes}
	p := &odsParser{x: newLexer(cr), keep: keep, strs: make(interner)}
	sheets, err := p.parse()
	if err != nil {
		return nil, fmt.Errorf("read content.xml: %w", err)
	}
	return sheets, nil
}

// checkODSMimetype rejects other OpenDocument and zip-based formats (ODT,
// EPUB) that Sniff routes here because they also carry a mimetype entry.
func checkODSMimetype(f *zip.File) error {
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("read mimetype: %w", err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, 128))
	if err != nil {
		return fmt.Errorf("read mimetype: %w", err)
	}
	// Prefix, so the -template variant is accepted as well.
	if mt := strings.TrimSpace(string(b)); !strings.HasPrefix(mt, odsSpreadsheetMT) {
		return fmt.Errorf("%w: ODS package mimetype is %q", ErrNotSpreadsheet, mt)
	}
	return nil
}

// odsCappedReader fails once more than left bytes arrive. io.LimitReader
// alone ends with a clean EOF, which would turn an oversized document into a
// confusing XML syntax error or, worse, a silently truncated sheet.
type odsCappedReader struct {
	r    io.Reader
	left int64
}

func (c *odsCappedReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return n, limitError("content.xml larger than %d bytes decompressed", maxPartBytes)
	}
	return n, err
}

// odsParser holds the tokenizer, the workbook's budget and buffers reused
// from cell to cell.
type odsParser struct {
	x     *lexer
	b     budget
	keep  SheetFilter
	strs  interner // one read's cell values
	text  []byte   // readCellText
	cells []string // readRow
}

// parse walks the document down to office:spreadsheet and reads each
// table:table there as a sheet, skipping styles, scripts and the like.
func (p *odsParser) parse() ([]*Sheet, error) {
	var sheets []*Sheet
	root, body := false, false
	for {
		kind, err := p.x.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if kind != startTag {
			continue
		}
		tag := p.x.tag
		if !root {
			if tag != "office:document-content" {
				return nil, fmt.Errorf("root element is <%s>, want office:document-content", tag)
			}
			root = true
			continue
		}
		switch tag {
		case "office:body":
		case "office:spreadsheet":
			body = true
		case "table:table":
			if name, _ := p.odsAttr("table:name"); !p.keep.wants(name) {
				if err := p.x.skip(); err != nil {
					return nil, fmt.Errorf("sheet %q: %w", name, err)
				}
				sheets = append(sheets, &Sheet{Name: name, Skipped: true})
				continue
			}
			s, err := p.readTable()
			if err != nil {
				return nil, err
			}
			sheets = append(sheets, s)
		default:
			if err := p.x.skip(); err != nil {
				return nil, err
			}
		}
	}
	if !body {
		return nil, errODSNotSheet
	}
	return sheets, nil
}

// odsTable is a sheet being built. emptyRows counts empty rows not yet
// materialised: they are appended only when a non-empty row follows, which
// is how LibreOffice's trailing million-row repeats cost nothing.
type odsTable struct {
	sheet     *Sheet
	emptyRows int64
}

func (t *odsTable) height() int64 { return int64(len(t.sheet.Rows)) + t.emptyRows }

// readTable reads one table:table, the current token, up to its end tag.
// Row wrappers are entered rather than recursed into, so deep nesting
// cannot exhaust the stack.
func (p *odsParser) readTable() (*Sheet, error) {
	name, _ := p.odsAttr("table:name")
	if err := p.b.addSheet(); err != nil {
		return nil, fmt.Errorf("sheet %q: %w", name, err)
	}
	t := &odsTable{sheet: &Sheet{Name: name}}
	for {
		kind, err := p.x.next()
		if err == io.EOF {
			err = p.x.syntaxError("unexpected EOF")
		}
		if err != nil {
			return nil, fmt.Errorf("sheet %q: %w", name, err)
		}
		switch kind {
		case startTag:
			switch p.x.tag {
			case "table:table-row":
				err = p.readRow(t)
			case "table:table-row-group", "table:table-header-rows", "table:table-rows":
				// Their rows are ordinary rows; the wrappers only group them.
			default:
				err = p.x.skip()
			}
			if err != nil {
				return nil, fmt.Errorf("sheet %q: %w", name, err)
			}
		case endTag:
			// Everything but wrappers was skipped whole, so the first
			// table:table end tag seen here is this table's.
			if p.x.tag == "table:table" {
				return t.sheet, nil
			}
		}
	}
}

// odsRow is a row being built; emptyCells plays the role of emptyRows.
// text is the bytes of its cells, for the copies a row repeat makes.
type odsRow struct {
	cells      []string
	emptyCells int64
	text       int64
}

// readRow reads one table:table-row, the current token, and adds it,
// repeated, to t.
func (p *odsParser) readRow(t *odsTable) error {
	rowNum := t.height() + 1
	repeat, err := p.odsRepeat("table:number-rows-repeated", maxRows)
	if err != nil {
		return fmt.Errorf("row %d: %w", rowNum, err)
	}
	// The cells are gathered in a buffer kept from row to row and copied
	// out once, at their final length.
	row := odsRow{cells: p.cells[:0]}
	defer func() { p.cells = row.cells[:0] }()
	for {
		kind, err := p.x.next()
		if err == io.EOF {
			err = p.x.syntaxError("unexpected EOF")
		}
		if err != nil {
			return fmt.Errorf("row %d: %w", rowNum, err)
		}
		switch kind {
		case startTag:
			col := int64(len(row.cells)) + row.emptyCells
			switch p.x.tag {
			case "table:table-cell", "table:covered-table-cell":
				err = p.readCell(&row)
			default:
				err = p.x.skip()
			}
			if err != nil {
				return fmt.Errorf("cell %s: %w", CellName(int(rowNum-1), int(min(col, maxColumns))), err)
			}
		case endTag:
			// Cells and unknown children were consumed whole: this is ours.
			if err := p.addRows(t, &row, repeat); err != nil {
				return fmt.Errorf("row %d: %w", rowNum, err)
			}
			return nil
		}
	}
}

// addCells appends n copies of v to the row, materialising the pending
// empty run first; an empty v only lengthens that run.
func (p *odsParser) addCells(row *odsRow, v string, n int64) error {
	if v == "" {
		// Saturate: hostile repeat counts must not overflow the sum.
		row.emptyCells = min(row.emptyCells+n, maxColumns+1)
		return nil
	}
	width := int64(len(row.cells)) + row.emptyCells + n
	if width > maxColumns {
		return limitError("row wider than %d columns", maxColumns)
	}
	// Charged before the copies exist: n comes from a repeat count.
	if err := p.b.charge(row.emptyCells+n, int64(len(v))*n); err != nil {
		return err
	}
	row.text += int64(len(v)) * n
	row.cells = slices.Grow(row.cells, int(row.emptyCells+n))
	for range row.emptyCells {
		row.cells = append(row.cells, "")
	}
	for range n {
		row.cells = append(row.cells, v)
	}
	row.emptyCells = 0
	return nil
}

// addRows appends n copies of row to the sheet; see odsTable.
func (p *odsParser) addRows(t *odsTable, row *odsRow, n int64) error {
	cells := row.cells
	if len(cells) == 0 {
		t.emptyRows = min(t.emptyRows+n, maxRows+1)
		return nil
	}
	// Charged before the copies exist; addCells charged the first.
	if err := p.b.setHeight(t.height() + n); err != nil {
		return err
	}
	if err := p.b.charge(int64(len(cells))*(n-1), row.text*(n-1)); err != nil {
		return err
	}
	s := t.sheet
	s.Rows = slices.Grow(s.Rows, int(t.emptyRows+n))
	for range t.emptyRows {
		s.Rows = append(s.Rows, nil)
	}
	// Copies, not shared slices, so a caller editing one row edits only it;
	// the first is a copy too, as cells is the parser's buffer.
	for range n {
		s.Rows = append(s.Rows, slices.Clone(cells))
	}
	t.emptyRows = 0
	return nil
}
