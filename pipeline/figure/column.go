package figure

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
