package main

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"log"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/mappa-etl/mappa/schema"
)

// verifyAll reads every produced workbook back, the XLS and ODS ones after
// converting them back to XLSX, and checks that every written cell, sheet
// order and merge survived; then it checks the sums and pins on the values
// read from the files, not on the model.
func verifyAll(out, tmp string, books []*book, years map[int]*yearFigures, g *geography, pop *population) error {
	back := filepath.Join(tmp, "back")
	var inputs []string
	for _, b := range books {
		if b.format != "xlsx" {
			inputs = append(inputs, filepath.Join(out, b.name))
		}
	}
	if err := convert(inputs, "xlsx", back, filepath.Join(tmp, "profile")); err != nil {
		return err
	}
	obs := map[string]string{} // tag -> raw text read back
	var errs []error
	for _, b := range books {
		path := filepath.Join(out, b.name)
		if b.format != "xlsx" {
			path = filepath.Join(back, strings.TrimSuffix(b.name, filepath.Ext(b.name))+".xlsx")
		}
		if err := readBack(path, b, obs); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", b.name, err))
		}
		if b.format == "ods" && len(b.merges) > 0 {
			if err := odsCovered(filepath.Join(out, b.name)); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", b.name, err))
			}
		}
	}
	errs = append(errs, checkAreaSums(obs, years)...)
	errs = append(errs, checkNewMeasures(obs, years)...)
	errs = append(errs, checkPopulation(out, obs, g, pop)...)
	errs = append(errs, reportPins(obs)...)
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("verification failed:\n%w", err)
	}
	log.Printf("verified %d workbooks: every cell, sheet order and merge read back as written", len(books))
	return nil
}

// readBack compares every recorded cell of b with the file at path and
// stores tagged values in obs.
func readBack(path string, b *book, obs map[string]string) error {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, b.order) {
		return fmt.Errorf("sheets %q, want %q", got, b.order)
	}
	bad := 0
	var first string
	for _, c := range b.checks {
		v, err := f.GetCellValue(c.sheet, c.ref, excelize.Options{RawCellValue: true})
		ok := err == nil
		if ok && c.isNum {
			n, perr := strconv.ParseFloat(v, 64)
			ok = perr == nil && math.Abs(n-c.num) < 1e-9
		} else if ok {
			ok = v == c.text
		}
		if !ok {
			if bad == 0 {
				first = fmt.Sprintf("%s!%s = %q, want %q/%v", c.sheet, c.ref, v, c.text, c.num)
			}
			bad++
		}
		if c.tag != "" {
			obs[c.tag] = v
		}
	}
	if bad > 0 {
		return fmt.Errorf("%d of %d cells differ, first %s", bad, len(b.checks), first)
	}
	for _, m := range b.merges {
		sheet, rng, _ := strings.Cut(m, "!")
		merged, err := f.GetMergeCells(sheet)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(merged, func(mc excelize.MergeCell) bool { return mc.GetStartAxis()+":"+mc.GetEndAxis() == rng }) {
			return fmt.Errorf("merge %s lost", m)
		}
	}
	return nil
}

// odsCovered checks that merged header cells are covered cells in the ODS.
func odsCovered(path string) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return err
	}
	defer zr.Close()
	for _, zf := range zr.File {
		if zf.Name != "content.xml" {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return err
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return err
		}
		if !strings.Contains(string(data), "table:covered-table-cell") ||
			!strings.Contains(string(data), "table:number-columns-spanned") {
			return errors.New("no covered cells: merged header lost")
		}
		return nil
	}
	return errors.New("no content.xml")
}

// count parses a count as the tables print it: "1,596" and "-" (nil) are
// numbers; markers are not.
func count(s string) (int, bool) {
	if s == "-" {
		return 0, true
	}
	n, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	return int(n), err == nil && n == math.Trunc(n)
}

