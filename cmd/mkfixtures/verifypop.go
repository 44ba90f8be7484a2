package main

import (
	"encoding/csv"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// checkPopulation checks the population workbooks on values read back from
// them: sexes add up to persons, districts (or police force areas) to
// England and Wales, England and Wales to their sum, and the populations
// aged 10+ per police force area, reached through the lookup CSV of the
// right vintage, equal the model, pins included.
func checkPopulation(out string, obs map[string]string, g *geography, pop *population) []error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	lookups := map[int]map[string]string{}
	for _, s := range lookupSpecs {
		lu, err := readLookup(filepath.Join(out, s.file()))
		if err != nil {
			return []error{err}
		}
		lookups[s.vintage] = lu
	}
	for _, s := range popSpecs {
		rows := laRows(g, s.year)
		if s.pfaLevel {
			rows = pfaRows(g)
		}
		// cell reads one age column ("all" or 0..90) of a row on a sheet.
		cell := func(sheet, code, col string) int {
			raw := obs[fmt.Sprintf("pop|%d|%s|%s|%s", s.year, sheet, code, col)]
			n, err := strconv.Atoi(raw)
			if err != nil {
				fail("mid-%d %s %s %s: %q is not a count", s.year, sheet, code, col, raw)
			}
			return n
		}
		pfa10 := map[string]int{}
		for col := -1; col < nAges; col++ {
			c := "all"
			if col >= 0 {
				c = strconv.Itoa(col)
			}
			var parts, ew, countries int
			for _, r := range rows {
				p := cell("Persons", r.code, c)
				if m, f := cell("Males", r.code, c), cell("Females", r.code, c); m+f != p || (m == p && p > 0) {
					fail("mid-%d %s age %s: males %d + females %d vs persons %d", s.year, r.code, c, m, f, p)
				}
				switch {
				case r.code == codeEW:
					ew = p
				case r.code == codeEngland || r.code == codeWales:
					countries += p
				case isPart(r.code, s.pfaLevel):
					parts += p
					if col >= 10 {
						pfaCode := r.code
						if !s.pfaLevel {
							v := 19
							if s.year >= mergeYear {
								v = 21
							}
							pfaCode = lookups[v][r.code]
						}
						pfa10[pfaCode] += p
					}
				}
			}
			if parts != ew || countries != ew {
				fail("mid-%d age %s: parts %d, countries %d, England and Wales %d", s.year, c, parts, countries, ew)
			}
		}
		for _, p := range g.pfas {
			if want := pop.pop10(p, s.year); pfa10[p.code] != want {
				fail("mid-%d %s aged 10+: file %d, model %d", s.year, p.code, pfa10[p.code], want)
			}
		}
		for code, ys := range pop10Pins {
			if want, ok := ys[s.year]; ok {
				log.Printf("population pin mid-%d %s aged 10+: want %d, file %d", s.year, code, want, pfa10[code])
				if pfa10[code] != want {
					fail("population pin mid-%d %s", s.year, code)
				}
			}
		}
	}
	return errs
}

// isPart tells the rows that partition England and Wales: districts in
// local authority files, police force areas in PFA files.
func isPart(code string, pfaLevel bool) bool {
	if pfaLevel {
		return strings.HasPrefix(code, "E23") || strings.HasPrefix(code, "W15")
	}
	for _, p := range []string{"E06", "E07", "E08", "E09", "W06"} {
		if strings.HasPrefix(code, p) {
			return true
		}
	}
	return false
}

// readLookup reads a LAD to PFA lookup CSV into district code -> PFA code.
func readLookup(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(data), "\ufeff"))).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	out := map[string]string{}
	for _, r := range recs[1:] {
		out[r[0]] = r[4]
	}
	return out, nil
}
