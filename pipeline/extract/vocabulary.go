package extract

import (
	"strings"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/schema"
)

// phraseRule maps a header to a measure when it contains any of its phrases.
type phraseRule struct {
	measure, category string
	phrases           []string
}

// measureRules are tried in order; earlier rules win because later phrases
// are more general ("notification" appears in breach, revocation and
// notification-order headers alike).
var measureRules = []phraseRule{
	{figure.MeasureRSORate, "1", []string{"per 100000", "rate"}},
	{figure.MeasureRevocations, "1", []string{"revoked", "revocation"}},
	{figure.MeasureBreachConvictions, "1", []string{"breach"}},
	{figure.MeasureSHPOsForeignTravel, figure.All, []string{"foreign travel"}},
	{figure.MeasureSHPOs, figure.All, []string{"sexual harm prevention order", "shpo"}},
	{figure.MeasureSexualRiskOrders, figure.All, []string{"sexual risk order", "sro"}},
	{figure.MeasureNotificationOrders, figure.All, []string{"notification order"}},
	{figure.MeasureReturnedCustody, figure.All, []string{"returned to custody", "recalled to custody", "return to custody"}},
	{figure.MeasureSFOsCharged, figure.All, []string{"serious further offence", "sfo"}},
}

var categoryPhrases = []struct {
	category string
	phrases  []string
}{
	{"1", []string{"category 1", "cat 1", "registered sex", "rso"}},
	{"2", []string{"category 2", "cat 2", "violent"}},
	{"3", []string{"category 3", "cat 3", "other dangerous"}},
}

// ClassifyHeader maps header text (already joined across header rows) to a
// column meaning. ok is false for headers of no known measure, such as the
// area or area-code columns.
func ClassifyHeader(header string) (col figure.Column, ok bool) {
	h := " " + schema.Normalise(header) + " "
	for _, r := range measureRules {
		if containsAny(h, r.phrases) {
			return figure.Column{Measure: r.measure, Category: r.category, Level: figure.All}, true
		}
	}
	level := figure.All
	for _, l := range []string{"1", "2", "3"} {
		if strings.Contains(h, " level "+l+" ") {
			level = l
		}
	}
	for _, c := range categoryPhrases {
		if containsAny(h, c.phrases) {
			return figure.Column{Measure: figure.MeasureOffenders, Category: c.category, Level: level}, true
		}
	}
	if strings.Contains(h, " total ") && (strings.Contains(h, " offenders ") || strings.Contains(h, " mappa ")) ||
		strings.Contains(h, " all categories ") {
		return figure.Column{Measure: figure.MeasureOffenders, Category: figure.All, Level: figure.All}, true
	}
	return figure.Column{}, false
}

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
