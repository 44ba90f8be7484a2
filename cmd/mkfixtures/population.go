package main

import (
	"math"
	"math/rand/v2"
)

// nAges is the number of age columns: single years 0 to 89, then 90 and over.
const nAges = 91

// ages holds a count per age column.
type ages [nAges]int

func (a *ages) add(b *ages) {
	for i := range a {
		a[i] += b[i]
	}
}

func (a *ages) total() int { return a.from(0) }

// from sums ages lo and over; from(10) is the population aged 10 and over
// that MAPPA rates are based on.
func (a *ages) from(lo int) int {
	s := 0
	for _, v := range a[lo:] {
		s += v
	}
	return s
}

// Years covered: mid-2013 to mid-2024, one per financial year 2013-14 to
// 2024-25.
const firstYear, lastYear = 2013, 2024

// pop10Pins are the PFA populations aged 10 and over that the published
// calibration rates imply (see domain.md): Essex mid-2019 (1,596 RSOs = 99
// per 100,000), Derbyshire mid-2016 (1,154 = 125.2), West Yorkshire mid-2019
// and mid-2020 (145 and 3,000 = 147) and Lancashire mid-2013 (1,554 = 122).
// They are deliberately not round numbers.
var pop10Pins = map[string]map[int]int{
	"E23000028": {2019: 1611874},
	"E23000018": {2016: 921683},
	"E23000010": {2019: 2031212, 2020: 2040961},
	"E23000003": {2013: 1273806},
}

// ewTarget2013 is the England and Wales all-ages total that the unpinned
// areas are scaled towards for mid-2013.
const ewTarget2013 = 57_000_000

// population holds the persons and males estimates of every LAD19-vintage
// district for each mid-year; every aggregate is a sum of these, so sums
// always agree exactly.
type population struct {
	persons, males map[int]map[*lad]*ages
}

// buildPopulation invents the estimates. Per PFA and year it fixes the
// population aged 10 and over first (pins exact, the rest on a smooth
// growth path), derives the all-ages total from a child share, spreads both
// over single ages with a smooth profile, then splits every age over the
// districts with largest remainders so district rows add up exactly.
func buildPopulation(g *geography, rng *rand.Rand) *population {
	pop := &population{persons: map[int]map[*lad]*ages{}, males: map[int]map[*lad]*ages{}}
	for y := firstYear; y <= lastYear; y++ {
		pop.persons[y] = map[*lad]*ages{}
		pop.males[y] = map[*lad]*ages{}
	}
	sum := 0.0
	for _, p := range g.pfas {
		sum += p.pop2013
	}
	scale := ewTarget2013 / (sum * 1000)
	for _, p := range g.pfas {
		childShare := 0.108 + rng.Float64()*0.014
		if p.code == "E23000034" {
			childShare = 0.062 // few children live in the City
		}
		oldness := (rng.Float64() - 0.4) * 0.35
		growth := p.growth
		anchorYear, anchor := firstYear, p.pop2013*1000*scale*(1-childShare)
		if pins := pop10Pins[p.code]; pins != nil {
			anchorYear = 9999
			for y, v := range pins {
				if y < anchorYear {
					anchorYear, anchor = y, float64(v)
				}
			}
			if len(pins) == 2 {
				// Two pins fix the growth rate between them.
				growth = float64(pins[2020])/float64(pins[2019]) - 1
			}
		}
		for y := firstYear; y <= lastYear; y++ {
			jitter := 1 + (rng.Float64()-0.5)*0.0008
			p10 := int(math.Round(anchor * math.Pow(1+growth, float64(y-anchorYear)) * jitter))
			if v, ok := pop10Pins[p.code][y]; ok {
				p10 = v
			}
			// Child share falls slowly with the birth rate.
			cs := childShare - 0.0004*float64(y-firstYear)
			all := int(math.Round(float64(p10) / (1 - cs)))
			pa := ageProfile(all-p10, p10, oldness, y)
			splitDistricts(pop, p, y, &pa)
		}
	}
	return pop
}

