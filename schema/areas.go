package schema

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// EnglandAndWales is the ONS code of England and Wales as a whole, the key of
// the total row of every area table.
const EnglandAndWales = "K04000001"

// CityOfLondon is the police force area that the London MAPPA area covers
// together with the Metropolitan Police (E23000001, the London key).
const CityOfLondon = "E23000034"

//go:embed areas.csv
var areasCSV string

// Area is one MAPPA area keyed by its ONS police force area code.
type Area struct {
	Code    string
	Name    string
	Country string
	// Aliases are other names the area goes by in published tables.
	Aliases []string
}

var (
	areasOnce sync.Once
	areas     []Area
)

// Areas returns the 42 MAPPA areas in reference order. The list is embedded
// reference data, so a malformed file is a build defect and panics.
func Areas() []Area {
	areasOnce.Do(func() {
		recs, err := csv.NewReader(strings.NewReader(areasCSV)).ReadAll()
		if err != nil {
			panic(fmt.Sprintf("schema: read embedded areas.csv: %v", err))
		}
		for _, rec := range recs[1:] {
			a := Area{Code: rec[0], Name: rec[1], Country: rec[2]}
			if rec[3] != "" {
				a.Aliases = strings.Split(rec[3], "|")
			}
			areas = append(areas, a)
		}
	})
	// Clipped, so a caller's append copies instead of writing into the
	// shared array under other goroutines.
	return slices.Clip(areas)
}

// MAPPAArea returns the MAPPA area code a police force area code belongs to:
// itself, except City of London, which is part of the London MAPPA area.
func MAPPAArea(pfaCode string) string {
	if pfaCode == CityOfLondon {
		return "E23000001"
	}
	return pfaCode
}
