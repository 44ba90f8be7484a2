package figure

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// FinancialYear is a financial year, 1 April to 31 March, written as the
// MoJ and the database write it: "2019-20". Values come from
// ParseFinancialYear or FinancialYearStarting, which are the only places a
// financial year is read or formatted; the zero value is no year.
type FinancialYear string

// yearTyped matches the ways people write a financial year: "2019-20",
// "2019/20", "2019-2020", "2019 to 2020", "2019–20" (an en dash, as
// typeset titles have it), with spaces around the separator or not.
var yearTyped = regexp.MustCompile(`(?i)^(\d{4})(?:\s*(?:-|/|_|\x{2012}|\x{2013}|\x{2014})\s*|\s+to\s+)(\d{2}|\d{4})$`)

// ParseFinancialYear reads a financial year written "2019-20", or as
// people also write it ("2019/20", "2019 to 2020", "2019-2020", with an
// en dash), and normalises it to "2019-20". An error suggests the form
// wanted where it can tell what was meant.
func ParseFinancialYear(s string) (FinancialYear, error) {
	t := strings.TrimSpace(s)
	if len(t) == 4 {
		if y, err := strconv.Atoi(t); err == nil && y >= 1000 {
			return "", fmt.Errorf("financial year %q: want YYYY-YY, such as %s (April %d to March %d) or %s", s,
				FinancialYearStarting(y), y, y+1, FinancialYearStarting(y-1))
		}
	}
	m := yearTyped.FindStringSubmatch(t)
	if m == nil {
		return "", fmt.Errorf("financial year %q: want YYYY-YY, such as 2019-20", s)
	}
	y, _ := strconv.Atoi(m[1])
	next, _ := strconv.Atoi(m[2])
	if len(m[2]) == 4 && next == y+1 || len(m[2]) == 2 && next == (y+1)%100 {
		if y < 1000 {
			return "", fmt.Errorf("financial year %q: want YYYY-YY, such as 2019-20", s)
		}
		return FinancialYearStarting(y), nil
	}
	return "", fmt.Errorf("financial year %q: the second year must follow the first (%s?)", s, FinancialYearStarting(y))
}

// FinancialYearStarting is the financial year that starts in April of
// calendar year y.
func FinancialYearStarting(y int) FinancialYear {
	return FinancialYear(fmt.Sprintf("%d-%02d", y, (y+1)%100))
}

// Start is the calendar year the financial year starts in: 2019 for
// 2019-20.
func (y FinancialYear) Start() int {
	n, _ := strconv.Atoi(string(y[:min(4, len(y))]))
	return n
}

// End is the calendar year it ends in, that of its 31 March snapshot.
func (y FinancialYear) End() int { return y.Start() + 1 }

// Previous is the financial year before.
func (y FinancialYear) Previous() FinancialYear { return FinancialYearStarting(y.Start() - 1) }

// PeriodEnd is the date the year ends, 31 March, as ISO 8601.
func (y FinancialYear) PeriodEnd() string { return fmt.Sprintf("%d-03-31", y.End()) }

// String is the year as written: "2019-20".
func (y FinancialYear) String() string { return string(y) }

// MidYear is the year of an ONS mid-year population estimate (30 June):
// 2019 for mid-2019.
type MidYear int

// ParseMidYear reads a mid-year written "2019".
func ParseMidYear(s string) (MidYear, error) {
	y, err := strconv.Atoi(s)
	if err != nil || y < 1990 || y > 2100 {
		return 0, fmt.Errorf("mid-year %q: want a year such as 2019", s)
	}
	return MidYear(y), nil
}

// String is the mid-year as a period is written: "2019".
func (m MidYear) String() string { return strconv.Itoa(int(m)) }

// JoinYears writes years separated by sep: "2019-20, 2020-21".
func JoinYears(years []FinancialYear, sep string) string {
	s := make([]string, len(years))
	for i, y := range years {
		s[i] = y.String()
	}
	return strings.Join(s, sep)
}
