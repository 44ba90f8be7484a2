package extract

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/schema"
)

// HeaderKind says what a classified header is.
type HeaderKind int

// The kinds of header.
const (
	// Unmapped headers name no measure mappa knows: they are recorded, so
	// a new measure in a release is seen rather than lost.
	Unmapped HeaderKind = iota
	// Mapped headers name a measure (with its category and level).
	Mapped
	// Identifier headers head a column that names the row ("Area code"):
	// no figures, nothing to record.
	Identifier
)

// Errors a header is refused with, rather than guessed at.
var (
	ErrAmbiguousHeader = errors.New("header is ambiguous")
	ErrUnknownMeasure  = errors.New("header names a category or level but no measure mappa knows")
)

// concept is one idea a header can name, found by its phrases.
type concept int

const (
	cRate concept = iota
	cPopulation
	cRevoke
	cBreach
	cNotificationOrder
	cCaution
	cConvict
	cSHPO
	cForeignTravel
	cSRO
	cCustody
	cLicence
	cSFO
	cCharged
	cStillCharged
	cOtherOutcome
	cReview
	cDuring
	numConcepts
)

// conceptPhrases are matched as word prefixes ("rso" matches "rsos",
// "breach" matches "breaches") in the normalised header.
var conceptPhrases = [numConcepts][]string{
	cRate:              {"per 100000", "per 100 000", "per 100k", "per head", "rate"},
	cPopulation:        {"population"},
	cRevoke:            {"revoked", "revocation"},
	cBreach:            {"breach"},
	cNotificationOrder: {"notification order"},
	cCaution:           {"caution"},
	cConvict:           {"convict"},
	cSHPO:              {"shpo", "sopo", "sexual harm prevention order", "sexual offences prevention order"},
	cForeignTravel:     {"foreign travel"},
	cSRO:               {"sro", "sexual risk order"},
	cCustody:           {"returned to custody", "recalled to custody", "return to custody", "returns to custody", "recall"},
	cLicence:           {"licence", "license"},
	cSFO:               {"sfo", "serious further offence"},
	cCharged:           {"charged", "charge"},
	cStillCharged:      {"still charged", "awaiting", "outstanding", "pending"},
	cOtherOutcome:      {"other outcome"},
	cReview:            {"serious case review", "scr"},
	cDuring:            {"during", "at any time", "at any point", "in the year", "in year", "over the year"},
}

// conceptNames say in errors what a header named.
var conceptNames = [numConcepts]string{cRate: "a rate", cPopulation: "a population", cRevoke: "revocations",
	cBreach: "breaches", cNotificationOrder: "notification orders", cSHPO: "SHPOs", cForeignTravel: "foreign travel",
	cSRO: "sexual risk orders", cCustody: "returns to custody", cSFO: "serious further offences", cReview: "serious case reviews"}

// measureConcepts are the concepts that each name a measure of their own:
// a header left with one its measure did not account for names two
// measures, and is refused.
var measureConcepts = []concept{cRate, cPopulation, cRevoke, cBreach, cNotificationOrder, cSHPO, cForeignTravel,
	cSRO, cCustody, cSFO, cReview}

// header is a normalised header and the concepts, categories and levels
// it names.
type header struct {
	text       string // " normalised text "
	has        [numConcepts]bool
	categories []string
	levels     []string
}

var (
	categoryPhrases = map[string][]string{
		"1": {"registered sex", "rso"},
		"2": {"violent"},
		"3": {"other dangerous"},
		"4": {"terrorist", "terrorism"},
	}
	categoryNumber = regexp.MustCompile(`\b(?:categories|category|cat) ?([1-4])((?: (?:and|or) [1-4])*)\b`)
	levelList      = regexp.MustCompile(`\blevels? ([1-3])((?: (?:and|or) [1-3])*)\b`)
)

func parseHeader(s string) header {
	h := header{text: " " + schema.Normalise(s) + " "}
	for c, phrases := range conceptPhrases {
		h.has[c] = containsAny(h.text, phrases)
	}
	h.categories = numbered(categoryNumber, h.text)
	for _, c := range figure.Categories {
		if containsAny(h.text, categoryPhrases[c]) {
			h.categories = appendNew(h.categories, c)
		}
	}
	h.levels = numbered(levelList, h.text)
	slices.Sort(h.categories)
	slices.Sort(h.levels)
	return h
}

// numbered collects the numbers of every "category 1" or "levels 2 and 3"
// (as re matches them) in text. A number named alone outranks a list: in
// "Offenders managed at level 2 or 3 during the year: Level 2" the list
// defines the measure and the single level picks the column.
func numbered(re *regexp.Regexp, text string) []string {
	var single, listed []string
	for _, m := range re.FindAllStringSubmatch(text, -1) {
		nums := []string{m[1]}
		for _, f := range strings.Fields(m[2]) {
			if f != "and" && f != "or" {
				nums = append(nums, f)
			}
		}
		for _, n := range nums {
			if len(nums) == 1 {
				single = appendNew(single, n)
			} else {
				listed = appendNew(listed, n)
			}
		}
	}
	if len(single) > 0 {
		return single
	}
	return listed
}

