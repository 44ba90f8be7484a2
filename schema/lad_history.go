package schema

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// lad_history.csv is every local authority code of England and Wales that
// ONS mid-year estimates have used since mid-2011, with its police force
// area: the ONS January 2017 LAD to PFA lookup (Open Government Licence
// v3.0) plus the reorganisations and recodes since and before it. Lookups
// for recent vintages come only from an ONS web service, so without this
// table an offline server could not load a current estimate.
//
//go:embed lad_history.csv
var ladHistoryCSV string

// LocalAuthority is one local authority code and the police force area it
// lies in. Introduced and Abolished are the years (from April) the code
// came into and went out of use, 0 where the sources do not say.
type LocalAuthority struct {
	Code, Name, PFA       string
	Introduced, Abolished int
}

var (
	ladOnce    sync.Once
	ladHistory []LocalAuthority
)

// LocalAuthorities returns the bundled code history, in code order. The
// table is embedded reference data, so a malformed file is a build defect
// and panics.
func LocalAuthorities() []LocalAuthority {
	ladOnce.Do(func() {
		recs, err := csv.NewReader(strings.NewReader(ladHistoryCSV)).ReadAll()
		if err != nil {
			panic(fmt.Sprintf("schema: read embedded lad_history.csv: %v", err))
		}
		year := func(s string) int {
			if s == "" {
				return 0
			}
			y, err := strconv.Atoi(s)
			if err != nil {
				panic(fmt.Sprintf("schema: lad_history.csv: year %q: %v", s, err))
			}
			return y
		}
		for _, r := range recs[1:] {
			ladHistory = append(ladHistory, LocalAuthority{Code: r[0], Name: r[1], PFA: r[2],
				Introduced: year(r[3]), Abolished: year(r[4])})
		}
	})
	return slices.Clip(ladHistory)
}
