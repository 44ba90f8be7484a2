package ons

import (
	"path/filepath"
	"testing"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
	"github.com/mappa-etl/mappa/schema"
)

// TestRealEstimatesWithNoLookup reads the real ONS mid-2018 and mid-2019
// estimates (testdata/real, Open Government Licence v3.0) with no lookup at
// all: the bundled code history places every authority, and the 42 areas
// add up exactly to England and Wales as ONS published it.
func TestRealEstimatesWithNoLookup(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 4 MB of real BIFF8")
	}
	for _, tc := range []struct {
		file, sheet      string
		year             figure.MidYear
		tenPlus, allAges int64
		// The edition is the date on the notes sheet; the England and
		// Wales row is the one the areas reconcile to.
		edition                  figure.Edition
		editionCell, englandCell string
	}{
		{"ukmidyearestimates20182019ladcodes.xls", "MYE2-All", 2018, 51_892_059, 59_115_809,
			"2019-06-26", "Notes and definitions!A63", "MYE2-All!A8"},
		{"ukmidyearestimates20192019ladcodes.xls", "MYE2 - Persons", 2019, 52_252_671, 59_439_840,
			"2020-06-24", "Notes and definitions!A60", "MYE2 - Persons!A8"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			wb := pipelinetest.OpenWorkbook(t, filepath.Join(pipelinetest.Root(), "testdata", "real", tc.file), PopulationSheet)
			pops, src, err := ReadPopulation(wb, tc.year, nil)
			if err != nil {
				t.Fatal(err)
			}
			if src.Sheet != tc.sheet || src.Level != LevelLA || src.Lookup != BundledHistory {
				t.Errorf("read %+v, want sheet %q at local authority level through the bundled history", src, tc.sheet)
			}
			if src.Edition != tc.edition || src.EditionCell != tc.editionCell || src.EnglandAndWalesCell != tc.englandCell {
				t.Errorf("edition %q at %q, England and Wales row %q; want %q at %q, %q", src.Edition, src.EditionCell,
					src.EnglandAndWalesCell, tc.edition, tc.editionCell, tc.englandCell)
			}
			var ten, all int64
			var ew figure.Population
			for _, p := range pops {
				if p.AreaCode == schema.EnglandAndWales {
					ew = p
					continue
				}
				ten, all = ten+p.Persons10Plus, all+p.PersonsAllAges
			}
			if len(pops) != 43 || ten != tc.tenPlus || all != tc.allAges || ew.Persons10Plus != tc.tenPlus || ew.PersonsAllAges != tc.allAges {
				t.Errorf("%d rows; 42 areas sum to %d aged 10+ (%d all ages), the file's England and Wales row %d (%d); want %d (%d)",
					len(pops), ten, all, ew.Persons10Plus, ew.PersonsAllAges, tc.tenPlus, tc.allAges)
			}
		})
	}
}
