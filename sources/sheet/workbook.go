// Package sheet turns a spreadsheet's bytes into cells: one reader per
// format (XLSX, XLS, ODS) behind the Reader interface, format sniffing, and
// the limits every reader applies to hostile or broken files.
package sheet

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
)

// Format is a spreadsheet file format.
type Format string

// The formats mappa reads.
const (
	FormatXLSX Format = "xlsx"
	FormatODS  Format = "ods"
	FormatXLS  Format = "xls"
)

// MediaType returns the IANA media type of the format.
func (f Format) MediaType() string {
	switch f {
	case FormatXLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case FormatODS:
		return "application/vnd.oasis.opendocument.spreadsheet"
	case FormatXLS:
		return "application/vnd.ms-excel"
	}
	return "application/octet-stream"
}

// Sheet is one worksheet as a ragged grid of cell texts. Rows[r][c] is the
// cell at zero-based row r and column c; missing cells read as "". Numeric
// cells hold their raw value in plain decimal ("1596", "125.2"), never a
// display format, so parsing does not depend on the author's number format.
type Sheet struct {
	Name string
	Rows [][]string
	// Skipped is true when the caller asked Open to leave this sheet's
	// cells out (OnlySheets); Rows is then empty but the name is kept, so
	// errors can still list every sheet of the file.
	Skipped bool
}

// Value returns the text of the cell at zero-based row r and column c, or ""
// when the cell is outside the grid.
func (s *Sheet) Value(r, c int) string {
	if r < 0 || r >= len(s.Rows) || c < 0 || c >= len(s.Rows[r]) {
		return ""
	}
	return s.Rows[r][c]
}

// Width returns the number of columns of the widest row.
func (s *Sheet) Width() int {
	w := 0
	for _, row := range s.Rows {
		if len(row) > w {
			w = len(row)
		}
	}
	return w
}

// heldRows appends rows to a sheet, holding back empty ones: they are
// counted, not appended, until a row with cells follows. Readers see every
// row number up to the last, so one cell at row 1,048,576 follows a million
// empty rows, and only those above a value need to exist.
type heldRows struct {
	sheet   *Sheet
	pending int // empty rows not yet appended
}

// skip holds back n empty rows. The count saturates past the grid, so
// hostile row numbers cannot overflow it; addRow then fails on the height.
func (h *heldRows) skip(n int) { h.pending = min(h.pending+n, maxRows+1) }

// add charges cells to b as the next row and, unless it is empty, appends
// the rows held back and then a copy of cells at its own length (cells is
// the reader's buffer). The copy is made only once the cells are charged,
// so a row over a limit is never copied.
func (h *heldRows) add(b *budget, cells []string) error {
	if len(cells) == 0 {
		h.skip(1)
		return nil
	}
	sh := h.sheet
	if err := b.addRow(int64(len(sh.Rows)+h.pending), cells); err != nil {
		return err
	}
	sh.Rows = slices.Grow(sh.Rows, h.pending+1)
	for ; h.pending > 0; h.pending-- {
		sh.Rows = append(sh.Rows, nil)
	}
	sh.Rows = append(sh.Rows, slices.Clone(cells))
	return nil
}

func trimTrailingEmptyRows(sh *Sheet) {
	n := len(sh.Rows)
	for n > 0 && rowEmpty(sh.Rows[n-1]) {
		n--
	}
	sh.Rows = sh.Rows[:n]
}

func rowEmpty(row []string) bool {
	for _, v := range row {
		if v != "" {
			return false
		}
	}
	return true
}

// interner shares one copy of each short cell value within a sheet or a
// read: area names, categories and small counts recur in every row, and a
// shared copy is one allocation fewer and a smaller result. Values over
// internMaxBytes are rarely repeated and are left alone; past
// internMaxEntries the map starts over, so a sheet of distinct values
// cannot grow it without bound.
type interner map[string]string

const (
	internMaxBytes   = 32
	internMaxEntries = 1 << 14
)

