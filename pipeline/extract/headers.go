package extract

import (
	"fmt"
	"strings"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/sources/sheet"
)

// mapColumns gives each column right of the area column its meaning (or
// records it as unmapped), from
// one header row or, in legacy tables, two: a merged group cell ("Category
// 1: Registered sexual offenders") above "Level 1 | Level 2 | ... | Total".
//
// The columns come back left to right, so rows are read in column order:
// the same bad file always names the same (leftmost) bad cell, and a row's
// observations always come out in the same order.
func (t *tableReader) mapColumns(header int, out *Result) ([]mappedColumn, error) {
	upper := -1
	if header > 0 && t.hasTextRightOfArea(header-1) {
		upper = header - 1
	}
	// Two columns of one meaning (an RSO count repeated beside the rate)
	// are both read: readCell keeps the first and fails the file if any
	// row's two cells disagree.
	var cols []mappedColumn
	for c := t.areaCol + 1; c < len(t.sh.Rows[header]) || (upper >= 0 && c < len(t.sh.Rows[upper])); c++ {
		text := t.headerText(upper, header, c)
		if text == "" {
			continue
		}
		cell := sheet.CellName(header, c)
		year, rest, err := t.headerYear(text)
		if err != nil {
			return nil, t.cellErr(header, c, err)
		}
		if year == "" { // a comparison of years: no one year's figure
			out.Unmapped = append(out.Unmapped, figure.UnmappedColumn{Sheet: t.sh.Name, Cell: cell, Header: oneLine(text)})
			continue
		}
		col, kind, err := ClassifyHeader(rest)
		switch {
		case err != nil:
			return nil, t.cellErr(header, c, err)
		case kind == Identifier:
			continue
		case kind == Unmapped:
			out.Unmapped = append(out.Unmapped, figure.UnmappedColumn{Sheet: t.sh.Name, Cell: cell, Header: oneLine(text)})
			continue
		}
		if year != t.year && col.Category == figure.CategoryTerrorism && year.Start() < figure.FirstYearWithCategory4.Start() {
			// An earlier year's category 4 column, from before there was
			// one: published, and no figure mappa can load for that year.
			out.Unmapped = append(out.Unmapped, figure.UnmappedColumn{Sheet: t.sh.Name, Cell: cell, Header: oneLine(text)})
			continue
		}
		cols = append(cols, mappedColumn{index: c, Column: col, year: year})
	}
	// A sheet of areas whose columns all map to nothing is a table mappa
	// does not know: its headers are recorded as unmapped, and Extract
	// still fails if no sheet gave the RSO counts.
	return cols, nil
}

// headerText joins the header cells of column c. An empty upper cell under
// a merge takes the group text from the left, but only from a group cell
// that itself has a lower part: a single column merged down both rows
// ("Total MAPPA offenders") is not a group.
func (t *tableReader) headerText(upper, lower, c int) string {
	low := strings.TrimSpace(t.sh.Value(lower, c))
	if upper < 0 {
		return low
	}
	up := strings.TrimSpace(t.sh.Value(upper, c))
	if up == "" && low != "" {
		for g := c - 1; g > t.areaCol; g-- {
			if strings.TrimSpace(t.sh.Value(upper, g)) == "" {
				continue
			}
			if strings.TrimSpace(t.sh.Value(lower, g)) != "" {
				up = strings.TrimSpace(t.sh.Value(upper, g))
			}
			break
		}
	}
	return strings.TrimSpace(up + " " + low)
}

// mappedColumn is a sheet column (0-based index), its meaning, and the
// financial year its figures are of: the file's, or an earlier year's
// the release publishes again (revised back figures).
type mappedColumn struct {
	index int
	figure.Column
	year figure.FinancialYear
}

// headerYear is the financial year a header's figures are of, and the
// header without the year: a header naming no year, or the file's own,
// is of the file's year; one naming a single earlier year is of that
// year, its figures that year's as this release publishes them. A header
// naming two years compares them (""); a later year than the file's is
// an error, since no release publishes figures of a year to come.
func (t *tableReader) headerYear(text string) (figure.FinancialYear, string, error) {
	years := yearsIn(text)
	switch {
	case len(years) == 0:
		return t.year, text, nil
	case len(years) > 1 && !allSame(years):
		return "", text, nil
	}
	y := years[0]
	rest := strings.TrimSpace(snapshotDate.ReplaceAllString(namedYear.ReplaceAllString(text, " "), " "))
	if y == t.stated {
		y = t.year
	}
	if y.Start() > t.year.Start() {
		return "", text, fmt.Errorf("header names %s, a year after the file's %s: is the file's year right?", y, t.year)
	}
	return y, rest, nil
}

func allSame(ys []figure.FinancialYear) bool {
	for _, y := range ys[1:] {
		if y != ys[0] {
			return false
		}
	}
	return true
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
