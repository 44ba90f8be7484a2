package extract

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/schema"
	"github.com/mappa-etl/mappa/sources/sheet"
)

// Result is what an area-tables workbook yields.
type Result struct {
	Observations []figure.Observation
	// Unmapped lists the headers that mapped to no known measure, so that
	// what a release published and mappa did not load is reported.
	Unmapped []figure.UnmappedColumn
}

// Errors a workbook can fail with; each arrives wrapped in a
// *sheet.CellError or with the file name.
var (
	ErrNoAreaColumn  = errors.New("no sheet has a column of MAPPA area names")
	ErrNoHeader      = errors.New("no header row above the first area row")
	ErrUnknownArea   = errors.New("unknown area label")
	ErrDuplicateArea = errors.New("duplicate area")
	ErrNoRSOs        = errors.New("no column of registered sexual offenders (category 1 total)")
	ErrRepeatDiffers = errors.New("a figure published twice differs")
	ErrNoCategory4   = errors.New("category 4 figure in a year before category 4")
)

// minAreaMatches is how many known area labels a column needs before it is
// taken as the area column; a contents or notes sheet mentions a few at most.
const minAreaMatches = 10

// areaColumnsSearched bounds how far right the area column may sit.
const areaColumnsSearched = 6

// Extractor reads area tables by meaning, whatever their layout.
type Extractor struct {
	Areas *schema.AreaMatcher
}

// New returns an Extractor over the reference areas.
func New() *Extractor {
	return &Extractor{Areas: schema.NewAreaMatcher(schema.Areas())}
}

// Extract reads every table sheet of an area-tables workbook for one
// financial year ("2019-20"). Sheets without a column of area names (cover,
// contents, notes) are skipped.
func (e *Extractor) Extract(wb *sheet.Workbook, year figure.FinancialYear) (*Result, error) {
	out := &Result{}
	seen := map[obsKey]seenAt{}
	tables := 0
	// A file read as another year than it states (added with
	// --force-year, its titles wrong) repeats the wrong year in its
	// headers too: those are its own figures.
	stated, _ := StatedYear(wb)
	for _, sh := range wb.Sheets {
		areaCol, ok := e.findAreaColumn(sh)
		if !ok {
			continue
		}
		tables++
		t := &tableReader{e: e, wb: wb, sh: sh, areaCol: areaCol, year: year, stated: stated.Year}
		if err := t.read(out, seen); err != nil {
			return nil, err
		}
	}
	if tables == 0 {
		return nil, fmt.Errorf("%s: %w (searched columns A to %s of %d sheets)",
			wb.Name, ErrNoAreaColumn, sheet.ColumnName(areaColumnsSearched-1), len(wb.Sheets))
	}
	if !slices.ContainsFunc(out.Observations, func(o figure.Observation) bool { return o.FinancialYear == year && o.IsRSOCount() }) {
		return nil, fmt.Errorf("%s: %w", wb.Name, ErrNoRSOs)
	}
	return out, nil
}

type obsKey struct {
	year figure.FinancialYear
	area string
	col  figure.Column
}

// seenAt is where a figure was first read, and what it was.
type seenAt struct {
	sheet, cell, text string
	row               int
	value             figure.Value
}

// findAreaColumn picks the leftmost column with the most area labels. Names
// outrank codes, so a table with both an "Area code" and an "Area" column
// is keyed on the names that the notes and footnotes refer to.
func (e *Extractor) findAreaColumn(sh *sheet.Sheet) (int, bool) {
	best, bestScore, bestCount := -1, 0, 0
	for c := 0; c < areaColumnsSearched && c < sh.Width(); c++ {
		n, score := 0, 0
		for r := range sh.Rows {
			label := sh.Value(r, c)
			if kind, _ := e.Areas.Match(label); kind == schema.RowArea {
				n++
				score += 2
				if areaCode.MatchString(strings.TrimSpace(label)) {
					score--
				}
			}
		}
		if score > bestScore {
			best, bestScore, bestCount = c, score, n
		}
	}
	return best, bestCount >= minAreaMatches
}

var areaCode = regexp.MustCompile(`^[EWK]\d{8}$`)

// tableReader reads the one table of a sheet.
type tableReader struct {
	e       *Extractor
	wb      *sheet.Workbook
	sh      *sheet.Sheet
	areaCol int
	year    figure.FinancialYear
	// stated is the year the workbook states, which may differ from year
	// for a file forced to another.
	stated figure.FinancialYear
}

func (t *tableReader) cellErr(r, c int, err error) error {
	return &sheet.CellError{File: t.wb.Name, Sheet: t.sh.Name, Cell: sheet.CellName(r, c), Err: err}
}

