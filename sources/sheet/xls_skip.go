package sheet

import (
	"bytes"
	"encoding/binary"
	"io"
	"unicode/utf16"
)

// The library parses every sheet of a workbook into maps of cells before
// it returns any, and an ONS estimate's males, females and components
// sheets are each as large as the persons sheet: parsing them was most of
// the memory of reading one (88 MB peak for the real mid-2019 file). It
// offers no way to skip a sheet, so skipXLSSheets gives it a copy of the
// file in which each unwanted sheet's BOUNDSHEET record points at the
// workbook globals' EOF record: the library then reads that sheet as
// empty, at once, and still lists its name. Only the 4-byte offset of
// each such record changes; no cell of a kept sheet is touched.

// sectorLog records where the library reads the file, so that the
// workbook stream's bytes can be found in it: the library reads a stream
// one sector at a time, seeking to each sector of its chain in order.
type sectorLog struct {
	*xlsFileReader
	recording bool
	seeks     []int64
}

func (s *sectorLog) Seek(off int64, whence int) (int64, error) {
	n, err := s.xlsFileReader.Seek(off, whence)
	if s.recording && err == nil {
		s.seeks = append(s.seeks, n)
	}
	return n, err
}

// boundSheet is a BOUNDSHEET record: where in the stream its record sits,
// and the sheet's name.
type boundSheet struct {
	pos  int64
	name string
}

// globals walks the workbook globals: their BOUNDSHEET records, and the
// position of the EOF record that ends them (-1 if none).
func globals(stream []byte) (sheets []boundSheet, eof int64) {
	var walked int64
	pos := int64(0)
	for pos+4 <= int64(len(stream)) && walked < maxBIFFRecords {
		walked++
		typ := binary.LittleEndian.Uint16(stream[pos:])
		n := int64(binary.LittleEndian.Uint16(stream[pos+2:]))
		if typ == biffEOF && n == 0 {
			return sheets, pos
		}
		if pos+4+n > int64(len(stream)) {
			break
		}
		if typ == biffBoundSheet {
			if n < 4 {
				return nil, -1 // no offset to point elsewhere
			}
			sheets = append(sheets, boundSheet{pos, boundSheetName(stream[pos+4 : pos+4+n])})
		}
		pos += 4 + n
	}
	return sheets, -1
}

// boundSheetName reads the name of a BOUNDSHEET record: a short
// XLUnicodeString after the 6 bytes of offset, visibility and type.
func boundSheetName(data []byte) string {
	if len(data) < 8 {
		return ""
	}
	n, wide, s := int(data[6]), data[7]&1 == 1, data[8:]
	if !wide {
		// Compressed: one byte per character, the first 256 code points.
		r := make([]rune, 0, n)
		for i := 0; i < n && i < len(s); i++ {
			r = append(r, rune(s[i]))
		}
		return string(r)
	}
	u := make([]uint16, 0, n)
	for i := 0; i < n && 2*i+1 < len(s); i++ {
		u = append(u, binary.LittleEndian.Uint16(s[2*i:]))
	}
	return string(utf16.Decode(u))
}

// skipXLSSheets returns the file with every sheet keep refuses emptied as
// described above, or nil when there is nothing to skip or the stream's
// place in the file cannot be told (a stream in the mini stream, a
// sector log that does not cover it): the library then reads the file
// as it is.
func skipXLSSheets(r io.ReaderAt, size int64, stream []byte, seeks []int64, keep SheetFilter) []byte {
	if keep == nil {
		return nil
	}
	sheets, eof := globals(stream)
	if eof < 0 || eof > 1<<32-1 {
		return nil
	}
	var skip []boundSheet
	for _, b := range sheets {
		if !keep(b.name) {
			skip = append(skip, b)
		}
	}
	if len(skip) == 0 {
		return nil
	}
	head := make([]byte, 32)
	if _, err := r.ReadAt(head, 0); err != nil {
		return nil
	}
	shift := binary.LittleEndian.Uint16(head[30:])
	if shift != 9 && shift != 12 {
		return nil
	}
	ss := int64(1) << shift
	if int64(len(seeks))*ss < int64(len(stream)) {
		return nil
	}
	file := make([]byte, size)
	if _, err := r.ReadAt(file, 0); err != nil && err != io.EOF {
		return nil
	}
	// The log must place every byte of the stream where the library read
	// it, or a patch could land anywhere.
	for i := int64(0); i < int64(len(stream)); i += ss {
		f, n := seeks[i/ss], min(ss, int64(len(stream))-i)
		if f < 0 || f+n > size || !bytes.Equal(file[f:f+n], stream[i:i+n]) {
			return nil
		}
	}
	var off [4]byte
	binary.LittleEndian.PutUint32(off[:], uint32(eof))
	for _, b := range skip {
		for i := range off {
			at := b.pos + 4 + int64(i) // the record's first data bytes
			file[seeks[at/ss]+at%ss] = off[i]
		}
	}
	return file
}
