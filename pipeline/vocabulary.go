package pipeline

import "strings"

// Measure names are public API: they are the observations.measure values
// analysts filter on.
const (
	MeasureOffenders          = "offenders"              // MAPPA-eligible offenders at 31 March
	MeasureRSORate            = "rso_rate_per_100k"      // published RSOs per 100,000 aged 10+
	MeasureBreachConvictions  = "rso_breach_convictions" // RSOs cautioned/convicted for breach of notification
	MeasureRevocations        = "rso_revocations"        // indefinite notification requirements revoked
	MeasureSHPOs              = "shpos_imposed"
	MeasureSHPOsForeignTravel = "shpos_foreign_travel"
	MeasureNotificationOrders = "notification_orders"
	MeasureSexualRiskOrders   = "sexual_risk_orders"
	MeasureReturnedCustody    = "returned_to_custody"
	MeasureSFOsCharged        = "sfos_charged"
)

// All is the category or level of a figure that covers every category or
// level.
const All = "all"

// Column is the meaning of one table column: a measure, for a MAPPA category
// ("1", "2", "3" or "all") and management level ("1", "2", "3" or "all").
type Column struct {
	Measure, Category, Level string
}

// phraseRule maps a header to a measure when it contains any of its phrases.
type phraseRule struct {
	measure, category string
	phrases           []string
}

// measureRules are tried in order; earlier rules win because later phrases
// are more general ("notification" appears in breach, revocation and
// notification-order headers alike).
var measureRules = []phraseRule{
	{MeasureRSORate, "1", []string{"per 100000", "rate"}},
	{MeasureRevocations, "1", []string{"revoked", "revocation"}},
	{MeasureBreachConvictions, "1", []string{"breach"}},
	{MeasureSHPOsForeignTravel, All, []string{"foreign travel"}},
	{MeasureSHPOs, All, []string{"sexual harm prevention order", "shpo"}},
	{MeasureSexualRiskOrders, All, []string{"sexual risk order", "sro"}},
	{MeasureNotificationOrders, All, []string{"notification order"}},
	{MeasureReturnedCustody, All, []string{"returned to custody", "recalled to custody", "return to custody"}},
	{MeasureSFOsCharged, All, []string{"serious further offence", "sfo"}},
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
func ClassifyHeader(header string) (col Column, ok bool) {
	h := " " + Normalise(header) + " "
	for _, r := range measureRules {
		if containsAny(h, r.phrases) {
			return Column{Measure: r.measure, Category: r.category, Level: All}, true
		}
	}
	level := All
	for _, l := range []string{"1", "2", "3"} {
		if strings.Contains(h, " level "+l+" ") {
			level = l
		}
	}
	for _, c := range categoryPhrases {
		if containsAny(h, c.phrases) {
			return Column{Measure: MeasureOffenders, Category: c.category, Level: level}, true
		}
	}
	if strings.Contains(h, " total ") && (strings.Contains(h, " offenders ") || strings.Contains(h, " mappa ")) ||
		strings.Contains(h, " all categories ") {
		return Column{Measure: MeasureOffenders, Category: All, Level: All}, true
	}
	return Column{}, false
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
