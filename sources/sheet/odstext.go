package sheet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// odsPrefixes maps the namespace URIs content.xml uses to their customary
// prefixes, so element names compare as short "table:table-row" strings
// whatever prefixes a producer declared.
var odsPrefixes = map[string]string{
	"urn:oasis:names:tc:opendocument:xmlns:office:1.0":                     "office",
	"urn:oasis:names:tc:opendocument:xmlns:table:1.0":                      "table",
	"urn:oasis:names:tc:opendocument:xmlns:text:1.0":                       "text",
	"urn:oasis:names:tc:opendocument:xmlns:drawing:1.0":                    "draw",
	"urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0": "calcext",
}

// odsQualified returns a name in namespace uri as "prefix:local".
// An undeclared prefix is left as is, so sloppy files that omit the
// declarations still read.
func odsQualified(uri, local string) string {
	if p, ok := odsPrefixes[uri]; ok {
		return p + ":" + local
	}
	if uri == "" {
		return local
	}
	return uri + ":" + local
}

// odsAttr returns the current start tag's attribute named tag
// ("table:name") as a string.
func (p *odsParser) odsAttr(tag string) (string, bool) {
	v, ok := p.x.attr(tag)
	return string(v), ok
}

// odsRepeat parses a number-*-repeated attribute, default 1. Counts above
// limit are clamped to limit+1: that is already enough to fail the cap if
// materialised, and keeps later sums far from overflow.
func (p *odsParser) odsRepeat(attr string, limit int64) (int64, error) {
	b, ok := p.x.attr(attr)
	if !ok {
		return 1, nil
	}
	if len(b) == 1 && b[0] >= '1' && b[0] <= '9' {
		return min(int64(b[0]-'0'), limit+1), nil
	}
	s := string(b)
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if (err != nil && !errors.Is(err, strconv.ErrRange)) || n < 1 {
		return 0, fmt.Errorf("invalid %s %q", attr, s)
	}
	return min(n, limit+1), nil
}

// readCell consumes one table:table-cell or table:covered-table-cell, the
// current token, and adds its value to row, repeated as the cell asks.
func (p *odsParser) readCell(row *odsRow) error {
	n, err := p.odsRepeat("table:number-columns-repeated", maxColumns)
	if err != nil {
		return err
	}
	var v string
	switch typed, ok := p.odsTypedValue(); {
	case p.x.tag == "table:covered-table-cell":
		// Hidden under a merge: it holds a column position, and whatever
		// text LibreOffice kept in it is not what the sheet shows.
		err = p.x.skip()
	case ok:
		v, err = p.strs.internBytes(typed), p.x.skip()
	default:
		v, err = p.readCellText()
	}
	if err != nil {
		return err
	}
	if len(v) > maxCellChars && utf8.RuneCountInString(v) > maxCellChars {
		return errCellTooLong()
	}
	return p.addCells(row, v, n)
}

// odsTypedValue returns the machine value of a typed cell: the raw decimal
// for numbers, never the display text ("1,596", "12%"), so parsing does not
// depend on the author's number format or locale. It is valid until the
// next token.
func (p *odsParser) odsTypedValue() ([]byte, bool) {
	// LibreOffice stores a formula error as float 0 with "#DIV/0!" as text;
	// the text is the truth, the 0 would be a silent wrong number.
	if t, _ := p.x.attr("calcext:value-type"); string(t) == "error" {
		return nil, false
	}
	t, _ := p.x.attr("office:value-type")
	var attr string
	switch string(t) {
	case "float", "percentage", "currency":
		attr = "office:value"
	case "date":
		attr = "office:date-value"
	case "time":
		attr = "office:time-value"
	case "boolean":
		attr = "office:boolean-value"
	default:
		// string, or untyped: the value is the text content.
		return nil, false
	}
	return p.x.attr(attr)
}

// odsText accumulates a cell's text, applying the ODF white-space rules
// and the length cap as it goes so a hostile text:c cannot allocate first.
type odsText struct {
	b     []byte
	runes int
	// space is set after a literal white-space character and at the start
	// of a paragraph: ODF collapses runs and drops leading white space,
	// which is why real runs of spaces are written as text:s.
	space bool
}

