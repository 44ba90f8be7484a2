package extract

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/sources/sheet"
)

// Statement is where a workbook states its financial year.
type Statement struct {
	Year figure.FinancialYear
	// Where is the evidence, in words: `title in A1 of sheet "Table_1"`,
	// `sheet name "Area_Tables_2019-20"` or `file name`.
	Where string
	// Text is the text that states it.
	Text string
}

// String is the evidence as an error quotes it.
func (s Statement) String() string { return fmt.Sprintf("%s (%q)", s.Where, s.Text) }

var (
	// namedYear finds a financial year as titles write it: "2019/20",
	// "2019-20", "2019 to 2020", "2019–20", "2019_20".
	namedYear = regexp.MustCompile(`(?i)(?:^|[^0-9])((?:19|20)[0-9]{2})(?:\s*(?:-|/|_|\x{2013}|\x{2014})\s*|\s+to\s+)((?:19|20)?[0-9]{2})(?:[^0-9]|$)`)
	// snapshotDate finds "31 March 2020", the date a year's counts are
	// taken on: the end of financial year 2019-20.
	snapshotDate = regexp.MustCompile(`(?i)\b31(?:st)?\s+march\s+((?:19|20)[0-9]{2})\b`)
)

// titleRows is how far down each sheet titles are looked for: the MoJ
// puts them in the first rows, above the header; below, a note or a
// label may name any year.
const titleRows = 4

// StatedYear is the financial year a workbook of area tables states, and
// where: in its titles and sheet names, else in its file name. A release
// also names other years (comparisons, revised back figures, the date of
// the next release), so the year it states is the one its titles name
// most often, counting each title once; of years named equally often, the
// latest, since comparisons look back. ok is false when the workbook names
// no year.
func StatedYear(wb *sheet.Workbook) (Statement, bool) {
	counts := map[figure.FinancialYear]int{}
	first := map[figure.FinancialYear]Statement{}
	var order []figure.FinancialYear
	consider := func(text, where string) {
		seen := map[figure.FinancialYear]bool{}
		for _, y := range yearsIn(text) {
			if seen[y] {
				continue
			}
			seen[y] = true
			if counts[y] == 0 {
				first[y] = Statement{Year: y, Where: where, Text: text}
				order = append(order, y)
			}
			counts[y]++
		}
	}
	for _, sh := range wb.Sheets {
		if sh == nil {
			continue
		}
		consider(sh.Name, fmt.Sprintf("sheet name %q", sh.Name))
		for r := 0; r < titleRows && r < len(sh.Rows); r++ {
			for c, v := range sh.Rows[r] {
				consider(v, fmt.Sprintf("title in %s of sheet %q", sheet.CellName(r, c), sh.Name))
			}
		}
	}
	if len(order) == 0 {
		return FileNameYear(wb.Name)
	}
	best := order[0]
	for _, y := range order[1:] {
		if counts[y] > counts[best] || counts[y] == counts[best] && y.Start() > best.Start() {
			best = y
		}
	}
	return first[best], true
}

// FileNameYear is the financial year a file name states: the latest it
// names ("MAPPA_Annual_Report_2019-20_Area_Tables.xlsx" states 2019-20).
func FileNameYear(name string) (Statement, bool) {
	var best Statement
	for _, y := range yearsIn(name) {
		if best.Year == "" || y.Start() > best.Year.Start() {
			best = Statement{Year: y, Where: "file name", Text: name}
		}
	}
	return best, best.Year != ""
}

// yearsIn lists the financial years text names, as a year pair or as the
// 31 March that ends one.
func yearsIn(text string) []figure.FinancialYear {
	var out []figure.FinancialYear
	// Each search resumes just after the previous year rather than after
	// the non-digit that ended it, which may begin the next year.
	for rest := text; ; {
		loc := namedYear.FindStringSubmatchIndex(rest)
		if loc == nil {
			break
		}
		start, _ := strconv.Atoi(rest[loc[2]:loc[3]])
		second := rest[loc[4]:loc[5]]
		end, _ := strconv.Atoi(second)
		if len(second) == 2 {
			end += start / 100 * 100
			if end < start {
				end += 100
			}
		}
		if end == start+1 {
			out = append(out, figure.FinancialYearStarting(start))
		}
		rest = rest[loc[5]:]
	}
	for _, m := range snapshotDate.FindAllStringSubmatch(text, -1) {
		y, _ := strconv.Atoi(m[1])
		out = append(out, figure.FinancialYearStarting(y-1))
	}
	return out
}
