package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"go.uber.org/zap"

	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/sources/archive"
)

// A run when nothing changed upstream parses no file: every attachment is
// answered 304 and nothing archived is read. To prove it, every archived
// file is damaged first; reading any of them would fail its hash check.
func TestUnchangedRunReadsNoArchivedFile(t *testing.T) {
	l := loadedLiveFixture(t)
	before := pipelinetest.Dump(t, l.store.DB)
	files, err := filepath.Glob(filepath.Join(l.archive.Dir, "files", "*"))
	if err != nil || len(files) != 27 {
		t.Fatalf("archived files: %d, %v; want 26", len(files), err)
	}
	for _, f := range files {
		if err := os.WriteFile(f, []byte("damaged"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	totals, err := l.run(t)
	if err != nil {
		t.Fatalf("unchanged run read an archived file: %v", err)
	}
	if totals.Count(store.FileUnchanged) != 27 || len(totals.Years) != 0 {
		t.Errorf("files %+v, years %v; want 27 unchanged and nothing loaded", totals.Files, totals.Years)
	}
	if pipelinetest.Dump(t, l.store.DB) != before {
		t.Error("the database changed")
	}
}

// BenchmarkRunUnchanged is a scheduled run on a day nothing changed: the
// collection and 13 release pages read, 27 files revalidated with
// conditional requests answered 304, no file parsed. The fake GOV.UK is on
// loopback with no rate limit, so the time is mappa's own plus loopback
// round trips.
func BenchmarkRunUnchanged(b *testing.B) {
	l := loadedLiveFixture(b)
	b.ReportAllocs()
	for b.Loop() {
		totals, err := l.run(b)
		if err != nil || totals.Count(store.FileUnchanged) != 27 {
			b.Fatalf("run: %+v, %v", totals.Files, err)
		}
	}
}

// TestAddArchivedPopulationReadsNoLookup: adding a population file whose
// bytes are archived and loaded already reads no other archived file
// (the lookups are read only when a population file must be parsed).
func TestAddArchivedPopulationReadsNoLookup(t *testing.T) {
	l := loadedLiveFixture(t)
	files, err := filepath.Glob(filepath.Join(l.archive.Dir, "files", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if err := os.WriteFile(f, []byte("damaged"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := AddFile(context.Background(), l.archive, l.store, zap.NewNop(), archive.KindPopulation, "2019",
		"../testdata/published/ukpopestimatesmid2019.xlsx")
	if err != nil || res.Added || res.Loaded {
		t.Errorf("AddFile of archived, loaded bytes = %+v, %v; want nothing done and no archived file read", res, err)
	}
}
