package report

import (
	"testing"

	"github.com/mappa-etl/mappa/schema"
)

// TestTileLayout: the tile map places each of the 42 areas once, no two on
// one square.
func TestTileLayout(t *testing.T) {
	codes, squares := map[string]bool{}, map[[2]int]string{}
	for _, tl := range tiles {
		if codes[tl.code] {
			t.Errorf("%s placed twice", tl.code)
		}
		codes[tl.code] = true
		sq := [2]int{tl.col, tl.row}
		if other, taken := squares[sq]; taken {
			t.Errorf("%s and %s share column %d, row %d", other, tl.code, tl.col, tl.row)
		}
		squares[sq] = tl.code
	}
	for _, a := range schema.Areas() {
		if !codes[a.Code] {
			t.Errorf("%s (%s) is not on the map", a.Name, a.Code)
		}
	}
	if len(codes) != len(schema.Areas()) {
		t.Errorf("%d areas on the map, want %d", len(codes), len(schema.Areas()))
	}
}
