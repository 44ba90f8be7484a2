package pipeline_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"go.uber.org/zap"

	"github.com/mappa-etl/mappa/pipeline"
	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/sources/archive"
)

// TestReadmeVintageQueries runs the README's vintages examples on the
// case they describe: the 2019-20 tables added, then a restatement in
// which Essex's RSOs are 1,601 rather than 1,596.
func TestReadmeVintageQueries(t *testing.T) {
	examples := readmeExamples(t, "## Vintages and revisions")
	if len(examples) < 2 {
		t.Fatalf("README's vintages section has %d examples, want at least 2", len(examples))
	}
	dir := t.TempDir()
	a, err := archive.Open(filepath.Join(dir, "archive"))
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	a.Now = func() time.Time { day = day.Add(24 * time.Hour); return day }
	st, err := store.Open(context.Background(), filepath.Join(dir, "mappa.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	original := "../testdata/published/MAPPA_Annual_Report_2019-20_Area_Tables.xlsx"
	f, err := excelize.OpenFile(original)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellInt("Area_Tables_2019-20", "E18", 1601); err != nil {
		t.Fatal(err)
	}
	restated := filepath.Join(dir, "MAPPA_Annual_Report_2019-20_Area_Tables_revised.xlsx")
	if err := f.SaveAs(restated); err != nil {
		t.Fatal(err)
	}
	f.Close()
	defer os.Remove(restated)
	for _, path := range []string{original, restated} {
		if _, err := pipeline.AddFile(context.Background(), a, st, zap.NewNop(), archive.KindAreaTables, "2019-20", path); err != nil {
			t.Fatal(err)
		}
	}
	checkReadmeExamples(t, st.DB, examples)
}
