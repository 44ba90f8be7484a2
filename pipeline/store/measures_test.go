package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"testing"

	"github.com/mappa-etl/mappa/pipeline/figure"
)

// TestEveryMeasureIsDescribed: the measures the extractor can produce and
// the rows of the measures table are the same set, so no observation can
// fail its foreign key and no description is left over.
func TestEveryMeasureIsDescribed(t *testing.T) {
	st, err := Open(context.Background(), filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var have []string
	err = EachRow(context.Background(), st.DB, "SELECT measure FROM measures WHERE description <> '' AND published_as <> '' ORDER BY measure", nil,
		func(rows *sql.Rows) error {
			var m string
			err := rows.Scan(&m)
			have = append(have, m)
			return err
		})
	if err != nil {
		t.Fatal(err)
	}
	want := slices.Sorted(slices.Values(figure.Measures))
	if !slices.Equal(have, want) {
		t.Errorf("measures table (with description and published_as):\n%v\nfigure.Measures:\n%v", have, want)
	}
}
