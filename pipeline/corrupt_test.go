package pipeline_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/mappa-etl/mappa/pipeline"
	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
	"github.com/mappa-etl/mappa/sources/archive"
)

// A file whose bytes no longer match its sha256 (disk rot, a careless edit)
// fails the rebuild with its name, and the database stays exactly as it
// was: swapping in a database without that year would lose a loaded year.
func TestRebuildRefusesCorruptArchive(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	archiveDir := filepath.Join(dir, "archive")
	if err := os.CopyFS(archiveDir, os.DirFS("../testdata/archive")); err != nil {
		t.Fatal(err)
	}
	a, err := archive.Open(archiveDir)
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "mappa.db")
	if _, err := pipeline.Rebuild(ctx, a, db, zap.NewNop(), nil); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}

	m, err := a.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		period string
		damage func(path string) error
	}{
		{"one byte flipped", "2019-20", func(p string) error {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			b[len(b)/2] ^= 0xff
			return os.WriteFile(p, b, 0o644)
		}},
		{"truncated", "2023-24", func(p string) error { return os.Truncate(p, 100) }},
		{"missing", "2015-16", os.Remove},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var e archive.Entry
			for _, f := range m.Current() {
				if f.Kind == archive.KindAreaTables && f.Period == tc.period {
					e = f
				}
			}
			path := filepath.Join(archiveDir, filepath.FromSlash(e.Path))
			good, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			defer os.WriteFile(path, good, 0o644)
			if err := tc.damage(path); err != nil {
				t.Fatal(err)
			}
			_, err = pipeline.Rebuild(ctx, a, db, zap.NewNop(), nil)
			if err == nil {
				t.Fatal("rebuild of a damaged archive succeeded")
			}
			t.Logf("%s: %v", tc.name, err)
			if !strings.Contains(err.Error(), e.Filename) {
				t.Errorf("error %q does not name %s", err, e.Filename)
			}
			if tc.name != "missing" && !errors.Is(err, archive.ErrCorrupt) {
				t.Errorf("error %v is not ErrCorrupt", err)
			}
			after, err := os.ReadFile(db)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(before, after) {
				t.Error("the database changed")
			}
			if left, _ := filepath.Glob(db + ".rebuild-*"); len(left) > 0 {
				t.Errorf("rebuild left %v behind", left)
			}
		})
	}
}

// A rebuild killed part-way leaves its half-built database; the next
// rebuild (which holds the writer lock, so no other can be running)
// removes it.
func TestRebuildRemovesKilledRebuilds(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "mappa.db")
	stale := []string{db + ".rebuild-4242", db + ".rebuild-4242-wal", db + ".rebuild-4242-shm", db + ".rebuild-77"}
	for _, p := range stale {
		if err := os.WriteFile(p, []byte("half-built"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rebuildFixtures(t, db)
	left, _ := filepath.Glob(db + ".rebuild-*")
	if len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
	if _, err := os.Stat(db); err != nil {
		t.Error(err)
	}
}

// A rebuild, of a new database or over one, leaves the database's -wal
// (empty) and -shm in place, the new database's own, for readers who may
// not create them (store.OpenReadOnly), and nothing of its temporary
// database.
func TestRebuildKeepsTheWALFiles(t *testing.T) {
	db := filepath.Join(t.TempDir(), "mappa.db")
	for _, over := range []string{"new database", "over the old"} {
		rebuildFixtures(t, db)
		if fi, err := os.Stat(db + "-wal"); err != nil || fi.Size() != 0 {
			t.Errorf("%s: -wal: %v, want an empty file", over, err)
		}
		if _, err := os.Stat(db + "-shm"); err != nil {
			t.Errorf("%s: -shm: %v", over, err)
		}
		if left, _ := filepath.Glob(db + ".rebuild-*"); len(left) > 0 {
			t.Errorf("%s: left behind: %v", over, left)
		}
	}
}

// A rebuild cancelled while files are being parsed ahead stops, leaves no
// database and no half-built file, and leaves no parsing goroutine behind.
func TestRebuildCancelledWhileParsing(t *testing.T) {
	a, err := archive.Open("../testdata/archive")
	if err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	core, _ := observer.New(zap.InfoLevel)
	// Cancel once the first file has been read: the others are parsing.
	log := zap.New(core, zap.Hooks(func(zapcore.Entry) error { cancel(); return nil }))
	db := filepath.Join(t.TempDir(), "mappa.db")
	if _, err := pipeline.Rebuild(ctx, a, db, log, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled rebuild = %v, want context.Canceled", err)
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a cancelled rebuild left a database: %v", err)
	}
	if left, _ := filepath.Glob(db + ".rebuild-*"); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
	pipelinetest.WaitFor(5*time.Second, func() bool { return runtime.NumGoroutine() <= before })
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after the rebuild, %d before", n, before)
	}
}
