package schema

import (
	"context"
	"database/sql"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
)

//go:embed dictionary_intro.md
var dictionaryIntro string

//go:embed tables.tsv
var tablesTSV string

// TableDoc describes one table or view of the database.
type TableDoc struct {
	Name, OneRowPer, Description string
}

// TableDocs returns the embedded table descriptions in the order the data
// dictionary presents them: what analysts use first, operational logs last.
func TableDocs() []TableDoc {
	r := csv.NewReader(strings.NewReader(tablesTSV))
	r.Comma = '\t'
	r.LazyQuotes = true
	recs, err := r.ReadAll()
	if err != nil {
		panic(fmt.Sprintf("schema: read embedded tables.tsv: %v", err))
	}
	var out []TableDoc
	for _, rec := range recs[1:] {
		out = append(out, TableDoc{Name: rec[0], OneRowPer: rec[1], Description: rec[2]})
	}
	return out
}

// WriteDictionary writes the data dictionary as Markdown. Column names,
// types and keys come from the database's own schema and the wording from
// its columns and measures tables, so the dictionary cannot describe a
// column the database does not have.
func WriteDictionary(ctx context.Context, db *sql.DB, w io.Writer) error {
	var b strings.Builder
	b.WriteString(dictionaryIntro)
	if err := writeMeasures(ctx, db, &b); err != nil {
		return fmt.Errorf("data dictionary: measures: %w", err)
	}
	b.WriteString("\n## Tables and views\n")
	for _, t := range TableDocs() {
		if err := writeTable(ctx, db, &b, t); err != nil {
			return fmt.Errorf("data dictionary: %s: %w", t.Name, err)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeMeasures(ctx context.Context, db *sql.DB, b *strings.Builder) error {
	rows, err := db.QueryContext(ctx, "SELECT measure, timing, unit, description, COALESCE(published_as, '') FROM measures ORDER BY rowid")
	if err != nil {
		return err
	}
	defer rows.Close()
	b.WriteString("\n## Measures\n\nThe values of `observations.measure` (and `growth.measure`).\n\n")
	b.WriteString("| measure | counted | unit | what it is | headed in the spreadsheets as |\n|---|---|---|---|---|\n")
	for rows.Next() {
		var m, timing, unit, desc, published string
		if err := rows.Scan(&m, &timing, &unit, &desc, &published); err != nil {
			return err
		}
		fmt.Fprintf(b, "| `%s` | %s | %s | %s | %s |\n", m, timing, unit, cell(desc), cell(published))
	}
	return rows.Err()
}

func writeTable(ctx context.Context, db *sql.DB, b *strings.Builder, t TableDoc) error {
	var kind string
	if err := db.QueryRowContext(ctx, "SELECT type FROM sqlite_schema WHERE name = ?", t.Name).Scan(&kind); err != nil {
		return err
	}
	fmt.Fprintf(b, "\n### `%s` (%s)\n\n%s One row per %s.\n\n", t.Name, kind, t.Description, t.OneRowPer)
	b.WriteString("| column | type | unit | description |\n|---|---|---|---|\n")
	rows, err := db.QueryContext(ctx, `SELECT p.name, p.type, p.pk, COALESCE(c.unit, ''), COALESCE(c.description, '')
		FROM pragma_table_info(?) p LEFT JOIN columns c ON c.table_name = ? AND c.column_name = p.name
		ORDER BY p.cid`, t.Name, t.Name)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var name, typ, unit, desc string
		var pk int
		if err := rows.Scan(&name, &typ, &pk, &unit, &desc); err != nil {
			return err
		}
		key := ""
		if pk > 0 {
			key = " (key)"
		}
		if typ == "" {
			typ = "–" // view columns computed by expressions have no declared type
		}
		fmt.Fprintf(b, "| `%s`%s | %s | %s | %s |\n", name, key, typ, cell(unit), cell(desc))
	}
	return rows.Err()
}

// cell escapes text for a Markdown table cell.
func cell(s string) string {
	return strings.ReplaceAll(s, "|", `\|`)
}
