package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// Text: <v> values, rich text (CT_Rst: a shared string's <si>, an inline
// string's <is>) and the shared string table, read by the same code.

// xlsxMaxRawText bounds the text of one element as written: a cell's
// longest text, maxCellChars, written as _xHHHH_ escapes of 7 bytes a
// character. The budget checks the real length once a cell is decoded;
// this only stops one huge text node from being held first.
const xlsxMaxRawText = 8 * maxCellChars

// xlsxText reads text out of one part.
type xlsxText struct {
	x    *lexer
	part string // the part's name, for errors
	t    []byte // a rich text's last direct <t>
	r    []byte // and its runs' text
}

// readError names the part in an error of the lexer or the zip reader.
func (tx *xlsxText) readError(err error) error {
	return &xlsxPartError{part: tx.part, err: err}
}

// xlsxPartError is an error reading a part as XML (a syntax error, a zip
// error), which says which part; the line in a syntax error says where.
type xlsxPartError struct {
	part string
	err  error
}

func (e *xlsxPartError) Error() string { return "read " + e.part + ": " + e.err.Error() }

func (e *xlsxPartError) Unwrap() error { return e.err }

// next is the next token inside an open element: never io.EOF, since the
// lexer reports a document ending inside an element as a syntax error.
func (tx *xlsxText) next() (tokenKind, error) {
	kind, err := tx.x.next()
	if err != nil {
		return 0, tx.readError(err)
	}
	return kind, nil
}

// skip reads past the element just started.
func (tx *xlsxText) skip() error {
	if err := tx.x.skip(); err != nil {
		return tx.readError(err)
	}
	return nil
}

// children calls fn with the local name of each child element of the
// element just started, which fn reads (or skips), then returns at that
// element's end. Text between children is not read.
func (tx *xlsxText) children(fn func(local string) error) error {
	for {
		kind, err := tx.next()
		switch {
		case err != nil:
			return err
		case kind == endTag:
			return nil
		case kind == startTag:
			if err := fn(xlsxLocal(tx.x.raw)); err != nil {
				return err
			}
		}
	}
}

// text appends the text of the element just started (<v>, <t>), which
// holds nothing else, to dst, reading through its end.
func (tx *xlsxText) text(dst []byte) ([]byte, error) {
	elem := tx.x.raw
	for {
		kind, err := tx.next()
		if err != nil {
			return dst, err
		}
		switch kind {
		case charData:
			if dst = append(dst, tx.x.text...); len(dst) > xlsxMaxRawText {
				return dst, errCellTooLong()
			}
		case startTag:
			return dst, fmt.Errorf("<%s> in <%s> (it holds only text)", tx.x.raw, elem)
		case endTag:
			return dst, nil
		}
	}
}

// xstring appends the text of the <t> just started to dst, its _xHHHH_
// escapes decoded.
func (tx *xlsxText) xstring(dst []byte) ([]byte, error) {
	n := len(dst)
	dst, err := tx.text(dst)
	return append(dst[:n], xlsxUnescape(dst[n:])...), err
}

