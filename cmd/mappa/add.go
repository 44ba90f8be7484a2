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
  mappa add area-tables MAPPA_Annual_Report_2019-20_Area_Tables.xlsx   # the year it states
  mappa add population ukmidyearestimates20192019ladcodes.xls         # mid-2019, as it states
  mappa add lookup LAD21_CSP21_PFA21_EW_LU.csv
  mappa add population 2019 ukmidyearestimates20192019ladcodes.xls
  mappa add --edition 2023-11-30 population 2012-2022 myebtablesenglandwales20112022.xlsx
  mappa add --db stats.db --archive /srv/mappa/archive area-tables 2023-24 tables.ods

The file is parsed and mapped completely before it enters the archive; a file
that fails is set aside in ARCHIVE/rejected/ with its error and nothing is
loaded. Adding the same bytes again does nothing.

The year may be typed 2019-20, 2019/20 or "2019 to 2020", or left out: the
file's titles, sheet names or file name state it. A year that contradicts
what the file states is refused, naming the evidence; --force-year loads it
anyway, for a file whose titles are wrong. A file filed under the wrong
year is put right with 'mappa archive relabel'.

Population estimates need no lookup: local authorities reach their police
force areas through the bundled code history (every code ONS has used since
mid-2011), and a lookup you add wins where it covers a code. Each estimate is
an edition: the release date the file states, else --edition, else today.
Editions of one mid-year stand side by side; the population table holds the
latest. A back series in long format (one row per authority, sex and age, one
column per mid-year) is added as the span of mid-years it holds, 2012-2022.
`

// Run implements Command.
func (c *AddCommand) Run(ctx context.Context, args []string) error {
	var sf storeFlags
	fs := c.app.newFlagSet("add", "mappa add [--db PATH] [--archive DIR] [--force-year] [--edition YYYY-MM-DD] area-tables [YYYY-YY] FILE | population [YYYY[-YYYY]] FILE | lookup FILE", addExamples)
	sf.register(fs)
	forceYear := fs.Bool("force-year", false, "load the file under the year given even where its titles or name state another")
	editionFlag := fs.String("edition", "", "add a population estimate as this `edition` (the date ONS published it, YYYY-MM-DD), whatever the file states")
	if err := parse(fs, args); err != nil {
		return err
	}
	in, err := addArgs(fs.Args())
	if err != nil {
		return err
	}
	var opts []pipeline.AddOption
	if *forceYear {
		if in.period == "" {
			return usageError{"--force-year needs the year to load the file as"}
		}
		opts = append(opts, pipeline.WithForceYear())
	}
	if *editionFlag != "" {
		if in.kind != archive.KindPopulation {
			return usageError{"--edition is for population estimates only"}
		}
		e, err := figure.ParseEdition(*editionFlag)
		if err != nil {
			return usageError{err.Error()}
		}
		opts = append(opts, pipeline.WithEdition(e))
	}
	kind := in.kind
	if err := sf.checkDB(); err != nil {
		return err
	}
	unlock, err := pipeline.LockWriter(sf.db)
	if err != nil {
		return err
	}
	defer unlock()
	a, err := sf.openArchive(c.app.Log)
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
	res, err := pipeline.AddFile(ctx, a, st, c.app.Log, kind, in.period, in.path, opts...)
	var year figure.FinancialYear // the year loaded, as the file states it when none was given
	if err == nil && kind == archive.KindAreaTables {
		year = figure.FinancialYear(res.Entry.Period)
	}
	var years []figure.FinancialYear
	if res.Loaded && year != "" {
		years = []figure.FinancialYear{year}
	}
	if ferr := st.FinishRun(ctx, runID, err, store.RunTotals{Years: years}); err == nil {
		err = ferr
	}
	if err != nil {
		if res.Rejected != "" {
			return fmt.Errorf("%w (nothing was loaded; the file was set aside as %s)", err, res.Rejected)
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
	what := string(kind) + " " + res.Entry.Period
	if kind == archive.KindPopulation {
		ed, from := archive.EditionOf(res.Entry)
		what += fmt.Sprintf(" (%s)", describeEdition(ed, from))
	}
	fmt.Fprintf(c.app.Stdout, "%s %s %s (sha256 %s)\n", verb, what, res.Entry.Filename, res.Entry.SHA256[:12])
	// A population estimate or a lookup changes the rates, and so the
	// checks, of every year that uses it: show every year's (in.year is
	// none for them).
	_, err = printLoadReport(ctx, c.app, st, year)
	return err
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
	case archive.KindAreaTables, archive.KindPopulation:
	default:
		return addInput{}, usageError{fmt.Sprintf("unknown kind %q: want area-tables, population or lookup%s", in.kind,
			didYouMean(args[0], []string{string(archive.KindAreaTables), string(archive.KindPopulation), string(archive.KindLookup)}))}
	}
	switch len(args) {
	case 2: // the period the file states
		in.path = args[1]
		return in, nil
	case 3:
		in.path = args[2]
	default:
		if in.kind == archive.KindAreaTables {
			return addInput{}, usageError{"want: add area-tables [YYYY-YY] FILE"}
		}
		return addInput{}, usageError{"want: add population [YYYY] FILE, or population YYYY-YYYY FILE for a back series"}
	}
	// Periods are normalised as typed ("2019/20" is 2019-20), so the
	// archive files one period under one name.
	if in.kind == archive.KindAreaTables {
		y, err := yearArg(args[1])
		if err != nil {
			return addInput{}, err
		}
		in.year, in.period = y, y.String()
		return in, nil
	}
	span, err := figure.ParseMidYears(args[1])
	if err != nil {
		return addInput{}, usageError{err.Error()}
	}
	in.period = span.String()
	return in, nil
}

// describeEdition says where an edition came from: "edition 2019-06-26,
// as the file states".
func describeEdition(edition, from string) string {
	switch from {
	case archive.EditionFromFile:
		return "edition " + edition + ", as the file states"
	case archive.EditionFromOption:
		return "edition " + edition + ", as given"
	}
	return "edition " + edition + ", the day it was added: the file states no release date"
}
