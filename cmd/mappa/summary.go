package main

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"
)

// SummaryCommand prints one year's figures by area.
type SummaryCommand struct {
	app *App
}

// Name implements Command.
func (c *SummaryCommand) Name() string { return "summary" }

// Summary implements Command.
func (c *SummaryCommand) Summary() string {
	return "print one year's RSOs, rates and growth by area"
}

const summaryExamples = `  mappa summary
  mappa summary --year 2019-20
  mappa summary --year 2019-20 --json
`

// Run implements Command.
func (c *SummaryCommand) Run(ctx context.Context, args []string) error {
	var sf storeFlags
	fs := c.app.newFlagSet("summary", "mappa summary [--db PATH] [--year YYYY-YY] [--json]", summaryExamples)
	sf.register(fs)
	year := fs.String("year", "", "financial year, e.g. 2019-20 (default: the latest loaded)")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if err := parse(fs, args); err != nil {
		return err
	}
	st, err := sf.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if *year == "" {
		if *year, err = st.LatestYear(ctx); err != nil {
			return err
		}
	}
	rows, err := st.Summary(ctx, *year)
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return fmt.Errorf("no figures loaded for %q", *year)
	}
	if *asJSON {
		enc := json.NewEncoder(c.app.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	w := tabwriter.NewWriter(c.app.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "%s\tRSOs\tper 100k aged 10+\tpublished\tRSO growth %%\tviolent\ttotal MAPPA\t\n", "area ("+*year+")")
	for _, r := range rows {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.AreaName, fmtNum(r.RSOs, 0), fmtNum(r.Rate, 1),
			fmtNum(r.RatePublished, 1), fmtNum(r.RSOGrowthPct, 1), fmtNum(r.Violent, 0), fmtNum(r.Total, 0))
	}
	return w.Flush()
}

func fmtNum(v *float64, decimals int) string {
	if v == nil {
		return "–"
	}
	return fmt.Sprintf("%.*f", decimals, *v)
}