func (t *odsText) write(s []byte, n int) error {
	if n > maxCellChars-t.runes {
		return errCellTooLong()
	}
	t.runes += n
	t.b = append(t.b, s...)
	return nil
}

// literal adds character data, collapsing white space as ODF requires.
// Trailing white space is kept, as LibreOffice does on import.
func (t *odsText) literal(s []byte) error {
	for len(s) > 0 {
		i := bytes.IndexAny(s, " \t\r\n")
		if i < 0 {
			i = len(s)
		}
		if i > 0 {
			if err := t.write(s[:i], utf8.RuneCount(s[:i])); err != nil {
				return err
			}
			t.space = false
		}
		s = s[i:]
		if len(s) > 0 {
			if !t.space {
				if err := t.write([]byte{' '}, 1); err != nil {
					return err
				}
				t.space = true
			}
			s = s[1:]
		}
	}
	return nil
}

// special adds the text of text:s, text:tab or text:line-break, which is
// never collapsed.
func (t *odsText) special(c byte, count int) error {
	if count > maxCellChars-t.runes {
		return errCellTooLong()
	}
	t.space = false
	t.runes += count
	for range count {
		t.b = append(t.b, c)
	}
	return nil
}

// readCellText reads the text content of a cell up to its end tag:
// paragraphs joined by "\n", with spans, links and other inline markup
// flattened. Annotations, drawings anchored to the cell and anything else
// that is not paragraph text are skipped. It tracks depth in a counter
// rather than recursing, so deep nesting cannot exhaust the stack.
func (p *odsParser) readCellText() (string, error) {
	t := odsText{b: p.text[:0]}
	defer func() { p.text = t.b }()
	depth, paraDepth, paras := 0, -1, 0
	for {
		kind, err := p.x.next()
		if err == io.EOF {
			err = p.x.syntaxError("unexpected EOF")
		}
		if err != nil {
			return "", err
		}
		switch kind {
		case charData:
			if paraDepth >= 0 {
				err = t.literal(p.x.text)
			}
		case endTag:
			if depth == 0 {
				return p.strs.internBytes(t.b), nil
			}
			depth--
			if depth == paraDepth {
				paraDepth = -1
			}
		case startTag:
			tag := p.x.tag
			switch {
			case paraDepth < 0 && (tag == "text:p" || tag == "text:h"):
				if paras > 0 {
					err = t.special('\n', 1)
				}
				paras++
				paraDepth = depth
				t.space = true
				depth++
			case paraDepth < 0 && (tag == "text:list" || tag == "text:list-item" ||
				tag == "text:list-header" || tag == "text:section"):
				// Containers whose paragraphs are still cell text.
				depth++
			case paraDepth < 0:
				err = p.x.skip()
			case tag == "text:s":
				err = t.special(' ', p.odsSpaceCount())
				if err == nil {
					err = p.x.skip()
				}
			case tag == "text:tab":
				if err = t.special('\t', 1); err == nil {
					err = p.x.skip()
				}
			case tag == "text:line-break":
				if err = t.special('\n', 1); err == nil {
					err = p.x.skip()
				}
			case tag == "office:annotation" || tag == "text:note" ||
				tag == "text:ruby-text" || strings.HasPrefix(tag, "draw:"):
				// Comments, footnotes, ruby glosses and inline drawings with
				// their own text are not the cell's value.
				err = p.x.skip()
			default:
				// Inline markup (text:span, text:a, ...): its text counts.
				depth++
			}
		}
		if err != nil {
			return "", err
		}
	}
}

// odsSpaceCount returns text:c of a text:s element, default 1. A malformed
// count is read as 1 rather than failing the whole file over one space.
func (p *odsParser) odsSpaceCount() int {
	s, ok := p.odsAttr("text:c")
	if !ok {
		return 1
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		if n > 0 { // out of range: far over the cell cap anyway
			return n
		}
		return 1
	}
	return max(n, 1)
}
