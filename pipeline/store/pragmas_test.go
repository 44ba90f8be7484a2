package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

// TestStorePragmasOnEveryConnection checks the settings store.Open asks for
// on every connection of its pool, not only the first: WAL (readers go on
// during a load), synchronous NORMAL (durable enough under WAL), a 5 s
// busy timeout, foreign keys enforced and journal_size_limit 0 (the last
// connection empties the WAL it keeps: keepWAL). synchronous,
// busy_timeout, foreign_keys and journal_size_limit belong to a
// connection, so a pool that set them on one connection only would lose
// them at random.
func TestStorePragmasOnEveryConnection(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	pragmas := []struct {
		name, want string
	}{
		{"journal_mode", "wal"},
		{"synchronous", "1"}, // NORMAL
		{"busy_timeout", "5000"},
		{"foreign_keys", "1"},
		{"journal_size_limit", "0"},
	}
	const conns = 4
	for _, open := range []string{"new database", "existing database"} {
		t.Run(open, func(t *testing.T) {
			st, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			// Held at once, so the pool must open conns distinct connections.
			var held []*sql.Conn
			for range conns {
				c, err := st.DB.Conn(ctx)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				held = append(held, c)
			}
			if n := st.DB.Stats().OpenConnections; n < conns {
				t.Fatalf("%d open connections, want %d", n, conns)
			}
			for i, c := range held {
				for _, p := range pragmas {
					var got string
					if err := c.QueryRowContext(ctx, "PRAGMA "+p.name).Scan(&got); err != nil {
						t.Fatal(err)
					}
					if got != p.want {
						t.Errorf("connection %d: PRAGMA %s = %s, want %s", i, p.name, got, p.want)
					}
				}
			}
		})
	}
}

// TestStoreTransactionsTakeTheWriteLockAtBegin: store.Open's _txlock=immediate
// makes BEGIN take the write lock, so a second writer is refused at BEGIN
// (after the busy timeout, here 0) rather than part way through a load.
func TestStoreTransactionsTakeTheWriteLockAtBegin(t *testing.T) {
	ctx := context.Background()
	st := openTestStore(t)
	first, err := st.DB.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Rollback()
	other, err := st.DB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.ExecContext(ctx, "PRAGMA busy_timeout = 0"); err != nil {
		t.Fatal(err)
	}
	second, err := other.BeginTx(ctx, nil)
	if err == nil {
		second.Rollback()
		t.Fatal("a second transaction began while the first held the database: BEGIN is not IMMEDIATE")
	}
	if !strings.Contains(err.Error(), "database is locked") {
		t.Errorf("second BEGIN: %v, want database is locked", err)
	}
}
