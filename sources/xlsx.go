package sources

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// Limits on XLSX packages: area tables and population workbooks are a few
// megabytes, so anything near these is hostile or broken.
const (
	xlsxMaxUnzipped    = 1 << 30 // whole package, decompressed
	xlsxMaxUnzippedXML = 256 << 20
	maxSheetColumns    = 16384
)

// xlsxReader reads Office Open XML workbooks through excelize, streaming each
// sheet's rows rather than loading the whole grid model.
type xlsxReader struct{}

// ReadSheets implements Reader.
func (xlsxReader) ReadSheets(r io.ReaderAt, size int64) ([]*Sheet, error) {
	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{
		UnzipSizeLimit:    xlsxMaxUnzipped,
		UnzipXMLSizeLimit: xlsxMaxUnzippedXML,
	})
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var sheets []*Sheet
	for _, name := range f.GetSheetList() {
		sh, err := readXLSXSheet(f, name)
		if err != nil {
			return nil, fmt.Errorf("sheet %q: %w", name, err)
		}
		sheets = append(sheets, sh)
	}
	return sheets, nil
}

func readXLSXSheet(f *excelize.File, name string) (*Sheet, error) {
	rows, err := f.Rows(name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	sh := &Sheet{Name: name}
	for rows.Next() {
		// Raw values: the display format ("1,596", "125") would hide the
		// stored number and round published rates.
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, err
		}
		if len(cols) > maxSheetColumns {
			return nil, fmt.Errorf("row %d has %d columns, more than the limit of %d", len(sh.Rows)+1, len(cols), maxSheetColumns)
		}
		sh.Rows = append(sh.Rows, cols)
	}
	if err := rows.Error(); err != nil {
		return nil, err
	}
	trimTrailingEmptyRows(sh)
	return sh, nil
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
