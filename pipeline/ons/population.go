package ons

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/schema"
	"github.com/mappa-etl/mappa/sources/sheet"
)

// The values of PopulationSource.Level.
const (
	LevelPFA = "police force area"
	LevelLA  = "local authority"
)

const (
	// headerRows bounds the search for the header row: ONS has moved it
	// between vintages (row 5, row 8, …) but always kept it near the top.
	headerRows = 15
	// oldestAge is the last single-age column, which means "and over".
	oldestAge = 90
	// maxCount rejects cells no population could reach, which also keeps
	// the sums of a few hundred rows of 91 columns far from int64 overflow.
	maxCount = 10_000_000_000
)

// ReadPopulation reads an ONS mid-year estimate workbook (MYE2) and returns
// one Population per MAPPA area plus England and Wales, sorted by AreaCode.
// Police force area rows are used when the persons sheet has any; otherwise
// local authority rows are summed through the lookup that covers them all,
// nearest in vintage to midYear. Aggregate rows are never added. England
// and Wales is the sum of the areas, and the sheet's K04000001 row, where
// it has one, must equal it. A title of another mid-year or of one sex is
// refused; the release date the workbook states is its edition. Cell
// problems are *sheet.CellError.
func ReadPopulation(wb *sheet.Workbook, midYear figure.MidYear, lookups []*Lookup, opts ...ReadOption) ([]figure.Population, figure.PopulationSource, error) {
	var src figure.PopulationSource
	if wb == nil {
		return nil, src, errors.New("read population: no workbook")
	}
	sh, err := populationSheet(wb)
	if err != nil {
		return nil, src, err
	}
	src.Sheet = sh.Name
	p := &estimateSheet{file: wb.Name, sh: sh}
	hdr, err := p.readHeader()
	if err != nil {
		return nil, src, err
	}
	if err := checkTitles(wb, sh, hdr, midYear, readOpts(opts).anyMidYear); err != nil {
		return nil, src, err
	}
	if src.Edition, src.EditionCell, err = statedEdition(wb); err != nil {
		return nil, src, err
	}

	// Classify rows by code. Aggregates (countries, regions, counties,
	// metropolitan counties) sit beside their parts, so only one level of
	// parts may ever be summed; everything else is left unread.
	var pfaRows, laRows []codeRow
	ewRow := -1
	seen := map[string]string{}
	for r := hdr + 1; r < len(sh.Rows); r++ {
		code := strings.ToUpper(strings.TrimSpace(sh.Value(r, p.code)))
		if !gssCode.MatchString(code) {
			continue // blank lines, notes and footnotes
		}
		cr := codeRow{r, code, sheet.CellName(r, p.code)}
		if prev, dup := seen[code]; dup {
			return nil, src, p.cellError(r, p.code, fmt.Errorf("%s appears twice (also at %s)", code, prev))
		}
		seen[code] = cr.cell
		switch {
		case isPFACode(code):
			pfaRows = append(pfaRows, cr)
		case isLACode(code):
			laRows = append(laRows, cr)
		case code == schema.EnglandAndWales:
			ewRow = r
		}
	}

	// PFA rows are exact, and local authority rows beside them would count
	// the same people twice, so authorities are read only when there are none.
	src.Level = LevelPFA
	rows, l := pfaRows, (*Lookup)(nil)
	if len(pfaRows) == 0 {
		if len(laRows) == 0 {
			return nil, src, fmt.Errorf("read population %s: sheet %q has no police force area (E23/W15) or local authority (E06-E09/W06) rows", wb.Name, sh.Name)
		}
		src.Level, rows = LevelLA, laRows
		if l, err = chooseLookup(wb.Name, sh.Name, int(midYear), laRows, lookups); err != nil {
			return nil, src, err
		}
		src.Lookup = l.Name
	}
	parts := make([]part, len(rows))
	for i, cr := range rows {
		parts[i].codeRow = cr
		if parts[i].tenPlus, parts[i].all, err = p.counts(cr.row); err != nil {
			return nil, src, err
		}
	}
	a := areaSums{file: wb.Name, sheet: sh.Name, lookup: l}
	if ewRow >= 0 {
		ew := part{codeRow: codeRow{ewRow, schema.EnglandAndWales, sheet.CellName(ewRow, p.code)}}
		if ew.tenPlus, ew.all, err = p.counts(ewRow); err != nil {
			return nil, src, err
		}
		a.englandAndWales = &ew
		src.EnglandAndWalesCell = sh.Name + "!" + ew.cell
	}
	out, err := a.sum(midYear, parts)
	return out, src, err
}

