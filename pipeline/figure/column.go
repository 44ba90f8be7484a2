package figure

// Measure names are public API: they are the observations.measure values
// analysts filter on. schema/migrations describes each in the measures
// table.
const (
	MeasureOffenders           = "offenders"                     // MAPPA-eligible offenders at 31 March
	MeasureOffendersDuringYear = "offenders_managed_during_year" // managed at level 2 or 3 at any time in the year
	MeasureRSORate             = "rso_rate_per_100k"             // published RSOs per 100,000 aged 10+
	MeasurePopulation          = "population_10plus_published"   // population aged 10+ as published (rounded)
	MeasureBreachConvictions   = "rso_breach_convictions"        // RSOs cautioned or convicted for breach of notification (one figure)
	MeasureBreachCautioned     = "rso_breach_cautioned"          // RSOs cautioned for breach of notification (from 2024-25)
	MeasureBreachConvicted     = "rso_breach_convicted"          // RSOs convicted for breach of notification (from 2024-25)
	MeasureRevocations         = "rso_revocations"               // indefinite notification requirements revoked
	MeasureSHPOs               = "shpos_imposed"
	MeasureSHPOsForeignTravel  = "shpos_foreign_travel"
	MeasureForeignTravelOrders = "foreign_travel_orders"
	MeasureNotificationOrders  = "notification_orders"
	MeasureSexualRiskOrders    = "sexual_risk_orders"
	MeasureSHPOBreaches        = "shpo_breaches"
	MeasureSROBreaches         = "sro_breaches"
	MeasureReturnedCustody     = "returned_to_custody"
	MeasureSFOsCharged         = "sfos_charged"
	MeasureSFOsConvicted       = "sfos_convicted"
	MeasureSFOsStillCharged    = "sfos_still_charged"
	MeasureSFOsOtherOutcome    = "sfos_other_outcome"
	MeasureSeriousCaseReviews  = "serious_case_reviews"
)

// Measures lists every measure, in the order the data dictionary and the
// measures table give them.
var Measures = []string{
	MeasureOffenders, MeasureOffendersDuringYear, MeasureRSORate, MeasurePopulation,
	MeasureBreachConvictions, MeasureBreachCautioned, MeasureBreachConvicted, MeasureRevocations,
	MeasureSHPOs, MeasureSHPOsForeignTravel, MeasureForeignTravelOrders, MeasureNotificationOrders,
	MeasureSexualRiskOrders, MeasureSHPOBreaches, MeasureSROBreaches, MeasureReturnedCustody,
	MeasureSFOsCharged, MeasureSFOsConvicted, MeasureSFOsStillCharged, MeasureSFOsOtherOutcome,
	MeasureSeriousCaseReviews,
}

// All is the category or level of a figure that covers every category or
// level.
const All = "all"

// Categories are the MAPPA categories: 1 registered sexual offenders, 2
// violent, 3 other dangerous, 4 terrorist and terrorism risk offenders.
var Categories = []string{"1", "2", "3", "4"}

// CategoryTerrorism is the category of terrorist and terrorism risk
// offenders, first published for the year to 31 March 2023.
const CategoryTerrorism = "4"

// FirstYearWithCategory4 is the first financial year whose tables carry
// category 4.
const FirstYearWithCategory4 FinancialYear = "2022-23"

// Column is the meaning of one table column: a measure, for a MAPPA category
// ("1" to "4" or "all") and management level ("1", "2", "3" or "all").
type Column struct {
	Measure, Category, Level string
}

// String names a column as checks and errors do: "offenders category 1
// level all".
func (c Column) String() string {
	return c.Measure + " category " + c.Category + " level " + c.Level
}
