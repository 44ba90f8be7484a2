package main

// measure is one count column of the area tables.
type measure int

// The measures. Category 3 level 1 is never a number ("not applicable").
// New measures go at the end (before numMeasures), so existing keys keep
// their meaning.
const (
	c1l1 measure = iota
	c1l2
	c1l3
	c1t
	c2l1
	c2l2
	c2l3
	c2t
	c3l1
	c3l2
	c3l3
	c3t
	total
	breach
	revoked
	shpo
	shpoTravel
	notifOrder
	sro
	recalled
	sfo
	// Category 4 (terrorist and terrorism risk offenders), from 2022-23.
	c4l1
	c4l2
	c4l3
	c4t
	// Offenders managed at level 2 or 3 at any time during the year.
	d1l2
	d1l3
	d2l2
	d2l3
	d3l2
	d3l3
	d4l2
	d4l3
	// From 2024-25 breaches are published as cautions and convictions.
	breachCautioned
	breachConvicted
	fto
	shpoBreaches
	sroBreaches
	sfoConvicted
	sfoStillCharged
	sfoOther
	scr
	// pop10pub is the published population aged 10+, rounded to 100.
	pop10pub
	// meetings is printed in one year under a header that maps to no
	// measure of the pipeline: it is never tagged, checked or exported.
	meetings
	numMeasures
	// rate is written like a measure but lives in figures.rate.
	rate = numMeasures
)

// measureKeys name the measures in expected.json and the ledger.
var measureKeys = [...]string{"c1_level1", "c1_level2", "c1_level3", "c1_total",
	"c2_level1", "c2_level2", "c2_level3", "c2_total", "c3_level1", "c3_level2", "c3_level3", "c3_total",
	"total_offenders", "breach", "revoked", "shpo", "shpo_travel", "notification_orders", "sro",
	"returned_to_custody", "sfo_charged",
	"c4_level1", "c4_level2", "c4_level3", "c4_total",
	"during_c1_level2", "during_c1_level3", "during_c2_level2", "during_c2_level3",
	"during_c3_level2", "during_c3_level3", "during_c4_level2", "during_c4_level3",
	"breach_cautioned", "breach_convicted", "fto", "shpo_breaches", "sro_breaches",
	"sfo_convicted", "sfo_still_charged", "sfo_other", "scr", "pop10plus_published", "meetings",
	"rate"}

func (m measure) String() string { return measureKeys[m] }

// exported reports whether a measure appears in expected.json and in the
// sums: every measure but the unmapped meetings column.
func (m measure) exported() bool { return m != meetings }

// duringOf pairs each during-year measure with the 31 March snapshot of the
// same category and level.
var duringOf = [][2]measure{{d1l2, c1l2}, {d1l3, c1l3}, {d2l2, c2l2}, {d2l3, c2l3},
	{d3l2, c3l2}, {d3l3, c3l3}, {d4l2, c4l2}, {d4l3, c4l3}}
