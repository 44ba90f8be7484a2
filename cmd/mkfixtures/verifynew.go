package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/mappa-etl/mappa/schema"
)

// checkNewMeasures checks, on values read from the files, what category 4,
// the NSD row and the newer columns promise: the NSD prints numbers only
// where they apply and holds most of category 4; the repeated RSO count
// equals Table_1's; the published population is the rate's population
// rounded to 100 and the rate reproduces from the printed RSOs; during-year
// counts are at least the snapshot; SFO outcomes add up to those charged;
// breaches are one combined column up to 2023-24 and two after.
func checkNewMeasures(obs map[string]string, years map[int]*yearFigures) []error {
	var errs []error
	fail := func(fy int, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", fyLabel(fy), fmt.Sprintf(format, args...)))
	}
	repeats := map[int]int{}
	for tag, v := range obs {
		base, ok := strings.CutSuffix(tag, repeatSuffix)
		if !ok {
			continue
		}
		var fy int
		fmt.Sscanf(tag, "%d|", &fy)
		repeats[fy]++
		if obs[base] != v {
			fail(fy, "%s repeated as %q, Table_1 has %q", base, v, obs[base])
		}
	}
	for fy := firstYear; fy <= lastFY; fy++ {
		yf, l := years[fy], layoutOf(fy)
		raw := func(code string, m measure) (string, bool) {
			s, ok := obs[cellTag(fy, code, m)]
			return s, ok
		}
		num := func(code string, m measure) (int, bool) {
			s, ok := raw(code, m)
			if !ok {
				return 0, false
			}
			return count(s)
		}
		codes := []string{codeEW, codeEngland, codeWales, codeNSD}
		for _, a := range schema.Areas() {
			codes = append(codes, a.Code)
		}
		printed := 0
		for _, code := range codes {
			if _, ok := raw(code, total); !ok {
				continue
			}
			printed++
			f := yf.rows[code]
			if l.has(pop10pub) {
				s, _ := raw(code, pop10pub)
				if n, ok := count(s); code == codeNSD && s != "[z]" || code != codeNSD && (!ok || n != roundTo100(f.pop10)) {
					fail(fy, "%s published population %q, want %d rounded to 100", code, s, f.pop10)
				}
			}
			if c1, ok := num(code, c1t); ok && f.pop10 > 0 {
				s, _ := raw(code, rate)
				got, err := strconv.ParseFloat(s, 64)
				if want := publishedRate(c1, f.pop10, fy); err != nil || math.Abs(got-want) > 1e-9 {
					fail(fy, "%s rate %q, but %d RSOs over mid-%d give %v", code, s, c1, popYear(fy), want)
				}
			}
			for _, p := range duringOf {
				d, okD := num(code, p[0])
				s, okS := num(code, p[1])
				if okD && okS && d < s {
					fail(fy, "%s %s %d below the 31 March %s %d", code, p[0], d, p[1], s)
				}
			}
			if c, ok := num(code, sfo); ok && l.has(sfoConvicted) {
				v, ok1 := num(code, sfoConvicted)
				st, ok2 := num(code, sfoStillCharged)
				o, ok3 := num(code, sfoOther)
				if ok1 && ok2 && ok3 && (v > c || v+st+o != c) {
					fail(fy, "%s SFOs charged %d, outcomes %d+%d+%d", code, c, v, st, o)
				}
			}
		}
		if want := 43 + 2*b2i(l.subtotals) + b2i(l.nsd); printed != want {
			fail(fy, "%d rows printed, want %d", printed, want)
		}
		if l.has(pop10pub) != (repeats[fy] > 0) || repeats[fy] > 0 && repeats[fy] != printed {
			fail(fy, "%d repeated RSO counts for %d rows", repeats[fy], printed)
		}
		_, combined := raw(codeEW, breach)
		_, caut := raw(codeEW, breachCautioned)
		_, conv := raw(codeEW, breachConvicted)
		if split := fy >= firstSplit; combined == split || caut != split || conv != split {
			fail(fy, "breach columns: combined %v, cautioned %v, convicted %v", combined, caut, conv)
		}
		errs = append(errs, checkNSD(fy, l, raw, num)...)
	}
	return errs
}

// checkNSD checks the NSD row: present exactly from 2022-23, "[z]" for
// categories 1 to 3, rate and population, holding most of category 4.
func checkNSD(fy int, l yearLayout, raw func(string, measure) (string, bool), num func(string, measure) (int, bool)) []error {
	_, present := raw(codeNSD, total)
	if present != (fy >= firstCat4) || present != l.nsd {
		return []error{fmt.Errorf("%s: NSD row present %v", fyLabel(fy), present)}
	}
	if !present {
		return nil
	}
	var errs []error
	for _, m := range []measure{c1t, c2t, c3t, c1l1, c2l2, rate} {
		if s, _ := raw(codeNSD, m); s != "[z]" {
			errs = append(errs, fmt.Errorf("%s: NSD %s %q, want [z]", fyLabel(fy), m, s))
		}
	}
	nsd, _ := num(codeNSD, c4t)
	ew, _ := num(codeEW, c4t)
	if nsd*2 <= ew {
		errs = append(errs, fmt.Errorf("%s: NSD has %d of %d category 4 offenders, want most", fyLabel(fy), nsd, ew))
	}
	return errs
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
