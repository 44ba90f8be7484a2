package sheet

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// lexer tokenizes content.xml in place of encoding/xml, whose per-byte
// reads and per-token allocations were ~70% of an ODS read (profiled at
// 17-26 MB/s of XML). It scans a reused buffer, hands out names, attribute
// values and text as interned strings or slices of that buffer (valid until
// the next token), so a cell costs no allocation but its value's string.
//
// It checks what the reader relies on, as encoding/xml did: elements nest
// and end tags match, attribute values are quoted and free of '<', only the
// predefined entities and character references of XML characters occur,
// text and attribute values are UTF-8 XML characters, and a declared
// encoding is UTF-8. Names are resolved against the namespace declarations
// in scope as encoding/xml resolves them, then given their customary prefix
// (odsQualified). A DTD is skipped whole, so the entities it declares stay
// undefined, as in encoding/xml. Markup (a tag, comment, CDATA section,
// DTD) must fit in maxToken bytes; text is streamed in pieces. Syntax
// errors are *xml.SyntaxError with a line.
type lexer struct {
	r        io.Reader
	buf      []byte
	pos, end int   // unread bytes are buf[pos:end]
	rerr     error // the reader's last error; io.EOF at the end
	lines    int   // newlines in the bytes dropped from buf

	// The current token: tag for a start or end tag, attrs for a start
	// tag, text for text.
	tag      string
	raw      string // the current tag's name as written (XLSX matches local names)
	attrs    []attrib
	text     []byte
	scratch  []byte // decoded text or attribute values
	emptyEnd bool   // the start tag was <x/>: its end is next

	open  []openElem
	ns    []nsDecl
	elems map[string]resolvedName // element names resolved in the current scope
	names map[string]string       // attribute names likewise
}

type tokenKind uint8

const (
	startTag tokenKind = iota + 1
	endTag
	charData
)

const (
	lexBufBytes = 64 << 10
	// maxToken bounds one tag, comment or DTD; LibreOffice's longest
	// tags are formula cells of a few kilobytes.
	maxToken = 1 << 20
	// maxDepth bounds element nesting, which costs memory per level;
	// real documents nest about ten deep.
	maxDepth = 1 << 16
	// maxNames bounds each name cache; past it the cache starts over.
	maxNames = 1 << 12
)

type attrib struct {
	name     string // as odsQualified names it
	raw      []byte // the name as written
	val      []byte
	off, end int  // val's place in scratch when decoded there
	decoded  bool // val is in scratch
}

type nsDecl struct{ prefix, uri string }

type resolvedName struct{ raw, tag string }

type openElem struct {
	name resolvedName
	ns   int // len(ns) outside the element
}

// errMore asks for more input before a token can be read.
var errMore = errors.New("need more input")

func newLexer(r io.Reader) *lexer {
	return &lexer{r: r, buf: make([]byte, lexBufBytes),
		elems: make(map[string]resolvedName), names: make(map[string]string)}
}

func (x *lexer) syntaxError(msg string) error {
	return &xml.SyntaxError{Msg: msg, Line: x.lines + bytes.Count(x.buf[:x.pos], []byte{'\n'}) + 1}
}

// fill reads more input after buf[pos:end], moving that to the front and
// growing buf, up to maxToken, when it is full.
func (x *lexer) fill() error {
	if x.rerr != nil {
		return x.rerr
	}
	if x.pos > 0 {
		x.lines += bytes.Count(x.buf[:x.pos], []byte{'\n'})
		x.end = copy(x.buf, x.buf[x.pos:x.end])
		x.pos = 0
	}
	if x.end == len(x.buf) {
		if len(x.buf) >= maxToken {
			return limitError("XML markup longer than %d bytes", maxToken)
		}
		x.buf = append(x.buf, make([]byte, len(x.buf))...)
	}
	n, err := x.r.Read(x.buf[x.end:])
	x.end += n
	if err != nil {
		x.rerr = err
		if err != io.EOF || n == 0 {
			return err
		}
	}
	return nil
}

// next reads the next start tag, end tag or piece of text, skipping
// comments, processing instructions and DTDs. It returns io.EOF at the end
// of a document whose elements are all closed.
func (x *lexer) next() (tokenKind, error) {
	if x.emptyEnd {
		x.emptyEnd = false
		x.pop()
		return endTag, nil
	}
	for {
		var kind tokenKind
		err := errMore
		if x.pos < x.end {
			if x.buf[x.pos] == '<' {
				kind, err = x.readMarkup()
			} else {
				kind, err = charData, x.readText()
			}
		}
		switch {
		case err == errMore:
			if err := x.fill(); err == io.EOF {
				if x.pos < x.end || len(x.open) > 0 {
					return 0, x.syntaxError("unexpected EOF")
				}
				return 0, io.EOF
			} else if err != nil {
				return 0, err
			}
		case err != nil:
			return 0, err
		case kind != 0:
			return kind, nil
		}
	}
}

