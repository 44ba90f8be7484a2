package sources

// The parts of a worksheet cell: text, inline strings, references.

// directText appends the text directly inside the element just started
// (not inside its children) to dst, reading through its end.
func (p *xlsxSheetParser) directText(dst []byte) ([]byte, error) {
	for depth := 0; ; {
		kind, err := p.x.next()
		if err != nil {
			return dst, errXLSXFallback
		}
		switch kind {
		case odsCharData:
			if depth == 0 {
				dst = append(dst, p.x.text...)
			}
		case odsStartTag:
			depth++
		case odsEndTag:
			if depth == 0 {
				return dst, nil
			}
			depth--
		}
	}
}

// readInline reads an <is> element as encoding/xml decodes it into
// excelize's xlsxSI: the last direct <t>, then each <r>'s last <t>. Run
// properties and phonetic runs, whose typed attributes can fail that
// decoding, are left to excelize.
func (p *xlsxSheetParser) readInline() error {
	for depth := 0; ; {
		kind, err := p.x.next()
		if err != nil {
			return errXLSXFallback
		}
		switch kind {
		case odsEndTag:
			if depth == 0 {
				return nil
			}
			depth--
		case odsStartTag:
			local := xlsxLocal(p.x.raw)
			switch {
			case depth == 0 && local == "t":
				if p.isT, err = p.directText(p.isT[:0]); err != nil {
					return err
				}
			case depth == 0 && local == "r":
				if err := p.readRun(); err != nil {
					return err
				}
			case len(p.x.attrs) > 0 || local == "rPh" || local == "phoneticPr" || local == "rPr":
				return errXLSXFallback
			default:
				depth++
			}
		}
	}
}

func (p *xlsxSheetParser) readRun() error {
	p.runT = p.runT[:0]
	for depth := 0; ; {
		kind, err := p.x.next()
		if err != nil {
			return errXLSXFallback
		}
		switch kind {
		case odsEndTag:
			if depth == 0 {
				p.isR = append(p.isR, p.runT...)
				return nil
			}
			depth--
		case odsStartTag:
			local := xlsxLocal(p.x.raw)
			switch {
			case depth == 0 && local == "t":
				if p.runT, err = p.directText(p.runT[:0]); err != nil {
					return err
				}
			case len(p.x.attrs) > 0 || local == "rPr":
				return errXLSXFallback
			default:
				depth++
			}
		}
	}
}

// xlsxFastCol reads the column of a plain reference ("AB12") within the
// grid; anything else goes to excelize for its exact errors.
func xlsxFastCol(ref []byte) (int, bool) {
	col, i := 0, 0
	for ; i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z'; i++ {
		col = col*26 + int(ref[i]-'A') + 1
	}
	if i == 0 || i > 3 || i == len(ref) || ref[i] == '0' || col > maxColumns || len(ref)-i > 7 {
		return 0, false
	}
	row := 0
	for _, c := range ref[i:] {
		if c < '0' || c > '9' {
			return 0, false
		}
		row = row*10 + int(c-'0')
	}
	return col, row <= xlsxTotalRows
}

// xlsxFastIndex reads a plain shared string index.
func xlsxFastIndex(v []byte) (int, bool) {
	if len(v) == 0 || len(v) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// xlsxIsInt reports whether b is plain digits that fit an int64.
func xlsxIsInt(b []byte) bool {
	if len(b) == 0 || len(b) > 18 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