// checkAreaSums checks, on values read from the files, that levels add up
// to categories (category 4 included), categories to the total, the 42
// areas plus the NSD row to England and Wales, and the areas alone to the
// England and Wales subtotals where printed. "[x]" and the NSD's "[z]"
// contribute nothing; other markers hide a value the totals include.
func checkAreaSums(obs map[string]string, years map[int]*yearFigures) []error {
	var errs []error
	for fy := firstYear; fy <= lastFY; fy++ {
		get := func(code string, m measure) (int, string, bool) {
			s, ok := obs[cellTag(fy, code, m)]
			if !ok {
				return 0, "", false
			}
			n, isNum := count(s)
			if !isNum {
				return 0, s, true
			}
			return n, "", true
		}
		for m := range numMeasures {
			if m == c3l1 || m == pop10pub || !m.exported() {
				continue // not a count, or rounded per row (checkNewMeasures)
			}
			nat, _, present := get(codeEW, m)
			if !present {
				continue // not published that year
			}
			sums := map[string]int{}
			hidden := false
			for _, a := range schema.Areas() {
				n, mk, _ := get(a.Code, m)
				switch mk {
				case "":
				case "[x]":
					continue
				default:
					hidden = true
				}
				sums[a.Country] += n
				sums[codeEW] += n
			}
			if n, mk, ok := get(codeNSD, m); ok {
				switch mk {
				case "", "[z]":
					sums[codeEW] += n
				default:
					hidden = true
				}
			}
			eng, _, hasEng := get(codeEngland, m)
			wal, _, _ := get(codeWales, m)
			switch {
			case hidden && sums[codeEW] > nat:
				errs = append(errs, fmt.Errorf("%s %s: visible areas %d exceed total %d", fyLabel(fy), m, sums[codeEW], nat))
			case !hidden && sums[codeEW] != nat:
				errs = append(errs, fmt.Errorf("%s %s: areas sum to %d, total row %d", fyLabel(fy), m, sums[codeEW], nat))
			case !hidden && hasEng && (sums["England"] != eng || sums["Wales"] != wal):
				errs = append(errs, fmt.Errorf("%s %s: England/Wales subtotals %d/%d, areas %d/%d",
					fyLabel(fy), m, eng, wal, sums["England"], sums["Wales"]))
			}
		}
		for code := range years[fy].rows {
			v := map[measure]int{}
			for _, m := range []measure{c1l1, c1l2, c1l3, c1t, c2l1, c2l2, c2l3, c2t, c3l2, c3l3, c3t,
				c4l1, c4l2, c4l3, c4t, total} {
				n, mk, present := get(code, m)
				if !present || mk != "" {
					n = years[fy].rows[code].v[m] // suppressed: use the hidden value
				}
				v[m] = n
			}
			if v[c1l1]+v[c1l2]+v[c1l3] != v[c1t] || v[c2l1]+v[c2l2]+v[c2l3] != v[c2t] ||
				v[c3l2]+v[c3l3] != v[c3t] || v[c4l1]+v[c4l2]+v[c4l3] != v[c4t] ||
				v[c1t]+v[c2t]+v[c3t]+v[c4t] != v[total] {
				errs = append(errs, fmt.Errorf("%s %s: levels and categories do not add up: %v", fyLabel(fy), code, v))
			}
		}
	}
	return errs
}

// reportPins logs every calibration figure as read from the produced area
// tables and fails if one differs.
func reportPins(obs map[string]string) []error {
	var errs []error
	for _, p := range calibration {
		fy, _ := strconv.Atoi(p.Period[:4])
		raw := obs[fmt.Sprintf("%d|%s|%s", fy, p.Area, p.Measure)]
		n, err := strconv.ParseFloat(strings.ReplaceAll(raw, ",", ""), 64)
		status := "ok"
		if err != nil || n != p.Value {
			status = "MISMATCH"
			errs = append(errs, fmt.Errorf("pin %s %s %s: file has %q, want %v", p.Period, p.Area, p.Measure, raw, p.Value))
		}
		log.Printf("pin %s %-9s %-15s want %-8v file %-8q %s", p.Period, p.Area, p.Measure, p.Value, raw, status)
	}
	return errs
}