// part is one row summed into a MAPPA area: a police force area, or a
// local authority reached through a lookup.
type part struct {
	codeRow
	tenPlus, all int64
}

// areaSums adds one mid-year's parts up into the 42 MAPPA areas and
// England and Wales.
type areaSums struct {
	file, sheet string
	lookup      *Lookup // nil when the parts are police force areas
	// englandAndWales is the file's own England and Wales row, which the
	// areas must add up to; nil when it has none.
	englandAndWales *part
}

func (a areaSums) cellError(cell string, err error) error {
	return &sheet.CellError{File: a.file, Sheet: a.sheet, Cell: cell, Err: err}
}

func (a areaSums) sum(midYear figure.MidYear, parts []part) ([]figure.Population, error) {
	areas := schema.Areas()
	totals := make(map[string]*figure.Population, len(areas))
	for _, ar := range areas {
		totals[ar.Code] = &figure.Population{MidYear: midYear, AreaCode: ar.Code}
	}
	covered := map[string]bool{}
	for _, pt := range parts {
		pfa, via := pt.code, ""
		if a.lookup != nil {
			pfa, via = a.lookup.PFAByLAD[pt.code], fmt.Sprintf(" (local authority %s in %s)", pt.code, a.lookup.Name)
		}
		t, ok := totals[schema.MAPPAArea(pfa)]
		if !ok {
			return nil, a.cellError(pt.cell, fmt.Errorf("police force area %s%s is not one of the 42 MAPPA areas", pfa, via))
		}
		t.Persons10Plus += pt.tenPlus
		t.PersonsAllAges += pt.all
		covered[pfa] = true
	}

	var missing []string
	for _, ar := range areas {
		if !covered[ar.Code] {
			missing = append(missing, ar.Code+" "+ar.Name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("read population %s: sheet %q: no population of mid-%s for MAPPA area %s", a.file, a.sheet, midYear, strings.Join(missing, ", "))
	}

	ew := figure.Population{MidYear: midYear, AreaCode: schema.EnglandAndWales}
	out := make([]figure.Population, 0, len(totals)+1)
	for _, t := range totals {
		out = append(out, *t)
		ew.Persons10Plus += t.Persons10Plus
		ew.PersonsAllAges += t.PersonsAllAges
	}
	// The file's own England and Wales row must be its areas' sum: an
	// authority missing, or counted twice (a county beside its districts),
	// would otherwise skew every rate without a word.
	if own := a.englandAndWales; own != nil && (own.tenPlus != ew.Persons10Plus || own.all != ew.PersonsAllAges) {
		return nil, a.cellError(own.cell, fmt.Errorf(
			"the England and Wales row of mid-%s has %d people aged 10 and over (%d of all ages) but its 42 MAPPA areas add up to %d (%d): an authority is missing or counted twice",
			midYear, own.tenPlus, own.all, ew.Persons10Plus, ew.PersonsAllAges))
	}
	out = append(out, ew)
	sort.Slice(out, func(i, j int) bool { return out[i].AreaCode < out[j].AreaCode })
	return out, nil
}

// populationSheet finds the persons sheet. Males and Females sheets have the
// same layout, so picking by position or shape would silently halve rates.
func populationSheet(wb *sheet.Workbook) (*sheet.Sheet, error) {
	var all *sheet.Sheet
	var names []string
	for _, sh := range wb.Sheets {
		if sh == nil {
			continue
		}
		names = append(names, strconv.Quote(sh.Name))
		switch norm(sh.Name) {
		case "mye2persons":
			return sh, nil
		case "mye2all":
			if all == nil {
				all = sh
			}
		}
	}
	if all != nil {
		return all, nil
	}
	return nil, fmt.Errorf("read population %s: no sheet \"MYE2 - Persons\" or \"MYE2 - All\" (sheets: %s)", wb.Name, strings.Join(names, ", "))
}

// PopulationSheet reports whether a sheet can be one Read reads (a persons
// sheet, a back series, or the contents and notes that say which release
// the file is), so that opening a population workbook can skip the cells
// of the others (the males and females sheets are as large as the persons
// sheet).
func PopulationSheet(name string) bool {
	switch norm(name) {
	case "mye2persons", "mye2all":
		return true
	}
	return coverSheet(name) || backSeriesSheet(name)
}

// norm folds case, spaces, hyphens and dashes, which vary between
// vintages of the same sheet and column names.
func norm(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\u00a0', '\t', '\n', '\r', '-', '\u2013', '\u2014', '_':
			return -1
		}
		return r
	}, strings.ToLower(s))
}

