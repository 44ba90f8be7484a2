package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/google/renameio/v2"

	"github.com/mappa-etl/mappa/schema"
)

// ExportDataPackage writes the CSV files and a datapackage.json that
// describes them (Frictionless Data Package 2.0, with Table Schemas).
const ExportDataPackage ExportFormat = "datapackage"

// DataPackageProfile is the profile the descriptor declares.
const DataPackageProfile = "https://datapackage.org/profiles/2.0/datapackage.json"

// CollectionURL is the GOV.UK collection the releases are published in.
const CollectionURL = "https://www.gov.uk/government/collections/multi-agency-public-protection-arrangements-mappa-annual-reports"

type dataPackage struct {
	Schema      string       `json:"$schema"`
	Name        string       `json:"name"`
	Title       string       `json:"title"`
	Description string       `json:"description"`
	Created     string       `json:"created,omitempty"`
	Licenses    []dpLicense  `json:"licenses"`
	Sources     []dpSource   `json:"sources"`
	Resources   []dpResource `json:"resources"`
}

type dpLicense struct {
	Name  string `json:"name"`
	Path  string `json:"path"`
	Title string `json:"title"`
}

type dpSource struct {
	Title string `json:"title"`
	Path  string `json:"path,omitempty"`
}

type dpResource struct {
	Name        string   `json:"name"`
	Type        string   `json:"type"`
	Path        string   `json:"path"`
	Format      string   `json:"format"`
	Mediatype   string   `json:"mediatype"`
	Encoding    string   `json:"encoding"`
	Title       string   `json:"title,omitempty"`
	Description string   `json:"description,omitempty"`
	Schema      dpSchema `json:"schema"`
}

type dpSchema struct {
	Fields        []dpField      `json:"fields"`
	MissingValues []string       `json:"missingValues"`
	PrimaryKey    []string       `json:"primaryKey,omitempty"`
	ForeignKeys   []dpForeignKey `json:"foreignKeys,omitempty"`
}

type dpField struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Description string `json:"description,omitempty"`
}

type dpForeignKey struct {
	Fields    []string    `json:"fields"`
	Reference dpReference `json:"reference"`
}

type dpReference struct {
	Resource string   `json:"resource"`
	Fields   []string `json:"fields"`
}

// writeDataPackage writes dir/datapackage.json for the exported tables,
// from the same snapshot: each resource's fields with their types and
// descriptions (the unit in the text), keys, and where the data came from.
// created is when the newest file entered the archive, so the same
// database always gives the same descriptor.
func writeDataPackage(ctx context.Context, conn *sql.Conn, dir string, tables []string) error {
	docs := tableDocs()
	pkg := dataPackage{Schema: DataPackageProfile, Name: "mappa",
		Title: "MAPPA statistics: offenders managed under Multi-Agency Public Protection Arrangements, England and Wales",
		Description: "The Ministry of Justice's annual MAPPA area tables, every figure with the file, sheet and cell it came from, " +
			"with ONS mid-year population estimates and the rates, growth and checks mappa computes from them. " +
			"A marker the MoJ published instead of a figure ([c], [z], .., n/a ...) sits in its own column (observations.marker), " +
			"the value column then empty; the nil marker '-' has value 0. An empty field is NULL, never a marker. " +
			"Built by mappa; docs/data-dictionary.md describes every table and column.",
		Licenses: []dpLicense{{Name: "OGL-UK-3.0", Path: "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
			Title: "Open Government Licence v3.0"}},
	}
	if err := conn.QueryRowContext(ctx, "SELECT COALESCE(MAX(fetched_at), '') FROM source_files").Scan(&pkg.Created); err != nil {
		return err
	}
	var err error
	if pkg.Sources, err = packageSources(ctx, conn); err != nil {
		return err
	}
	for _, table := range tables {
		r, err := packageResource(ctx, conn, table, docs[table])
		if err != nil {
			return fmt.Errorf("describe %s: %w", table, err)
		}
		pkg.Resources = append(pkg.Resources, r)
	}
	b, err := json.MarshalIndent(pkg, "", "  ")
	if err != nil {
		return err
	}
	return renameio.WriteFile(filepath.Join(dir, "datapackage.json"), append(b, '\n'), 0o644, renameio.WithStaticPermissions(0o644))
}

