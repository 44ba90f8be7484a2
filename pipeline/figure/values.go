package figure

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Nil is the MoJ's marker for nil; it is the one marker stored with a value
// (0), because the tables use it for a true zero.
const Nil = "-"

// markers are the published shorthand for a value that is not a number,
// GSS and the MoJ's older tables, with their meaning. Keys are lower case.
var markers = map[string]string{
	"[c]": "confidential", "[x]": "not available", "[z]": "not applicable", "[u]": "low reliability",
	"[low]": "rounds to zero", "[p]": "provisional", "[r]": "revised",
	"*": "suppressed", "..": "not available", "n/a": "not applicable", "na": "not applicable", ":": "not available",
}

// MarkerMeaning is what a marker ParseValue returns means ("[c]":
// "confidential"), or "" for text that is no marker.
func MarkerMeaning(marker string) string { return markers[marker] }

// plainNumber is the number syntax accepted: digits with an optional sign,
// fraction and exponent; strconv alone would also take "Inf" and hex floats.
var plainNumber = regexp.MustCompile(`^-?\d+(\.\d*)?([eE][-+]?\d+)?$`)

// ErrNotNumber reports a cell that is neither a number nor a known marker.
var ErrNotNumber = errors.New("neither a number nor a known marker")

// Value is one parsed cell: a number, a marker, or both (a nil "-" or a
// number qualified as provisional or revised, "1,596 [r]").
type Value struct {
	Number *float64
	Marker string
}

// ParseValue reads a cell text. Empty text gives a zero Value and ok false.
// Markers never yield a number, except "-" (nil), which yields 0.
func ParseValue(s string) (v Value, ok bool, err error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\u00a0", " "))
	if s == "" {
		return Value{}, false, nil
	}
	lower := strings.ToLower(s)
	if lower == Nil || lower == "–" || lower == "—" {
		zero := 0.0
		return Value{Number: &zero, Marker: Nil}, true, nil
	}
	if markers[lower] != "" {
		return Value{Marker: lower}, true, nil
	}
	// A number may carry a trailing qualifier such as "[r]" or "[p]".
	if i := strings.LastIndex(lower, "["); i > 0 && markers[strings.TrimSpace(lower[i:])] != "" {
		v.Marker = strings.TrimSpace(lower[i:])
		lower = strings.TrimSpace(lower[:i])
	}
	num := strings.NewReplacer(",", "", " ", "").Replace(lower)
	if !plainNumber.MatchString(num) {
		return Value{}, false, fmt.Errorf("%q is %w", s, ErrNotNumber)
	}
	f, perr := strconv.ParseFloat(num, 64)
	if perr != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return Value{}, false, fmt.Errorf("%q is %w", s, ErrNotNumber)
	}
	v.Number = &f
	return v, true, nil
}

// Of is the Value of a number.
func Of(f float64) Value { return Value{Number: &f} }

// Equal reports whether v and w are the same figure: the same number (or
// none) and the same marker.
func (v Value) Equal(w Value) bool {
	if v.Marker != w.Marker || v.Known() != w.Known() {
		return false
	}
	return !v.Known() || *v.Number == *w.Number
}

// Known reports whether v holds a number.
func (v Value) Known() bool { return v.Number != nil }

// Float is v's number, 0 when it has none.
func (v Value) Float() float64 {
	if v.Number == nil {
		return 0
	}
	return *v.Number
}

// MarshalJSON writes the number, or null: the JSON of a figure is what a
// script reading it expects, the marker having a column of its own.
func (v Value) MarshalJSON() ([]byte, error) {
	if v.Number == nil {
		return []byte("null"), nil
	}
	return json.Marshal(*v.Number)
}
