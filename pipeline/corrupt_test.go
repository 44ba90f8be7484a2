package pipeline_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/zap"

	"github.com/mappa-etl/mappa/pipeline"
	"github.com/mappa-etl/mappa/sources"
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
	a, err := sources.OpenArchive(archiveDir)
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
			var e sources.Entry
			for _, f := range m.Current() {
				if f.Kind == sources.KindAreaTables && f.Period == tc.period {
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
			if tc.name != "missing" && !errors.Is(err, sources.ErrCorrupt) {
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