// estimateSheet is the sheet being read with the columns found in its header.
type estimateSheet struct {
	file          string
	sh            *sheet.Sheet
	code, allAges int
	ages          [oldestAge + 1]int // column of each age, -1 when absent
}

func (p *estimateSheet) cellError(r, c int, err error) error {
	return &sheet.CellError{File: p.file, Sheet: p.sh.Name, Cell: sheet.CellName(r, c), Err: err}
}

// readHeader finds the header row and its columns and returns the row index.
func (p *estimateSheet) readHeader() (int, error) {
	hdr := -1
	for r := 0; r < headerRows && r < len(p.sh.Rows) && hdr < 0; r++ {
		found := map[string]bool{}
		for _, v := range p.sh.Rows[r] {
			found[norm(v)] = true
		}
		if found["code"] && found["allages"] {
			hdr = r
		}
	}
	if hdr < 0 {
		return -1, fmt.Errorf("read population %s: sheet %q: no header row with \"Code\" and \"All ages\" in the first %d rows", p.file, p.sh.Name, headerRows)
	}
	p.code, p.allAges = -1, -1
	for a := range p.ages {
		p.ages[a] = -1
	}
	for c, v := range p.sh.Rows[hdr] {
		switch n := norm(v); {
		case n == "code" && p.code < 0:
			p.code = c
		case n == "allages" && p.allAges < 0:
			p.allAges = c
		default:
			age, ok := parseAgeHeader(n)
			if !ok {
				continue // Name, Geography, Geography1 and anything new
			}
			if age > oldestAge {
				// Summing up to 90 would then silently drop the oldest.
				return -1, p.cellError(hdr, c, fmt.Errorf("age column %q beyond 90+ not expected in MYE2", v))
			}
			if p.ages[age] >= 0 {
				return -1, p.cellError(hdr, c, fmt.Errorf("age %d has two columns (also %s)", age, sheet.ColumnName(p.ages[age])))
			}
			p.ages[age] = c
		}
	}
	for a := 10; a <= oldestAge; a++ {
		if p.ages[a] >= 0 {
			continue
		}
		// Point at where the column should have been: after the previous age.
		c := p.allAges
		if p.ages[a-1] >= 0 {
			c = p.ages[a-1] + 1
		}
		return -1, p.cellError(hdr, c, fmt.Errorf("header has no column for age %d", a))
	}
	return hdr, nil
}

// parseAgeHeader reads a normalised single-age heading: "0".."90", "90+".
func parseAgeHeader(n string) (int, bool) {
	if strings.HasSuffix(n, "+") {
		n = strings.TrimSuffix(n, "+")
		if n != "90" {
			return 0, false
		}
	}
	v, err := parseCount(n)
	if err != nil || v > 1000 {
		return 0, false
	}
	return int(v), true
}

// counts returns the persons aged 10 and over and of all ages in row r.
// Every age cell is checked, not only 10+: a "No data" anywhere in a row
// that is summed means the row cannot be trusted.
func (p *estimateSheet) counts(r int) (tenPlus, all int64, err error) {
	if all, err = p.count(r, p.allAges); err != nil {
		return 0, 0, err
	}
	for a, c := range p.ages {
		if c < 0 {
			continue
		}
		v, err := p.count(r, c)
		if err != nil {
			return 0, 0, err
		}
		if a >= 10 {
			tenPlus += v
		}
	}
	return tenPlus, all, nil
}

func (p *estimateSheet) count(r, c int) (int64, error) {
	v, err := parseCount(p.sh.Value(r, c))
	if err != nil {
		return 0, p.cellError(r, c, err)
	}
	return v, nil
}