// internBytes returns the shared copy of string(b), converting only values
// not already held: the m[string(b)] lookup does not allocate.
func (in interner) internBytes(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > internMaxBytes {
		return string(b)
	}
	if v, ok := in[string(b)]; ok {
		return v
	}
	// The conversion is already a copy.
	v := string(b)
	in.add(v)
	return v
}

func (in interner) add(v string) {
	if len(in) >= internMaxEntries {
		clear(in)
	}
	in[v] = v
}

// Workbook is a parsed spreadsheet file.
type Workbook struct {
	// Name is how errors refer to the file (usually its base name).
	Name   string
	Format Format
	Sheets []*Sheet
}

// Reader reads one spreadsheet format into sheets. keep says which sheets'
// cells to read; nil keeps every sheet.
type Reader interface {
	ReadSheets(r io.ReaderAt, size int64, keep SheetFilter) ([]*Sheet, error)
}

// SheetFilter reports whether the cells of the sheet with this name are
// wanted.
type SheetFilter func(name string) bool

// wants reports whether keep keeps the sheet; a nil filter keeps all.
func (keep SheetFilter) wants(name string) bool { return keep == nil || keep(name) }

// OpenOption configures Open.
type OpenOption func(*openOptions)

type openOptions struct {
	keep SheetFilter
}

// OnlySheets makes Open read the cells of the sheets keep accepts and only
// the names of the others. ONS population workbooks carry males and
// females sheets as large as the persons sheet, which is all mappa reads:
// skipping them is most of the cost of reading those files.
func OnlySheets(keep SheetFilter) OpenOption {
	return func(o *openOptions) { o.keep = keep }
}

// ErrNotSpreadsheet reports bytes that are not XLSX, ODS or XLS.
var ErrNotSpreadsheet = errors.New("not a spreadsheet (expected XLSX, ODS or XLS)")

// readers maps each format to its reader; tests may swap entries.
var readers = map[Format]Reader{
	FormatXLSX: xlsxReader{},
	FormatODS:  odsReader{},
	FormatXLS:  xlsReader{},
}

// OpenFile reads the workbook at path, detecting its format from its bytes.
func OpenFile(path string) (*Workbook, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open workbook %s: %w", filepath.Base(path), err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("open workbook %s: %w", filepath.Base(path), err)
	}
	return Open(filepath.Base(path), f, st.Size())
}

// Open reads a workbook from r, detecting its format from its bytes. name is
// used in errors only. A workbook over one of the reader limits fails with
// an error wrapping ErrLimit.
func Open(name string, r io.ReaderAt, size int64, opts ...OpenOption) (*Workbook, error) {
	var o openOptions
	for _, opt := range opts {
		opt(&o)
	}
	// Before Sniff, so an oversized file fails as such whatever its bytes.
	if err := checkFileSize(size); err != nil {
		return nil, fmt.Errorf("open workbook %s: %w", name, err)
	}
	format, err := Sniff(r, size)
	if err != nil {
		return nil, fmt.Errorf("open workbook %s: %w", name, err)
	}
	sheets, err := readers[format].ReadSheets(r, size, o.keep)
	if err != nil {
		return nil, fmt.Errorf("open workbook %s: read %s: %w", name, format, err)
	}
	return &Workbook{Name: name, Format: format, Sheets: sheets}, nil
}

// CellName returns the A1-style name of the zero-based row and column, such
// as "D12" for row 11, column 3.
func CellName(row, col int) string {
	return ColumnName(col) + strconv.Itoa(row+1)
}

// ColumnName returns the letters of a zero-based column index ("A", "AA").
func ColumnName(col int) string {
	name := ""
	for col >= 0 {
		name = string(rune('A'+col%26)) + name
		col = col/26 - 1
	}
	return name
}

// CellError is an error about one cell of one sheet of one file.
type CellError struct {
	File, Sheet, Cell string
	Err               error
}

func (e *CellError) Error() string {
	return fmt.Sprintf("%s, sheet %q, cell %s: %v", e.File, e.Sheet, e.Cell, e.Err)
}

func (e *CellError) Unwrap() error { return e.Err }
