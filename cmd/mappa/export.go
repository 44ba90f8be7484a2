package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/report"
)

// ExportCommand writes the public tables and views as CSV or JSON files.
type ExportCommand struct {
	app *App
}

// Name implements Command.
func (c *ExportCommand) Name() string { return "export" }

// Summary implements Command.
func (c *ExportCommand) Summary() string {
	return "write every public table and view as CSV or JSON files, or a Frictionless data package"
}

// exportExamples takes the list of tables and views, so the help cannot
// drift from what is written.
const exportExamples = `  mappa export --out export/
  mappa export --format json --out export/ && jq '.[0]' export/area_summary.json
  mappa export --db /srv/mappa/mappa.db --out /srv/www/mappa/
  mappa export --format datapackage --out package/   # CSVs and datapackage.json
  frictionless validate package/datapackage.json      # or any Data Package 2.0 reader
  mappa export --format datasette --out site/ && datasette mappa.db -m site/metadata.json -c site/datasette.json
  python3 -c 'import pandas as pd; print(pd.read_csv("export/area_summary.csv"))'

  # pandas reads the marker "n/a" as missing unless told not to:
  pd.read_csv("export/observations.csv", keep_default_na=False, na_values=[""])

Writes one file per table or view, <name>.csv or <name>.json, in DIR
(created if missing), replacing each atomically and leaving other files
alone:
%s.
The run log (runs, run_files) is not exported: it records commands, not
figures.

Columns come in their declared order and rows in key order, so the same
database always gives the same bytes. Files are UTF-8 without a BOM; CSV
has a header row and \n line ends, and a NULL is an empty field. JSON is an
array of objects, one a line, with null for NULL. Dates are ISO 8601 text.
A marker published instead of a figure ([c], [z], .., n/a ...) is in
observations.marker and its value is NULL; the nil marker "-" has value 0.
Everything is read from one snapshot of the database, so an export taken
while 'mappa run' is loading is consistent.

--format datapackage writes the CSV files and datapackage.json (Frictionless
Data Package 2.0): each file's fields with their types and descriptions (units
in the text), primary and foreign keys, missingValues [""] (a marker sits in
its own column, so no marker is a missing value), the licence (Open
Government Licence v3.0), the sources (the GOV.UK collection, each release
page and file) and, as its creation time, when the newest file entered the
archive: the same database gives the same package.
`

// Run implements Command.
func (c *ExportCommand) Run(ctx context.Context, args []string) error {
	var sf storeFlags
	fs := c.app.newFlagSet("export", "mappa export [--db PATH] [--format csv|json|datapackage|datasette] --out DIR",
		fmt.Sprintf(exportExamples, wrap(store.ExportTables(), "  ", 76)))
	sf.registerDB(fs)
	formatName := fs.String("format", "csv", "file format: csv, json, datapackage (the CSV files and a Frictionless datapackage.json describing them) or datasette (Datasette's metadata.json and datasette.json)")
	out := fs.String("out", "", "directory to write the files to (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError{"--out DIR is required"}
	}
	format, err := store.ParseExportFormat(*formatName)
	if err != nil {
		return usageError{err.Error()}
	}
	st, err := sf.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	name := strings.TrimSuffix(filepath.Base(sf.db), filepath.Ext(sf.db))
	res, err := store.Export(ctx, st.DB, *out, format, store.WithDatabaseName(name))
	if err != nil {
		return err
	}
	if format == store.ExportDatasette {
		fmt.Fprintf(c.app.Stdout, "wrote %s and %s for database %q; serve it with: datasette %s -m %s -c %s\n",
			filepath.Join(res.Dir, "metadata.json"), filepath.Join(res.Dir, "datasette.json"), name, sf.db,
			filepath.Join(res.Dir, "metadata.json"), filepath.Join(res.Dir, "datasette.json"))
		return nil
	}
	fmt.Fprintf(c.app.Stdout, "exported %d tables and views (%s rows) to %s as %s\n",
		len(res.Files), report.FormatCount(figure.Of(float64(res.Rows()))), res.Dir, res.Format)
	return nil
}

// wrap joins names with commas into lines of at most width characters.
func wrap(names []string, indent string, width int) string {
	var b strings.Builder
	line := indent
	for i, n := range names {
		if i < len(names)-1 {
			n += ","
		}
		if len(line) > len(indent) && len(line)+1+len(n) > width {
			b.WriteString(line + "\n")
			line = indent
		}
		if len(line) > len(indent) {
			line += " "
		}
		line += n
	}
	return b.String() + line
}
