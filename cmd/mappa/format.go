package main

import (
	"fmt"
	"strings"

	"github.com/mappa-etl/mappa/pipeline/figure"
)

// fmtNum formats a figure to a number of decimals, "–" where there is none.
// Counts and rates are formatted by the report's FormatCount, FormatRate
// and FormatPublished, so page and terminal agree.
func fmtNum(v figure.Value, decimals int) string {
	if !v.Known() {
		return "–"
	}
	return noNegativeZero(fmt.Sprintf("%.*f", decimals, v.Float()))
}

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
