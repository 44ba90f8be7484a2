package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/mappa-etl/mappa/schema"
)

// ListCommand lists what mappa knows and holds, without SQL: the
// reference areas, the measures, the loaded years and estimates.
type ListCommand struct {
	app *App
}

// Name implements Command.
func (c *ListCommand) Name() string { return "list" }

// Summary implements Command.
func (c *ListCommand) Summary() string {
	return "list the areas, the measures, or the loaded years and estimates"
}

const listExamples = `  mappa list areas                  # codes, names, aliases and type; no database needed
  mappa list measures               # what each measure counts, and how tables head it
  mappa list years                  # the loaded financial years and population estimates
  mappa list areas --json | jq -r '.[].name'
`

// listArea is one area as list prints it.
type listArea struct {
	Code    string   `json:"code"`
	Name    string   `json:"name"`
	Type    string   `json:"type"`
	Country string   `json:"country"`
	Aliases []string `json:"aliases"`
}

// Run implements Command.
func (c *ListCommand) Run(ctx context.Context, args []string) error {
	var sf storeFlags
	fs := c.app.newFlagSet("list", "mappa list [--db PATH] [--json] areas | measures | years", listExamples)
	sf.registerDB(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	what := fs.Args()
	if len(what) != 1 {
		return usageError{"want: list areas, list measures or list years"}
	}
	switch what[0] {
	case "areas":
		return c.areas(*asJSON)
	case "measures":
		return c.measures(ctx, sf, *asJSON)
	case "years":
		return c.years(ctx, sf, *asJSON)
	}
	return usageError{fmt.Sprintf("unknown list %q: want areas, measures or years%s", what[0], didYouMean(what[0], []string{"areas", "measures", "years"}))}
}

func (c *ListCommand) areas(asJSON bool) error {
	var out []listArea
	for _, a := range schema.AllAreas() {
		aliases := a.Aliases
		if aliases == nil {
			aliases = []string{}
		}
		out = append(out, listArea{Code: a.Code, Name: a.Name, Type: string(a.Type), Country: a.Country, Aliases: aliases})
	}
	if asJSON {
		return writeJSON(c.app.Stdout, out)
	}
	w := tabwriter.NewWriter(c.app.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "CODE\tNAME\tTYPE\tALSO PUBLISHED AS")
	for _, a := range out {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", a.Code, a.Name, a.Type, strings.Join(a.Aliases, "; "))
	}
	return w.Flush()
}

func (c *ListCommand) measures(ctx context.Context, sf storeFlags, asJSON bool) error {
	st, err := sf.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	ms, err := st.Measures(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(c.app.Stdout, ms)
	}
	for _, m := range ms {
		fmt.Fprintf(c.app.Stdout, "%s (%s, %s)\n  %s\n  published as: %s\n", m.Measure, m.Unit, m.Timing, m.Description, m.PublishedAs)
	}
	return nil
}

func (c *ListCommand) years(ctx context.Context, sf storeFlags, asJSON bool) error {
	st, err := sf.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := st.Status(ctx, 0)
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(c.app.Stdout, struct {
			Releases   any `json:"releases"`
			Population any `json:"population"`
		}{rep.Releases, rep.Population})
	}
	w := tabwriter.NewWriter(c.app.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "FINANCIAL YEAR\tFILE\tRATES ON")
	for _, r := range rep.Releases {
		fmt.Fprintf(w, "%s\t%s\t%s\n", r.FinancialYear, r.File, ratesOn(r))
	}
	fmt.Fprintln(w, "\nMID-YEAR\tEDITION\tFILE")
	for _, p := range rep.Population {
		fmt.Fprintf(w, "%d\t%s\t%s\n", p.MidYear, editionCell(p), p.File)
	}
	return w.Flush()
}
