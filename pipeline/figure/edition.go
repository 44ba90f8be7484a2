package figure

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Edition names one release of an ONS estimate by the date it was
// published, written "2019-06-26": ONS republishes mid-years (those of
// 2012 to 2021 on the basis of Census 2021 in November 2023), so one
// mid-year can have several editions. Dates sort as text, so the latest
// edition is the greatest. The zero value is no edition.
type Edition string

// ParseEdition reads an edition written as an ISO date, "2019-06-26".
func ParseEdition(s string) (Edition, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return "", fmt.Errorf("edition %q: want the date the estimate was published, YYYY-MM-DD", s)
	}
	return EditionOn(t), nil
}

// EditionOn is the edition published (or, when no date is known, added)
// on the day of t.
func EditionOn(t time.Time) Edition { return Edition(t.Format(time.DateOnly)) }

// String is the edition as written: "2019-06-26".
func (e Edition) String() string { return string(e) }

// MidYears is the span of mid-years one population file holds: one for an
// ONS MYE2 workbook, several for a back series. Values come from
// ParseMidYears or SingleMidYear.
type MidYears struct{ First, Last MidYear }

// SingleMidYear is the span of one mid-year.
func SingleMidYear(m MidYear) MidYears { return MidYears{m, m} }

// ParseMidYears reads a population file's period: a mid-year "2019", or a
// span "2012-2022" for a back series.
func ParseMidYears(s string) (MidYears, error) {
	first, last, span := strings.Cut(s, "-")
	if !span {
		m, err := ParseMidYear(s)
		return MidYears{m, m}, err
	}
	a, err := ParseMidYear(first)
	if err != nil || len(last) != 4 {
		return MidYears{}, fmt.Errorf("mid-years %q: want a mid-year such as 2019 or a span of mid-years such as 2012-2022", s)
	}
	b, err := ParseMidYear(last)
	if err != nil || b <= a {
		return MidYears{}, fmt.Errorf("mid-years %q: want a mid-year such as 2019 or a span of mid-years such as 2012-2022, the first before the last", s)
	}
	return MidYears{a, b}, nil
}

// Single reports whether the span is one mid-year.
func (s MidYears) Single() bool { return s.First == s.Last }

// Contains reports whether m is in the span.
func (s MidYears) Contains(m MidYear) bool { return m >= s.First && m <= s.Last }

// String is the span as a period is written: "2019" or "2012-2022".
func (s MidYears) String() string {
	if s.Single() {
		return s.First.String()
	}
	return s.First.String() + "-" + strconv.Itoa(int(s.Last))
}
