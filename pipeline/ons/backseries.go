package ons

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/schema"
	"github.com/mappa-etl/mappa/sources/sheet"
)

// backSeriesSheet reports whether a sheet may hold a back series: ONS
// names them MYEB1, MYEB2 …; a file saved by hand has one data sheet.
func backSeriesSheet(name string) bool {
	n := norm(name)
	return strings.HasPrefix(n, "myeb") || strings.Contains(n, "backseries") || n == "data" || n == "sheet1" || n == "table1"
}

// ladCodeColumn is the code column of a back series named for its
// boundaries' vintage: "lad21cd", "LAD2021 code" once normalised.
var ladCodeColumn = regexp.MustCompile(`^lad\d{2,4}(cd|code)$`)

// backSeries is a long-format sheet: one row per local authority, sex and
// single year of age, one column per mid-year ("population_2012").
type backSeries struct {
	sh                  *sheet.Sheet
	hdr, code, sex, age int
	years               []figure.MidYear // in column order
	cols                []int
}

// findBackSeries finds the first sheet whose header row has a code, a sex,
// an age and at least one population column.
func findBackSeries(wb *sheet.Workbook) (*backSeries, bool) {
	for _, sh := range wb.Sheets {
		if sh == nil {
			continue
		}
		for r := 0; r < headerRows && r < len(sh.Rows); r++ {
			b := &backSeries{sh: sh, hdr: r, code: -1, sex: -1, age: -1}
			for c, v := range sh.Rows[r] {
				n := norm(v)
				switch {
				case b.code < 0 && (n == "code" || n == "areacode" || strings.HasPrefix(n, "ladcode") || ladCodeColumn.MatchString(n)):
					b.code = c
				case n == "sex" && b.sex < 0:
					b.sex = c
				case n == "age" && b.age < 0:
					b.age = c
				default:
					if y, ok := populationColumn(n); ok {
						b.years, b.cols = append(b.years, y), append(b.cols, c)
					}
				}
			}
			if b.code >= 0 && b.sex >= 0 && b.age >= 0 && len(b.years) > 0 {
				return b, true
			}
		}
	}
	return nil, false
}

// populationColumn reads a normalised mid-year column heading:
// "population2012" (ONS writes population_2012) or "mid2012".
func populationColumn(n string) (figure.MidYear, bool) {
	for _, prefix := range []string{"population", "mid"} {
		if rest, ok := strings.CutPrefix(n, prefix); ok && len(rest) == 4 {
			if y, err := figure.ParseMidYear(rest); err == nil {
				return y, true
			}
		}
	}
	return 0, false
}

// Read reads a population file for its period: an MYE2 workbook for one
// mid-year, or a back series in long format for a span of them, one
// edition of each.
func Read(wb *sheet.Workbook, span figure.MidYears, lookups []*Lookup, opts ...ReadOption) ([]figure.Population, figure.PopulationSource, error) {
	if wb == nil {
		return nil, figure.PopulationSource{}, errors.New("read population: no workbook")
	}
	if _, err := populationSheet(wb); err == nil && span.Single() {
		return ReadPopulation(wb, span.First, lookups, opts...)
	}
	if b, ok := findBackSeries(wb); ok {
		return b.read(wb, span, lookups)
	}
	if span.Single() {
		return ReadPopulation(wb, span.First, lookups, opts...) // says what is missing
	}
	return nil, figure.PopulationSource{}, fmt.Errorf("read population %s: no back series sheet with columns Code, Sex, Age and population_YYYY in the first %d rows of any sheet; a single mid-year's MYE2 workbook is added as that mid-year, such as 2019", wb.Name, headerRows)
}

// Sexes are the two a back series must hold for every authority and age:
// ONS codes them 1 and 2.
var sexes = [2]string{"males", "females"}

func parseSex(v string) (int, bool) {
	switch norm(v) {
	case "1", "m", "male", "males":
		return 0, true
	case "2", "f", "female", "females":
		return 1, true
	}
	return 0, false
}