func appendNew(list []string, v string) []string {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

// identifiers are headers of columns that name the row rather than hold
// figures.
var identifiers = map[string]bool{"area": true, "area code": true, "code": true, "ons code": true, "gss code": true,
	"mappa area": true, "mappa area code": true, "mappa area name": true, "area name": true, "ons area code": true,
	"police force area": true, "police force area code": true, "police force area name": true,
	"pfa": true, "pfa code": true, "pfa name": true, "region": true, "country": true}

// percentage reports whether a header heads a share rather than a count:
// "%" is gone once normalised, so the raw text is read.
func percentage(raw, normalised string) bool {
	return strings.Contains(raw, "%") || containsAny(normalised, []string{"percent", "per cent", "proportion"})
}

// ClassifyHeader maps header text (already joined across header rows) to a
// column meaning. A header that names two measures, or a category or level
// but no measure mappa knows, is refused with an error rather than guessed.
func ClassifyHeader(text string) (figure.Column, HeaderKind, error) {
	h := parseHeader(text)
	if identifiers[strings.TrimSpace(h.text)] {
		return figure.Column{}, Identifier, nil
	}
	if percentage(text, h.text) && !h.has[cRate] {
		// A share of offenders is no count mappa stores: recorded if it
		// names nothing more, refused if it names a category or level.
		if len(h.categories)+len(h.levels) > 0 {
			return figure.Column{}, Unmapped, fmt.Errorf("%w: %q is a percentage", ErrUnknownMeasure, oneLine(text))
		}
		return figure.Column{}, Unmapped, nil
	}
	measure, used, err := h.measure()
	if err != nil {
		return figure.Column{}, Unmapped, fmt.Errorf("%w: %q %v", ErrAmbiguousHeader, oneLine(text), err)
	}
	if measure == "" {
		return h.offenders(text)
	}
	for _, c := range measureConcepts {
		if h.has[c] && !slices.Contains(used, c) {
			return figure.Column{}, Unmapped, fmt.Errorf("%w: %q names %s and %s", ErrAmbiguousHeader, oneLine(text),
				measureName(measure), conceptNames[c])
		}
	}
	col := figure.Column{Measure: measure, Category: figure.All, Level: figure.All}
	switch measure {
	case figure.MeasureRSORate, figure.MeasureRevocations, figure.MeasureBreachConvictions,
		figure.MeasureBreachCautioned, figure.MeasureBreachConvicted:
		// Measures of registered sexual offenders only: "RSOs" in the
		// header is the measure's subject, not a category to split on,
		// and any other category is a measure mappa does not know.
		if len(h.categories) > 1 || len(h.categories) == 1 && h.categories[0] != "1" {
			return figure.Column{}, Unmapped, fmt.Errorf("%w: %q names %s of category %s; it counts registered sexual offenders (category 1) only",
				ErrUnknownMeasure, oneLine(text), measureName(measure), strings.Join(h.categories, " and "))
		}
		col.Category = "1"
	case figure.MeasurePopulation:
		if len(h.categories)+len(h.levels) > 0 || strings.Contains(h.text, " per ") {
			return figure.Column{}, Unmapped, fmt.Errorf("%w: %q names a population and offenders: a rate (say \"per 100,000\") or a count?",
				ErrAmbiguousHeader, oneLine(text))
		}
		return col, Mapped, nil
	default:
		if col.Category, err = h.one("categories", h.categories); err != nil {
			return figure.Column{}, Unmapped, fmt.Errorf("%w: %q %v", ErrAmbiguousHeader, oneLine(text), err)
		}
	}
	if measure == figure.MeasureRSORate {
		return col, Mapped, nil
	}
	if col.Level, err = h.level(measure == figure.MeasureReturnedCustody); err != nil {
		return figure.Column{}, Unmapped, fmt.Errorf("%w: %q %v", ErrAmbiguousHeader, oneLine(text), err)
	}
	if measure == figure.MeasureReturnedCustody && col.Level == "1" {
		return figure.Column{}, Unmapped, fmt.Errorf("%w: %q counts level 1; returns to custody are counted for levels 2 and 3 only",
			ErrUnknownMeasure, oneLine(text))
	}
	return col, Mapped, nil
}

// measureNames are the measures as errors name them.
var measureNames = map[string]string{
	figure.MeasureOffenders: "offenders at 31 March", figure.MeasureOffendersDuringYear: "offenders managed during the year",
	figure.MeasureRSORate: "the RSO rate", figure.MeasurePopulation: "the published population",
	figure.MeasureBreachConvictions: "RSOs cautioned or convicted for breach", figure.MeasureBreachCautioned: "RSOs cautioned for breach",
	figure.MeasureBreachConvicted: "RSOs convicted for breach", figure.MeasureRevocations: "revocations",
	figure.MeasureSHPOs: "SHPOs", figure.MeasureSHPOsForeignTravel: "SHPOs with foreign travel restrictions",
	figure.MeasureForeignTravelOrders: "foreign travel orders", figure.MeasureNotificationOrders: "notification orders",
	figure.MeasureSexualRiskOrders: "sexual risk orders", figure.MeasureSHPOBreaches: "breaches of SHPOs",
	figure.MeasureSROBreaches: "breaches of sexual risk orders", figure.MeasureReturnedCustody: "returns to custody",
	figure.MeasureSFOsCharged: "SFOs charged", figure.MeasureSFOsConvicted: "SFOs convicted",
	figure.MeasureSFOsStillCharged: "SFOs still charged", figure.MeasureSFOsOtherOutcome: "SFOs with another outcome",
	figure.MeasureSeriousCaseReviews: "serious case reviews",
}

// measureName is a measure as errors name it.
func measureName(m string) string { return measureNames[m] }

// containsAny reports whether padded text h holds any phrase as whole words
// (or as a word prefix, so "rso" matches "rsos" and "shpo" matches "shpos").
func containsAny(h string, phrases []string) bool {
	for _, p := range phrases {
		if strings.Contains(h, " "+p) {
			return true
		}
	}
	return false
}
