package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/report"
	"github.com/mappa-etl/mappa/schema"
)

// SummaryCommand prints one year's figures by area, or one area's figures
// across the years: what a reporter needs in one command.
type SummaryCommand struct {
	app *App
}

// Name implements Command.
func (c *SummaryCommand) Name() string { return "summary" }

// Summary implements Command.
func (c *SummaryCommand) Summary() string {
	return "print RSOs, rates and growth by area, or one area over the years"
}

const summaryExamples = `  mappa summary                         # the latest year, every area
  mappa summary --year 2019-20
  mappa summary --area Essex            # one area, every year, against England and Wales
  mappa summary --area E23000028 --year 2019-20
  mappa summary --year 2019-20 --json | jq '.[] | select(.area_name == "Essex")'
`

// areaReport is the JSON of summary --area.
type areaReport struct {
	AreaCode      string               `json:"area_code"`
	AreaName      string               `json:"area_name"`
	FinancialYear figure.FinancialYear `json:"financial_year"`
	Headline      string               `json:"headline"`
	Years         []store.SummaryRow   `json:"years"`
}

// Run implements Command.
func (c *SummaryCommand) Run(ctx context.Context, args []string) error {
	var sf storeFlags
	fs := c.app.newFlagSet("summary", "mappa summary [--db PATH] [--year YYYY-YY] [--area CODE_OR_NAME] [--json]", summaryExamples)
	sf.registerDB(fs)
	yearFlag := fs.String("year", "", "financial year, e.g. 2019-20 (default: the latest loaded)")
	area := fs.String("area", "", "an area's ONS code or name: show it across every loaded year")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if err := parse(fs, args); err != nil {
		return err
	}
	year, err := yearArg(*yearFlag)
	if err != nil {
		return err
	}
	var code string
	if *area != "" {
		a, err := areaArg(*area)
		if err != nil {
			return err
		}
		code = a.Code
	}
	st, err := sf.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if year == "" {
		if year, err = st.LatestYear(ctx); err != nil {
			return err
		}
		if year == "" { // an empty database: say so, as report does
			return report.ErrNoData
		}
	} else if err := loadedYear(ctx, st, year); err != nil {
		return err
	}
	if code != "" {
		return c.area(ctx, st, code, year, *asJSON)
	}
	rows, err := st.Summary(ctx, year)
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return fmt.Errorf("no figures loaded for %q", year)
	}
	if *asJSON {
		return writeJSON(c.app.Stdout, rows)
	}
	fmt.Fprintf(c.app.Stdout, "%s: registered sexual offenders (RSOs) at 31 March %d by area, highest rate first\n\n", year, year.End())
	names := nameWidth(rows)
	w := tabwriter.NewWriter(c.app.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	terrorism := terrorismColumn(rows)
	fmt.Fprintf(w, "%-*s\tRSOs\tper 100k aged 10+\tpublished\tvs E&W %%\tgrowth %%\tviolent\t%stotal MAPPA\t\n", names, "area", terrorism.cell(nil))
	for _, r := range rows {
		fmt.Fprintf(w, "%-*s\t%s\t%s\t%s\t%s\t%s\t%s\t%s%s\t\n", names, r.AreaName, report.FormatCount(r.RSOs), report.FormatRate(r.Rate),
			report.FormatPublished(r.RatePublished), versus(r.Rate, r.EnglandAndWalesRate), fmtNum(r.RSOGrowthPct, 1), report.FormatCount(r.Violent),
			terrorism.cell(&r), report.FormatCount(r.Total))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if terrorism {
		fmt.Fprintln(c.app.Stdout, "\nterrorism: terrorist and terrorism risk offenders (category 4). The National Security Division manages most of them;\n"+
			"it is no police force area and has no population, so no rate. The England and Wales line includes it.")
	}
	basis, err := st.RatesOf(ctx, year)
	if err != nil {
		return err
	}
	if basis != nil {
		fmt.Fprintln(c.app.Stdout, "\n"+basis.Describe())
	} else {
		fmt.Fprintln(c.app.Stdout, "\nNo population estimate is loaded that this year's rates could use: add one (mappa add population YYYY FILE).")
	}
	return nil
}

// area prints one area's headline for the year and its figures for every
// loaded year.
func (c *SummaryCommand) area(ctx context.Context, st *store.Store, code string, year figure.FinancialYear, asJSON bool) error {
	rows, err := st.AreaTrend(ctx, code)
	if err != nil {
		return err
	}
	var this *store.SummaryRow
	for i := range rows {
		if rows[i].FinancialYear == year {
			this = &rows[i]
		}
	}
	if this == nil {
		return fmt.Errorf("no figures loaded for area %s in %q", code, year)
	}
	rep := areaReport{AreaCode: code, AreaName: this.AreaName, FinancialYear: year, Headline: headline(*this), Years: rows}
	if asJSON {
		return writeJSON(c.app.Stdout, rep)
	}
	fmt.Fprintf(c.app.Stdout, "%s\n\n%s (%s), every loaded year:\n\n", rep.Headline, rep.AreaName, code)
	w := tabwriter.NewWriter(c.app.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	terrorism := terrorismColumn(rows)
	fmt.Fprintf(w, "%-7s\tRSOs\tper 100k aged 10+\tE&W per 100k\tvs E&W %%\tgrowth %%\tviolent\t%stotal MAPPA\tpopulation\t\n", "year", terrorism.cell(nil))
	for _, r := range rows {
		pop := "–"
		if r.PopulationYear != nil {
			pop = "mid-" + strconv.FormatInt(*r.PopulationYear, 10)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s%s\t%s\t\n", r.FinancialYear, report.FormatCount(r.RSOs), report.FormatRate(r.Rate),
			report.FormatRate(r.EnglandAndWalesRate), versus(r.Rate, r.EnglandAndWalesRate), fmtNum(r.RSOGrowthPct, 1), report.FormatCount(r.Violent),
			terrorism.cell(&r), report.FormatCount(r.Total), pop)
	}
	return w.Flush()
}

// showTerrorism says whether a table has the terrorism column: only when
// one of its years published category 4, so earlier years show no empty
// column.
type showTerrorism bool

func terrorismColumn(rows []store.SummaryRow) showTerrorism {
	for _, r := range rows {
		if r.Terrorism.Known() || r.Terrorism.Marker != "" {
			return true
		}
	}
	return false
}

// cell is the column's cell of r, or its heading for nil, each with its
// tab; nothing when the table has no such column.
func (t showTerrorism) cell(r *store.SummaryRow) string {
	switch {
	case !bool(t):
		return ""
	case r == nil:
		return "terrorism\t"
	}
	return report.FormatCount(r.Terrorism) + "\t"
}

// headline says in one sentence what a reporter would write.
func headline(r store.SummaryRow) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s, %s: ", r.AreaName, r.FinancialYear)
	if r.AreaType == string(schema.NationalUnit) {
		// A unit, not a place: its offenders are mostly category 4, and
		// with no population there is no rate to compare.
		if r.Terrorism.Known() {
			fmt.Fprintf(&b, "%s terrorist and terrorism risk offenders (category 4) at 31 March %d", report.FormatCount(r.Terrorism), r.FinancialYear.End())
		} else {
			fmt.Fprintf(&b, "no category 4 figure published for 31 March %d", r.FinancialYear.End())
		}
		if r.Total.Known() {
			fmt.Fprintf(&b, ", %s MAPPA-eligible offenders in all", report.FormatCount(r.Total))
		}
		return b.String() + "; a national unit with no population, so no rate."
	}
	if !r.RSOs.Known() {
		fmt.Fprintf(&b, "the number of registered sexual offenders at 31 March %d was not published", r.FinancialYear.End())
		return b.String() + "."
	}
	fmt.Fprintf(&b, "%s registered sexual offenders at 31 March %d", report.FormatCount(r.RSOs), r.FinancialYear.End())
	if r.Rate.Known() {
		fmt.Fprintf(&b, ", %s per 100,000 people aged 10 and over", report.FormatRate(r.Rate))
		if r.EnglandAndWalesRate.Known() && r.AreaCode != "K04000001" {
			fmt.Fprintf(&b, " against %s for England and Wales", report.FormatRate(r.EnglandAndWalesRate))
		}
	}
	if r.RSOGrowthPct.Known() {
		dir := "up"
		if r.RSOGrowthPct.Float() < 0 {
			dir = "down"
		}
		fmt.Fprintf(&b, "; %s %.1f%% on %s", dir, math.Abs(r.RSOGrowthPct.Float()), r.FinancialYear.Previous())
	}
	return b.String() + "."
}

// writeJSON prints v as indented JSON: the --json output of every command
// that has one.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// nameWidth pads area names so that, in a right-aligned table, they read
// left-aligned.
func nameWidth(rows []store.SummaryRow) int {
	n := len("area")
	for _, r := range rows {
		n = max(n, utf8.RuneCountInString(r.AreaName))
	}
	return n
}
