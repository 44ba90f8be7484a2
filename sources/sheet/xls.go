package sheet

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/shakinm/xlsReader/cfb"
	"github.com/shakinm/xlsReader/xls"
	"github.com/shakinm/xlsReader/xls/structure"
)

// xlsReader reads legacy BIFF8 (.xls) workbooks through shakinm/xlsReader.
type xlsReader struct{}

// ReadSheets implements Reader. The underlying library indexes slices from
// file content without bounds checks, so a malformed file can panic inside
// it; that panic is turned into an error here because a bad download must
// fail one file, never the process. The library also parses the whole
// workbook before returning, so the limits it cannot enforce are checked
// first by checkXLS on the same bytes.
func (xlsReader) ReadSheets(r io.ReaderAt, size int64, keep SheetFilter) (sheets []*Sheet, err error) {
	defer func() {
		if p := recover(); p != nil {
			sheets, err = nil, fmt.Errorf("cannot decode BIFF8 workbook: %v", p)
		}
	}()
	if err := checkFileSize(size); err != nil {
		return nil, err
	}
	skipped, err := checkXLS(r, size, keep)
	if err != nil {
		return nil, err
	}
	src := newXLSFileReader(r, size)
	if skipped != nil {
		src = newXLSFileReader(bytes.NewReader(skipped), size)
	}
	wb, err := xls.OpenReader(src)
	if err != nil {
		return nil, fmt.Errorf("cannot decode BIFF8 workbook: %w", err)
	}
	if wb.GetNumberSheets() > maxSheets {
		return nil, limitError("more than %d sheets", maxSheets)
	}
	var b budget
	for i := 0; i < wb.GetNumberSheets(); i++ {
		src, err := wb.GetSheet(i)
		if err != nil {
			return nil, err
		}
		sh := &Sheet{Name: src.GetName()}
		if !keep.wants(sh.Name) {
			// skipXLSSheets has emptied it for the library, or the library
			// has parsed it: either way nothing of it is copied.
			sh.Skipped = true
			sheets = append(sheets, sh)
			continue
		}
		if err := readXLSSheet(src, sh, &b); err != nil {
			return nil, fmt.Errorf("sheet %q: %w", sh.Name, err)
		}
		sheets = append(sheets, sh)
	}
	return sheets, nil
}

