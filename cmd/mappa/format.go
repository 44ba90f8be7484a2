package main

import (
	"fmt"
	"strings"

	"github.com/mappa-etl/mappa/report"
)

// fmtNum formats a figure to a number of decimals, "–" where there is none.
// Every command that prints a table formats figures with these helpers, the
// way a reporter writes them.
func fmtNum(v *float64, decimals int) string {
	if v == nil {
		return "–"
	}
	return noNegativeZero(fmt.Sprintf("%.*f", decimals, *v))
}

// count formats a whole number with thousands separators, as reporters
// write them (1,596): the report's formatting, so page and terminal agree.
func count(v *float64) string { return report.FormatCount(value(v)) }

// fmtRate formats a computed rate to one decimal place: the report's
// formatting, so page and terminal agree.
func fmtRate(v *float64) string { return report.FormatRate(value(v)) }

// fmtPublished formats a published rate to the precision it was published at
// ("202", not "202.0"), as the report does, so as not to claim a precision
// the release did not give.
func fmtPublished(v *float64) string { return report.FormatPublished(value(v)) }

// value is a figure as the report package takes it; nil is missing.
func value(v *float64) report.Value {
	if v == nil {
		return report.Value{}
	}
	return report.Value{Number: *v, Valid: true}
}

// versus is an area's rate above (+) or below (-) England and Wales, in per cent.
func versus(rate, national *float64) string {
	if rate == nil || national == nil || *national == 0 {
		return "–"
	}
	return noNegativeZero(fmt.Sprintf("%+.0f", (*rate / *national * 100)-100))
}

// noNegativeZero drops the sign of a figure that rounds to zero: -0.4%
// reads as "0", not "-0".
func noNegativeZero(s string) string {
	if strings.Trim(s, "+-0.") == "" {
		return strings.TrimLeft(s, "+-")
	}
	return s
}
