package sheet

import (
	"bytes"
	"maps"
	"slices"
	"testing"
)

// FuzzODSReader feeds the reader both whole packages and bare content.xml
// documents wrapped into a fresh package: mutating a package in place
// mostly breaks the zip checksum, so the second form is what lets the
// fuzzer reach the XML parser with documents that can succeed. The wrapper
// stores rather than deflates: a flate writer per input would more than
// double the cost of each run. Seeds are the reader's test cases, every
// testdata/published/*.ods with truncated and byte-flipped copies, and the
// content.xml of each (but the population workbook's, which is 1.7 MB).
//
// Checked: no panic, no hang; a successful read keeps the grid bounds and
// the trailing-emptiness invariants (odsFuzzCheck).
func FuzzODSReader(f *testing.F) {
	var pkgs [][]byte
	for _, tc := range odsCases(f) {
		pkgs = append(pkgs, tc.pkg)
	}
	files := publishedFiles(f, "*.ods")
	for _, name := range slices.Sorted(maps.Keys(files)) {
		pkgs = append(pkgs, files[name])
		for _, m := range seedMutations(files[name]) {
			f.Add(m)
		}
	}
	for _, pkg := range pkgs {
		f.Add(pkg)
		if content := zipParts(pkg)["content.xml"]; content != nil && len(content) <= 256<<10 {
			f.Add(content)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		odsFuzzCheck(t, data)
		odsFuzzCheck(t, odsStoredPackage(t, data))
	})
}

func odsStoredPackage(t *testing.T, content []byte) []byte {
	return zipOf(t, zipPart{name: "mimetype", body: odsSpreadsheetMT, stored: true},
		zipPart{name: "content.xml", body: string(content), stored: true})
}

// odsFuzzCheck reads pkg and checks the invariants of any successful read:
// the grid bounds hold (checkSheetBounds) and nothing empty trails a row or
// a sheet.
func odsFuzzCheck(t *testing.T, pkg []byte) {
	sheets, err := odsReader{}.ReadSheets(bytes.NewReader(pkg), int64(len(pkg)), nil)
	if err != nil {
		return
	}
	checkSheetBounds(t, sheets)
	for _, s := range sheets {
		for r, row := range s.Rows {
			if len(row) > 0 && row[len(row)-1] == "" {
				t.Fatalf("sheet %q row %d keeps a trailing empty cell", s.Name, r+1)
			}
		}
		if n := len(s.Rows); n > 0 && len(s.Rows[n-1]) == 0 {
			t.Fatalf("sheet %q keeps a trailing empty row", s.Name)
		}
	}
}
