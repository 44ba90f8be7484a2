package sheet

import (
	"bytes"
	"encoding/binary"
	"slices"
	"strconv"
	"testing"
)

// The BIFF8 builders below make the smallest .xls files the library reads,
// so tests can state the hostile part exactly.

// biffRec is one BIFF record.
func biffRec(typ uint16, data ...[]byte) []byte {
	body := bytes.Join(data, nil)
	return append(binary.LittleEndian.AppendUint16(binary.LittleEndian.AppendUint16(nil, typ), uint16(len(body))), body...)
}

func u16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }
func u32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

// biffBook is a BIFF8 workbook stream with sheets sheets, all pointing at
// one sheet substream holding the records recs.
func biffBook(sheets int, recs ...[]byte) []byte {
	bof := func(dt uint16) []byte { return biffRec(0x0809, u16(0x0600), u16(dt), make([]byte, 12)) }
	bound := func(pos uint32, i int) []byte {
		name := "S" + strconv.Itoa(i)
		return biffRec(biffBoundSheet, u32(pos), u16(0), []byte{byte(len(name)), 0}, []byte(name))
	}
	globals := len(bof(5)) + 4
	for i := range sheets {
		globals += len(bound(0, i))
	}
	s := bof(5)
	for i := range sheets {
		s = append(s, bound(uint32(globals), i)...)
	}
	s = append(s, biffRec(biffEOF)...)
	s = append(s, bof(0x10)...)
	s = append(s, bytes.Join(recs, nil)...)
	return append(s, biffRec(biffEOF)...)
}

// biffLabelRec is a LABEL cell holding ASCII text.
func biffLabelRec(row, col uint16, text string) []byte {
	return biffRec(biffLabel, u16(row), u16(col), u16(0), u16(uint16(len(text))), []byte{0}, []byte(text))
}

// cfbFile wraps stream as the Workbook stream of a version-3 compound file
// (512-byte sectors): header, FAT, one directory sector, then the stream.
// declared, if not 0, replaces the size the directory gives the stream;
// loop points the stream's last sector back at its first.
func cfbFile(stream []byte, declared uint32, loop bool) []byte {
	const endChain, free, fatSect = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
	// Under 4096 bytes a stream lives in the mini stream; padding after
	// the last EOF record keeps it out, and is never parsed.
	stream = slices.Concat(stream, make([]byte, max(4096-len(stream), 0)))
	size := uint32(len(stream))
	if declared != 0 {
		size = declared
	}
	data := slices.Concat(stream, make([]byte, 511))
	nData := len(data) / 512
	nFAT := 1
	for nFAT*128 < nFAT+1+nData {
		nFAT++
	}
	dir, first := nFAT, nFAT+1
	buf := make([]byte, 512*(1+first+nData))
	le := binary.LittleEndian
	copy(buf, cfbMagic)
	for off, v := range map[int]uint16{24: 0x3E, 26: 3, 28: 0xFFFE, 30: 9, 32: 6} {
		le.PutUint16(buf[off:], v)
	}
	for off, v := range map[int]uint32{44: uint32(nFAT), 48: uint32(dir), 56: 4096, 60: endChain, 68: endChain} {
		le.PutUint32(buf[off:], v)
	}
	sector := func(i int) []byte { return buf[512*(i+1) : 512*(i+2)] }
	fat := func(i int, v uint32) { le.PutUint32(sector(i / 128)[4*(i%128):], v) }
	for i := range 109 {
		le.PutUint32(buf[76+4*i:], free)
	}
	for i := range nFAT * 128 {
		fat(i, free)
	}
	for i := range nFAT {
		le.PutUint32(buf[76+4*i:], uint32(i))
		fat(i, fatSect)
	}
	fat(dir, endChain)
	for i := range nData {
		next := uint32(first + i + 1)
		if i == nData-1 {
			next = endChain
			if loop {
				next = uint32(first)
			}
		}
		fat(first+i, next)
	}
	entry := func(e []byte, name string, typ byte, child, start, size uint32) {
		for i, r := range name {
			le.PutUint16(e[2*i:], uint16(r))
		}
		le.PutUint16(e[64:], uint16(2*len(name)+2))
		e[66], e[67] = typ, 1
		le.PutUint32(e[68:], free)
		le.PutUint32(e[72:], free)
		le.PutUint32(e[76:], child)
		le.PutUint32(e[116:], start)
		le.PutUint32(e[120:], size)
	}
	entry(sector(dir), "Root Entry", 5, 1, endChain, 0)
	entry(sector(dir)[128:], "Workbook", 2, free, uint32(first), size)
	copy(buf[512*(first+1):], data[:nData*512])
	return buf
}

// The builders make files the library reads, so the hostile cases built
// from them fail on their hostile part and nothing else.
func TestBIFFBuilders(t *testing.T) {
	f := cfbFile(biffBook(2, biffLabelRec(1, 2, "hello")), 0, false)
	wb, err := Open("t.xls", bytes.NewReader(f), int64(len(f)))
	if err != nil {
		t.Fatal(err)
	}
	if len(wb.Sheets) != 2 || wb.Sheets[1].Name != "S1" || wb.Sheets[1].Value(1, 2) != "hello" {
		t.Fatalf("got %d sheets, %q; want 2 sheets with hello at C2", len(wb.Sheets), odsDump(wb.Sheets))
	}
}

func TestScanBIFF(t *testing.T) {
	mulBlank := func(first, last uint16) []byte { return biffRec(biffMulBlank, u16(0), u16(first), u16(0), u16(last)) }
	for _, tc := range []struct {
		name   string
		stream []byte
		want   string
	}{
		{"small", biffBook(3, biffLabelRec(0, 0, "x"), mulBlank(0, 255)), ""},
		{"sheets", biffBook(maxSheets + 1), "more than 1000 sheets (reader limit)"},
		{"cells counted per sheet that reads them", biffBook(65, mulBlank(0, 65535)), "more than 4194304 cells in the workbook (reader limit)"},
		{"short record, wide range", biffBook(1, bytes.Repeat(mulBlank(1, 0), 65)), "more than 4194304 cells in the workbook (reader limit)"},
		{"records walked", biffBook(maxSheets, bytes.Repeat(biffRec(0x0001), maxBIFFRecords/maxSheets)), "more than 8388608 BIFF records in the sheets (reader limit)"},
		{"truncated record ends the walk", biffBook(1, biffLabelRec(0, 0, "x"))[:40], ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := scanBIFF(tc.stream)
			if (tc.want == "" && err != nil) || (tc.want != "" && (err == nil || err.Error() != tc.want)) {
				t.Fatalf("scanBIFF = %v, want %q", err, tc.want)
			}
		})
	}
}
