package main

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mappa-etl/mappa/schema"
)

// figures are one row of an area table.
type figures struct {
	v     [numMeasures]int
	rate  float64 // published rate, rounded as published that year
	pop10 int
}

// yearFigures is one financial year's table. Keys are MAPPA area codes plus
// E92000001 (England), W92000004 (Wales) and K04000001 (England and Wales).
type yearFigures struct {
	fy      int // 2019 is 2019-20: snapshot 31 March 2020, mid-2019 population
	rows    map[string]*figures
	markers map[cellKey]string
}

type cellKey struct {
	code string
	m    measure
}

// The financial years of the area tables: 2013-14 to 2025-26. The MAPPA
// range runs a year past the population one (mid-2013 to mid-2024): the
// latest release uses the latest estimate, mid-2024 (see popYear).
// firstNewFY is the first year drawn from streamLatest.
const lastFY, firstNewFY = 2025, 2025

// fyLabel formats a financial year as "2019-20".
func fyLabel(fy int) string { return fmt.Sprintf("%d-%02d", fy, (fy+1)%100) }

// Calibration (domain.md): national RSO rate per year (a pinned total
// overrides it), category 2 as a share of category 1, and exact totals.
// England and Wales totals include the National Security Division (NSD).
// 2025-26 is invented: 138.5 per 100,000 of mid-2024 is about 2% more RSOs
// than 2024-25, the recent growth slowing a little.
var (
	natRate = map[int]float64{2013: 92, 2014: 96.4, 2015: 101.1, 2016: 105.7, 2017: 110.2,
		2018: 114.6, 2019: 119, 2020: 121.6, 2021: 124.8, 2022: 0, 2023: 0, 2024: 0, 2025: 138.5}
	natRSOs  = map[int]int{2022: 68357, 2023: 70052, 2024: 73047}
	natTotal = map[int]int{2019: 85709, 2022: 91040, 2024: 97050}
	// Category 3 where published (2024-25) or chosen to follow it (2025-26);
	// other years round each area's draw.
	natCat3 = map[int]int{2024: 557, 2025: 566}
	// 2019-20, 2022-23 and 2024-25 shares follow from the pinned totals
	// (0.37, 0.32, 0.318).
	cat2Share = map[int]float64{2013: 0.41, 2014: 0.405, 2015: 0.40, 2016: 0.395, 2017: 0.39,
		2018: 0.38, 2019: 0.37, 2020: 0.36, 2021: 0.345, 2022: 0.322, 2023: 0.325, 2024: 0.318, 2025: 0.318}
	// Relative RSO rates of areas named in the calibration; others are drawn.
	areaFactor = map[string]float64{"E23000027": 0.8, "E23000031": 0.78, "E23000008": 1.43,
		"E23000013": 1.47, "E23000003": 1.326, "W15000002": 1.42, "E23000028": 0.83,
		"E23000018": 1.18, "E23000010": 1.215, "E23000001": 0.84}
)

// areaPins are exact published area figures the fixtures must reproduce.
// West Yorkshire 2019-20 (2,946) is our choice of a count giving 145.
var areaPins = map[int]map[cellKey]int{
	2013: {{"E23000003", c1t}: 1554},
	2016: {{"E23000018", c1t}: 1154},
	2018: {{"E23000028", c1t}: 1492},
	2019: {{"E23000028", c1t}: 1596, {"E23000010", c1t}: 2946},
	2020: {{"E23000010", c1t}: 3000, {"E23000010", c2t}: 1032, {"E23000010", c3t}: 12,
		{"E23000010", breach}: 47},
}

// Codes of the aggregate rows.
const (
	codeEngland = "E92000001"
	codeWales   = "W92000004"
	codeEW      = schema.EnglandAndWales
)

