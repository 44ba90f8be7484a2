package main

import (
	"context"
	"fmt"

	"github.com/mappa-etl/mappa/report"
)

// ReportCommand writes one year's figures, their trend and provenance as a
// self-contained HTML page.
type ReportCommand struct {
	app *App
}

// Name implements Command.
func (c *ReportCommand) Name() string { return "report" }

// Summary implements Command.
func (c *ReportCommand) Summary() string {
	return "write an HTML report: rates by area, trends, checks and sources"
}

const reportExamples = `  mappa report --out report.html
  mappa report --out report.html --year 2019-20
  mappa report --out essex.html --area Essex
  mappa report --db /data/mappa.db --out report.html --area E23000028
`

// Run implements Command.
func (c *ReportCommand) Run(ctx context.Context, args []string) error {
	var sf storeFlags
	fs := c.app.newFlagSet("report", "mappa report [--db PATH] --out FILE.html [--year YYYY-YY] [--area CODE_OR_NAME]", reportExamples)
	sf.registerDB(fs)
	out := fs.String("out", "", "HTML file to write (required)")
	year := fs.String("year", "", "financial year, e.g. 2019-20 (default: the latest loaded)")
	area := fs.String("area", "", "area to highlight and show the trend of: ONS code, name or alias (default: none)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError{"--out is required: the HTML file to write"}
	}
	if err := outFile("--out", *out); err != nil {
		return err
	}
	y, err := yearArg(*year)
	if err != nil {
		return err
	}
	var opts []report.Option
	if y != "" {
		opts = append(opts, report.WithYear(y))
	}
	if *area != "" {
		// Resolved here as well as in Build so that a mistyped area is a
		// usage error (exit 2), not a failed run.
		a, err := areaArg(*area)
		if err != nil {
			return err
		}
		opts = append(opts, report.WithArea(a.Code))
	}
	st, err := sf.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := loadedYear(ctx, st, y); err != nil {
		return err
	}
	r, err := report.Build(ctx, st, opts...)
	if err != nil {
		return err
	}
	if err := r.WriteFile(*out); err != nil {
		return err
	}
	what := r.Year.String()
	if r.Area != nil {
		what += ", " + r.Area.Name
	}
	fmt.Fprintf(c.app.Stdout, "wrote %s (%s)\n", *out, what)
	return nil
}
