package pipeline

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
// prepared multi-row INSERT; flush inserts what remains. A failed
// statement changes nothing (SQLite rolls back the statement, not the
// transaction), so its rows are then inserted one at a time to name the
// row at fault in a *bulkRowError.
type bulkInsert struct {
	ctx     context.Context
	tx      *sql.Tx
	prefix  string // INSERT INTO table (columns) VALUES
	width   int    // columns per row
	full    *sql.Stmt
	args    []any
	flushed int // rows inserted before those in args
}

// bulkRowError is the error of the row'th row added to a bulkInsert.
type bulkRowError struct {
	row int
	err error
}

func (e *bulkRowError) Error() string { return fmt.Sprintf("row %d: %v", e.row, e.err) }
func (e *bulkRowError) Unwrap() error { return e.err }

func newBulkInsert(ctx context.Context, tx *sql.Tx, table string, columns ...string) *bulkInsert {
	return &bulkInsert{
		ctx: ctx, tx: tx, width: len(columns),
		prefix: "INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES ",
		args:   make([]any, 0, rowsPerInsert*len(columns)),
	}
}

// valuesSQL returns the INSERT for n rows.
func (b *bulkInsert) valuesSQL(n int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", b.width), ", ") + ")"
	return b.prefix + strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

// add queues one row of len(columns) values, inserting a full statement's
// worth when it has one.
func (b *bulkInsert) add(values ...any) error {
	b.args = append(b.args, values...)
	if len(b.args) < rowsPerInsert*b.width {
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
	if len(b.args) == 0 {
		return nil
	}
	stmt, err := b.tx.PrepareContext(b.ctx, b.valuesSQL(len(b.args)/b.width))
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
	b.flushed += len(b.args) / b.width
	b.args = b.args[:0]
	return nil
}

// findFault inserts the queued rows one at a time after their statement
// failed with err, and returns the first row's error.
func (b *bulkInsert) findFault(err error) error {
	one, perr := b.tx.PrepareContext(b.ctx, b.valuesSQL(1))
	if perr != nil {
		return err
	}
	defer one.Close()
	for i := 0; i < len(b.args); i += b.width {
		if _, rerr := one.ExecContext(b.ctx, b.args[i:i+b.width]...); rerr != nil {
			return &bulkRowError{row: b.flushed + i/b.width, err: rerr}
		}
	}
	// Never seen: every row went in alone. Then the rows are in.
	b.flushed += len(b.args) / b.width
	b.args = b.args[:0]
	return nil
}

// close releases the prepared statement; rows not flushed are dropped.
func (b *bulkInsert) close() {
	if b.full != nil {
		b.full.Close()
	}
}
