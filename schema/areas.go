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

// NationalSecurityDivision is the code mappa gives the National Security
// Division of HMPPS, which manages most terrorist and terrorism risk
// offenders and has a row of its own in the area tables from 2022-23. It
// is no place, so it has no ONS code; an ONS (GSS) code is a letter and
// eight digits, so this code cannot collide with one.
const NationalSecurityDivision = "NSD"

// CityOfLondon is the police force area that the London MAPPA area covers
// together with the Metropolitan Police (E23000001, the London key).
const CityOfLondon = "E23000034"

//go:embed areas.csv
var areasCSV string

// AreaType says what a row of the areas table is; its values are public
// API (areas.area_type).
type AreaType string

// The area types.
const (
	PoliceForceArea AreaType = "police_force_area" // one of the 42 MAPPA areas
	NationalUnit    AreaType = "national_unit"     // a MAPPA unit that is not a place (the NSD)
	Country         AreaType = "country"           // England and Wales as a whole
)

// Area is one MAPPA area keyed by its ONS police force area code, or a
// national unit keyed by a code of mappa's own.
type Area struct {
	Code    string
	Name    string
	Country string
	Type    AreaType
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
			a := Area{Code: rec[0], Name: rec[1], Country: rec[2], Type: PoliceForceArea}
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

// NationalUnits returns the MAPPA units that are not police force areas:
// they have figures but no population, and the England and Wales total
// includes them.
func NationalUnits() []Area {
	return []Area{{Code: NationalSecurityDivision, Name: "National Security Division", Country: "England and Wales",
		Type: NationalUnit, Aliases: []string{"NSD", "National Security Division (NSD)", "HMPPS National Security Division"}}}
}

// EnglandAndWalesArea is the row of the areas table for the national total.
func EnglandAndWalesArea() Area {
	return Area{Code: EnglandAndWales, Name: "England and Wales", Country: "England and Wales", Type: Country}
}

// AllAreas returns every row of the areas table: England and Wales, the 42
// areas and the national units.
func AllAreas() []Area {
	return append(append([]Area{EnglandAndWalesArea()}, Areas()...), NationalUnits()...)
}

// MAPPAArea returns the MAPPA area code a police force area code belongs to:
// itself, except City of London, which is part of the London MAPPA area.
func MAPPAArea(pfaCode string) string {
	if pfaCode == CityOfLondon {
		return "E23000001"
	}
	return pfaCode
}
