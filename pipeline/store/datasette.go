package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"

	"github.com/google/renameio/v2"

	"github.com/mappa-etl/mappa/schema"
)

// ExportDatasette writes Datasette's metadata.json and its configuration,
// datasette.json, for the database: `datasette mappa.db -m metadata.json
// -c datasette.json`.
const ExportDatasette ExportFormat = "datasette"

const (
	licence    = "Open Government Licence v3.0"
	licenceURL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
	source     = "Ministry of Justice, MAPPA annual reports (GOV.UK); ONS mid-year population estimates"
)

// dsTable is one table's metadata as Datasette 1.0 reads it.
type dsTable struct {
	Title       string            `json:"title,omitempty"`
	Description string            `json:"description"`
	License     string            `json:"license"`
	LicenseURL  string            `json:"license_url"`
	Source      string            `json:"source"`
	SourceURL   string            `json:"source_url"`
	Columns     map[string]string `json:"columns"`
}

type dsMetadata struct {
	Title       string                `json:"title"`
	Description string                `json:"description"`
	License     string                `json:"license"`
	LicenseURL  string                `json:"license_url"`
	Source      string                `json:"source"`
	SourceURL   string                `json:"source_url"`
	Databases   map[string]dsDatabase `json:"databases"`
}

type dsDatabase struct {
	Description string             `json:"description,omitempty"`
	Tables      map[string]dsTable `json:"tables"`
}

type dsQuery struct {
	Title string `json:"title"`
	SQL   string `json:"sql"`
}

type dsConfigTable struct {
	Facets   []string `json:"facets,omitempty"`
	SortDesc string   `json:"sort_desc,omitempty"`
}

type dsConfig struct {
	Databases map[string]struct {
		Queries map[string]dsQuery       `json:"queries"`
		Tables  map[string]dsConfigTable `json:"tables"`
	} `json:"databases"`
}

// facets are the columns Datasette offers to filter each table by.
var facets = map[string]dsConfigTable{
	"area_summary":  {Facets: []string{"financial_year", "area_type"}},
	"observations":  {Facets: []string{"financial_year", "measure", "category", "level"}},
	"check_results": {Facets: []string{"status", "check_name", "financial_year"}},
	"revisions":     {Facets: []string{"financial_year", "measure"}},
	"rso_rates":     {Facets: []string{"financial_year"}},
	"growth":        {Facets: []string{"financial_year", "measure"}},
	"vintages":      {Facets: []string{"financial_year", "is_current"}},
	"release_pages": {Facets: []string{"status"}},
}

// writeDatasette writes dir/metadata.json, describing every exported
// table and column (units in the text) with the licence and source on
// each, and dir/datasette.json, with the README's queries as canned
// queries and facets, for the database named db (its file name without
// the extension, as Datasette names it).
func writeDatasette(ctx context.Context, conn *sql.Conn, dir, db string, tables []string) error {
	docs := tableDocs()
	md := dsMetadata{Title: "MAPPA statistics, England and Wales",
		Description: "Offenders managed under Multi-Agency Public Protection Arrangements, from the Ministry of Justice's annual area tables, " +
			"every figure with the file, sheet and cell it came from, with ONS population estimates and the rates, growth and checks computed from them.",
		License: licence, LicenseURL: licenceURL, Source: source, SourceURL: CollectionURL,
		Databases: map[string]dsDatabase{db: {Tables: map[string]dsTable{}}}}
	for _, table := range tables {
		t := dsTable{Title: tableTitle(table, docs[table]), Description: docs[table].Description, License: licence, LicenseURL: licenceURL,
			Source: source, SourceURL: CollectionURL, Columns: map[string]string{}}
		cols, err := describeColumns(ctx, conn, table)
		if err != nil {
			return err
		}
		for _, c := range cols {
			t.Columns[c.Name] = c.Description
		}
		md.Databases[db].Tables[table] = t
	}
	var cfg dsConfig
	cfg.Databases = map[string]struct {
		Queries map[string]dsQuery       `json:"queries"`
		Tables  map[string]dsConfigTable `json:"tables"`
	}{db: {Queries: map[string]dsQuery{}, Tables: facets}}
	for _, q := range schema.CannedQueries() {
		cfg.Databases[db].Queries[q.Name] = dsQuery{Title: q.Title, SQL: q.SQL}
	}
	for name, v := range map[string]any{"metadata.json": md, "datasette.json": cfg} {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return err
		}
		if err := renameio.WriteFile(filepath.Join(dir, name), append(b, '\n'), 0o644, renameio.WithStaticPermissions(0o644)); err != nil {
			return err
		}
	}
	return nil
}