// ageProfile spreads under10 persons over ages 0-9 and over10 over 10..90+.
func ageProfile(under10, over10 int, oldness float64, year int) ages {
	wy := make([]float64, 10)
	for a := range wy {
		wy[a] = 1 + 0.008*float64(a) // fewer births lately: younger ages smaller
	}
	wo := make([]float64, nAges-10)
	ageing := 1 + 0.012*float64(year-firstYear)
	for i := range wo {
		a := float64(i + 10)
		var v float64
		switch {
		case a < 18:
			v = 1.12
		case a < 22:
			v = 1.2
		case a <= 58:
			v = 1.3 - 0.1*math.Abs(a-42)/16
		default:
			v = 1.3 * math.Exp(-math.Pow((a-58)/21, 2)) * (1 + oldness) * ageing
		}
		if a < 58 {
			v *= 1 - oldness/3
		}
		wo[i] = v
	}
	wo[len(wo)-1] = 0.75 * (1 + oldness) * ageing // 90 and over, an open band
	// Birth cohorts of different sizes age by a year each year, so single
	// ages ripple instead of running flat.
	for a := range nAges - 1 {
		wave := 1 + 0.035*math.Sin(2*math.Pi*float64(a-(year-firstYear))/23)
		if a < 10 {
			wy[a] *= wave
		} else {
			wo[a-10] *= wave
		}
	}
	var out ages
	copy(out[:10], apportion(under10, wy))
	copy(out[10:], apportion(over10, wo))
	return out
}

// splitDistricts shares each age of a PFA among its LAD19-vintage districts
// and derives males from a smooth sex ratio by age.
func splitDistricts(pop *population, p *pfa, year int, pa *ages) {
	per := make([]ages, len(p.old))
	w := make([]float64, len(p.old))
	for a := 0; a < nAges; a++ {
		for i, l := range p.old {
			w[i] = l.share * (1 + l.tilt*float64(a-40)/50) * (1 + l.drift*float64(year-firstYear))
		}
		for i, v := range apportion(pa[a], w) {
			per[i][a] = v
		}
	}
	for i, l := range p.old {
		persons := per[i]
		var males ages
		for a, v := range persons {
			males[a] = int(math.Round(float64(v) * (maleShare(a) + l.maleBias)))
		}
		pop.persons[year][l] = &persons
		pop.males[year][l] = &males
	}
}

// maleShare is the share of males by age: slightly over half at birth,
// falling in old age as women live longer.
func maleShare(a int) float64 {
	switch {
	case a < 18:
		return 0.512
	case a <= 40:
		return 0.5
	case a <= 60:
		return 0.495
	case a <= 75:
		return 0.48
	case a < 90:
		return 0.47 - 0.09*float64(a-76)/13
	}
	return 0.32
}

// sex selects a sheet of the estimates.
type sex int

const (
	persons sex = iota
	males
	females
)

// of returns the estimates of a district of the mid-year's vintage for one
// sex: merged unitaries sum their old districts, females are persons less
// males.
func (pop *population) of(l *lad, year int, s sex) ages {
	var out ages
	if len(l.from) > 0 {
		for _, f := range l.from {
			v := pop.of(f, year, s)
			out.add(&v)
		}
		return out
	}
	p, m := pop.persons[year][l], pop.males[year][l]
	for a := range out {
		switch s {
		case persons:
			out[a] = p[a]
		case males:
			out[a] = m[a]
		default:
			out[a] = p[a] - m[a]
		}
	}
	return out
}

// sumOf adds the estimates of several districts.
func (pop *population) sumOf(ls []*lad, year int, s sex) ages {
	var out ages
	for _, l := range ls {
		v := pop.of(l, year, s)
		out.add(&v)
	}
	return out
}

// pop10 is the population aged 10 and over of a police force area.
func (pop *population) pop10(p *pfa, year int) int {
	a := pop.sumOf(p.old, year, persons)
	return a.from(10)
}

// apportion splits total into integers proportional to weights, exactly
// summing to total (largest remainder; ties go to the earlier index, so the
// result is deterministic).
func apportion(total int, weights []float64) []int {
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	out := make([]int, len(weights))
	rem := make([]float64, len(weights))
	given := 0
	for i, w := range weights {
		exact := float64(total) * w / sum
		out[i] = int(math.Floor(exact))
		rem[i] = exact - float64(out[i])
		given += out[i]
	}
	for ; given < total; given++ {
		best := 0
		for i := range rem {
			if rem[i] > rem[best] {
				best = i
			}
		}
		out[best]++
		rem[best] = -1
	}
	return out
}
