package main

import (
	"fmt"
	"strings"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/report"
)

// fmtNum formats a figure to a number of decimals, "–" where there is none.
// Every command that prints a table formats figures with these helpers, the
// way a reporter writes them.
func fmtNum(v figure.Value, decimals int) string {
	if !v.Known() {
		return "–"
	}
	return noNegativeZero(fmt.Sprintf("%.*f", decimals, v.Float()))
}

// count formats a whole number with thousands separators, as reporters
// write them (1,596): the report's formatting, so page and terminal agree.
func count(v figure.Value) string { return report.FormatCount(v) }

// fmtRate formats a computed rate to one decimal place: the report's
// formatting, so page and terminal agree.
func fmtRate(v figure.Value) string { return report.FormatRate(v) }

// fmtPublished formats a published rate to the precision it was published at
// ("202", not "202.0"), as the report does, so as not to claim a precision
// the release did not give.
func fmtPublished(v figure.Value) string { return report.FormatPublished(v) }

// versus is an area's rate above (+) or below (-) England and Wales, in per cent.
func versus(rate, national figure.Value) string {
	if !rate.Known() || !national.Known() || national.Float() == 0 {
		return "–"
	}
	return noNegativeZero(fmt.Sprintf("%+.0f", (rate.Float()/national.Float()*100)-100))
}

// noNegativeZero drops the sign of a figure that rounds to zero: -0.4%
// reads as "0", not "-0".
func noNegativeZero(s string) string {
	if strings.Trim(s, "+-0.") == "" {
		return strings.TrimLeft(s, "+-")
	}
	return s
}
