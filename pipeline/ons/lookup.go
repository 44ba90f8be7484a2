package ons

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/mappa-etl/mappa/schema"
	"github.com/mappa-etl/mappa/sources/sheet"
)

// Lookup maps local authority districts to police force areas (ONS LAD→PFA lookup).
type Lookup struct {
	Name     string            // file name, for errors and provenance
	Year     int               // vintage from the column names, e.g. LAD20CD -> 2020
	PFAByLAD map[string]string // LAD code -> PFA code (E23…/W15…)
}

// lookupColumn matches the geoportal's vintage-stamped code columns, such as
// LAD20CD or pfa21cd; the two digits are the only place the vintage is stated.
var lookupColumn = regexp.MustCompile(`(?i)^(LAD|PFA)(\d\d)CD$`)

// ReadLookup parses an ONS lookup CSV: header with columns LADyyCD and
// PFAyyCD (any two-digit yy, any case, any column order, other columns
// ignored), optional UTF-8 BOM, CRLF or LF. Errors name the file and line:
// "read lookup X: line 7: ..." for missing columns, a LAD mapped to two
// different PFAs, a PFA code that is not E23…/W15…, empty file.
func ReadLookup(name string, r io.Reader) (*Lookup, error) {
	fail := func(line int, format string, args ...any) error {
		return fmt.Errorf("read lookup %s: line %d: %s", name, line, fmt.Sprintf(format, args...))
	}
	br := bufio.NewReader(r)
	// Excel and the geoportal both write a BOM; left in place it would glue
	// itself to the first column name and hide LADyyCD when it comes first.
	if bom, err := br.Peek(3); err == nil && string(bom) == "\ufeff" {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // trailing empty columns are dropped by some tools

	header, err := cr.Read()
	if err == io.EOF {
		return nil, fail(1, "empty file, expected a header with LADyyCD and PFAyyCD")
	}
	if err != nil {
		return nil, lookupParseError(name, err)
	}
	headerLine, _ := cr.FieldPos(0)
	ladCol, pfaCol, year := -1, -1, 0
	for i, h := range header {
		m := lookupColumn.FindStringSubmatch(strings.TrimSpace(h))
		if m == nil {
			continue
		}
		col := &pfaCol
		if strings.EqualFold(m[1], "LAD") {
			col = &ladCol
		}
		if *col >= 0 {
			// A LAD20CD→LAD21CD change lookup has two LAD columns; guessing
			// which one the estimates use would silently misassign areas.
			return nil, fail(headerLine, "two %syyCD columns (%q and %q)", strings.ToUpper(m[1]), header[*col], h)
		}
		*col = i
		if col == &ladCol {
			yy, _ := strconv.Atoi(m[2])
			year = 2000 + yy
			if yy >= 70 {
				year = 1900 + yy
			}
		}
	}
	if ladCol < 0 || pfaCol < 0 {
		return nil, fail(headerLine, "missing column LADyyCD or PFAyyCD (header: %s)", strings.Join(header, ", "))
	}

	l := &Lookup{Name: name, Year: year, PFAByLAD: map[string]string{}}
	lineOf := map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, lookupParseError(name, err)
		}
		line, _ := cr.FieldPos(0)
		if lookupBlank(rec) {
			continue // rows of bare commas left by spreadsheet exports
		}
		lad, pfa := lookupField(rec, ladCol), lookupField(rec, pfaCol)
		if lad == "" {
			return nil, fail(line, "empty %s", header[ladCol])
		}
		if !isPFACode(pfa) {
			return nil, fail(line, "%s %q of %s is not a police force area code (E23…/W15…)", header[pfaCol], pfa, lad)
		}
		if prev, ok := l.PFAByLAD[lad]; ok && prev != pfa {
			return nil, fail(line, "%s mapped to %s here but to %s on line %d", lad, pfa, prev, lineOf[lad])
		}
		if _, ok := lineOf[lad]; !ok {
			lineOf[lad] = line
		}
		l.PFAByLAD[lad] = pfa
	}
	if len(l.PFAByLAD) == 0 {
		return nil, fail(headerLine, "no rows after the header")
	}
	return l, nil
}

// lookupParseError reports a CSV syntax error with the same "line N" prefix
// as the other lookup errors, so all of them read alike.
func lookupParseError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("read lookup %s: line %d: %w", name, pe.Line, pe.Err)
	}
	return fmt.Errorf("read lookup %s: %w", name, err)
}

// lookupField returns a code cell trimmed and upper-cased, the form in which
// population sheets' codes are compared with it; short rows read as "".
func lookupField(rec []string, col int) string {
	if col >= len(rec) {
		return ""
	}
	return strings.ToUpper(strings.TrimSpace(rec[col]))
}

// lookupBlank reports whether every field of rec is blank.
func lookupBlank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// ONS code and count helpers. Codes are shared by both readers; the count
// parser sits beside digits, on which it builds.