// readText reads text up to the next '<', or as much as can be decoded
// whole when none is buffered.
func (x *lexer) readText() error {
	b := x.buf[x.pos:x.end]
	n := bytes.IndexByte(b, '<')
	if n < 0 {
		if n = len(b); x.rerr == nil {
			if n = textCut(b); n == 0 {
				return errMore
			}
		}
	}
	if err := x.setText(b[:n], true); err != nil {
		return err
	}
	x.pos += n
	return nil
}

// textCut returns how much of b decodes without the bytes after it: no
// entity, CR LF pair or UTF-8 sequence is cut.
func textCut(b []byte) int {
	n := len(b)
	if i := bytes.LastIndexByte(b, '&'); i >= 0 && bytes.IndexByte(b[i:], ';') < 0 {
		n = i
	}
	if n > 0 && b[n-1] == '\r' {
		n--
	}
	for i := n - 1; i >= 0 && i >= n-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:n]) {
				n = i
			}
			break
		}
	}
	return n
}

// setText sets text to raw decoded: entities (if entities) and line ends.
func (x *lexer) setText(raw []byte, entities bool) error {
	if msg := checkChars(raw); msg != "" {
		return x.syntaxError(msg)
	}
	if (!entities || bytes.IndexByte(raw, '&') < 0) && bytes.IndexByte(raw, '\r') < 0 {
		x.text = raw
		return nil
	}
	var err error
	x.scratch, err = x.decode(x.scratch[:0], raw, entities)
	x.text = x.scratch
	return err
}

// decode appends raw to dst with entities (if entities) replaced and line
// ends normalised to "\n".
func (x *lexer) decode(dst, raw []byte, entities bool) ([]byte, error) {
	for len(raw) > 0 {
		i := bytes.IndexAny(raw, "&\r")
		if !entities {
			i = bytes.IndexByte(raw, '\r')
		}
		if i < 0 {
			return append(dst, raw...), nil
		}
		dst, raw = append(dst, raw[:i]...), raw[i:]
		if raw[0] == '\r' {
			dst, raw = append(dst, '\n'), raw[1:]
			if len(raw) > 0 && raw[0] == '\n' {
				raw = raw[1:]
			}
			continue
		}
		semi := bytes.IndexByte(raw, ';')
		if semi < 0 {
			semi = len(raw)
		}
		name := raw[1:semi]
		switch string(name) {
		case "lt":
			dst = append(dst, '<')
		case "gt":
			dst = append(dst, '>')
		case "amp":
			dst = append(dst, '&')
		case "apos":
			dst = append(dst, '\'')
		case "quot":
			dst = append(dst, '"')
		default:
			r, ok := charRef(name)
			if !ok || semi == len(raw) {
				return dst, x.syntaxError("invalid character entity &" + string(name[:min(len(name), 64)]) + ";")
			}
			dst = utf8.AppendRune(dst, r)
		}
		raw = raw[min(semi+1, len(raw)):]
	}
	return dst, nil
}

// charRef decodes the name of a character reference ("#38", "#x26").
func charRef(name []byte) (rune, bool) {
	if len(name) < 2 || name[0] != '#' {
		return 0, false
	}
	s, base := string(name[1:]), 10
	if s[0] == 'x' {
		s, base = s[1:], 16
	}
	n, err := strconv.ParseUint(s, base, 32)
	if err != nil || !isXMLChar(rune(n)) {
		return 0, false
	}
	return rune(n), true
}

// checkChars returns why b is not UTF-8 XML characters, or "".
func checkChars(b []byte) string {
	for i := 0; i < len(b); {
		c := b[i]
		if c >= 0x20 && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			if c != '\t' && c != '\n' && c != '\r' {
				return fmt.Sprintf("illegal character code %U", rune(c))
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return "invalid UTF-8"
		}
		if !isXMLChar(r) {
			return fmt.Sprintf("illegal character code %U", r)
		}
		i += size
	}
	return ""
}

// isXMLChar reports whether r is an XML 1.0 character.
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}
