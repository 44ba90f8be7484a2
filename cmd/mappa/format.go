package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
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
// write them (1,596).
func count(v *float64) string {
	if v == nil {
		return "–"
	}
	return thousands(int64(math.Round(*v)))
}

// thousands formats n with comma separators.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
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