// isPFACode reports whether code looks like an ONS police force area code.
func isPFACode(code string) bool {
	return len(code) == 9 && (strings.HasPrefix(code, "E23") || strings.HasPrefix(code, "W15")) && digits(code[3:])
}

// gssCode matches ONS (GSS) geography codes: a letter and eight digits.
var gssCode = regexp.MustCompile(`^[A-Z]\d{8}$`)

// isLACode reports whether code is a local authority district: unitary
// (E06), non-metropolitan district (E07), metropolitan district (E08),
// London borough (E09) or Welsh unitary authority (W06). These partition
// England and Wales, unlike the county (E10, E11) and region rows.
func isLACode(code string) bool {
	switch code[:3] {
	case "E06", "E07", "E08", "E09", "W06":
		return true
	}
	return false
}

// digits reports whether s is a non-empty run of ASCII digits; unlike
// strconv it rejects signs, so codes and counts cannot hide a minus.
func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// thousands matches digits grouped by commas, as in text cells "1,234".
var thousands = regexp.MustCompile(`^\d{1,3}(,\d{3})+$`)

// parseCount reads a non-negative whole number: raw "1234", "1234.0" from
// float-typed cells, and "1,234" from cells stored as text.
func parseCount(s string) (int64, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, errors.New("empty cell, expected a count")
	}
	whole, frac, _ := strings.Cut(t, ".")
	if strings.Contains(whole, ",") && thousands.MatchString(whole) {
		whole = strings.ReplaceAll(whole, ",", "")
	}
	if !digits(whole) || strings.Trim(frac, "0") != "" {
		return 0, fmt.Errorf("%q is not a non-negative whole number", s)
	}
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || n > maxCount {
		return 0, fmt.Errorf("%q is too large for a population count", s)
	}
	return n, nil
}

// codeRow is a coded row of a population sheet, kept with its cell name so
// that errors, such as a lookup gap, point where the reader would look.
type codeRow struct {
	row        int
	code, cell string
}

// BundledHistory is the name population_sources.lookup gives the bundled
// local authority code history (schema.LocalAuthorities).
const BundledHistory = "bundled local authority code history"

// bundled is the code history as a lookup.
func bundled() *Lookup {
	l := &Lookup{Name: BundledHistory, PFAByLAD: map[string]string{}}
	for _, la := range schema.LocalAuthorities() {
		l.PFAByLAD[la.Code] = la.PFA
	}
	return l
}

// chooseLookup picks the lookup for a local-authority level sheet: only one
// that covers every authority will do, because a partial lookup silently
// drops people. A lookup the user added that covers them all is used, its
// estimates' own vintage first, else the nearest, since authorities are
// merged and renamed between vintages. Failing that, the bundled code
// history covers what they do not, the user's lookups winning code by
// code, so no lookup need be added at all, nor before the estimates.
func chooseLookup(file, sheetName string, midYear int, las []codeRow, lookups []*Lookup) (*Lookup, error) {
	var tried []*Lookup
	for _, l := range lookups {
		if l != nil {
			tried = append(tried, l)
		}
	}
	sort.SliceStable(tried, func(i, j int) bool {
		di, dj := abs(tried[i].Year-midYear), abs(tried[j].Year-midYear)
		if di != dj {
			return di < dj
		}
		return tried[i].Year < tried[j].Year
	})
	merged := bundled()
	names := []string{}
	for i := len(tried) - 1; i >= 0; i-- { // the nearest vintage applied last, so it wins
		for lad, pfa := range tried[i].PFAByLAD {
			merged.PFAByLAD[lad] = pfa
		}
	}
	for _, l := range tried {
		names = append(names, l.Name)
	}
	if len(names) > 0 {
		merged.Name = strings.Join(names, " + ") + " + " + BundledHistory
	}
	var first *codeRow
	var gaps []string
	for _, l := range append(tried, merged) {
		gap := -1
		for i, la := range las {
			if _, ok := l.PFAByLAD[la.code]; !ok {
				gap = i
				break
			}
		}
		if gap < 0 {
			return l, nil
		}
		if first == nil {
			first = &las[gap]
		}
		gaps = append(gaps, fmt.Sprintf("%s lacks %s at %s", describeLookup(l), las[gap].code, las[gap].cell))
	}
	return nil, &sheet.CellError{File: file, Sheet: sheetName, Cell: first.cell, Err: fmt.Errorf("local authority %s is not covered by any lookup tried: %s", first.code, strings.Join(gaps, "; "))}
}

// describeLookup names a lookup in errors, with its vintage when it has one.
func describeLookup(l *Lookup) string {
	if l.Year == 0 {
		return l.Name
	}
	return fmt.Sprintf("%s (%d)", l.Name, l.Year)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
