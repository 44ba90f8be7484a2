package sources

import (
	"encoding/xml"
	"errors"
	"fmt"
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

// odsTag returns n as "prefix:local". An undeclared prefix is left as is by
// the decoder, so sloppy files that omit the declarations still read.
func odsTag(n xml.Name) string {
	if p, ok := odsPrefixes[n.Space]; ok {
		return p + ":" + n.Local
	}
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

// odsAttr returns the attribute of se named tag ("table:name").
func odsAttr(se xml.StartElement, tag string) (string, bool) {
	for _, a := range se.Attr {
		if odsTag(a.Name) == tag {
			return a.Value, true
		}
	}
	return "", false
}

// odsRepeat parses a number-*-repeated attribute, default 1. Counts above
// limit are clamped to limit+1: that is already enough to fail the cap if
// materialised, and keeps later sums far from overflow.
func odsRepeat(se xml.StartElement, attr string, limit int64) (int64, error) {
	s, ok := odsAttr(se, attr)
	if !ok {
		return 1, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if (err != nil && !errors.Is(err, strconv.ErrRange)) || n < 1 {
		return 0, fmt.Errorf("invalid %s %q", attr, s)
	}
	return min(n, limit+1), nil
}

// readCell consumes one table:table-cell or table:covered-table-cell and
// adds its value to row, repeated as the cell asks.
func (p *odsParser) readCell(start xml.StartElement, row *odsRow) error {
	n, err := odsRepeat(start, "table:number-columns-repeated", maxColumns)
	if err != nil {
		return err
	}
	var v string
	switch typed, ok := odsTypedValue(start); {
	case odsTag(start.Name) == "table:covered-table-cell":
		// Hidden under a merge: it holds a column position, and whatever
		// text LibreOffice kept in it is not what the sheet shows.
		err = p.d.Skip()
	case ok:
		v, err = typed, p.d.Skip()
	default:
		v, err = p.readCellText()
	}
	if err != nil {
		return err
	}
	if utf8.RuneCountInString(v) > maxCellChars {
		return errCellTooLong()
	}
	return p.addCells(row, v, n)
}

// odsTypedValue returns the machine value of a typed cell: the raw decimal
// for numbers, never the display text ("1,596", "12%"), so parsing does not
// depend on the author's number format or locale.
func odsTypedValue(se xml.StartElement) (string, bool) {
	// LibreOffice stores a formula error as float 0 with "#DIV/0!" as text;
	// the text is the truth, the 0 would be a silent wrong number.
	if t, _ := odsAttr(se, "calcext:value-type"); t == "error" {
		return "", false
	}
	t, _ := odsAttr(se, "office:value-type")
	var attr string
	switch t {
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
		return "", false
	}
	return odsAttr(se, attr)
}

// odsText accumulates a cell's text, applying the ODF white-space rules
// and the length cap as it goes so a hostile text:c cannot allocate first.
type odsText struct {
	b     strings.Builder
	runes int
	// space is set after a literal white-space character and at the start
	// of a paragraph: ODF collapses runs and drops leading white space,
	// which is why real runs of spaces are written as text:s.
	space bool
}

func (t *odsText) write(s string, n int) error {
	if n > maxCellChars-t.runes {
		return errCellTooLong()
	}
	t.runes += n
	t.b.WriteString(s)
	return nil
}

// literal adds character data, collapsing white space as ODF requires.
// Trailing white space is kept, as LibreOffice does on import.
func (t *odsText) literal(s string) error {
	for len(s) > 0 {
		i := strings.IndexAny(s, " \t\r\n")
		if i < 0 {
			i = len(s)
		}
		if i > 0 {
			if err := t.write(s[:i], utf8.RuneCountInString(s[:i])); err != nil {
				return err
			}
			t.space = false
		}
		s = s[i:]
		if len(s) > 0 {
			if !t.space {
				if err := t.write(" ", 1); err != nil {
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
func (t *odsText) special(s string, count int) error {
	if count > maxCellChars-t.runes {
		return errCellTooLong()
	}
	t.space = false
	return t.write(strings.Repeat(s, count), count)
}

// readCellText reads the text content of a cell up to its end tag:
// paragraphs joined by "\n", with spans, links and other inline markup
// flattened. Annotations, drawings anchored to the cell and anything else
// that is not paragraph text are skipped. It tracks depth in a counter
// rather than recursing, so deep nesting cannot exhaust the stack.
func (p *odsParser) readCellText() (string, error) {
	var t odsText
	depth, paraDepth, paras := 0, -1, 0
	for {
		tok, err := p.d.Token()
		if err != nil {
			return "", err
		}
		switch tok := tok.(type) {
		case xml.CharData:
			if paraDepth >= 0 {
				err = t.literal(string(tok))
			}
		case xml.EndElement:
			if depth == 0 {
				return t.b.String(), nil
			}
			depth--
			if depth == paraDepth {
				paraDepth = -1
			}
		case xml.StartElement:
			tag := odsTag(tok.Name)
			switch {
			case paraDepth < 0 && (tag == "text:p" || tag == "text:h"):
				if paras > 0 {
					err = t.special("\n", 1)
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
				err = p.d.Skip()
			case tag == "text:s":
				err = t.special(" ", odsSpaceCount(tok))
				if err == nil {
					err = p.d.Skip()
				}
			case tag == "text:tab":
				if err = t.special("\t", 1); err == nil {
					err = p.d.Skip()
				}
			case tag == "text:line-break":
				if err = t.special("\n", 1); err == nil {
					err = p.d.Skip()
				}
			case tag == "office:annotation" || tag == "text:note" ||
				tag == "text:ruby-text" || strings.HasPrefix(tag, "draw:"):
				// Comments, footnotes, ruby glosses and inline drawings with
				// their own text are not the cell's value.
				err = p.d.Skip()
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
func odsSpaceCount(se xml.StartElement) int {
	s, ok := odsAttr(se, "text:c")
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
