package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"

	"github.com/mattn/go-sqlite3"

	"github.com/mappa-etl/mappa/schema"
)

// driverName is go-sqlite3 with keepWAL run on every new connection, the
// driver of every Store.
const driverName = "sqlite3_mappa"

func init() {
	sql.Register(driverName, &sqlite3.SQLiteDriver{ConnectHook: keepWAL})
}

// keepWAL makes a connection leave the database's -wal and -shm files in
// place when it closes (SQLITE_FCNTL_PERSIST_WAL), and, when it is the
// last connection and so checkpoints everything, truncate the -wal to
// nothing instead (journal_size_limit 0).
//
// Readers need the files. A reader who may read the database but not
// write its directory (the README's /srv/mappa, read by other users)
// cannot create them, and SQLite cannot open a WAL database without them
// (https://www.sqlite.org/wal.html, "Read-Only Databases"). By default
// the last connection to close deletes them, so such a reader could read
// only while a writer happened to have the database open. SQLite creates
// them with the database file's mode and owner, so whoever may read the
// database may read them.
//
// Kept, they are correct while a writer works. With a writer connected, a
// read-only reader maps the -shm read-only and takes shared locks only,
// which the writer honours: it checkpoints no further than the reader's
// snapshot and does not restart the WAL under it. With none (closed, or
// killed), SQLite (3.22 and later) builds the WAL index in the reader's
// own memory from the -wal, holds read lock 0 so that a writer arriving
// meanwhile cannot checkpoint, and starts the read again once a writer has
// attached or committed. Readers never wait for writers nor writers for
// readers, which is what WAL is here for.
//
// The alternatives are not. immutable=1 takes no locks at all, so a
// reader would read pages a writer's checkpoint is overwriting. Going back
// to journal_mode=DELETE whenever the writer is idle needs an exclusive
// lock, which every open WAL connection, a reader's too, denies for as
// long as it is open: the writer cannot tell it is idle without that race,
// and readers would make writers wait or fail at both switches.
//
// The empty -wal also means a copy of the database file alone is the
// whole database when no writer has it open, as it was before, and a
// rebuild can put its new database's -wal and -shm in place of the old
// ones (see pipeline.Rebuild).
func keepWAL(c *sqlite3.SQLiteConn) error {
	if err := c.SetFileControlInt("main", sqlite3.SQLITE_FCNTL_PERSIST_WAL, 1); err != nil {
		return fmt.Errorf("keep the WAL: %w", err)
	}
	if _, err := c.Exec("PRAGMA journal_size_limit = 0", nil); err != nil {
		return fmt.Errorf("keep the WAL: %w", err)
	}
	return nil
}

// errReadOnlyDirectory is SQLite's SQLITE_READONLY_DIRECTORY: it had to
// create a file (here the -wal or -shm) in a directory it may not write.
var errReadOnlyDirectory = sqlite3.ErrReadonly.Extend(6)

// missingWALFile says whether err is SQLite failing to open the database
// for want of its -wal or -shm file, which it could not create: with no
// -wal it reports a read-only directory, with no -shm it cannot open.
func missingWALFile(path string, err error) bool {
	var se sqlite3.Error
	if !errors.As(err, &se) || (se.ExtendedCode != errReadOnlyDirectory && se.Code != sqlite3.ErrCantOpen) {
		return false
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(path + suffix); errors.Is(err, fs.ErrNotExist) {
			return true
		}
	}
	return false
}

// OpenReadOnly opens the database at path to read it, for the commands
// that only read (status, summary, export, report). It opens it read-only
// (mode=ro) and creates, migrates and writes nothing, so a user who may
// read the database but not write it or its directory can read it; Open's
// keepWAL is why its -wal and -shm are there to be read. Its transactions
// are deferred (Open's are immediate), since a read-only connection can
// never take the write lock. A database whose schema is not this mappa's
// is refused rather than read: only a writer may migrate it. Nor does it
// refresh the reference areas and column descriptions (schema.Migrate
// does): it reads those the last writer seeded.
func OpenReadOnly(ctx context.Context, path string) (*Store, error) {
	q := url.Values{}
	q.Set("mode", "ro")
	q.Set("_busy_timeout", "5000")
	db, err := sql.Open(driverName, "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := checkSchema(ctx, db, path); err != nil {
		db.Close()
		return nil, err
	}
	return &Store{DB: db, Path: path}, nil
}

// checkSchema reads the database's schema version, the first read of it,
// and refuses any but this mappa's latest migration.
func checkSchema(ctx context.Context, db *sql.DB, path string) error {
	ms, err := schema.Migrations()
	if err != nil {
		return err
	}
	latest := ms[len(ms)-1].Version
	v, err := schema.Version(ctx, db)
	switch {
	case missingWALFile(path, err):
		return fmt.Errorf("open database %s: its -wal or -shm file is missing, and this user may not create them in its directory: "+
			"run any writing command, e.g. mappa rebuild, as its owner, and mappa keeps them from then on "+
			"(an earlier mappa, or another program, deleted them on closing the database)", path)
	case err != nil:
		return fmt.Errorf("open database %s: %w", path, err)
	case v < latest:
		return fmt.Errorf("database %s is at schema version %d, this mappa needs %d: run any writing command, e.g. mappa rebuild, as its owner",
			path, v, latest)
	case v > latest:
		return fmt.Errorf("database %s is at schema version %d, newer than this mappa (%d): upgrade mappa", path, v, latest)
	}
	return nil
}
