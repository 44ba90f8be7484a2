package pipeline

import (
	"errors"
	"fmt"

	"github.com/mappa-etl/mappa/pipeline/extract"
	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/ons"
	"github.com/mappa-etl/mappa/sources/archive"
	"github.com/mappa-etl/mappa/sources/sheet"
)

// StatedPeriodError is a file added under a period it contradicts, or
// added without one when it states none.
type StatedPeriodError struct {
	File   string
	Kind   string // "area-tables" or "population"
	Typed  string // the period given; "" when none was
	Stated string // the period the file states; "" when none
	Where  string // the evidence, in words
	// FileName is the year the file's name states, when no year was
	// typed and it disagrees with the titles.
	FileName string
	// Relabel is set when the period was asked of an archived file.
	Relabel bool
}

func (e *StatedPeriodError) Error() string {
	if e.FileName != "" {
		return fmt.Sprintf("%s: the file says %s: %s, but its name says %s; give the year: 'mappa add %s %s %s'", e.File, e.Stated, e.Where, e.FileName, e.Kind, e.Stated, e.File)
	}
	if e.Stated == "" {
		return fmt.Sprintf("%s states no period of its own: give it, as in 'mappa add %s %s %s'", e.File, e.Kind, example(e.Kind), e.File)
	}
	if e.Relabel {
		return fmt.Sprintf("%s: the file says %s: %s; relabel it as %s, or give --force-year to relabel it as %s anyway",
			e.File, e.Stated, e.Where, e.Stated, e.Typed)
	}
	return fmt.Sprintf("%s: the file says %s: %s; add it as %s %s, or give --force-year to load it as %s anyway",
		e.File, e.Stated, e.Where, e.Kind, e.Stated, e.Typed)
}

func example(kind string) string {
	if kind == "population" {
		return "2019"
	}
	return "2019-20"
}

// claimedYear is the financial year area tables are read as: the one
// typed, checked against the one the workbook states unless forced, or
// the stated one when none was typed.
func claimedYear(wb *sheet.Workbook, claim Claim) (figure.FinancialYear, error) {
	var typed figure.FinancialYear
	if claim.Period != "" {
		y, err := figure.ParseFinancialYear(claim.Period)
		if err != nil {
			return "", err
		}
		if claim.Force {
			return y, nil
		}
		typed = y
	}
	st, ok := extract.StatedYear(wb)
	switch {
	case !ok && typed == "":
		return "", &StatedPeriodError{File: wb.Name, Kind: "area-tables"}
	case !ok:
		return typed, nil
	case typed == "":
		// Taken without a year typed, the file must agree with itself:
		// titles of one year under a name of another are a mistake
		// somewhere, which only the operator can tell.
		if fn, ok := extract.FileNameYear(wb.Name); ok && st.Where != "file name" && fn.Year != st.Year {
			return "", &StatedPeriodError{File: wb.Name, Kind: "area-tables", Stated: st.Year.String(), Where: st.String(), FileName: fn.Year.String()}
		}
		return st.Year, nil
	case typed != st.Year:
		return "", &StatedPeriodError{File: wb.Name, Kind: "area-tables", Typed: typed.String(), Stated: st.Year.String(), Where: st.String()}
	}
	return typed, nil
}

// claimedMidYears is claimedYear for a population estimate. A typed
// mid-year is checked by ons.Read itself, against the titles, which name
// the cell; the span of a back series against its columns.
func claimedMidYears(wb *sheet.Workbook, claim Claim) (figure.MidYears, error) {
	if claim.Period != "" {
		return figure.ParseMidYears(claim.Period)
	}
	span, _, ok := ons.StatedMidYears(wb)
	if !ok {
		return figure.MidYears{}, &StatedPeriodError{File: wb.Name, Kind: "population"}
	}
	return span, nil
}

// CheckPeriod reads an archived file as period, as AddFile reads a file
// added by hand: a period the file contradicts is refused unless force.
// A relabelling is checked so before it is made.
func CheckPeriod(a *archive.Archive, m *archive.Manifest, e archive.Entry, period string, force bool) error {
	var lookups []*ons.Lookup
	if e.Kind == archive.KindPopulation {
		var err error
		if lookups, err = ArchivedLookups(a, m); err != nil {
			return err
		}
	}
	f, err := a.Open(e)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = NewParser().parseFile(e.Kind, Claim{Period: period, Force: force}, f, e.Filename, lookups)
	var se *StatedPeriodError
	if errors.As(err, &se) {
		se.Relabel = true
	}
	return err
}
