package extract

import (
	"fmt"
	"strings"

	"github.com/mappa-etl/mappa/pipeline/figure"
)

// measure decides which measure other than the offender counts a header
// names, and the concepts that decision accounts for. The order matters
// where one measure's words hold another's: "SHPOs with foreign travel
// restrictions" names SHPOs, "breaches of SHPOs" names SHPOs and a breach,
// "returned to custody for breach of licence" names a breach. "" with no
// error means no such measure: the header may be an offender count.
func (h header) measure() (string, []concept, error) {
	has := func(c concept) bool { return h.has[c] }
	switch {
	case has(cRate):
		return figure.MeasureRSORate, []concept{cRate, cPopulation}, nil
	case has(cSFO):
		used := []concept{cSFO}
		switch {
		case has(cStillCharged):
			return figure.MeasureSFOsStillCharged, used, nil
		case has(cOtherOutcome):
			return figure.MeasureSFOsOtherOutcome, used, nil
		case has(cConvict) && containsAny(h.text, []string{"not", "acquit", "lesser", "another", "other offence"}):
			return "", nil, fmt.Errorf("names a conviction for serious further offences qualified in a way mappa does not know")
		case has(cConvict):
			return figure.MeasureSFOsConvicted, used, nil
		case has(cCharged):
			return figure.MeasureSFOsCharged, used, nil
		}
		return "", nil, fmt.Errorf("names serious further offences but no outcome (charged, convicted, still charged or other outcome)")
	case has(cReview):
		return figure.MeasureSeriousCaseReviews, []concept{cReview}, nil
	case has(cCustody) || has(cBreach) && has(cLicence):
		return figure.MeasureReturnedCustody, []concept{cCustody, cBreach}, nil
	case has(cBreach):
		switch {
		case has(cSHPO):
			return figure.MeasureSHPOBreaches, []concept{cBreach, cSHPO}, nil
		case has(cSRO):
			return figure.MeasureSROBreaches, []concept{cBreach, cSRO}, nil
		case has(cCaution) && has(cConvict):
			return figure.MeasureBreachConvictions, []concept{cBreach}, nil
		case has(cCaution):
			return figure.MeasureBreachCautioned, []concept{cBreach}, nil
		case has(cConvict):
			return figure.MeasureBreachConvicted, []concept{cBreach}, nil
		}
		return "", nil, fmt.Errorf("names breaches but not what came of them (cautioned, convicted, or both) or what was breached")
	case has(cRevoke):
		return figure.MeasureRevocations, []concept{cRevoke}, nil
	case has(cForeignTravel) && has(cSHPO):
		return figure.MeasureSHPOsForeignTravel, []concept{cForeignTravel, cSHPO}, nil
	case has(cForeignTravel):
		return figure.MeasureForeignTravelOrders, []concept{cForeignTravel}, nil
	case has(cSHPO):
		return figure.MeasureSHPOs, []concept{cSHPO}, nil
	case has(cNotificationOrder):
		return figure.MeasureNotificationOrders, []concept{cNotificationOrder}, nil
	case has(cSRO):
		return figure.MeasureSexualRiskOrders, []concept{cSRO}, nil
	case has(cPopulation):
		return figure.MeasurePopulation, []concept{cPopulation}, nil
	}
	return "", nil, nil
}

// offenderWords are the words an offender-count header may hold besides
// its category and level; anything else means a measure mappa does not
// know.
var offenderWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`offenders offender mappa eligible total all and or the of at as on by
		managed number registered sexual sex rsos rso violent other dangerous terrorist terrorism risk connected
		31 31st march persons people category categories cat level levels 1 2 3 4 snapshot end
		revised provisional`) {
		offenderWords[w] = true
	}
	// Allowed only when the header says "during the year": counted
	// without it, "Category 1 Level 2 (year)" would pass for the snapshot.
	for _, w := range strings.Fields(`during the year any time point in over`) {
		duringWords[w] = true
	}
}

// duringWords are the words of the "during the year" phrases.
var duringWords = map[string]bool{}

// offenders classifies a header naming no other measure: a count of
// offenders at 31 March, or managed at level 2 or 3 during the year.
func (h header) offenders(text string) (figure.Column, HeaderKind, error) {
	named := len(h.categories) > 0 || strings.Contains(h.text, " offender") || strings.Contains(h.text, " mappa ") ||
		strings.Contains(h.text, " all categories ")
	known := true
	for _, w := range strings.Fields(h.text) {
		if !offenderWords[w] && !isYear(w) && !(h.has[cDuring] && duringWords[w]) {
			known = false
		}
	}
	specific := len(h.categories) > 0 || len(h.levels) > 0
	switch {
	case !known && specific, !named && specific:
		return figure.Column{}, Unmapped, fmt.Errorf("%w: %q", ErrUnknownMeasure, oneLine(text))
	case !known || !named:
		return figure.Column{}, Unmapped, nil
	}
	col := figure.Column{Measure: figure.MeasureOffenders, Level: figure.All}
	if h.has[cDuring] {
		col.Measure = figure.MeasureOffendersDuringYear
	}
	var err error
	if col.Category, err = h.one("categories", h.categories); err != nil {
		return figure.Column{}, Unmapped, fmt.Errorf("%w: %q %v", ErrAmbiguousHeader, oneLine(text), err)
	}
	if col.Level, err = h.level(col.Measure == figure.MeasureOffendersDuringYear); err != nil {
		return figure.Column{}, Unmapped, fmt.Errorf("%w: %q %v", ErrAmbiguousHeader, oneLine(text), err)
	}
	if col.Measure == figure.MeasureOffendersDuringYear && col.Level == "1" {
		return figure.Column{}, Unmapped, fmt.Errorf("%w: %q counts level 1 during the year; only levels 2 and 3 are counted over the year",
			ErrUnknownMeasure, oneLine(text))
	}
	return col, Mapped, nil
}

// one is the single category or level a header names, or "all" for none.
func (h header) one(what string, list []string) (string, error) {
	switch len(list) {
	case 0:
		return figure.All, nil
	case 1:
		return list[0], nil
	}
	return "", fmt.Errorf("names %s %s", what, strings.Join(list, " and "))
}

// level is the management level a header names. "Levels 2 and 3" is the
// whole of a measure that counts only levels 2 and 3 (during the year,
// returns to custody); of any other it is a sum mappa has no measure for.
func (h header) level(onlyTwoAndThree bool) (string, error) {
	if onlyTwoAndThree && len(h.levels) == 2 && h.levels[0] == "2" && h.levels[1] == "3" {
		return figure.All, nil
	}
	return h.one("levels", h.levels)
}

func isYear(w string) bool {
	return len(w) == 4 && strings.Trim(w, "0123456789") == "" && (w[:2] == "19" || w[:2] == "20")
}
