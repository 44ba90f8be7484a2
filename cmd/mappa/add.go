package main

import (
	"context"
	"fmt"
	"time"

	"github.com/mappa-etl/mappa/pipeline"
	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/sources/archive"
)

// AddCommand archives one local file and loads it.
type AddCommand struct {
	app *App
}

// Name implements Command.
func (c *AddCommand) Name() string { return "add" }

// Summary implements Command.
func (c *AddCommand) Summary() string {
	return "archive a local file (area tables, population or lookup) and load it"
}

const addExamples = `  mappa add area-tables 2019-20 MAPPA_Annual_Report_2019-20_Area_Tables.xlsx
  mappa add lookup LAD21_CSP21_PFA21_EW_LU.csv
  mappa add population 2019 ukpopestimatesmid2019.xlsx
  mappa add --db stats.db --archive /srv/mappa/archive area-tables 2023-24 tables.ods

The file is parsed and mapped completely before it enters the archive; a file
that fails is set aside in ARCHIVE/rejected/ with its error and nothing is
loaded. Adding the same bytes again does nothing. Add lookups before the
local-authority population files they map.
`

// Run implements Command.
func (c *AddCommand) Run(ctx context.Context, args []string) error {
	var sf storeFlags
	fs := c.app.newFlagSet("add", "mappa add [--db PATH] [--archive DIR] area-tables YYYY-YY FILE | population YYYY FILE | lookup FILE", addExamples)
	sf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	in, err := addArgs(fs.Args())
	if err != nil {
		return err
	}
	kind, period := in.kind, in.period
	unlock, err := pipeline.LockWriter(sf.db)
	if err != nil {
		return err
	}
	defer unlock()
	a, err := archive.Open(sf.archive)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, sf.db)
	if err != nil {
		return err
	}
	defer st.Close()
	runID, err := st.StartRun(ctx, "add", args, time.Now())
	if err != nil {
		return err
	}
	res, err := pipeline.AddFile(ctx, a, st, c.app.Log, kind, period, in.path)
	var years []figure.FinancialYear
	if err == nil && res.Loaded && kind == archive.KindAreaTables {
		years = []figure.FinancialYear{in.year}
	}
	if ferr := st.FinishRun(ctx, runID, err, store.RunTotals{Years: years}); err == nil {
		err = ferr
	}
	if err != nil {
		if res.Rejected != "" {
			return fmt.Errorf("%w\nthe file was set aside as %s; nothing was loaded", err, res.Rejected)
		}
		return err
	}
	verb := "archived and loaded"
	switch {
	case !res.Added && res.Loaded:
		verb = "already archived, now loaded:"
	case !res.Added:
		verb = "already archived, nothing changed:"
	}
	fmt.Fprintf(c.app.Stdout, "%s %s %s %s (sha256 %s)\n", verb, kind, period, res.Entry.Filename, res.Entry.SHA256[:12])
	// A population estimate or a lookup changes the rates, and so the
	// checks, of every year that uses it: show every year's (in.year is
	// none for them).
	return printLoadReport(ctx, c.app, st, in.year)
}

// addInput is what mappa add was asked to add: a kind, its period as typed
// and, for area tables, parsed.
type addInput struct {
	kind         archive.Kind
	period, path string
	year         figure.FinancialYear
}

func addArgs(args []string) (addInput, error) {
	if len(args) == 0 {
		return addInput{}, usageError{"missing kind: area-tables, population or lookup"}
	}
	in := addInput{kind: archive.Kind(args[0])}
	switch in.kind {
	case archive.KindLookup:
		if len(args) != 2 {
			return addInput{}, usageError{"want: add lookup FILE"}
		}
		in.path = args[1]
		return in, nil
	case archive.KindAreaTables:
		if len(args) != 3 {
			return addInput{}, usageError{"want: add area-tables YYYY-YY FILE"}
		}
		y, err := figure.ParseFinancialYear(args[1])
		if err != nil {
			return addInput{}, usageError{err.Error()}
		}
		in.year = y
	case archive.KindPopulation:
		if len(args) != 3 {
			return addInput{}, usageError{"want: add population YYYY FILE"}
		}
		if _, err := figure.ParseMidYear(args[1]); err != nil {
			return addInput{}, usageError{err.Error()}
		}
	default:
		return addInput{}, usageError{fmt.Sprintf("unknown kind %q: want area-tables, population or lookup", in.kind)}
	}
	in.period, in.path = args[1], args[2]
	return in, nil
}
