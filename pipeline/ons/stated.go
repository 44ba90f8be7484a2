package ons

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/sources/sheet"
)

// ReadOption configures Read.
type ReadOption func(*readOptions)

type readOptions struct {
	anyMidYear bool
}

// AnyMidYear reads a workbook as the mid-year asked for even when its
// titles name another: the operator has checked (mappa add --force-year).
func AnyMidYear() ReadOption { return func(o *readOptions) { o.anyMidYear = true } }

func readOpts(opts []ReadOption) readOptions {
	var o readOptions
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// StatedMidYears is the span of mid-years a population workbook states,
// and where, in words: the population columns of a back series, else the
// one mid-year the titles of an MYE2 persons sheet name. ok is false when
// it states none.
func StatedMidYears(wb *sheet.Workbook) (span figure.MidYears, where string, ok bool) {
	if b, found := findBackSeries(wb); found {
		first, last := slices.Min(b.years), slices.Max(b.years)
		return figure.MidYears{First: first, Last: last},
			fmt.Sprintf("population columns %s to %s of sheet %q", sheet.CellName(b.hdr, slices.Min(b.cols)), sheet.CellName(b.hdr, slices.Max(b.cols)), b.sh.Name), true
	}
	sh, err := populationSheet(wb)
	if err != nil {
		return span, "", false
	}
	hdr, err := (&estimateSheet{file: wb.Name, sh: sh}).readHeader()
	if err != nil {
		return span, "", false
	}
	for r := 0; r < hdr && r < len(sh.Rows); r++ {
		for c, v := range sh.Rows[r] {
			if y, ok := titledMidYear(v); ok {
				return figure.SingleMidYear(y), fmt.Sprintf("title in %s of sheet %q (%q)", sheet.CellName(r, c), sh.Name, v), true
			}
		}
	}
	return span, "", false
}

// titledMidYear is the one mid-year a title names; a title naming several
// ("mid-1971 to mid-2018") is a series and names none.
func titledMidYear(v string) (figure.MidYear, bool) {
	ms := midYearText.FindAllStringSubmatch(v, -1)
	if len(ms) == 0 {
		return 0, false
	}
	for _, m := range ms[1:] {
		if m[1] != ms[0][1] {
			return 0, false
		}
	}
	y, _ := strconv.Atoi(ms[0][1])
	return figure.MidYear(y), true
}