// packageSources are the GOV.UK collection, each release page and each
// downloaded file, in order.
func packageSources(ctx context.Context, conn *sql.Conn) ([]dpSource, error) {
	out := []dpSource{{Title: "Multi-agency public protection arrangements (MAPPA): annual reports, GOV.UK (Ministry of Justice)", Path: CollectionURL}}
	rows, err := conn.QueryContext(ctx, `SELECT title, path FROM (
			SELECT 1 AS k, financial_year AS o, COALESCE(title, 'MAPPA annual report ' || financial_year) AS title, landing_url AS path
			FROM releases WHERE landing_url IS NOT NULL
			UNION SELECT 2, filename, filename || ' (' || kind || COALESCE(' ' || period, '') || ')', url FROM source_files WHERE url IS NOT NULL)
		ORDER BY k, o, path`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var s dpSource
		if err := rows.Scan(&s.Title, &s.Path); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// fieldType is a column's Table Schema type: from its unit where that says
// (dates, timestamps in UTC), else from its declared SQLite type, else
// (the expressions of views) from its values.
func fieldType(ctx context.Context, conn *sql.Conn, table, column, declared, unit string) (string, error) {
	switch {
	case strings.HasPrefix(unit, "date (YYYY-MM-DD)"):
		return "date", nil
	case strings.HasPrefix(unit, "timestamp (RFC 3339, UTC)"):
		return "datetime", nil
	}
	switch strings.ToUpper(declared) {
	case "TEXT":
		return "string", nil
	case "INTEGER":
		return "integer", nil
	case "NUMERIC", "REAL":
		return "number", nil
	}
	var kinds string
	q := fmt.Sprintf(`SELECT COALESCE(group_concat(DISTINCT typeof(%s)), '') FROM %s`, quoteIdents([]string{column}), quoteIdents([]string{table}))
	if err := conn.QueryRowContext(ctx, q).Scan(&kinds); err != nil {
		return "", err
	}
	switch strings.ReplaceAll(strings.ReplaceAll(kinds, "null", ""), ",", "") {
	case "integer":
		return "integer", nil
	case "real", "integerreal", "realinteger":
		return "number", nil
	case "":
		return "any", nil
	}
	return "string", nil
}

func packageResource(ctx context.Context, conn *sql.Conn, table string, doc schema.TableDoc) (dpResource, error) {
	r := dpResource{Name: table, Type: "table", Path: table + ".csv", Format: "csv", Mediatype: "text/csv", Encoding: "utf-8",
		Title: tableTitle(table, doc), Description: doc.Description}
	r.Schema.MissingValues = []string{""}
	cols, err := describeColumns(ctx, conn, table)
	if err != nil {
		return r, err
	}
	keys := map[int]string{}
	for _, c := range cols {
		typ, err := fieldType(ctx, conn, table, c.Name, c.Declared, c.Unit)
		if err != nil {
			return r, err
		}
		r.Schema.Fields = append(r.Schema.Fields, dpField{Name: c.Name, Type: typ, Description: c.Description})
		if c.PK > 0 {
			keys[c.PK] = c.Name
		}
	}
	for i := 1; i <= len(keys); i++ {
		r.Schema.PrimaryKey = append(r.Schema.PrimaryKey, keys[i])
	}
	r.Schema.ForeignKeys, err = foreignKeys(ctx, conn, table)
	return r, err
}

// foreignKeys are a table's foreign keys, each to the resource of the
// table it references.
func foreignKeys(ctx context.Context, conn *sql.Conn, table string) ([]dpForeignKey, error) {
	rows, err := conn.QueryContext(ctx, `SELECT id, "table", "from", COALESCE("to", '') FROM pragma_foreign_key_list(?) ORDER BY id, seq`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []dpForeignKey
	last := -1
	for rows.Next() {
		var id int
		var ref, from, to string
		if err := rows.Scan(&id, &ref, &from, &to); err != nil {
			return nil, err
		}
		if id != last {
			out = append(out, dpForeignKey{Reference: dpReference{Resource: ref}})
			last = id
		}
		fk := &out[len(out)-1]
		fk.Fields = append(fk.Fields, from)
		fk.Reference.Fields = append(fk.Reference.Fields, to)
	}
	return out, rows.Err()
}
