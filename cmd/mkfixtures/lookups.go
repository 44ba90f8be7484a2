package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
)

// lookupSpec is one LAD to CSP to PFA lookup as published on the ONS
// geoportal: a vintage (19 or 21) and the mid-year it applies from.
type lookupSpec struct {
	vintage int
	year    int // a mid-year whose district codes the lookup lists
}

var lookupSpecs = []lookupSpec{{19, 2019}, {21, mergeYear}}

func (s lookupSpec) file() string {
	return fmt.Sprintf("LAD%d_CSP%d_PFA%d_EW_LU.csv", s.vintage, s.vintage, s.vintage)
}

// writeLookup writes the CSV in the geoportal's shape: UTF-8 with a byte
// order mark, CRLF line ends, rows sorted by district code, FID last.
func writeLookup(dir string, s lookupSpec, g *geography) error {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	v := strconv.Itoa(s.vintage)
	must(w.Write([]string{"LAD" + v + "CD", "LAD" + v + "NM", "CSP" + v + "CD", "CSP" + v + "NM", "PFA" + v + "CD", "PFA" + v + "NM", "FID"}))
	lads := g.ladsOf(s.year)
	sort.Slice(lads, func(i, j int) bool { return lads[i].code < lads[j].code })
	for i, l := range lads {
		must(w.Write([]string{l.code, l.name, l.csp.code, l.csp.name, l.pfa.code, l.pfa.name, strconv.Itoa(i + 1)}))
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, s.file()), buf.Bytes(), 0o644)
}
