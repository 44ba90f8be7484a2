package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/mappa-etl/mappa/schema"
)

// describedColumn is one column of a public table as the data package and
// the Datasette metadata describe it: from the schema and the columns
// table, the unit written into the description.
type describedColumn struct {
	Name, Declared, Unit, Description string
	PK                                int // its place in the primary key, 0 if none
}

// describeColumns reads a table's columns in declared order, each with
// its description.
func describeColumns(ctx context.Context, conn *sql.Conn, table string) ([]describedColumn, error) {
	rows, err := conn.QueryContext(ctx, `SELECT t.name, t.type, t.pk, COALESCE(c.description, ''), COALESCE(c.unit, '')
		FROM pragma_table_info(?1) t LEFT JOIN columns c ON c.table_name = ?1 AND c.column_name = t.name ORDER BY t.cid`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []describedColumn
	for rows.Next() {
		var c describedColumn
		if err := rows.Scan(&c.Name, &c.Declared, &c.PK, &c.Description, &c.Unit); err != nil {
			return nil, err
		}
		if c.Unit != "" {
			c.Description = strings.TrimSpace(c.Description + " Unit: " + c.Unit + ".")
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// tableDocs are the tables' descriptions (schema/tables.tsv), by name.
func tableDocs() map[string]schema.TableDoc {
	docs := map[string]schema.TableDoc{}
	for _, d := range schema.TableDocs() {
		docs[d.Name] = d
	}
	return docs
}

// tableTitle is "observations: one row per published figure".
func tableTitle(table string, doc schema.TableDoc) string {
	if doc.OneRowPer == "" {
		return table
	}
	return table + ": one row per " + doc.OneRowPer
}