// buildMAPPA invents the area tables of every financial year. The figures
// of 2013-14 to 2024-25 come from the MAPPA stream; 2025-26 and every
// measure added since (category 4, NSD, new events) from streams of their
// own, so adding them left the older draws where they were.
func buildMAPPA(g *geography, pop *population, stream func(uint64) *rand.Rand) map[int]*yearFigures {
	rng, latest := stream(streamMAPPA), stream(streamLatest)
	cat4Rng, detailRng := stream(streamCategory4), stream(streamDetail2)
	areas := schema.Areas()
	factor, slope, noise := map[string]float64{}, map[string]float64{}, map[string]float64{}
	// Each area keeps its own mix of violent and other dangerous offenders
	// from year to year, so national totals move smoothly.
	mix2, mix3 := map[string]float64{}, map[string]float64{}
	for _, a := range areas {
		factor[a.Code] = areaFactor[a.Code]
		if factor[a.Code] == 0 {
			factor[a.Code] = 0.9 + rng.Float64()*0.38
		}
		slope[a.Code] = (rng.Float64() - 0.5) * 0.012
		mix2[a.Code] = 0.8 + rng.Float64()*0.4
		mix3[a.Code] = 0.8 + rng.Float64()*1.0
	}
	slope["E23000003"] = 0.006 // Lancashire climbs to the top in later years
	normalise(factor, g, pop)
	out := map[int]*yearFigures{}
	for fy := firstYear; fy <= lastFY; fy++ {
		yf := &yearFigures{fy: fy, rows: map[string]*figures{}, markers: map[cellKey]string{}}
		pins := areaPins[fy]
		rng := rng
		if fy >= firstNewFY {
			rng = latest
		}
		py := popYear(fy)
		rsos, cat2, cat3 := map[string]float64{}, map[string]float64{}, map[string]float64{}
		for _, a := range areas {
			f := &figures{pop10: areaPop10(g, pop, a.Code, py)}
			yf.rows[a.Code] = f
			// Smooth noise: an AR(1) walk per area.
			noise[a.Code] = 0.6*noise[a.Code] + rng.NormFloat64()*0.012
			r := natRate[fy]
			if r == 0 {
				r = float64(natRSOs[fy]) * 1e5 / float64(ewPop10(g, pop, py))
			}
			r *= factor[a.Code] * (1 + slope[a.Code]*float64(fy-2018)) * (1 + noise[a.Code])
			rsos[a.Code] = r * float64(f.pop10) / 1e5
			cat2[a.Code] = rsos[a.Code] * mix2[a.Code] * (1 + rng.NormFloat64()*0.03)
			cat3[a.Code] = float64(f.pop10) / 1e5 * mix3[a.Code] * (1 + rng.NormFloat64()*0.08)
		}
		ewPop := ewPop10(g, pop, py)
		rsoTarget, ok := natRSOs[fy]
		if !ok {
			rsoTarget = int(math.Round(natRate[fy] * float64(ewPop) / 1e5))
		}
		set(yf, c1t, distribute(rsos, rsoTarget, pins, c1t))
		if t, ok := natCat3[fy]; ok {
			set(yf, c3t, distribute(cat3, t, pins, c3t))
		} else {
			set(yf, c3t, roundAll(cat3, pins, c3t))
		}
		c2Target := int(math.Round(cat2Share[fy] * float64(rsoTarget)))
		if t, ok := natTotal[fy]; ok {
			c2Target = t - sumOf(yf, c1t) - sumOf(yf, c3t) - natCat4[fy]
		}
		set(yf, c2t, distribute(cat2, c2Target, pins, c2t))
		for _, a := range areas {
			fillDetail(yf, a.Code, rng, pins)
		}
		addMarkers(yf)
		addCategory4(yf, cat4Rng)
		addEvents(yf, detailRng)
		nsdMarkers(yf)
		aggregate(yf)
		out[fy] = yf
	}
	return out
}

// normalise scales the drawn area factors (not the calibrated ones) so that
// their population-weighted mean is 1: otherwise the national total would
// squeeze every unpinned area away from its intended rate.
func normalise(factor map[string]float64, g *geography, pop *population) {
	var named, drawn, all float64
	for _, a := range schema.Areas() {
		w := float64(areaPop10(g, pop, a.Code, 2019))
		all += w
		if _, ok := areaFactor[a.Code]; ok {
			named += w * factor[a.Code]
		} else {
			drawn += w * factor[a.Code]
		}
	}
	k := (all - named) / drawn
	for _, a := range schema.Areas() {
		if _, ok := areaFactor[a.Code]; !ok {
			factor[a.Code] *= k
		}
	}
}

