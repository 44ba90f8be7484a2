package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mappa-etl/mappa/schema"
)

// TestOpenKeepsTheWAL: the last of several connections to close leaves the
// -wal (empty, everything checkpointed) and the -shm, with the database
// file's mode, for readers who cannot create them (keepWAL).
func TestOpenKeepsTheWAL(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.db")
	st, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	loadLegacyYear(t, st, "2019-20")
	// Two connections at once, so that the pool closes more than one.
	var conns []*sql.Conn
	for range 2 {
		c, err := st.DB.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.ExecContext(ctx, "SELECT COUNT(*) FROM observations"); err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for _, c := range conns {
		c.Close()
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		fi, err := os.Stat(path + suffix)
		if err != nil {
			t.Fatalf("after Close: %v", err)
		}
		if fi.Mode() != db.Mode() {
			t.Errorf("%s has mode %v, the database %v", suffix, fi.Mode(), db.Mode())
		}
		if suffix == "-wal" && fi.Size() != 0 {
			t.Errorf("after Close the WAL holds %d bytes, want 0: not checkpointed and emptied", fi.Size())
		}
	}
}

// TestOpenReadOnly: a reader opens a database of this mappa's schema and
// can neither write it nor change its files; any other schema is refused,
// naming the versions and what to run, and left as it was.
func TestOpenReadOnly(t *testing.T) {
	ctx := context.Background()
	ms, err := schema.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	latest := ms[len(ms)-1].Version
	tests := []struct {
		name    string
		version int // PRAGMA user_version to give the database; 0 keeps it
		wantErr string
	}{
		{name: "current schema"},
		{name: "older schema", version: latest - 1, wantErr: fmt.Sprintf(
			"is at schema version %d, this mappa needs %d: run any writing command, e.g. mappa rebuild, as its owner", latest-1, latest)},
		{name: "newer schema", version: latest + 1, wantErr: fmt.Sprintf(
			"is at schema version %d, newer than this mappa (%d): upgrade mappa", latest+1, latest)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "r.db")
			st, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			loadLegacyYear(t, st, "2019-20")
			if tc.version != 0 {
				if _, err := st.DB.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", tc.version)); err != nil {
					t.Fatal(err)
				}
			}
			if err := st.Close(); err != nil {
				t.Fatal(err)
			}
			before := files(t, path)
			ro, err := OpenReadOnly(ctx, path)
			if tc.wantErr != "" {
				if err == nil {
					ro.Close()
					t.Fatalf("opened; want %q", tc.wantErr)
				}
				if !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("error %q, want %q", err, tc.wantErr)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				if y, err := ro.LatestYear(ctx); err != nil || y != "2019-20" {
					t.Errorf("LatestYear = %q, %v", y, err)
				}
				// Deferred: an immediate BEGIN would need the write lock.
				tx, err := ro.DB.BeginTx(ctx, nil)
				if err != nil {
					t.Fatalf("begin a read transaction: %v", err)
				}
				tx.Rollback()
				if _, err := ro.DB.ExecContext(ctx, "DELETE FROM observations"); err == nil || !strings.Contains(err.Error(), "readonly") {
					t.Errorf("a write through the read-only store: %v, want attempt to write a readonly database", err)
				}
				if err := ro.Close(); err != nil {
					t.Fatal(err)
				}
			}
			if after := files(t, path); after != before {
				t.Errorf("the reader changed the database's files:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// files describes the database's files, each one's name, size and bytes,
// but for the -shm: a reader that may write it (here, as the tests' user
// may) and finds no other connection rebuilds the WAL index in it, as any
// first connection does, which changes no data.
func files(t *testing.T, path string) string {
	t.Helper()
	var b strings.Builder
	for _, suffix := range []string{"", "-wal", "-journal"} {
		data, err := os.ReadFile(path + suffix)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %d %x; ", filepath.Base(path+suffix), len(data), sha256.Sum256(data))
	}
	return b.String()
}
