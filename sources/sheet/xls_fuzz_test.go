package sheet

import (
	"maps"
	"slices"
	"testing"
)

// FuzzXLSReader checks that the BIFF8 reader terminates on arbitrary bytes
// and reports every malformed file as an error: the underlying library
// panics on bad offsets, and ReadSheets must recover that into its error,
// never let it escape. A read keeping only the first sheet must list the
// same sheets and read that one the same. Successful reads keep every row within
// gridMaxColumns and every sheet within gridMaxRows. Each read must also
// return within fuzzReadTimeout. Seeds are every testdata/published/*.xls
// and truncated and byte-flipped copies of the area tables; an OLE2
// container has no checksums, so in-place mutations reach the BIFF record
// parser.
func FuzzXLSReader(f *testing.F) {
	files := publishedFiles(f, "*.xls")
	for _, name := range slices.Sorted(maps.Keys(files)) {
		b := files[name]
		f.Add(b)
		// The population workbooks are 600 kB each and alike; mutations of
		// the small area tables exercise the same records for less.
		if len(b) <= 64<<10 {
			for _, m := range seedMutations(b) {
				f.Add(m)
			}
		}
	}
	f.Add(cfbMagic)
	f.Fuzz(func(t *testing.T, data []byte) {
		sheets, err := fuzzRead(t, xlsReader{}, data)
		if err != nil {
			return
		}
		checkSheetBounds(t, sheets)
		// Read again keeping only the first sheet: the others are skipped
		// by patching the file (skipXLSSheets), which must read the kept
		// sheet exactly as before and list every sheet.
		if len(sheets) < 2 {
			return
		}
		first := sheets[0].Name
		some, err := fuzzRead(t, xlsReader{}, data, func(name string) bool { return name == first })
		if err != nil || len(some) != len(sheets) {
			t.Fatalf("with a filter: %d sheets, %v; without: %d", len(some), err, len(sheets))
		}
		for i, sh := range some {
			if sh.Name != sheets[i].Name || (sh.Name == first) != !sh.Skipped ||
				!sh.Skipped && !slices.EqualFunc(sh.Rows, sheets[i].Rows, slices.Equal[[]string]) {
				t.Fatalf("sheet %d %q read differently with a filter", i, sh.Name)
			}
		}
	})
}