// areaPop10 is the population aged 10+ of a MAPPA area: London adds the
// City of London police force area to the Metropolitan Police one.
func areaPop10(g *geography, pop *population, code string, year int) int {
	n := pop.pop10(g.byCode[code], year)
	if code == "E23000001" {
		n += pop.pop10(g.byCode[schema.CityOfLondon], year)
	}
	return n
}

func ewPop10(g *geography, pop *population, year int) int {
	n := 0
	for _, p := range g.pfas {
		n += pop.pop10(p, year)
	}
	return n
}

// distribute rounds raw area values so that they add up to target exactly,
// keeping pinned areas at their pins and scaling the others.
func distribute(raw map[string]float64, target int, pins map[cellKey]int, m measure) map[string]int {
	var codes []string
	var w []float64
	rest := target
	out := map[string]int{}
	for _, a := range schema.Areas() {
		if v, ok := pins[cellKey{a.Code, m}]; ok {
			out[a.Code] = v
			rest -= v
			continue
		}
		codes = append(codes, a.Code)
		w = append(w, raw[a.Code])
	}
	for i, v := range apportion(rest, w) {
		out[codes[i]] = v
	}
	return out
}

// roundAll rounds each area's value, pins winning; at least 1.
func roundAll(raw map[string]float64, pins map[cellKey]int, m measure) map[string]int {
	out := map[string]int{}
	for code, v := range raw {
		out[code] = max(1, int(math.Round(v)))
		if p, ok := pins[cellKey{code, m}]; ok {
			out[code] = p
		}
	}
	return out
}

func set(yf *yearFigures, m measure, vals map[string]int) {
	for code, v := range vals {
		yf.rows[code].v[m] = v
	}
}

func sumOf(yf *yearFigures, m measure) int {
	n := 0
	for _, a := range schema.Areas() {
		n += yf.rows[a.Code].v[m]
	}
	return n
}

// aggregate adds the England, Wales and England and Wales rows, the
// published rates and rounded populations. An "[x]" cell counts as unknown
// and a "[z]" one as not applicable: both left out of the sums. The NSD row
// counts towards England and Wales but neither country.
func aggregate(yf *yearFigures) {
	eng, wal, ew := &figures{}, &figures{}, &figures{}
	add := func(code string, subs ...*figures) {
		f := yf.rows[code]
		for m := range numMeasures {
			if mk := yf.markers[cellKey{code, m}]; mk == "[x]" || mk == "[z]" {
				continue
			}
			for _, s := range subs {
				s.v[m] += f.v[m]
			}
		}
		for _, s := range subs {
			s.pop10 += f.pop10
		}
	}
	for _, a := range schema.Areas() {
		sub := eng
		if a.Country == "Wales" {
			sub = wal
		}
		add(a.Code, sub, ew)
	}
	if _, ok := yf.rows[codeNSD]; ok {
		add(codeNSD, ew)
	}
	yf.rows[codeEngland], yf.rows[codeWales], yf.rows[codeEW] = eng, wal, ew
	for _, f := range yf.rows {
		if f.pop10 == 0 {
			continue // the NSD has no population: rate [z]
		}
		f.rate = publishedRate(f.v[c1t], f.pop10, yf.fy)
		f.v[pop10pub] = roundTo100(f.pop10)
	}
}

// publishedRate rounds RSOs per 100,000 aged 10+ as the MoJ did: whole
// numbers, except one decimal place in 2016-17.
func publishedRate(rsos, pop10, fy int) float64 {
	r := float64(rsos) * 1e5 / float64(pop10)
	if fy == 2016 {
		return math.Round(r*10) / 10
	}
	return math.Round(r)
}
