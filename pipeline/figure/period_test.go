package figure

import (
	"strings"
	"testing"
)

func TestParseFinancialYear(t *testing.T) {
	for _, tc := range []struct {
		in, want, err   string
		start, end      int
		previous, close string
	}{
		{in: "2019-20", want: "2019-20", start: 2019, end: 2020, previous: "2018-19", close: "2020-03-31"},
		{in: "1999-00", want: "1999-00", start: 1999, end: 2000, previous: "1998-99", close: "2000-03-31"},
		{in: "2019/20", want: "2019-20", start: 2019, end: 2020, previous: "2018-19", close: "2020-03-31"},
		{in: "2019 to 2020", want: "2019-20", start: 2019, end: 2020, previous: "2018-19", close: "2020-03-31"},
		{in: "2019\u201320", want: "2019-20", start: 2019, end: 2020, previous: "2018-19", close: "2020-03-31"},
		{in: " 2019-2020 ", want: "2019-20", start: 2019, end: 2020, previous: "2018-19", close: "2020-03-31"},
		{in: "2019 / 20", want: "2019-20", start: 2019, end: 2020, previous: "2018-19", close: "2020-03-31"},
		{in: "1999/2000", want: "1999-00", start: 1999, end: 2000, previous: "1998-99", close: "2000-03-31"},
		{in: "2019", err: `financial year "2019": want YYYY-YY, such as 2019-20 (April 2019 to March 2020) or 2018-19`},
		{in: "2019-21", err: `financial year "2019-21": the second year must follow the first (2019-20?)`},
		{in: "2019 to 2021", err: `financial year "2019 to 2021": the second year must follow the first (2019-20?)`},
		{in: "19-20", err: `financial year "19-20": want YYYY-YY, such as 2019-20`},
		{in: "abcd-ef", err: `financial year "abcd-ef": want YYYY-YY, such as 2019-20`},
		{in: "0999-00", err: `financial year "0999-00": want YYYY-YY, such as 2019-20`},
	} {
		t.Run(tc.in, func(t *testing.T) {
			y, err := ParseFinancialYear(tc.in)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if y.String() != tc.want || y.Start() != tc.start || y.End() != tc.end || y.Previous().String() != tc.previous ||
				y.PeriodEnd() != tc.close || FinancialYearStarting(tc.start) != y {
				t.Errorf("%s: start %d, end %d, previous %s, period end %s", y, y.Start(), y.End(), y.Previous(), y.PeriodEnd())
			}
		})
	}
}

func TestParseMidYear(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want MidYear
		err  string
	}{
		{in: "2019", want: 2019},
		{in: "1989", err: `mid-year "1989": want a year such as 2019`},
		{in: "mid-2019", err: `mid-year "mid-2019": want a year such as 2019`},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseMidYear(tc.in)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want || got.String() != tc.in {
				t.Errorf("ParseMidYear(%q) = %v, %v", tc.in, got, err)
			}
		})
	}
}

func TestParseMidYears(t *testing.T) {
	for _, tc := range []struct {
		in, err     string
		first, last MidYear
	}{
		{in: "2019", first: 2019, last: 2019},
		{in: "2012-2022", first: 2012, last: 2022},
		{in: "2019-20", err: `mid-years "2019-20": want a mid-year such as 2019 or a span of mid-years such as 2012-2022`},
		{in: "2022-2012", err: `mid-years "2022-2012": want a mid-year such as 2019 or a span of mid-years such as 2012-2022, the first before the last`},
		{in: "2019-2019", err: `mid-years "2019-2019": want a mid-year such as 2019 or a span of mid-years such as 2012-2022, the first before the last`},
		{in: "mid-2019", err: `mid-years "mid-2019": want a mid-year such as 2019 or a span of mid-years such as 2012-2022`},
		{in: "19", err: `mid-year "19": want a year such as 2019`},
	} {
		t.Run(tc.in, func(t *testing.T) {
			s, err := ParseMidYears(tc.in)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || s.First != tc.first || s.Last != tc.last || s.String() != tc.in || s.Single() != (tc.first == tc.last) {
				t.Fatalf("%+v, %v", s, err)
			}
		})
	}
}

func TestParseEdition(t *testing.T) {
	if e, err := ParseEdition("2023-11-30"); err != nil || e != "2023-11-30" {
		t.Fatalf("%q, %v", e, err)
	}
	for _, in := range []string{"30 November 2023", "2023-11", "2023-02-30", ""} {
		if _, err := ParseEdition(in); err == nil || !strings.Contains(err.Error(), "want the date the estimate was published, YYYY-MM-DD") {
			t.Errorf("%q: %v", in, err)
		}
	}
}

// FuzzParseFinancialYear types anything as a financial year: a year read
// is written "YYYY-YY", reads back as itself, and names consecutive years.
func FuzzParseFinancialYear(f *testing.F) {
	for _, s := range []string{"2019-20", "2019/20", "2019 to 2020", "2019\u201320", "1999/2000", "2019", "2019-21", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		y, err := ParseFinancialYear(s)
		if err != nil {
			return
		}
		if len(y.String()) != 7 || y.String()[4] != '-' {
			t.Fatalf("%q read as %q", s, y)
		}
		if again, err := ParseFinancialYear(y.String()); err != nil || again != y {
			t.Fatalf("%q read as %q, which reads as %q, %v", s, y, again, err)
		}
		if y.End() != y.Start()+1 || FinancialYearStarting(y.Start()) != y {
			t.Fatalf("%q read as %q: start %d, end %d", s, y, y.Start(), y.End())
		}
	})
}
