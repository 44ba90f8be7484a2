package sources

import (
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/shakinm/xlsReader/xls"
	"github.com/shakinm/xlsReader/xls/structure"
)

// maxSheetRows bounds the rows read from one sheet of any format.
const maxSheetRows = 1 << 20

// xlsReader reads legacy BIFF8 (.xls) workbooks through shakinm/xlsReader.
type xlsReader struct{}

// ReadSheets implements Reader. The underlying library indexes slices from
// file content without bounds checks, so a malformed file can panic inside
// it; that panic is turned into an error here because a bad download must
// fail one file, never the process.
func (xlsReader) ReadSheets(r io.ReaderAt, size int64) (sheets []*Sheet, err error) {
	defer func() {
		if p := recover(); p != nil {
			sheets, err = nil, fmt.Errorf("cannot decode BIFF8 workbook: %v", p)
		}
	}()
	wb, err := xls.OpenReader(io.NewSectionReader(r, 0, size))
	if err != nil {
		return nil, fmt.Errorf("cannot decode BIFF8 workbook: %w", err)
	}
	for i := 0; i < wb.GetNumberSheets(); i++ {
		src, err := wb.GetSheet(i)
		if err != nil {
			return nil, err
		}
		sh := &Sheet{Name: src.GetName()}
		n := src.GetNumberRows()
		if n > maxSheetRows {
			return nil, fmt.Errorf("sheet %q has %d rows, more than the limit of %d", sh.Name, n, maxSheetRows)
		}
		for _, row := range src.GetRows() {
			cells := row.GetCols()
			if len(cells) > maxSheetColumns {
				return nil, fmt.Errorf("sheet %q: row %d has %d columns, more than the limit of %d", sh.Name, len(sh.Rows)+1, len(cells), maxSheetColumns)
			}
			out := make([]string, len(cells))
			for c, cell := range cells {
				out[c] = xlsCellText(cell)
			}
			sh.Rows = append(sh.Rows, out)
		}
		trimTrailingEmptyRows(sh)
		sheets = append(sheets, sh)
	}
	return sheets, nil
}

// xlsCellText returns the text of a BIFF cell. Number and RK cells format
// their stored double in plain decimal, which is what Sheet promises.
func xlsCellText(c structure.CellData) string {
	if c == nil {
		return ""
	}
	s := c.GetString()
	if !utf8.ValidString(s) {
		// BIFF8 stores a string that fits in Latin-1 "compressed", one byte
		// per character, and the library hands those bytes back as they
		// are ("offenders\xb2" for "offenders²"). Latin-1 bytes are the
		// first 256 code points, so each byte is its own rune.
		r := make([]rune, len(s))
		for i := 0; i < len(s); i++ {
			r[i] = rune(s[i])
		}
		s = string(r)
	}
	return s
}