// read sums the sheet into each mid-year's MAPPA areas. Every authority
// must have exactly one row for each sex and each age 0 to 90, so that a
// file cut short is refused rather than read as a smaller population.
func (b *backSeries) read(wb *sheet.Workbook, span figure.MidYears, lookups []*Lookup) ([]figure.Population, figure.PopulationSource, error) {
	src := figure.PopulationSource{Sheet: b.sh.Name, Level: LevelLA}
	cellErr := func(r, c int, err error) error {
		return &sheet.CellError{File: wb.Name, Sheet: b.sh.Name, Cell: sheet.CellName(r, c), Err: err}
	}
	first, last := slices.Min(b.years), slices.Max(b.years)
	for i, y := range b.years {
		if j := slices.Index(b.years, y); j < i {
			return nil, src, cellErr(b.hdr, b.cols[i], fmt.Errorf("mid-%s has two columns (also %s)", y, sheet.ColumnName(b.cols[j])))
		}
	}
	// Duplicates are refused above, so fewer columns than the span's
	// years is a gap: a mid-year the series would silently not hold.
	for m := first; m <= last; m++ {
		if !slices.Contains(b.years, m) {
			return nil, src, cellErr(b.hdr, b.cols[0], fmt.Errorf("the back series has no column for mid-%s between mid-%s and mid-%s; add the file it came from whole", m, first, last))
		}
	}
	if (figure.MidYears{First: first, Last: last}) != span {
		return nil, src, cellErr(b.hdr, b.cols[0], fmt.Errorf("the back series holds %s; add it as population %s",
			describeYears(b.years), figure.MidYears{First: first, Last: last}))
	}
	var err error
	if src.Edition, src.EditionCell, err = statedEdition(wb); err != nil {
		return nil, src, err
	}

	type authority struct {
		codeRow
		seen    [2][oldestAge + 1]int // row+1 of each sex and age; 0 when absent
		tenPlus []int64               // per year column
		all     []int64
	}
	var order []*authority
	byCode := map[string]*authority{}
	var ew *authority
	for r := b.hdr + 1; r < len(b.sh.Rows); r++ {
		code := strings.ToUpper(strings.TrimSpace(b.sh.Value(r, b.code)))
		if !gssCode.MatchString(code) {
			continue // blank lines, notes and footnotes
		}
		if !isLACode(code) && code != schema.EnglandAndWales {
			continue // countries and regions sit beside their parts
		}
		sex, ok := parseSex(b.sh.Value(r, b.sex))
		if !ok {
			return nil, src, cellErr(r, b.sex, fmt.Errorf("sex %q is neither males (1, M) nor females (2, F): a back series is read one sex per row, and a persons row beside them would count everyone twice", b.sh.Value(r, b.sex)))
		}
		age, ok := parseAgeHeader(norm(b.sh.Value(r, b.age)))
		if !ok || age > oldestAge {
			return nil, src, cellErr(r, b.age, fmt.Errorf("age %q is not a single year of age from 0 to 90 (90 meaning 90 and over)", b.sh.Value(r, b.age)))
		}
		a := byCode[code]
		if a == nil {
			a = &authority{codeRow: codeRow{r, code, sheet.CellName(r, b.code)}, tenPlus: make([]int64, len(b.cols)), all: make([]int64, len(b.cols))}
			byCode[code] = a
			if code == schema.EnglandAndWales {
				ew = a
			} else {
				order = append(order, a)
			}
		}
		if prev := a.seen[sex][age]; prev > 0 {
			return nil, src, cellErr(r, b.code, fmt.Errorf("%s has two rows for %s aged %d (also row %d)", code, sexes[sex], age, prev))
		}
		a.seen[sex][age] = r + 1
		for i, c := range b.cols {
			v, err := parseCount(b.sh.Value(r, c))
			if err != nil {
				return nil, src, cellErr(r, c, err)
			}
			a.all[i] += v
			if age >= 10 {
				a.tenPlus[i] += v
			}
		}
	}
	if len(order) == 0 {
		return nil, src, fmt.Errorf("read population %s: sheet %q has no local authority (E06-E09/W06) rows", wb.Name, b.sh.Name)
	}
	for _, a := range append(slices.Clone(order), ew) {
		if a == nil {
			continue
		}
		for s := range sexes {
			for age, row := range a.seen[s] {
				if row == 0 {
					return nil, src, cellErr(a.row, b.code, fmt.Errorf("%s has no row for %s aged %d: the back series is incomplete", a.code, sexes[s], age))
				}
			}
		}
	}
	rows := make([]codeRow, len(order))
	for i, a := range order {
		rows[i] = a.codeRow
	}
	l, err := chooseLookup(wb.Name, b.sh.Name, int(last), rows, lookups)
	if err != nil {
		return nil, src, err
	}
	src.Lookup = l.Name
	sums := areaSums{file: wb.Name, sheet: b.sh.Name, lookup: l}
	if ew != nil {
		src.EnglandAndWalesCell = b.sh.Name + "!" + ew.cell
	}
	var out []figure.Population
	for i, y := range b.years {
		parts := make([]part, len(order))
		for j, a := range order {
			parts[j] = part{codeRow: a.codeRow, tenPlus: a.tenPlus[i], all: a.all[i]}
		}
		sums.englandAndWales = nil
		if ew != nil {
			sums.englandAndWales = &part{codeRow: ew.codeRow, tenPlus: ew.tenPlus[i], all: ew.all[i]}
		}
		pops, err := sums.sum(y, parts)
		if err != nil {
			return nil, src, err
		}
		out = append(out, pops...)
	}
	slices.SortFunc(out, func(a, b figure.Population) int {
		if a.MidYear != b.MidYear {
			return int(a.MidYear - b.MidYear)
		}
		return strings.Compare(a.AreaCode, b.AreaCode)
	})
	return out, src, nil
}

// describeYears writes the mid-years a back series has columns for.
func describeYears(years []figure.MidYear) string {
	s := slices.Clone(years)
	slices.Sort(s)
	parts := make([]string, len(s))
	for i, y := range s {
		parts[i] = strconv.Itoa(int(y))
	}
	return "mid-" + strings.Join(parts, ", mid-")
}