func readXLSSheet(src *xls.Sheet, sh *Sheet, b *budget) error {
	if err := b.addSheet(); err != nil {
		return err
	}
	for r, row := range src.GetRows() {
		cells := row.GetCols()
		out := make([]string, len(cells))
		for c, cell := range cells {
			out[c] = xlsCellText(cell)
		}
		if err := b.addRow(int64(r), out); err != nil {
			return err
		}
		sh.Rows = append(sh.Rows, out)
	}
	trimTrailingEmptyRows(sh)
	return nil
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

// xlsFileReader fails a read once the library has read twice the file:
// it follows sector chains (FAT, mini FAT, directory, streams) without
// cycle checks, so a chain that loops back on itself would be read, and
// kept, forever. Honest files read each sector about once.
type xlsFileReader struct {
	*io.SectionReader
	left int64
}

func newXLSFileReader(r io.ReaderAt, size int64) *xlsFileReader {
	return &xlsFileReader{SectionReader: io.NewSectionReader(r, 0, size), left: 2*size + 64<<10}
}

func (x *xlsFileReader) Read(p []byte) (int, error) {
	if int64(len(p)) > x.left {
		return 0, limitError("compound file sector chains read more than twice the file's %d bytes", x.Size())
	}
	n, err := x.SectionReader.Read(p)
	x.left -= int64(n)
	return n, err
}

// checkXLS finds the workbook stream as the library does and checks what
// the library would allocate from it before it does: the stream's declared
// size (it allocates that much up front), the sheets, and the cells. It
// returns the file with the sheets keep refuses emptied (skipXLSSheets),
// or nil to read the file as it is.
func checkXLS(r io.ReaderAt, size int64, keep SheetFilter) ([]byte, error) {
	stream, seeks, err := xlsStream(r, size)
	if err != nil || stream == nil {
		return nil, err
	}
	if err := scanBIFF(stream); err != nil {
		return nil, err
	}
	return skipXLSSheets(r, size, stream, seeks, keep), nil
}

// xlsStream reads the workbook stream through the library's compound-file
// reader, with where in the file it read each of its sectors (nil for a
// stream in the mini stream, which has no sectors of its own). A file
// with no workbook stream has none: nil, and no error.
func xlsStream(r io.ReaderAt, size int64) (stream []byte, seeks []int64, err error) {
	log := &sectorLog{xlsFileReader: newXLSFileReader(r, size)}
	c, err := cfb.OpenReader(log)
	if err != nil {
		if errors.Is(err, ErrLimit) {
			return nil, nil, err
		}
		return nil, nil, fmt.Errorf("cannot decode BIFF8 workbook: %w", err)
	}
	var book, root *cfb.Directory
	for _, d := range c.GetDirs() {
		switch d.Name() {
		case "Workbook":
			if book == nil {
				book = d
			}
		case "Book":
			book = d
		case "Root Entry":
			root = d
		}
	}
	if book == nil {
		return nil, nil, nil // the library reads no sheets
	}
	if n := int64(book.GetStreamSize()); n > size {
		return nil, nil, fmt.Errorf("cannot decode BIFF8 workbook: its stream declares %d bytes in a %d-byte file", n, size)
	}
	log.recording = true
	rs, err := c.OpenObject(book, root)
	log.recording = false
	if err != nil {
		return nil, nil, fmt.Errorf("cannot decode BIFF8 workbook: %w", err)
	}
	if stream, err = io.ReadAll(io.LimitReader(rs, int64(book.GetStreamSize()))); err != nil {
		return nil, nil, fmt.Errorf("cannot decode BIFF8 workbook: %w", err)
	}
	if book.GetStreamSize() < 4096 { // the mini stream cutoff
		return stream, nil, nil
	}
	return stream, log.seeks, nil
}

// BIFF8 record types that scanBIFF reads.
const (
	biffEOF        = 0x000A
	biffBoundSheet = 0x0085
	biffMulRK      = 0x00BD
	biffMulBlank   = 0x00BE
	biffLabelSST   = 0x00FD
	biffBlank      = 0x0201
	biffNumber     = 0x0203
	biffLabel      = 0x0204
	biffBoolErr    = 0x0205
	biffRK         = 0x027E
)

// scanBIFF counts the sheets and cells the library will build from the
// workbook stream. Like the library, it reads the globals up to their EOF
// record, then each sheet from the offset its BOUNDSHEET record gives, so
// sheets that share or overlap substreams are counted as often as they
// will be parsed.
func scanBIFF(stream []byte) error {
	var walked, cells int64
	var offsets []int64
	err := biffWalk(stream, 0, &walked, func(typ uint16, data []byte) error {
		if typ == biffBoundSheet && len(data) >= 4 {
			if offsets = append(offsets, int64(binary.LittleEndian.Uint32(data))); len(offsets) > maxSheets {
				return limitError("more than %d sheets", maxSheets)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, off := range offsets {
		err := biffWalk(stream, off, &walked, func(typ uint16, data []byte) error {
			switch typ {
			case biffLabel, biffLabelSST, biffNumber, biffRK, biffBlank, biffBoolErr:
				cells++
			case biffMulBlank, biffMulRK:
				// The library takes the count from the column range, not
				// the record length, and reads past a short record.
				if len(data) >= 6 {
					first := binary.LittleEndian.Uint16(data[2:])
					last := binary.LittleEndian.Uint16(data[len(data)-2:])
					cells += int64(last-first) + 1
				}
			}
			if cells > maxCells {
				return errTooManyCells()
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// biffWalk calls fn for each record from pos up to an EOF record, counting
// records in walked. A record running past the stream ends the walk; the
// library then fails on it by itself.
func biffWalk(stream []byte, pos int64, walked *int64, fn func(typ uint16, data []byte) error) error {
	for pos >= 0 && pos+4 <= int64(len(stream)) {
		if *walked++; *walked > maxBIFFRecords {
			return limitError("more than %d BIFF records in the sheets", maxBIFFRecords)
		}
		typ := binary.LittleEndian.Uint16(stream[pos:])
		end := pos + 4 + int64(binary.LittleEndian.Uint16(stream[pos+2:]))
		if end > int64(len(stream)) || (typ == biffEOF && end == pos+4) {
			return nil
		}
		if err := fn(typ, stream[pos+4:end]); err != nil {
			return err
		}
		pos = end
	}
	return nil
}
