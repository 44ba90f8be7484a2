package sources

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestBudget(t *testing.T) {
	wide := make([]string, maxColumns)
	long := strings.Repeat("x", maxCellChars)
	for _, tc := range []struct {
		name string
		run  func(b *budget) error
		want string // error text; "" means success
	}{
		{name: "within limits", run: func(b *budget) error {
			if err := b.addSheet(); err != nil {
				return err
			}
			return b.addRow(3, []string{"a", "", "é"})
		}},
		{name: "longest cell in characters", run: func(b *budget) error {
			return b.addRow(0, []string{strings.Repeat("é", maxCellChars)})
		}},
		{name: "cell text too long", run: func(b *budget) error {
			return b.addRow(1, []string{"", strings.Repeat("é", maxCellChars+1)})
		}, want: "cell B2: cell text longer than 32767 characters (reader limit)"},
		{name: "row wider than the grid", run: func(b *budget) error {
			return b.addRow(0, make([]string, maxColumns+1))
		}, want: "cell XFE1: row wider than 16384 columns (reader limit)"},
		{name: "sheet taller than the grid", run: func(b *budget) error {
			return b.addRow(maxRows, []string{"x"})
		}, want: "row 1048577: sheet taller than 1048576 rows (reader limit)"},
		{name: "too many sheets", run: func(b *budget) error {
			for range maxSheets {
				if err := b.addSheet(); err != nil {
					return err
				}
			}
			return b.addSheet()
		}, want: "more than 1000 sheets (reader limit)"},
		{name: "rows across sheets", run: func(b *budget) error {
			for range 2 {
				if err := b.addSheet(); err != nil {
					return err
				}
				if err := b.addRow(maxRows-1, []string{"x"}); err != nil {
					return err
				}
			}
			b.addSheet()
			return b.addRow(0, []string{"x"})
		}, want: "row 1: more than 2097152 rows in the workbook (reader limit)"},
		{name: "cells across rows", run: func(b *budget) error {
			for r := range maxCells / maxColumns {
				if err := b.addRow(int64(r), wide); err != nil {
					return err
				}
			}
			return b.addRow(maxCells/maxColumns, []string{"x"})
		}, want: "cell A257: more than 4194304 cells in the workbook (reader limit)"},
		{name: "cell text across cells", run: func(b *budget) error {
			row := make([]string, maxColumns)
			for i := range row {
				row[i] = long
			}
			return b.addRow(0, row)
		}, want: "cell BZU1: more than 64 MiB of cell text in the workbook (reader limit)"},
		{name: "charge counts repeats before they exist", run: func(b *budget) error {
			return b.charge(maxCells+1, 0)
		}, want: "more than 4194304 cells in the workbook (reader limit)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run(&budget{})
			if tc.want == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || err.Error() != tc.want || !errors.Is(err, ErrLimit) {
				t.Fatalf("error = %v, want %q wrapping ErrLimit", err, tc.want)
			}
		})
	}
}

func TestBudgetCounts(t *testing.T) {
	var b budget
	b.addSheet()
	b.addRow(2, []string{"ab", "", "é"})
	b.addSheet()
	b.addRow(0, nil)
	if b.sheets != 2 || b.rows != 4 || b.cells != 3 || b.text != 4 {
		t.Fatalf("budget = %+v, want 2 sheets, 4 rows, 3 cells, 4 text bytes", b)
	}
}

func TestScanXML(t *testing.T) {
	for _, tc := range []struct {
		name, doc, local string
		want             int64
		err              error
	}{
		{"cells with and without prefix", `<?xml version="1.0"?><w><c r="A1"/><x:c>1</x:c><cc/><c	/><c></w>`, "c", 4, nil},
		{"end tags are not counted", `<si><t>a</t></si><si/>`, "si", 2, nil},
		{"comments and CDATA pass", `<!-- note --><a><![CDATA[x]]></a>`, "", 0, nil},
		{"doctype", `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><w/>`, "c", 0, errXMLDTD},
		{"entity declaration anywhere", `<w><!ENTITY x "y"></w>`, "", 0, errXMLDTD},
		{"UTF-8 declared", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><?xml-stylesheet href="x"?><c/>`, "c", 1, nil},
		{"UTF-16 body behind an ASCII declaration", "<?xml version='1.0' encoding='utf-16le'?><\x00c\x00/\x00>\x00", "c", 0, errXMLEncoding},
		{"second declaration", `<w><?xml version="1.0" encoding="ebcdic"?></w>`, "", 0, errXMLEncoding},
		{"declaration too long to read", `<?xml version="1.0"` + strings.Repeat(" ", 300) + `?><w/>`, "", 0, errXMLEncoding},
		{"long prefixes hide no tag", `<w><` + strings.Repeat("p", 100) + `:c/><` + strings.Repeat("q", 600) + `:c/></w>`, "c", 2, nil},
		{"tags across buffer boundaries", strings.Repeat(`<c r="A1">1</c>`, 1000), "c", 1000, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// A 16-byte buffer puts tag names across buffer refills; a
			// declaration or a long prefix needs more.
			size := 16
			if strings.Contains(tc.doc, "<?xml") || strings.Contains(tc.name, "prefix") {
				size = 512
			}
			n, err := scanXML(bufio.NewReaderSize(strings.NewReader(tc.doc), size), tc.local)
			if n != tc.want || !errors.Is(err, tc.err) {
				t.Fatalf("scanXML = %d, %v; want %d, %v", n, err, tc.want, tc.err)
			}
		})
	}
}

// TestZipRefusesToInflatePastHeader pins what openZip relies on: a part
// whose header understates its size stops at that size with zip.ErrFormat,
// so limits checked on declared sizes bound the bytes actually inflated.
func TestZipRefusesToInflatePastHeader(t *testing.T) {
	pkg := lyingZip(t, "content.xml", 10, 1<<20)
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := openPart(zr.File[0])
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, rc)
	if !errors.Is(err, zip.ErrFormat) || n > 10 {
		t.Fatalf("read %d bytes, error %v; want at most 10 and zip.ErrFormat", n, err)
	}
	if want := "inflates to more than the 10 bytes its zip header declares: zip: not a valid zip file"; err.Error() != want {
		t.Fatalf("error %q, want %q", err, want)
	}
}

// lyingZip is a zip whose one part declares declared bytes decompressed
// but inflates to real bytes of zeros.
func lyingZip(t testing.TB, name string, declared uint64, real int64) []byte {
	var data bytes.Buffer
	fw, _ := flate.NewWriter(&data, flate.BestSpeed)
	if _, err := io.CopyN(fw, zeros{}, real); err != nil {
		t.Fatal(err)
	}
	fw.Close()
	return rawZip(t, name, declared, data.Bytes())
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// rawZip is a zip of one deflated part with a handcrafted declared size.
func rawZip(t testing.TB, name string, declared uint64, deflated []byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate,
		CompressedSize64: uint64(len(deflated)), UncompressedSize64: declared})
	if err == nil {
		_, err = w.Write(deflated)
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

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
