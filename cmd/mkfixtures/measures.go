package main

// measure is one count column of the area tables.
type measure int

// The measures. Category 3 level 1 is never a number ("not applicable").
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
	numMeasures
	// rate is written like a measure but lives in figures.rate.
	rate = numMeasures
)

// measureKeys name the measures in expected.json and the ledger.
var measureKeys = [...]string{"c1_level1", "c1_level2", "c1_level3", "c1_total",
	"c2_level1", "c2_level2", "c2_level3", "c2_total", "c3_level1", "c3_level2", "c3_level3", "c3_total",
	"total_offenders", "breach", "revoked", "shpo", "shpo_travel", "notification_orders", "sro",
	"returned_to_custody", "sfo_charged", "rate"}

func (m measure) String() string { return measureKeys[m] }