// rst reads the rich text element just started (<si>, <is>): the text of
// its direct <t>, then of each run's <t>. Run properties (<rPr>) and
// phonetic runs (<rPh>, <phoneticPr>: a reading aid shown above the text,
// not part of it) are read past. The schema allows one <t> in each; of
// several, the last counts. The result is valid until the next call.
func (tx *xlsxText) rst() ([]byte, error) {
	elem := tx.x.raw
	tx.t, tx.r = tx.t[:0], tx.r[:0]
	err := tx.children(func(local string) (err error) {
		switch local {
		case "t":
			tx.t, err = tx.xstring(tx.t[:0])
		case "r":
			err = tx.run()
		case "rPh", "phoneticPr", "extLst":
			err = tx.skip()
		default:
			err = fmt.Errorf("<%s> in <%s>", tx.x.raw, elem)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return append(tx.t, tx.r...), nil
}

// run reads the <r> just started, appending its text to tx.r.
func (tx *xlsxText) run() error {
	n := len(tx.r)
	return tx.children(func(local string) (err error) {
		switch local {
		case "t":
			tx.r, err = tx.xstring(tx.r[:n])
		case "rPr":
			err = tx.skip()
		default:
			err = fmt.Errorf("<%s> in <r>", tx.x.raw)
		}
		return err
	})
}

// xlsxUnescape decodes, in place, the _xHHHH_ escapes of ST_Xstring
// (ECMA-376 Part 1, §22.9.2.19): each stands for one UTF-16 code unit, so
// that text can hold characters XML cannot (_x000D_ is a carriage return;
// _x005F_ is "_", which escapes an escape: _x005F_x000D_ is the text
// "_x000D_"). A surrogate pair is two escapes; a lone surrogate stands for
// no character and stays as written.
func xlsxUnescape(b []byte) []byte {
	i := bytes.Index(b, []byte("_x"))
	if i < 0 {
		return b
	}
	w := i
	for r := i; r < len(b); {
		if u, ok := xlsxEscape(b[r:]); ok {
			c, size := rune(u), 7
			if utf16.IsSurrogate(c) {
				lo, ok := xlsxEscape(b[r+7:])
				if c = utf16.DecodeRune(c, rune(lo)); !ok || c == utf8.RuneError {
					goto literal
				}
				size = 14
			}
			// Never past r: an escape is longer than its UTF-8.
			w += utf8.EncodeRune(b[w:], c)
			r += size
			continue
		}
	literal:
		b[w] = b[r]
		w, r = w+1, r+1
	}
	return b[:w]
}

// xlsxEscape decodes the _xHHHH_ escape b starts with.
func xlsxEscape(b []byte) (uint16, bool) {
	if len(b) < 7 || b[0] != '_' || b[1] != 'x' || b[6] != '_' {
		return 0, false
	}
	var u uint16
	for _, c := range b[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		u = u<<4 | uint16(c)
	}
	return u, true
}

// xlsxSST is a workbook's shared string table, read at the first sheet
// that needs it; part is nil when the workbook has none, or once read.
type xlsxSST struct {
	part *zip.File
	strs []string
}

// strings returns the table, reading it the first time.
func (s *xlsxSST) strings() ([]string, error) {
	if s.part == nil {
		return s.strs, nil
	}
	strs, err := readXLSXSharedStrings(s.part)
	if err != nil {
		return nil, err
	}
	s.strs, s.part = strs, nil
	return strs, nil
}

// readXLSXSharedStrings reads the shared string table (<sst>), one string
// per <si>, at most maxSharedStrings of them. Its size is bounded by
// maxSharedStringsBytes, so it is held whole.
func readXLSXSharedStrings(f *zip.File) ([]string, error) {
	x, c, err := openXLSXPart(f)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	tx := &xlsxText{x: x, part: f.Name}
	var strs []string
	for depth := 0; ; {
		kind, err := x.next()
		if err == io.EOF {
			return strs, nil
		}
		if err != nil {
			return nil, tx.readError(err)
		}
		switch {
		case kind == endTag:
			depth--
		case kind != startTag:
		case depth == 0:
			depth++ // the root
		case xlsxLocal(x.raw) != "si":
			if err := tx.skip(); err != nil {
				return nil, err
			}
		case len(strs) == maxSharedStrings:
			return nil, fmt.Errorf("read %s: %w", f.Name, limitError("more than %d shared strings", maxSharedStrings))
		default:
			s, err := tx.rst()
			if pe := (*xlsxPartError)(nil); errors.As(err, &pe) {
				return nil, err
			} else if err != nil {
				return nil, fmt.Errorf("read %s: shared string %d: %w", f.Name, len(strs), err)
			}
			strs = append(strs, string(s))
		}
	}
}
