package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// boxCache boxes each distinct string once.
type boxCache map[string]any

func (c boxCache) of(s string) any {
	if b, ok := c[s]; ok {
		return b
	}
	b := any(s)
	c[s] = b
	return b
}

// nullableNumber passes a value as database/sql would convert the pointer,
// without the reflection its converter uses for pointers.
func nullableNumber(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

// rowsPerInsert is how many rows one INSERT statement carries. Executing a
// statement has a fixed cost in database/sql and the driver (converting
// arguments, a goroutine watching a cancellable context, the cgo call)
// that, for rows of a few short values, was most of the cost of a row:
// BenchmarkLoadAreaTables/large/insert went from 30-60,000 observations a
// second at one row per statement to 110-180,000 at 200 (on a busy shared
// machine); beyond 200 rows the gain flattens. 200 rows of 10 values stay
// far below SQLite's limit of 32,766 parameters.
const rowsPerInsert = 200

// bulkInsert inserts rows into one table, rowsPerInsert rows to a
// prepared multi-row INSERT; flush inserts what remains. Values the same
// for every row of a load (its year, its source file) are bound once a
// statement, as ?1, ?2, ..., not once a row: binding is a cgo call a value.
// A failed statement changes nothing (SQLite rolls back the statement, not
// the transaction), so its rows are then inserted one at a time to name
// the row at fault in a *bulkRowError.
type bulkInsert struct {
	ctx     context.Context
	tx      *sql.Tx
	prefix  string // INSERT INTO table (fixed columns, columns) VALUES
	fixed   int    // values bound once a statement, at the front of args
	width   int    // values added per row
	full    *sql.Stmt
	args    []any // the fixed values, then the queued rows' values
	flushed int   // rows inserted before those in args
}

// bulkRowError is the error of the row'th row added to a bulkInsert.
type bulkRowError struct {
	row int
	err error
}

func (e *bulkRowError) Error() string { return fmt.Sprintf("row %d: %v", e.row, e.err) }
func (e *bulkRowError) Unwrap() error { return e.err }

// bulkFixed is a column whose value is the same in every row.
type bulkFixed struct {
	column string
	value  any
}

func newBulkInsert(ctx context.Context, tx *sql.Tx, table string, fixed []bulkFixed, columns ...string) *bulkInsert {
	names := make([]string, 0, len(fixed)+len(columns))
	args := make([]any, 0, len(fixed)+rowsPerInsert*len(columns))
	for _, f := range fixed {
		names = append(names, f.column)
		args = append(args, f.value)
	}
	return &bulkInsert{
		ctx: ctx, tx: tx, fixed: len(fixed), width: len(columns), args: args,
		prefix: "INSERT INTO " + table + " (" + strings.Join(append(names, columns...), ", ") + ") VALUES ",
	}
}

// queued is the number of rows waiting in args.
func (b *bulkInsert) queued() int { return (len(b.args) - b.fixed) / b.width }

// valuesSQL returns the INSERT for n rows.
func (b *bulkInsert) valuesSQL(n int) string {
	var sb strings.Builder
	sb.WriteString(b.prefix)
	next := b.fixed + 1
	for r := range n {
		if r > 0 {
			sb.WriteString(", ")
		}
		sb.WriteByte('(')
		for i := range b.fixed + b.width {
			if i > 0 {
				sb.WriteString(", ")
			}
			if i < b.fixed {
				fmt.Fprintf(&sb, "?%d", i+1)
			} else {
				fmt.Fprintf(&sb, "?%d", next)
				next++
			}
		}
		sb.WriteByte(')')
	}
	return sb.String()
}

// add queues one row of len(columns) values, inserting a full statement's
// worth when it has one.
func (b *bulkInsert) add(values ...any) error {
	b.args = append(b.args, values...)
	if b.queued() < rowsPerInsert {
		return nil
	}
	if b.full == nil {
		stmt, err := b.tx.PrepareContext(b.ctx, b.valuesSQL(rowsPerInsert))
		if err != nil {
			return err
		}
		b.full = stmt
	}
	return b.exec(b.full)
}

// flush inserts the rows queued, with a statement of their own number of
// rows (prepared once: a flush ends a load).
func (b *bulkInsert) flush() error {
	if b.queued() == 0 {
		return nil
	}
	stmt, err := b.tx.PrepareContext(b.ctx, b.valuesSQL(b.queued()))
	if err != nil {
		return err
	}
	defer stmt.Close()
	return b.exec(stmt)
}

func (b *bulkInsert) exec(stmt *sql.Stmt) error {
	if _, err := stmt.ExecContext(b.ctx, b.args...); err != nil {
		return b.findFault(err)
	}
	b.done()
	return nil
}

// done drops the queued rows, which are in.
func (b *bulkInsert) done() {
	b.flushed += b.queued()
	b.args = b.args[:b.fixed]
}

// findFault inserts the queued rows one at a time after their statement
// failed with err, and returns the first row's error.
func (b *bulkInsert) findFault(err error) error {
	one, perr := b.tx.PrepareContext(b.ctx, b.valuesSQL(1))
	if perr != nil {
		return err
	}
	defer one.Close()
	row := make([]any, 0, b.fixed+b.width)
	for i := b.fixed; i < len(b.args); i += b.width {
		row = append(append(row[:0], b.args[:b.fixed]...), b.args[i:i+b.width]...)
		if _, rerr := one.ExecContext(b.ctx, row...); rerr != nil {
			return &bulkRowError{row: b.flushed + (i-b.fixed)/b.width, err: rerr}
		}
	}
	// Never seen: every row went in alone. Then the rows are in.
	b.done()
	return nil
}

// close releases the prepared statement; rows not flushed are dropped.
func (b *bulkInsert) close() {
	if b.full != nil {
		b.full.Close()
	}
}