func (t *tableReader) read(out *Result, seen map[obsKey]seenAt) error {
	first := t.firstDataRow()
	header := t.headerRow(first)
	if header < 0 {
		return t.cellErr(first, t.areaCol, ErrNoHeader)
	}
	cols, err := t.mapColumns(header, out)
	if err != nil {
		return err
	}
	for r := header + 1; r < len(t.sh.Rows); r++ {
		label := t.sh.Value(r, t.areaCol)
		kind, code := t.e.Areas.Match(label)
		switch kind {
		case schema.RowSubtotal:
			continue
		case schema.RowBlank, schema.RowUnknown:
			// Notes, sources and separators carry no figures; a labelled
			// row with figures (or markers in their place) is an area
			// we do not know, and nothing published is skipped unread.
			if c, ok := t.firstValue(r); ok {
				if kind == schema.RowBlank {
					return t.cellErr(r, c, fmt.Errorf("figure %q in a row without an area label", t.sh.Value(r, c)))
				}
				return t.cellErr(r, t.areaCol, fmt.Errorf("%w %q: not one of the 42 areas, England and Wales or a national unit", ErrUnknownArea, label))
			}
			continue
		}
		for _, mc := range cols {
			if err := t.readCell(out, seen, r, mc, code, label); err != nil {
				return err
			}
		}
	}
	return nil
}

// readCell reads the figure of row r in column mc, for the area code.
func (t *tableReader) readCell(out *Result, seen map[obsKey]seenAt, r int, mc mappedColumn, code, label string) error {
	c, col := mc.index, mc.Column
	text := t.sh.Value(r, c)
	v, ok, err := figure.ParseValue(text)
	if err != nil {
		return t.cellErr(r, c, err)
	}
	if !ok {
		return nil
	}
	if col.Category == figure.CategoryTerrorism && v.Known() && mc.year.Start() < figure.FirstYearWithCategory4.Start() {
		return t.cellErr(r, c, fmt.Errorf("%w (%s, first published for %s): is the file's year right?", ErrNoCategory4, mc.year, figure.FirstYearWithCategory4))
	}
	cell := sheet.CellName(r, c)
	k := obsKey{mc.year, code, col}
	if prev, dup := seen[k]; dup {
		if prev.sheet == t.sh.Name && prev.row != r {
			return t.cellErr(r, t.areaCol, fmt.Errorf("%w %q: %s already read at %s", ErrDuplicateArea, label, col.Measure, prev.cell))
		}
		// The same figure printed twice (an RSO count repeated beside
		// the rate, on another sheet or in another column) is one
		// figure, kept at its first cell, as long as both cells agree.
		if !prev.value.Equal(v) {
			return t.cellErr(r, c, fmt.Errorf("%w: %q here, %q at %s!%s (%s, %s)", ErrRepeatDiffers, text, prev.text, prev.sheet, prev.cell, label, col))
		}
		return nil
	}
	seen[k] = seenAt{sheet: t.sh.Name, cell: cell, text: text, row: r, value: v}
	out.Observations = append(out.Observations, figure.Observation{
		FinancialYear: mc.year, AreaCode: code, Column: col, Value: v, Sheet: t.sh.Name, Cell: cell,
	})
	return nil
}

// firstDataRow is the first row labelled with one of the 42 areas. Totals
// do not count: a subtitle such as "England and Wales" may sit above the
// header.
func (t *tableReader) firstDataRow() int {
	for r := range t.sh.Rows {
		if kind, _ := t.e.Areas.Match(t.sh.Value(r, t.areaCol)); kind == schema.RowArea {
			return r
		}
	}
	return 0
}

// headerRow is the nearest row above the first area row with text right of
// the area column and no figures: that skips a total placed first and a row
// with a label we do not know (reported later as such); titles and
// descriptions sit in the area column alone.
func (t *tableReader) headerRow(first int) int {
	for r := first - 1; r >= 0; r-- {
		if t.hasTextRightOfArea(r) && !t.hasFigures(r) {
			return r
		}
	}
	return -1
}

func (t *tableReader) hasFigures(r int) bool {
	for c := t.areaCol + 1; c < len(t.sh.Rows[r]); c++ {
		if v, ok, _ := figure.ParseValue(t.sh.Rows[r][c]); ok && v.Number != nil {
			return true
		}
	}
	return false
}

func (t *tableReader) hasTextRightOfArea(r int) bool {
	for c := t.areaCol + 1; c < len(t.sh.Rows[r]); c++ {
		if strings.TrimSpace(t.sh.Rows[r][c]) != "" {
			return true
		}
	}
	return false
}

// firstValue returns the first column right of the area column whose
// cell in row r holds a number or a marker, mapped or not: a row of
// figures under a label mappa does not know is never passed over.
func (t *tableReader) firstValue(r int) (int, bool) {
	for c := t.areaCol + 1; c < len(t.sh.Rows[r]); c++ {
		if _, ok, _ := figure.ParseValue(t.sh.Rows[r][c]); ok {
			return c, true
		}
	}
	return 0, false
}
