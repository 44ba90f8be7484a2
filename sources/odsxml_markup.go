package sources

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// The markup half of odsLexer: tags, declarations, namespaces.

// readMarkup reads the markup at pos, whole or not at all. It returns
// kind 0 for markup that is no token.
func (x *odsLexer) readMarkup() (odsKind, error) {
	b := x.buf[x.pos:x.end]
	if len(b) < 2 {
		return 0, errODSMore
	}
	switch b[1] {
	case '/':
		return odsEndTag, x.readEnd(b)
	case '?':
		i := bytes.Index(b[2:], []byte("?>"))
		if i < 0 {
			return 0, errODSMore
		}
		if err := x.checkProcInst(b[2 : 2+i]); err != nil {
			return 0, err
		}
		x.pos += i + 4
		return 0, nil
	case '!':
		return x.readBang(b)
	}
	return odsStartTag, x.readStart(b)
}

// checkProcInst rejects an XML declaration of an encoding but UTF-8.
func (x *odsLexer) checkProcInst(body []byte) error {
	target, inst, _ := bytes.Cut(body, []byte(" "))
	if string(target) != "xml" {
		return nil
	}
	_, enc, ok := bytes.Cut(inst, []byte("encoding="))
	if !ok || len(enc) < 2 {
		return nil
	}
	if end := bytes.IndexByte(enc[1:], enc[0]); end >= 0 {
		if enc = enc[1 : 1+end]; !strings.EqualFold(string(enc), "utf-8") {
			return fmt.Errorf("xml: encoding %q declared but Decoder.CharsetReader is nil", enc)
		}
	}
	return nil
}

// readBang reads a comment, CDATA section or DTD.
func (x *odsLexer) readBang(b []byte) (odsKind, error) {
	for _, p := range []string{"<!--", "<![CDATA["} {
		if len(b) < len(p) && bytes.HasPrefix([]byte(p), b) {
			return 0, errODSMore
		}
	}
	switch {
	case bytes.HasPrefix(b, []byte("<!--")):
		i := bytes.Index(b[4:], []byte("-->"))
		if i < 0 {
			return 0, errODSMore
		}
		x.pos += 4 + i + 3
		return 0, nil
	case bytes.HasPrefix(b, []byte("<![CDATA[")):
		i := bytes.Index(b[9:], []byte("]]>"))
		if i < 0 {
			return 0, errODSMore
		}
		if err := x.setText(b[9:9+i], false); err != nil {
			return 0, err
		}
		x.pos += 9 + i + 3
		return odsCharData, nil
	}
	// A DTD or other declaration: '<' and '>' nest, quotes hide them.
	depth, quote := 0, byte(0)
	for i := 2; i < len(b); i++ {
		switch c := b[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '<':
			depth++
		case c == '>':
			if depth == 0 {
				x.pos += i + 1
				return 0, nil
			}
			depth--
		}
	}
	return 0, errODSMore
}

// odsNameEnd returns the index of the first byte from i that cannot be in
// a name, as encoding/xml reads names.
func odsNameEnd(b []byte, i int) int {
	for ; i < len(b); i++ {
		if c := b[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '_' || c == ':' || c == '.' || c == '-' || c >= utf8.RuneSelf) {
			return i
		}
	}
	return i
}

func odsSkipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

func (x *odsLexer) readEnd(b []byte) error {
	i := bytes.IndexByte(b, '>')
	if i < 0 {
		return errODSMore
	}
	raw := bytes.TrimRight(b[2:i], " \t\r\n")
	if len(raw) == 0 || odsNameEnd(raw, 0) != len(raw) {
		return x.syntaxError("invalid end tag " + string(b[:min(i+1, 64)]))
	}
	if len(x.open) == 0 {
		return x.syntaxError("unexpected end element </" + string(raw) + ">")
	}
	if top := x.open[len(x.open)-1].name.raw; top != string(raw) {
		return x.syntaxError("element <" + top + "> closed by </" + string(raw) + ">")
	}
	x.pos += i + 1
	x.pop()
	return nil
}

// pop closes the innermost element, making it the current token.
func (x *odsLexer) pop() {
	top := x.open[len(x.open)-1]
	x.open = x.open[:len(x.open)-1]
	x.tag, x.raw = top.name.tag, top.name.raw
	if len(x.ns) != top.ns {
		x.ns = x.ns[:top.ns]
		clear(x.elems)
		clear(x.names)
	}
}

