package sheet

import (
	"bytes"
	"io"
	"strings"
	"unicode/utf8"
)

// The markup half of lexer: tags, declarations, namespaces.

// readMarkup reads the markup at pos, whole or not at all. It returns
// kind 0 for markup that is no token.
func (x *lexer) readMarkup() (tokenKind, error) {
	b := x.buf[x.pos:x.end]
	if len(b) < 2 {
		return 0, errMore
	}
	switch b[1] {
	case '/':
		return endTag, x.readEnd(b)
	case '?':
		i := bytes.Index(b[2:], []byte("?>"))
		if i < 0 {
			return 0, errMore
		}
		if err := x.checkProcInst(b[2 : 2+i]); err != nil {
			return 0, err
		}
		x.pos += i + 4
		return 0, nil
	case '!':
		return x.readBang(b)
	}
	return startTag, x.readStart(b)
}

// checkProcInst rejects an XML declaration of an encoding but UTF-8
// (checkXMLDecl), wherever in the document it stands.
func (x *lexer) checkProcInst(body []byte) error {
	if err := checkXMLDecl(body); err != nil {
		return err
	}
	return nil
}

// readBang reads a comment, CDATA section or DTD.
func (x *lexer) readBang(b []byte) (tokenKind, error) {
	for _, p := range []string{"<!--", "<![CDATA["} {
		if len(b) < len(p) && bytes.HasPrefix([]byte(p), b) {
			return 0, errMore
		}
	}
	switch {
	case bytes.HasPrefix(b, []byte("<!--")):
		i := bytes.Index(b[4:], []byte("-->"))
		if i < 0 {
			return 0, errMore
		}
		x.pos += 4 + i + 3
		return 0, nil
	case bytes.HasPrefix(b, []byte("<![CDATA[")):
		i := bytes.Index(b[9:], []byte("]]>"))
		if i < 0 {
			return 0, errMore
		}
		if err := x.setText(b[9:9+i], false); err != nil {
			return 0, err
		}
		x.pos += 9 + i + 3
		return charData, nil
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
	return 0, errMore
}

// nameEnd returns the index of the first byte from i that cannot be in
// a name, as encoding/xml reads names.
func nameEnd(b []byte, i int) int {
	for ; i < len(b); i++ {
		if c := b[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '_' || c == ':' || c == '.' || c == '-' || c >= utf8.RuneSelf) {
			return i
		}
	}
	return i
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

func (x *lexer) readEnd(b []byte) error {
	i := bytes.IndexByte(b, '>')
	if i < 0 {
		return errMore
	}
	raw := bytes.TrimRight(b[2:i], " \t\r\n")
	if len(raw) == 0 || nameEnd(raw, 0) != len(raw) {
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
func (x *lexer) pop() {
	top := x.open[len(x.open)-1]
	x.open = x.open[:len(x.open)-1]
	x.tag, x.raw = top.name.tag, top.name.raw
	if len(x.ns) != top.ns {
		x.ns = x.ns[:top.ns]
		clear(x.elems)
		clear(x.names)
	}
}

func (x *lexer) readStart(b []byte) error {
	i := nameEnd(b, 1)
	if i == len(b) {
		return errMore
	}
	raw := b[1:i]
	if len(raw) == 0 {
		return x.syntaxError("expected element name after <")
	}
	x.attrs = x.attrs[:0]
	empty := false
	for {
		i = skipSpace(b, i)
		if i == len(b) {
			return errMore
		}
		if b[i] == '>' {
			i++
			break
		}
		if b[i] == '/' {
			if i+1 == len(b) {
				return errMore
			}
			if b[i+1] != '>' {
				return x.syntaxError("expected /> in element")
			}
			i, empty = i+2, true
			break
		}
		start := i
		if i = nameEnd(b, i); i == len(b) {
			return errMore
		}
		if i == start {
			return x.syntaxError("expected attribute name in element")
		}
		name := b[start:i]
		if i = skipSpace(b, i); i == len(b) {
			return errMore
		}
		if b[i] != '=' {
			return x.syntaxError("attribute name without = in element")
		}
		if i = skipSpace(b, i+1); i == len(b) {
			return errMore
		}
		q := b[i]
		if q != '"' && q != '\'' {
			return x.syntaxError("unquoted or missing attribute value in element")
		}
		end := bytes.IndexByte(b[i+1:], q)
		if end < 0 {
			return errMore
		}
		val := b[i+1 : i+1+end]
		if bytes.IndexByte(val, '<') >= 0 {
			return x.syntaxError("unescaped < inside quoted string")
		}
		x.attrs = append(x.attrs, attrib{raw: name, val: val})
		i += end + 2
	}
	if len(x.open) >= maxDepth {
		return limitError("XML elements nested deeper than %d", maxDepth)
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
func (x *lexer) resolve(raw []byte) error {
	outer := len(x.ns)
	for _, a := range x.attrs {
		switch {
		case string(a.raw) == "xmlns":
			x.ns = append(x.ns, nsDecl{"", string(a.val)})
		case bytes.HasPrefix(a.raw, []byte("xmlns:")):
			x.ns = append(x.ns, nsDecl{string(a.raw[6:]), string(a.val)})
		}
	}
	if len(x.ns) != outer {
		clear(x.elems)
		clear(x.names)
	}
	name, ok := x.elems[string(raw)]
	if !ok {
		if len(x.elems) >= maxNames {
			clear(x.elems)
		}
		name = resolvedName{raw: string(raw), tag: x.qualify(string(raw), true)}
		x.elems[name.raw] = name
	}
	x.tag, x.raw = name.tag, name.raw
	x.open = append(x.open, openElem{name: name, ns: outer})
	x.scratch = x.scratch[:0]
	decoded := false
	for i := range x.attrs {
		a := &x.attrs[i]
		tag, ok := x.names[string(a.raw)]
		if !ok {
			if len(x.names) >= maxNames {
				clear(x.names)
			}
			tag = x.qualify(string(a.raw), false)
			x.names[string(a.raw)] = tag
		}
		a.name = tag
		if msg := checkChars(a.val); msg != "" {
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
func (x *lexer) qualify(raw string, elem bool) string {
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
func (x *lexer) attr(tag string) ([]byte, bool) {
	for i := range x.attrs {
		if x.attrs[i].name == tag {
			return x.attrs[i].val, true
		}
	}
	return nil, false
}

// skip reads through the end of the element whose start tag was just read.
func (x *lexer) skip() error {
	for depth := 1; depth > 0; {
		kind, err := x.next()
		if err == io.EOF {
			return x.syntaxError("unexpected EOF")
		}
		if err != nil {
			return err
		}
		switch kind {
		case startTag:
			depth++
		case endTag:
			depth--
		}
	}
	return nil
}
