package main

import (
	"math"
	"math/rand/v2"

	"github.com/mappa-etl/mappa/schema"
)

// codeNSD keys the National Security Division row: part of HMPPS, it
// manages most category 4 offenders, is not a police force area and has no
// ONS code and no population.
const codeNSD = "NSD"

// firstCat4 is the first year with category 4 and the NSD row (2022-23).
const firstCat4 = 2022

// natCat4 are the England and Wales category 4 totals, NSD included: 209
// at 31 March 2025 is published (domain.md), the others are invented on a
// smooth path from the category's start.
var natCat4 = map[int]int{2022: 167, 2023: 188, 2024: 209, 2025: 228}

// nsdApplies lists the measures the NSD publishes numbers for: category 4,
// the total, and the events about the offenders it manages (returned to
// custody, serious further offences, serious case reviews, during-year
// counts of category 4, meetings). Everything else is "[z]".
var nsdApplies = map[measure]bool{c4l1: true, c4l2: true, c4l3: true, c4t: true, total: true,
	recalled: true, sfo: true, sfoConvicted: true, sfoStillCharged: true, sfoOther: true, scr: true,
	d4l2: true, d4l3: true, meetings: true}

// addCategory4 draws category 4 for the areas (a handful each, Poisson
// around their population share of about a fifth of the national total,
// London more) and gives the rest to the NSD row, so that England and Wales
// comes to natCat4 exactly. Totals of every row gain their category 4.
func addCategory4(yf *yearFigures, rng *rand.Rand) {
	target, ok := natCat4[yf.fy]
	if !ok {
		return
	}
	areaShare := 0.21 + rng.Float64()*0.02
	weight := map[string]float64{}
	sumW := 0.0
	for _, a := range schema.Areas() {
		w := float64(yf.rows[a.Code].pop10)
		if a.Code == "E23000001" {
			w *= 1.8
		}
		weight[a.Code] = w
		sumW += w
	}
	inAreas := 0
	for _, a := range schema.Areas() {
		f := &yf.rows[a.Code].v
		n := poisson(rng, areaShare*float64(target)*weight[a.Code]/sumW)
		for range n {
			switch u := rng.Float64(); {
			case u < 0.08:
				f[c4l3]++
			case u < 0.38:
				f[c4l2]++
			default:
				f[c4l1]++
			}
		}
		f[c4t] = n
		f[total] += n
		inAreas += n
	}
	rest := target - inAreas
	nsd := &figures{}
	v := &nsd.v
	v[c4l3] = int(math.Round(float64(rest) * (0.10 + rng.Float64()*0.04)))
	v[c4l2] = int(math.Round(float64(rest) * (0.27 + rng.Float64()*0.06)))
	v[c4l1] = rest - v[c4l2] - v[c4l3]
	v[c4t], v[total] = rest, rest
	// The NSD's own events: level 2 and 3 offenders recalled, SFOs and
	// reviews, all small.
	v[recalled] = int(math.Round(float64(v[c4l2]+v[c4l3]) * (0.10 + rng.Float64()*0.08)))
	v[sfo] = int(math.Pow(rng.Float64(), 2) * 3)
	yf.rows[codeNSD] = nsd
}

// nsdMarkers records "[z]" for every published cell of the NSD row that does
// not apply to it, the rate and published population included. Category 3
// level 1 is "[z]" in every row and, as for the areas, not listed.
func nsdMarkers(yf *yearFigures) {
	if _, ok := yf.rows[codeNSD]; !ok {
		return
	}
	for _, m := range layoutOf(yf.fy).cols {
		if m == c3l1 || nsdApplies[m] {
			continue
		}
		if m < numMeasures {
			yf.rows[codeNSD].v[m] = 0
		}
		yf.markers[cellKey{codeNSD, m}] = "[z]"
	}
}

// poisson draws a Poisson count (Knuth's method; means here are small).
func poisson(rng *rand.Rand, mean float64) int {
	l, k, p := math.Exp(-mean), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}
