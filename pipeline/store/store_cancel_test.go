package store

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	sqlite3 "github.com/mattn/go-sqlite3"

	"github.com/mappa-etl/mappa/pipeline/extract"
	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/ons"
	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
	"github.com/mappa-etl/mappa/schema"
)

// onInsert, when set, is called by the hooked driver for every row
// SQLite inserts, from inside the statement inserting it.
var onInsert atomic.Pointer[func(table string)]

var registerHooked = sync.OnceFunc(func() {
	sql.Register("sqlite3_insert_hook", &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		c.RegisterUpdateHook(func(op int, _, table string, _ int64) {
			if f := onInsert.Load(); f != nil && op == sqlite3.SQLITE_INSERT {
				(*f)(table)
			}
		})
		return nil
	}})
})

// TestCancelDuringLoadRollsBack cancels a load (as SIGINT or SIGTERM
// cancels mappa's context) from inside SQLite, after some of the year's
// rows are in: the statement is interrupted, the transaction rolls back,
// and the database holds what it held before, every table.
func TestCancelDuringLoadRollsBack(t *testing.T) {
	registerHooked()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "t.db")
	db, err := sql.Open("sqlite3_insert_hook", "file:"+path+"?_journal_mode=WAL&_foreign_keys=on&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := schema.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	st := &Store{DB: db, Path: path}
	if err := st.LoadPopulation(ctx, src("population", "2019"), testEstimate(figure.PopulationSource{Sheet: "MYE2 - Persons", Level: ons.LevelPFA}, testPopulation(2019))); err != nil {
		t.Fatal(err)
	}
	loadLegacyYear(t, st, "2019-20")
	before := pipelinetest.Dump(t, st.DB)

	// The restated year: the same table with its total row first, as
	// another file.
	ex, err := extract.New().Extract(pipelinetest.Book(pipelinetest.LegacySheet(true)), "2019-20")
	if err != nil {
		t.Fatal(err)
	}
	restated := src("area-tables", "2019-20 restated")
	restated.Period = "2019-20"
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var inserted atomic.Int64
	hook := func(table string) {
		if table == "observations" && inserted.Add(1) == rowsPerInsert+50 { // past the first statement
			cancel()
		}
	}
	onInsert.Store(&hook)
	err = st.LoadAreaTables(cctx, Release{FinancialYear: "2019-20"}, restated, ex.Observations)
	onInsert.Store(nil)

	if n := inserted.Load(); n < rowsPerInsert+50 || n >= int64(len(ex.Observations)) {
		t.Fatalf("%d of %d rows inserted when cancelled; the cancel must come mid-load", n, len(ex.Observations))
	}
	t.Logf("cancelled after %d of %d rows: %v", inserted.Load(), len(ex.Observations), err)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("LoadAreaTables cancelled = %v, want context.Canceled", err)
	}
	if after := pipelinetest.Dump(t, st.DB); after != before {
		t.Errorf("a cancelled load changed the database")
	}
	var check string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check = %q, %v", check, err)
	}
}
