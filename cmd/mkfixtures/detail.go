package main

import (
	"math"
	"math/rand/v2"
)

// fillDetail splits category totals into levels and draws the event counts.
func fillDetail(yf *yearFigures, code string, rng *rand.Rand, pins map[cellKey]int) {
	f := &yf.rows[code].v
	r1 := float64(f[c1t])
	f[c1l3] = max(0, int(math.Round(r1*0.0006+rng.NormFloat64()*0.8)))
	f[c1l2] = max(1, int(math.Round(r1*(0.014+rng.NormFloat64()*0.003))))
	f[c1l1] = f[c1t] - f[c1l2] - f[c1l3]
	r2 := float64(f[c2t])
	f[c2l3] = max(0, int(math.Round(r2*(0.015+rng.NormFloat64()*0.004))))
	f[c2l2] = int(math.Round(r2 * (0.13 + rng.NormFloat64()*0.02)))
	f[c2l1] = f[c2t] - f[c2l2] - f[c2l3]
	f[c3l3] = max(1, int(math.Round(float64(f[c3t])*(0.15+rng.NormFloat64()*0.04))))
	f[c3l2] = f[c3t] - f[c3l3]
	f[total] = f[c1t] + f[c2t] + f[c3t]
	f[breach] = int(math.Round(r1 * (0.02 + rng.Float64()*0.02)))
	if rng.Float64() < 0.45 {
		f[revoked] = 0
	} else {
		f[revoked] = min(15, 1+int(r1/1000*rng.Float64()*4))
	}
	f[shpo] = int(math.Round(r1 * (0.06 + rng.Float64()*0.04)))
	f[shpoTravel] = int(math.Round(float64(f[shpo]) * rng.Float64() * 0.04))
	f[notifOrder] = int(math.Pow(rng.Float64(), 3) * 4)
	f[sro] = int(math.Round(r1 * rng.Float64() * 0.008))
	managed := f[c1l2] + f[c1l3] + f[c2l2] + f[c2l3] + f[c3t]
	f[recalled] = int(math.Round(float64(managed) * (0.08 + rng.Float64()*0.08)))
	f[sfo] = int(math.Pow(rng.Float64(), 2) * (r1/1000*2 + 1))
	for k, v := range pins {
		if k.code == code {
			f[k.m] = v
		}
	}
	if code == "E23000010" && yf.fy == 2020 {
		// West Yorkshire's 12 other dangerous offenders, as published.
		f[c3l2], f[c3l3] = 10, 2
	}
}

// addMarkers plants the suppressed and unavailable cells: "*" in 2014-15
// (an XLS year), "[c]" in 2022-23 and one "[x]" in 2021-22. Suppressed
// values stay in the totals; the unavailable one is left out of them, as a
// publisher that lacks a figure would.
func addMarkers(yf *yearFigures) {
	force := func(code string, m, base measure, v int) {
		f := &yf.rows[code].v
		f[base] += f[m] - v
		f[m] = v
	}
	switch yf.fy {
	case 2014:
		force("W15000004", c1l3, c1l1, 1)
		force("E23000017", c1l3, c1l1, 2)
		yf.markers[cellKey{"W15000004", c1l3}] = "*"
		yf.markers[cellKey{"E23000017", c1l3}] = "*"
	case 2022:
		force("E23000002", sfo, sfo, 1)
		force("W15000002", sfo, sfo, 2)
		force("E23000038", revoked, revoked, 1)
		for _, k := range []cellKey{{"E23000002", sfo}, {"W15000002", sfo}, {"E23000038", revoked}} {
			yf.markers[k] = "[c]"
		}
	case 2021:
		yf.markers[cellKey{"W15000002", sro}] = "[x]"
	}
}
