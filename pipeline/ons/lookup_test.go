package ons

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
)

func TestReadLookup(t *testing.T) {
	tests := []struct {
		name string
		csv  string
		year int
		want map[string]string
	}{
		{
			name: "geoportal LAD20 to PFA20",
			csv: "LAD20CD,LAD20NM,CSP20CD,CSP20NM,PFA20CD,PFA20NM\n" +
				"E06000001,Hartlepool,E22000111,Hartlepool,E23000013,Cleveland\n" +
				"E09000001,City of London,E22000001,City of London,E23000034,\"London, City of\"\n" +
				"W06000015,Cardiff,W22000001,Cardiff,W15000003,South Wales\n",
			year: 2020,
			want: map[string]string{"E06000001": "E23000013", "E09000001": "E23000034", "W06000015": "W15000003"},
		},
		{
			name: "BOM, CRLF, quoted fields and LAD21CD after PFA21CD",
			csv: "\ufeffFID,PFA21NM,pfa21cd,lad21nm,\"LAD21CD\"\r\n" +
				"1,\"Avon and Somerset\",E23000036,\"Bath and North East Somerset\",E06000022\r\n" +
				"2,Surrey,E23000031, Elmbridge , E07000207 \r\n" +
				"3,Surrey,E23000031,Elmbridge,E07000207\r\n" + // exact repeat is harmless
				",,,,\r\n" +
				"\r\n",
			year: 2021,
			want: map[string]string{"E06000022": "E23000036", "E07000207": "E23000031"},
		},
		{
			name: "LF only, short trailing rows, LAD names with commas",
			csv:  "PFA19CD,LAD19CD,LAD19NM\nE23000001,E09000033,\"Westminster, City of\"\nE23000001,E09000002\n",
			year: 2019,
			want: map[string]string{"E09000033": "E23000001", "E09000002": "E23000001"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := ReadLookup("lookup.csv", strings.NewReader(tt.csv))
			if err != nil {
				t.Fatal(err)
			}
			if l.Name != "lookup.csv" || l.Year != tt.year || !reflect.DeepEqual(l.PFAByLAD, tt.want) {
				t.Errorf("got %+v, want year %d, map %v", l, tt.year, tt.want)
			}
		})
	}
}

func TestReadLookupErrors(t *testing.T) {
	tests := []struct {
		name, csv, want string
	}{
		{"empty file", "", "read lookup lad.csv: line 1: empty file"},
		{"BOM only", "\ufeff", "read lookup lad.csv: line 1: empty file"},
		{"header only", "LAD20CD,PFA20CD\r\n", "line 1: no rows after the header"},
		{"no PFA column", "LAD20CD,LAD20NM,CSP20CD\nE06000001,Hartlepool,E22000111\n", "read lookup lad.csv: line 1: missing column LADyyCD or PFAyyCD"},
		{"no LAD column", "\n\nWD20CD,PFA20CD\nE05000001,E23000013\n", "line 3: missing column"},
		{"year needs two digits", "LAD2020CD,PFA2020CD\nE06000001,E23000013\n", "missing column"},
		{"two LAD columns", "LAD20CD,LAD21CD,PFA21CD\n", `line 1: two LADyyCD columns ("LAD20CD" and "LAD21CD")`},
		{"LAD in two PFAs", "LAD20CD,PFA20CD\nE06000001,E23000013\nE07000001,E23000001\n\nE06000001,E23000008\n",
			"read lookup lad.csv: line 5: E06000001 mapped to E23000008 here but to E23000013 on line 2"},
		{"CSP code as PFA", "LAD20CD,PFA20CD\r\nE06000001,E23000013\r\nE06000002,E22000111\r\n", `line 3: PFA20CD "E22000111" of E06000002 is not a police force area code`},
		{"empty PFA", "LAD20CD,PFA20CD\nE06000001,\n", `line 2: PFA20CD "" of E06000001`},
		{"empty LAD", "LAD20CD,PFA20CD\nE06000001,E23000013\n,E23000013\n", "line 3: empty LAD20CD"},
		{"bad quoting", "LAD20CD,PFA20CD\nE06000001,\"E23000013\n", "read lookup lad.csv: line 2:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := ReadLookup("lad.csv", strings.NewReader(tt.csv))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %+v, %v; want error containing %q", l, err, tt.want)
			}
		})
	}
}

