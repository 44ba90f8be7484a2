package sheet

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestXLSSkipsSheets: with OnlySheets, an XLS workbook's other sheets are
// emptied before the library parses them (skipXLSSheets gives it a
// patched copy), their names still listed, and the kept sheet reads
// exactly as when every sheet is read.
func TestXLSSkipsSheets(t *testing.T) {
	persons := func(name string) bool {
		n := strings.ToLower(strings.ReplaceAll(name, " ", ""))
		return n == "mye2-persons" || n == "mye2-all"
	}
	for _, path := range []string{
		"../../testdata/real/ukmidyearestimates20182019ladcodes.xls",
		"../../testdata/real/ukmidyearestimates20192019ladcodes.xls",
		"../../testdata/published/MYE2_population_by_sex_and_age_for_local_authorities_UK_mid-2017.xls",
	} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			st, _ := f.Stat()
			patched, err := checkXLS(f, st.Size(), persons)
			if err != nil || patched == nil {
				t.Fatalf("checkXLS with a filter: patched %v, %v; want a patched copy", patched != nil, err)
			}
			all, err := Open(filepath.Base(path), f, st.Size())
			if err != nil {
				t.Fatal(err)
			}
			some, err := Open(filepath.Base(path), f, st.Size(), OnlySheets(persons))
			if err != nil {
				t.Fatal(err)
			}
			if len(all.Sheets) != len(some.Sheets) || len(all.Sheets) < 3 {
				t.Fatalf("%d sheets, %d with a filter", len(all.Sheets), len(some.Sheets))
			}
			kept := 0
			for i, sh := range some.Sheets {
				if sh.Name != all.Sheets[i].Name {
					t.Errorf("sheet %d: %q, want %q", i, sh.Name, all.Sheets[i].Name)
				}
				if !persons(sh.Name) {
					if !sh.Skipped || len(sh.Rows) != 0 {
						t.Errorf("sheet %q: skipped %v, %d rows", sh.Name, sh.Skipped, len(sh.Rows))
					}
					continue
				}
				kept++
				if len(sh.Rows) < 300 || !reflect.DeepEqual(sh.Rows, all.Sheets[i].Rows) {
					t.Errorf("sheet %q: %d rows with the filter, %d without, or they differ", sh.Name, len(sh.Rows), len(all.Sheets[i].Rows))
				}
			}
			if kept != 1 {
				t.Errorf("%d persons sheets kept", kept)
			}
		})
	}
}

// TestXLSSkipNeedsAFaithfulLog: a sector log that does not place the
// stream where the library read it patches nothing.
func TestXLSSkipNeedsAFaithfulLog(t *testing.T) {
	f, err := os.Open("../../testdata/real/ukmidyearestimates20182019ladcodes.xls")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	stream, seeks, err := xlsStream(f, st.Size())
	if err != nil || len(seeks) == 0 {
		t.Fatalf("%d sectors logged, %v", len(seeks), err)
	}
	none := func(string) bool { return false }
	shifted := make([]int64, len(seeks))
	for i, s := range seeks {
		shifted[i] = s + 512
	}
	swapped := append([]int64(nil), seeks...)
	swapped[3], swapped[4] = swapped[4], swapped[3]
	for _, tc := range []struct {
		name  string
		seeks []int64
		keep  SheetFilter
		want  bool
	}{
		{"the log as read", seeks, none, true},
		{"every sheet kept", seeks, func(string) bool { return true }, false},
		{"no filter", seeks, nil, false},
		{"no log", nil, none, false},
		{"a log cut short", seeks[:len(seeks)/2], none, false},
		{"every sector one further", shifted, none, false},
		{"two sectors swapped", swapped, none, false},
	} {
		if got := skipXLSSheets(f, st.Size(), stream, tc.seeks, tc.keep); (got != nil) != tc.want {
			t.Errorf("%s: patched %v, want %v", tc.name, got != nil, tc.want)
		}
	}
}
