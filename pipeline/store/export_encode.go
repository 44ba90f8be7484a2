package store

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"
)

// field is one value as exported. CSV has only its text; JSON also needs
// to know a NULL (text "") and a number (text unquoted).
type field struct {
	null, number bool
	text         string
}

// toField formats one value. Floats use the shortest decimal that parses
// back to the same float64, never an exponent, so pandas or a spreadsheet
// reads exactly the stored value.
func toField(v any) (field, error) {
	switch x := v.(type) {
	case nil:
		return field{null: true}, nil
	case int64:
		return field{number: true, text: strconv.FormatInt(x, 10)}, nil
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return field{}, fmt.Errorf("%v has no CSV or JSON number", x)
		}
		return field{number: true, text: strconv.FormatFloat(x, 'f', -1, 64)}, nil
	case string:
		if !utf8.ValidString(x) {
			return field{}, fmt.Errorf("text %q is not UTF-8", x)
		}
		return field{text: x}, nil
	}
	// BLOBs, and the time.Time and bool go-sqlite3 makes of columns declared
	// DATE or BOOLEAN: none in the schema, so fail rather than invent a format.
	return field{}, fmt.Errorf("unsupported value type %T", v)
}

// encodeCSV writes RFC 4180 CSV with a header row, \n line ends (what pandas,
// R and spreadsheets all read, and what diffs best) and no BOM; NULL is an
// empty field.
func encodeCSV(b *bytes.Buffer, cols []string, rows [][]field) error {
	w := csv.NewWriter(b)
	if err := w.Write(cols); err != nil {
		return err
	}
	rec := make([]string, len(cols))
	for _, row := range rows {
		for i, f := range row {
			rec[i] = f.text
		}
		if err := w.Write(rec); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

// encodeJSON writes an array of objects, one a line, with keys in column
// order, which encoding/json would sort if given a map.
func encodeJSON(b *bytes.Buffer, cols []string, rows [][]field) error {
	var s bytes.Buffer
	enc := json.NewEncoder(&s)
	// The files are data, not HTML: "&" in a URL stays "&".
	enc.SetEscapeHTML(false)
	quote := func(v string) error {
		s.Reset()
		if err := enc.Encode(v); err != nil {
			return err
		}
		b.Write(bytes.TrimSuffix(s.Bytes(), []byte("\n")))
		return nil
	}
	b.WriteByte('[')
	for r, row := range rows {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n{")
		for i, f := range row {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := quote(cols[i]); err != nil {
				return err
			}
			b.WriteByte(':')
			switch {
			case f.null:
				b.WriteString("null")
			case f.number:
				b.WriteString(f.text)
			default:
				if err := quote(f.text); err != nil {
					return err
				}
			}
		}
		b.WriteByte('}')
	}
	if len(rows) > 0 {
		b.WriteByte('\n')
	}
	b.WriteString("]\n")
	return nil
}