func TestChooseLookupErrorNamesEveryLookup(t *testing.T) {
	las := []codeRow{{9, "E06000001", "A10"}, {10, "E99000060", "A11"}}
	old := &Lookup{Name: "lad19.csv", Year: 2019, PFAByLAD: map[string]string{"E06000001": "E23000013"}}
	odd := &Lookup{Name: "lad22.csv", Year: 2022, PFAByLAD: map[string]string{"E06000002": "E23000013"}}
	_, err := chooseLookup("mye2.xlsx", "MYE2 - Persons", 2020, las, []*Lookup{odd, old})
	want := `mye2.xlsx, sheet "MYE2 - Persons", cell A11: local authority E99000060 is not covered by any lookup tried: ` +
		"lad19.csv (2019) lacks E99000060 at A11; lad22.csv (2022) lacks E06000001 at A10; " +
		"lad19.csv + lad22.csv + bundled local authority code history lacks E99000060 at A11"
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

// TestChooseLookupFallsBackOnTheBundledHistory: with no lookup, or with
// lookups none of which covers every authority, the bundled history fills
// the gaps, a lookup the user added winning code by code.
func TestChooseLookupFallsBackOnTheBundledHistory(t *testing.T) {
	las := []codeRow{{9, "E06000001", "A10"}, {10, "E06000060", "A11"}, {11, "E07000244", "A12"}}
	l, err := chooseLookup("mye2.xlsx", "MYE2 - Persons", 2020, las, nil)
	if err != nil || l.Name != BundledHistory || l.PFAByLAD["E06000060"] != "E23000029" {
		t.Fatalf("no lookup: %+v, %v", l, err)
	}
	mine := &Lookup{Name: "lad19.csv", Year: 2019, PFAByLAD: map[string]string{"E06000001": "E23000008"}}
	l, err = chooseLookup("mye2.xlsx", "MYE2 - Persons", 2020, las, []*Lookup{mine})
	if err != nil || l.Name != "lad19.csv + "+BundledHistory || l.PFAByLAD["E06000001"] != "E23000008" || l.PFAByLAD["E07000244"] != "E23000025" {
		t.Fatalf("partial lookup: %+v, %v; want the user's E06000001 and the history's E07000244", l, err)
	}
}

func TestParsePopCount(t *testing.T) {
	for s, want := range map[string]int64{"1596": 1596, " 1,234 ": 1234, "1234.0": 1234, "0": 0, "12,345,678.00": 12345678} {
		if got, err := parseCount(s); err != nil || got != want {
			t.Errorf("parseCount(%q) = %d, %v, want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "No data", "-1", "1.5", "1,23", "12,3456", "1e5", "99999999999999999999", ":", "１２"} {
		if got, err := parseCount(s); err == nil {
			t.Errorf("parseCount(%q) = %d, want an error", s, got)
		}
	}
}

// FuzzReadLookup reads arbitrary text as a LAD to PFA lookup CSV. It must
// not panic; an error must name the file; a lookup read must have a
// plausible year and map only non-empty LAD codes to PFA codes (E23…/W15…).
// Seeds are the lookup fixtures of testdata/published, whole and cut in
// half, and literals for the BOM, CRLF, quoting and case variants.
func FuzzReadLookup(f *testing.F) {
	for _, p := range pipelinetest.FixturePaths(f, "lookup") {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
		f.Add(string(b[:len(b)/2])) // cut mid-record, as a failed download is
	}
	f.Add("LAD20CD,PFA20CD\nE06000001,E23000013\n")
	f.Add("\ufeffPFA21NM,PFA21CD,LAD21CD\r\nSurrey,E23000031,E07000207\r\n")
	f.Add("LAD20CD,PFA20CD\nE06000001,\"E23000013\n")
	f.Add("lad99cd,pfa00cd\n\"a\"\"b\",W15000001\n")
	f.Fuzz(func(t *testing.T, text string) {
		l, err := ReadLookup("fuzz.csv", strings.NewReader(text))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "read lookup fuzz.csv: ") {
				t.Errorf("error without file name: %v", err)
			}
			return
		}
		if len(l.PFAByLAD) == 0 {
			t.Errorf("a lookup of year %d with no LADs", l.Year)
		}
		for lad, pfa := range l.PFAByLAD {
			if lad == "" || !isPFACode(pfa) {
				t.Errorf("bad mapping %q -> %q", lad, pfa)
			}
		}
	})
}
