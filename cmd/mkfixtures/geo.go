package main

import (
	"fmt"
	"math/rand/v2"
	"sort"
)

// lad is one local authority district of either vintage.
type lad struct {
	code, name, kind string
	county           string // county or metropolitan county name, for E07/E08
	pfa              *pfa
	csp              csp
	// from lists the old districts a post-2021 unitary was merged from; its
	// population is their sum. Empty for districts that exist in both
	// vintages.
	from []*lad
	// share, tilt and drift shape how the PFA population is split: base
	// share, a lean towards older (tilt > 0) or younger ages, and a yearly
	// drift of the share.
	share, tilt, drift float64
	maleBias           float64
}

// csp is a community safety partnership, the middle column of the lookups.
type csp struct{ code, name string }

// pfa is one police force area with its districts in both vintages.
type pfa struct {
	pfaSpec
	old, cur []*lad // LAD19 vintage (until mid-2020) and LAD21 vintage
}

// county is a county (E10) or metropolitan county (E11): an aggregate row of
// the local authority estimates.
type county struct {
	code, name, geography string
	region                string
	lads                  []*lad // LAD19 vintage members
}

// geography is the whole invented map of England and Wales.
type geography struct {
	pfas     []*pfa
	byCode   map[string]*pfa
	counties []*county
}

// ladsOf returns every district of the vintage in use for the mid-year.
func (g *geography) ladsOf(year int) []*lad {
	var out []*lad
	for _, p := range g.pfas {
		out = append(out, p.districts(year)...)
	}
	return out
}

// districts returns the PFA's districts as published for the mid-year.
func (p *pfa) districts(year int) []*lad {
	if year >= mergeYear {
		return p.cur
	}
	return p.old
}

// buildGeography assigns codes shaped like ONS codes to the districts of
// geodata.go, draws their population shares and models the 2021 merge.
func buildGeography(rng *rand.Rand) *geography {
	g := &geography{byCode: map[string]*pfa{}}
	next := map[string]int{kindUnitary: 1, kindDistrict: 4, kindMetro: 1, kindBorough: 2, kindWelsh: 1}
	cspNext := map[string]int{"E": 1, "W": 1}
	newCSP := func(country, name string) csp {
		n := cspNext[country]
		cspNext[country]++
		return csp{fmt.Sprintf("%s22%06d", country, n), name}
	}
	for i := range pfas {
		p := &pfa{pfaSpec: pfas[i]}
		specs := p.lads
		if p.code == "E23000034" {
			// City of London is both a police force area and a district.
			specs = []ladSpec{{name: "City of London", kind: kindBorough}}
		}
		for j, s := range specs {
			l := &lad{name: s.name, kind: s.kind, county: s.county, pfa: p}
			if p.code == "E23000034" {
				l.code = "E09000001"
			} else {
				l.code = fmt.Sprintf("%s%06d", s.kind, next[s.kind])
				next[s.kind]++
			}
			// Big cities come first in several lists, so the first
			// district gets a larger share, as in real areas.
			l.share = 0.6 + rng.Float64()
			if j == 0 && len(specs) > 2 {
				l.share += 0.8
			}
			l.tilt = (rng.Float64() - 0.5) * 0.5
			l.drift = (rng.Float64() - 0.5) * 0.006
			l.maleBias = (rng.Float64() - 0.5) * 0.01
			p.old = append(p.old, l)
		}
		// Share one partnership between the last two districts of larger
		// areas; everyone else has their own, as in the real lookups.
		country := p.code[:1]
		for j := 0; j < len(p.old); j++ {
			l := p.old[j]
			if len(p.old) >= 6 && j == len(p.old)-2 && l.kind == kindDistrict {
				c := newCSP(country, l.name+" and "+p.old[j+1].name)
				l.csp, p.old[j+1].csp = c, c
				j++
				continue
			}
			l.csp = newCSP(country, l.name)
		}
		p.cur = p.old
		g.pfas = append(g.pfas, p)
		g.byCode[p.code] = p
	}
	// The 2021 merge: new unitaries take the next free E06 codes.
	nn := g.byCode[mergedPFA]
	byName := map[string]*lad{}
	for _, l := range nn.old {
		byName[l.name] = l
	}
	nn.cur = nil
	for _, mg := range unitaryMerges {
		l := &lad{name: mg.name, kind: kindUnitary, pfa: nn}
		l.code = fmt.Sprintf("E06%06d", 60+len(nn.cur)+1)
		for _, f := range mg.from {
			l.from = append(l.from, byName[f])
		}
		l.csp = newCSP("E", mg.name)
		nn.cur = append(nn.cur, l)
	}
	if next[kindUnitary] > 60 {
		panic("unitary codes overlap the post-2021 codes")
	}
	g.counties = buildCounties(g)
	return g
}

// buildCounties groups LAD19-vintage E07 and E08 districts into counties
// and metropolitan counties. E10 codes follow the sorted county names.
func buildCounties(g *geography) []*county {
	idx := map[string]*county{}
	var out []*county
	for _, p := range g.pfas {
		for _, l := range p.old {
			if l.county == "" {
				continue
			}
			c := idx[l.county]
			if c == nil {
				c = &county{name: l.county, region: p.region}
				if l.kind == kindMetro {
					c.code, c.geography = metroCounties[l.county], "Metropolitan County"
				} else {
					c.geography = "County"
				}
				idx[l.county] = c
				out = append(out, c)
			}
			c.lads = append(c.lads, l)
		}
	}
	var shires []string
	for _, c := range out {
		if c.code == "" {
			shires = append(shires, c.name)
		}
	}
	sort.Strings(shires)
	for i, n := range shires {
		idx[n].code = fmt.Sprintf("E10%06d", i+2)
	}
	return out
}

// ladGeography is the Geography column text of a district, in ONS wording.
func ladGeography(kind string) string {
	switch kind {
	case kindUnitary, kindWelsh:
		return "Unitary Authority"
	case kindDistrict:
		return "Non-metropolitan District"
	case kindMetro:
		return "Metropolitan District"
	default:
		return "London Borough"
	}
}
