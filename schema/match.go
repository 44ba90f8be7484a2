package schema

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

var (
	// Footnote markers seen in published labels and headers: "[note 3]",
	// "(1)", "(note 2)", superscript digits, and digits glued to a word when
	// a superscript was flattened ("population2").
	bracketed      = regexp.MustCompile(`\[[^\]]*\]|\((?:note\s*)?\d+\)`)
	superscripts   = strings.NewReplacer("¹", " ", "²", " ", "³", " ", "⁴", " ", "⁵", " ", "⁶", " ", "⁷", " ", "⁸", " ", "⁹", " ", "⁰", " ")
	gluedFootnote  = regexp.MustCompile(`([a-z]{3,})\d\b`)
	thousandsComma = regexp.MustCompile(`(\d),(\d{3})`)
)

// Normalise reduces a label or header to lower-case words so that wording
// is matched by meaning: case, punctuation, line breaks and footnote markers
// are ignored and "&" reads as "and".
func Normalise(s string) string {
	s = strings.ToLower(s)
	// "_" is a word character to the regexps but a separator in the
	// result: left in, "population2_" kept its footnote digit until a
	// second pass, so Normalise was not idempotent.
	s = strings.ReplaceAll(s, "_", " ")
	s = superscripts.Replace(s)
	s = bracketed.ReplaceAllString(s, " ")
	s = gluedFootnote.ReplaceAllString(s, "$1")
	s = thousandsComma.ReplaceAllString(s, "$1$2")
	s = strings.ReplaceAll(s, "&", " and ")
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return ' '
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// RowKind says what a row label of an area table is.
type RowKind int

// The kinds of row label.
const (
	RowUnknown      RowKind = iota
	RowBlank                // no label
	RowArea                 // one of the 42 MAPPA areas
	RowSubtotal             // England or Wales
	RowTotal                // England and Wales
	RowNationalUnit         // a national unit such as the National Security Division
)

// AreaMatcher recognises MAPPA area names, aliases and codes in row labels.
type AreaMatcher struct {
	codes map[string]string // normalised label -> area code
	units map[string]bool   // codes of national units
}

// NewAreaMatcher builds a matcher from the reference areas and national
// units.
func NewAreaMatcher(areas []Area) *AreaMatcher {
	m := &AreaMatcher{codes: map[string]string{}, units: map[string]bool{}}
	for _, a := range append(slices.Clip(areas), NationalUnits()...) {
		if a.Type == NationalUnit {
			m.units[a.Code] = true
		}
		m.codes[Normalise(a.Name)] = a.Code
		m.codes[Normalise(a.Code)] = a.Code
		for _, alias := range a.Aliases {
			m.codes[Normalise(alias)] = a.Code
		}
	}
	for _, total := range []string{"England and Wales", "England and Wales total", "Total", "Total England and Wales", EnglandAndWales} {
		m.codes[Normalise(total)] = EnglandAndWales
	}
	return m
}

var subtotals = map[string]bool{"england": true, "wales": true, "england total": true, "wales total": true, "total england": true, "total wales": true}

// Match classifies a row label and returns the area code for area and total
// rows.
func (m *AreaMatcher) Match(label string) (RowKind, string) {
	n := Normalise(label)
	switch {
	case n == "":
		return RowBlank, ""
	case subtotals[n]:
		return RowSubtotal, ""
	}
	code, ok := m.codes[n]
	switch {
	case !ok:
		return RowUnknown, ""
	case code == EnglandAndWales:
		return RowTotal, code
	case m.units[code]:
		return RowNationalUnit, code
	}
	return RowArea, code
}

// FindArea resolves what a user typed for an area (a code, name or known
// alias, in any case, or "England and Wales") to the area, so commands can
// take --area Essex as readily as --area E23000028.
func FindArea(s string) (Area, error) {
	kind, code := NewAreaMatcher(Areas()).Match(s)
	switch kind {
	case RowTotal:
		return EnglandAndWalesArea(), nil
	case RowArea, RowNationalUnit:
		for _, a := range AllAreas() {
			if a.Code == code {
				return a, nil
			}
		}
	}
	return Area{}, fmt.Errorf("unknown area %q: give an ONS code (E23000028), a name (Essex) or NSD for the National Security Division", s)
}
