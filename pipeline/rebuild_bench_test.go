package pipeline_test

import (
	"context"
	"path/filepath"
	"testing"

	"go.uber.org/zap"

	"github.com/mappa-etl/mappa/pipeline"
	"github.com/mappa-etl/mappa/sources/archive"
)

// BenchmarkRebuild rebuilds the bundled archive (12 years of area tables
// in XLS, XLSX and ODS, 12 population workbooks, 2 lookups) into a new
// database: the work of `mappa rebuild` without process start-up.
func BenchmarkRebuild(b *testing.B) {
	a, err := archive.Open("../testdata/archive")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		db := filepath.Join(b.TempDir(), "mappa.db")
		if _, err := pipeline.Rebuild(context.Background(), a, db, zap.NewNop(), nil); err != nil {
			b.Fatal(err)
		}
	}
}
