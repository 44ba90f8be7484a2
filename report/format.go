package report

import (
	"math"
	"strconv"
	"strings"

	"github.com/mappa-etl/mappa/pipeline/figure"
)

// Missing is shown for a figure the database does not have.
const Missing = "–"

// cell is a figure as the page shows it: Text for people, Raw (full
// precision, empty when missing) and where it comes from (financial year,
// area code, area_summary column) for data attributes that tests and
// scripts read, and Note saying why a figure is missing.
type cell struct {
	Text, Raw, Note    string
	Year, Area, Column string
}

// FormatCount formats a count for people: 71630 is "71,630".
func FormatCount(v Value) string {
	if !v.Known() {
		return Missing
	}
	return group(strconv.FormatFloat(math.Round(v.Float()), 'f', 0, 64))
}

// FormatRate formats a rate to one decimal place: "133.2".
func FormatRate(v Value) string {
	if !v.Known() {
		return Missing
	}
	return group(oneDecimal(v.Float()))
}

// FormatPublished formats a published rate to the precision it was
// published at: whole numbers as such ("133"), others to one decimal place,
// so the page does not suggest a precision the release did not give.
func FormatPublished(v Value) string {
	if v.Known() && v.Float() == math.Trunc(v.Float()) {
		return FormatCount(v)
	}
	return FormatRate(v)
}

// FormatGrowth formats a percentage change to one decimal place with its
// sign: "+4.7", "−2.3" (a true minus sign, which screen readers say).
func FormatGrowth(v Value) string {
	if !v.Known() {
		return Missing
	}
	s := oneDecimal(v.Float())
	switch {
	case s == "0.0":
		return s
	case strings.HasPrefix(s, "-"):
		return "−" + group(s[1:])
	}
	return "+" + group(s)
}

// oneDecimal rounds to one decimal place without printing "-0.0".
func oneDecimal(f float64) string {
	s := strconv.FormatFloat(f, 'f', 1, 64)
	if s == "-0.0" {
		return "0.0"
	}
	return s
}

// group puts thousands separators into the integer part of a plain decimal.
func group(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	if hasFrac {
		b.WriteString("." + frac)
	}
	return sign + b.String()
}

// raw is a figure at full precision, for data attributes.
func raw(v Value) string {
	if !v.Known() {
		return ""
	}
	return strconv.FormatFloat(v.Float(), 'f', -1, 64)
}

// note says why a figure is missing: the marker printed in its place, in
// words where the marker is known.
func note(v Value) string {
	if v.Known() || v.Marker == "" {
		return ""
	}
	if m := figure.MarkerMeaning(v.Marker); m != "" {
		return v.Marker + " " + m
	}
	return v.Marker
}

func countCell(v Value) cell     { return cell{Text: FormatCount(v), Raw: raw(v), Note: note(v)} }
func rateCell(v Value) cell      { return cell{Text: FormatRate(v), Raw: raw(v), Note: note(v)} }
func publishedCell(v Value) cell { return cell{Text: FormatPublished(v), Raw: raw(v), Note: note(v)} }
func growthCell(v Value) cell    { return cell{Text: FormatGrowth(v), Raw: raw(v), Note: note(v)} }

// shortHash is the first 12 hex digits of a SHA-256, enough to tell files
// apart on the page; the full hash goes in a title attribute.
func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