func (x *odsLexer) readStart(b []byte) error {
	i := odsNameEnd(b, 1)
	if i == len(b) {
		return errODSMore
	}
	raw := b[1:i]
	if len(raw) == 0 {
		return x.syntaxError("expected element name after <")
	}
	x.attrs = x.attrs[:0]
	empty := false
	for {
		i = odsSkipSpace(b, i)
		if i == len(b) {
			return errODSMore
		}
		if b[i] == '>' {
			i++
			break
		}
		if b[i] == '/' {
			if i+1 == len(b) {
				return errODSMore
			}
			if b[i+1] != '>' {
				return x.syntaxError("expected /> in element")
			}
			i, empty = i+2, true
			break
		}
		start := i
		if i = odsNameEnd(b, i); i == len(b) {
			return errODSMore
		}
		if i == start {
			return x.syntaxError("expected attribute name in element")
		}
		name := b[start:i]
		if i = odsSkipSpace(b, i); i == len(b) {
			return errODSMore
		}
		if b[i] != '=' {
			return x.syntaxError("attribute name without = in element")
		}
		if i = odsSkipSpace(b, i+1); i == len(b) {
			return errODSMore
		}
		q := b[i]
		if q != '"' && q != '\'' {
			return x.syntaxError("unquoted or missing attribute value in element")
		}
		end := bytes.IndexByte(b[i+1:], q)
		if end < 0 {
			return errODSMore
		}
		val := b[i+1 : i+1+end]
		if bytes.IndexByte(val, '<') >= 0 {
			return x.syntaxError("unescaped < inside quoted string")
		}
		x.attrs = append(x.attrs, odsAttrib{raw: name, val: val})
		i += end + 2
	}
	if len(x.open) >= odsMaxDepth {
		return limitError("XML elements nested deeper than %d", odsMaxDepth)
	}
	if err := x.resolve(raw); err != nil {
		return err
	}
	x.pos += i
	x.emptyEnd = empty
	return nil
}

// resolve declares the start tag's namespaces, names it and its
// attributes, decodes the attribute values and opens the element.
func (x *odsLexer) resolve(raw []byte) error {
	outer := len(x.ns)
	for _, a := range x.attrs {
		switch {
		case string(a.raw) == "xmlns":
			x.ns = append(x.ns, odsNS{"", string(a.val)})
		case bytes.HasPrefix(a.raw, []byte("xmlns:")):
			x.ns = append(x.ns, odsNS{string(a.raw[6:]), string(a.val)})
		}
	}
	if len(x.ns) != outer {
		clear(x.elems)
		clear(x.names)
	}
	name, ok := x.elems[string(raw)]
	if !ok {
		if len(x.elems) >= odsMaxNames {
			clear(x.elems)
		}
		name = odsName{raw: string(raw), tag: x.qualify(string(raw), true)}
		x.elems[name.raw] = name
	}
	x.tag, x.raw = name.tag, name.raw
	x.open = append(x.open, odsOpen{name: name, ns: outer})
	x.scratch = x.scratch[:0]
	decoded := false
	for i := range x.attrs {
		a := &x.attrs[i]
		tag, ok := x.names[string(a.raw)]
		if !ok {
			if len(x.names) >= odsMaxNames {
				clear(x.names)
			}
			tag = x.qualify(string(a.raw), false)
			x.names[string(a.raw)] = tag
		}
		a.name = tag
		if msg := odsCheckChars(a.val); msg != "" {
			return x.syntaxError(msg)
		}
		if bytes.IndexByte(a.val, '&') >= 0 || bytes.IndexByte(a.val, '\r') >= 0 {
			a.off = len(x.scratch)
			var err error
			if x.scratch, err = x.decode(x.scratch, a.val, true); err != nil {
				return err
			}
			a.end, a.decoded, decoded = len(x.scratch), true, true
		}
	}
	if decoded {
		for i := range x.attrs {
			if a := &x.attrs[i]; a.decoded {
				a.val = x.scratch[a.off:a.end]
			}
		}
	}
	return nil
}

// qualify names raw (a tag name if elem, else an attribute name) as
// encoding/xml translates its namespace, then as odsQualified does.
func (x *odsLexer) qualify(raw string, elem bool) string {
	space, local, ok := strings.Cut(raw, ":")
	if !ok || space == "" || local == "" || strings.Contains(local, ":") {
		space, local = "", raw
	}
	switch {
	case space == "xmlns", space == "" && (!elem || local == "xmlns"):
		return raw
	case space == "xml":
		return "http://www.w3.org/XML/1998/namespace:" + local
	}
	for i := len(x.ns) - 1; i >= 0; i-- {
		if x.ns[i].prefix == space {
			return odsQualified(x.ns[i].uri, local)
		}
	}
	return raw
}

// attr returns the value of the current start tag's attribute named tag
// ("table:name"), valid until the next token.
func (x *odsLexer) attr(tag string) ([]byte, bool) {
	for i := range x.attrs {
		if x.attrs[i].name == tag {
			return x.attrs[i].val, true
		}
	}
	return nil, false
}

// skip reads through the end of the element whose start tag was just read.
func (x *odsLexer) skip() error {
	for depth := 1; depth > 0; {
		kind, err := x.next()
		if err == io.EOF {
			return x.syntaxError("unexpected EOF")
		}
		if err != nil {
			return err
		}
		switch kind {
		case odsStartTag:
			depth++
		case odsEndTag:
			depth--
		}
	}
	return nil
}
