package sheet

import (
	"bytes"
	"errors"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"
)

// FuzzWorkbook feeds arbitrary bytes through Open, that is format sniffing
// and dispatch to the reader it picks. Open must not panic; a success must
// report the format Sniff detects and keep the readers' size limits; a
// failure must name the file, and bytes Sniff rejects must fail with
// ErrNotSpreadsheet. Seeds are the spreadsheet and CSV files of
// testdata/published, with truncated copies, plus bare magic numbers and
// an HTML error page.
func FuzzWorkbook(f *testing.F) {
	for _, glob := range []string{"*.xls", "*.xlsx", "*.ods", "*.csv"} {
		files := publishedFiles(f, glob)
		for _, name := range slices.Sorted(maps.Keys(files)) {
			b := files[name]
			if len(b) > 64<<10 { // the population workbooks only slow mutation down
				continue
			}
			f.Add(b)
			f.Add(b[:len(b)/2])
		}
	}
	for _, s := range [][]byte{nil, zipMagic, cfbMagic, []byte("<!DOCTYPE html><html><body>503 Service Unavailable</body></html>")} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		format, sniffErr := Sniff(bytes.NewReader(data), int64(len(data)))
		var wb *Workbook
		sheets, err := fuzzRead(t, readerFunc(func() ([]*Sheet, error) {
			var err error
			wb, err = Open("fuzz.bin", bytes.NewReader(data), int64(len(data)))
			if wb != nil {
				return wb.Sheets, err
			}
			return nil, err
		}), data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "open workbook fuzz.bin: ") {
				t.Fatalf("error does not name the file: %v", err)
			}
			if sniffErr != nil && !errors.Is(err, ErrNotSpreadsheet) {
				t.Fatalf("Sniff failed with %v but Open with %v", sniffErr, err)
			}
			return
		}
		if sniffErr != nil || wb == nil || wb.Format != format || wb.Name != "fuzz.bin" {
			t.Fatalf("Open succeeded with %+v, Sniff gave %q, %v", wb, format, sniffErr)
		}
		checkSheetBounds(t, sheets)
	})
}

// readerFunc adapts a closure to Reader so that fuzzRead can bound it; the
// ReaderAt and size it is given are ignored.
type readerFunc func() ([]*Sheet, error)

func (f readerFunc) ReadSheets(io.ReaderAt, int64, SheetFilter) ([]*Sheet, error) { return f() }
