package main

import (
	"math"
	"math/rand/v2"

	"github.com/mappa-etl/mappa/schema"
)

// firstEvents is the first year with the extra events (foreign travel
// orders, breaches of orders, SFO outcomes, serious case reviews), the
// during-year counts and the meetings column (2022-23).
const firstEvents = 2022

// firstSplit is the first year with breaches split into cautions and
// convictions (2024-25).
const firstSplit = 2024

// addEvents draws, in fillDetail's style, the measures added from 2022-23:
// for every area the new events, then for every row (the NSD included) the
// SFO outcomes, the during-year counts and, from 2024-25, the split of
// breaches. The draws per row do not depend on the figures, so the stream
// stays aligned whatever the counts.
func addEvents(yf *yearFigures, rng *rand.Rand) {
	if yf.fy < firstEvents {
		return
	}
	codes := []string{}
	for _, a := range schema.Areas() {
		codes = append(codes, a.Code)
	}
	codes = append(codes, codeNSD)
	for _, code := range codes {
		row, ok := yf.rows[code]
		if !ok {
			continue
		}
		f := &row.v
		nsd := code == codeNSD
		r1 := float64(f[c1t])
		u := func() float64 { return rng.Float64() }
		uFTO, uSHPO, uSRO, uSCR := u(), u(), u(), u()
		if !nsd {
			f[fto] = int(math.Pow(uFTO, 3) * 3)
			f[shpoBreaches] = int(math.Round(r1 * (0.008 + uSHPO*0.012)))
			f[sroBreaches] = int(math.Pow(uSRO, 2) * 3)
		}
		f[scr] = int(math.Pow(uSCR, 3) * 3)
		if nsd {
			f[scr] = int(math.Pow(uSCR, 3) * 2)
		}
		// SFOs charged end the year convicted, still charged or with
		// another outcome; the three add up to those charged.
		conv, still := u(), u()
		f[sfoConvicted] = int(math.Round(float64(f[sfo]) * (0.45 + conv*0.35)))
		f[sfoStillCharged] = int(math.Round(float64(f[sfo]-f[sfoConvicted]) * still))
		f[sfoOther] = f[sfo] - f[sfoConvicted] - f[sfoStillCharged]
		// During the year more offenders pass through levels 2 and 3 than
		// are there on 31 March: 1.3 to 1.7 times the snapshot, and now and
		// then one where the snapshot has none.
		for _, p := range duringOf {
			k, extra := u(), u()
			if nsd && p[0] != d4l2 && p[0] != d4l3 {
				continue
			}
			s := f[p[1]]
			f[p[0]] = max(s, int(math.Round(float64(s)*(1.3+k*0.4))))
			if s == 0 && extra < 0.25 {
				f[p[0]] = 1
			}
		}
		managed := f[c1l2] + f[c1l3] + f[c2l2] + f[c2l3] + f[c3t] + f[c4l2] + f[c4l3]
		f[meetings] = int(math.Round(float64(managed) * (2.5 + u()*2)))
		caut := u()
		if yf.fy >= firstSplit && !nsd {
			f[breachCautioned] = int(math.Round(float64(f[breach]) * (0.15 + caut*0.2)))
			f[breachConvicted] = f[breach] - f[breachCautioned]
		}
	}
}
