package govuk

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
	"github.com/mappa-etl/mappa/sources/sheet"
)

func TestFinancialYearIn(t *testing.T) {
	for _, tc := range []struct {
		name, text, want string
		ambiguous        bool
	}{
		{"words", "MAPPA annual report 2019 to 2020", "2019-20", false},
		{"words upper case", "REPORT 2019 TO 2020", "2019-20", false},
		{"slash", "MAPPA annual report 2018/19: area tables", "2018-19", false},
		{"hyphen", "2019-20", "2019-20", false},
		{"hyphen spaced", "2019 - 20", "2019-20", false},
		{"underscore", "report_2019_20_tables", "2019-20", false},
		{"en dash four digits", "2019–2020", "2019-20", false},
		{"em dash", "2019—20", "2019-20", false},
		{"hyphen four digits", "mappa-annual-report-2019-2020.ods", "2019-20", false},
		{"file name", "MAPPA_Annual_Report_2019-20_Area_Tables.xlsx", "2019-20", false},
		{"file name year last", "MAPPA_Annual_Report_-_Areas_Tables_2022-23.xlsx", "2022-23", false},
		{"file name year then words", "mappa-annual-report-2013-14-by-area.xls", "2013-14", false},
		{"prefixed by letters", "FY2020-21", "2020-21", false},
		{"same year twice", "MAPPA annual report 2019 to 2020: 2019-20 area tables", "2019-20", false},
		{"century rollover", "MAPPA annual report 1999/00", "1999-00", false},
		{"nineteen hundreds", "1998 to 1999", "1998-99", false},
		{"no year", "Area tables", "", false},
		{"empty", "", "", false},
		{"single year", "Published in 2020", "", false},
		{"year joined to more digits", "12019-20", "", false},
		{"no separator", "2019 20", "", false},
		{"to inside a word", "2019to2020", "", false},
		{"not consecutive", "2019-21", "", true},
		{"backwards", "2020 to 2019", "", true},
		{"date", "2020-10-29", "", true},
		{"timestamp", "2020-10-29T09:30:00.000+00:00", "", true},
		{"two years", "MAPPA annual report 2019-20 and 2020-21", "", true},
		{"two years one separator", "MAPPA_2019-20_2020-21.xlsx", "", true},
		{"two years one space", "2019-20 2020-21", "", true},
		{"page and file disagree", "2018 to 2019 (mappa-2019-20.xls)", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := FinancialYearIn(tc.text)
			if tc.ambiguous {
				if !errors.Is(err, ErrAmbiguous) || got != "" {
					t.Errorf("FinancialYearIn(%q) = %q, %v; want ErrAmbiguous", tc.text, got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("FinancialYearIn(%q) = %q, %v; want %q", tc.text, got, err, tc.want)
			}
		})
	}
}

var fyFormat = regexp.MustCompile(`^(\d{4})-(\d{2})$`)

// checkFinancialYear fails unless fy is "YYYY-YY" naming consecutive years.
func checkFinancialYear(t *testing.T, fy string) {
	t.Helper()
	m := fyFormat.FindStringSubmatch(fy)
	if m == nil {
		t.Fatalf("financial year %q is not YYYY-YY", fy)
	}
	start, _ := strconv.Atoi(m[1])
	end, _ := strconv.Atoi(m[2])
	if (start+1)%100 != end {
		t.Fatalf("financial year %q does not name consecutive years", fy)
	}
}

// FuzzFinancialYearIn checks FinancialYearIn on arbitrary titles and file
// names: no panic; an error is ErrAmbiguous with no year; a year found is
// well formed, found again in itself, and made ambiguous by naming another
// year before the text. Seeds are literals, the lines of
// testdata/published/MANIFEST.tsv (file names and periods), and the title
// rows of the area-tables fixtures.
func FuzzFinancialYearIn(f *testing.F) {
	for _, s := range []string{"2019 to 2020", "2019/20", "2019-20", "2019_20", "2019–2020", "1999-00",
		"MAPPA_Annual_Report_2019-20_Area_Tables.xlsx", "2020-10-29", "2019-21", "2019-20 2020-21", "", "\xff2019-20"} {
		f.Add(s)
	}
	raw, err := os.ReadFile(filepath.Join(pipelinetest.PublishedDir(), "MANIFEST.tsv"))
	if err != nil {
		f.Fatal(err)
	}
	manifest := string(raw)
	for _, line := range strings.Split(manifest, "\n") {
		rec := strings.Split(line, "\t")
		if len(rec) < 3 {
			continue
		}
		f.Add(rec[2])
		if rec[0] != "area-tables" {
			continue
		}
		wb, err := sheet.OpenFile(filepath.Join(pipelinetest.PublishedDir(), rec[2]))
		if err != nil {
			f.Fatal(err)
		}
		for _, sh := range wb.Sheets {
			for r := 0; r < 3; r++ {
				if v := sh.Value(r, 0); v != "" {
					f.Add(v)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4096 { // titles and file names are short; long inputs only slow the search
			return
		}
		got, err := FinancialYearIn(s)
		if err != nil {
			if !errors.Is(err, ErrAmbiguous) || got != "" {
				t.Fatalf("FinancialYearIn(%q) = %q, %v", s, got, err)
			}
			return
		}
		if got == "" {
			return
		}
		checkFinancialYear(t, got)
		if again, err := FinancialYearIn(got); again != got || err != nil {
			t.Fatalf("FinancialYearIn(%q) = %q, but FinancialYearIn(%q) = %q, %v", s, got, got, again, err)
		}
		// Naming another year before the text must make it ambiguous.
		other := "2000-01"
		if got == other {
			other = "2001-02"
		}
		if y, err := FinancialYearIn(other + " " + s); !errors.Is(err, ErrAmbiguous) {
			t.Fatalf("FinancialYearIn(%q) = %q, %v; want ErrAmbiguous (%q alone names %s)", other+" "+s, y, err, s, got)
		}
	})
}

const (
	ctODS  = "application/vnd.oasis.opendocument.spreadsheet"
	ctXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	ctXLS  = "application/vnd.ms-excel"
	ctPDF  = "application/pdf"
)

func TestAttachmentNameAndExt(t *testing.T) {
	for _, tc := range []struct {
		name     string
		a        Attachment
		wantName string
		wantExt  string
	}{
		{"content type ods", Attachment{Filename: "t.bin", ContentType: ctODS}, "t.bin", ".ods"},
		{"content type with parameters", Attachment{Filename: "t", ContentType: " Application/VND.MS-Excel; charset=binary"}, "t", ".xls"},
		{"content type wins over name", Attachment{Filename: "t.ods", ContentType: ctXLSX}, "t.ods", ".xlsx"},
		{"no content type: extension", Attachment{Filename: "T.XLSX"}, "T.XLSX", ".xlsx"},
		{"generic content type: extension", Attachment{Filename: "t.ods", ContentType: "application/octet-stream"}, "t.ods", ".ods"},
		{"pdf", Attachment{Filename: "bulletin.pdf", ContentType: ctPDF}, "bulletin.pdf", ""},
		{"csv is not a spreadsheet here", Attachment{Filename: "t.csv", ContentType: "text/csv"}, "t.csv", ""},
		{"name from url", Attachment{URL: "https://assets.example/media/ab12/area-tables.xls"}, "area-tables.xls", ".xls"},
		{"name from url with query", Attachment{URL: "https://assets.example/x/Area_Tables.ods?download=1#top"}, "Area_Tables.ods", ".ods"},
		{"file name wins over url", Attachment{Filename: "a.xlsx", URL: "https://x.example/b.ods"}, "a.xlsx", ".xlsx"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.a.name(); got != tc.wantName {
				t.Errorf("name() = %q, want %q", got, tc.wantName)
			}
			if got := tc.a.spreadsheetExt(); got != tc.wantExt {
				t.Errorf("spreadsheetExt() = %q, want %q", got, tc.wantExt)
			}
		})
	}
}

func TestAttachmentNamesAreaTables(t *testing.T) {
	for _, tc := range []struct {
		name, title, filename string
		want                  bool
	}{
		{"title area tables", "MAPPA Annual Report 2015-16 Area Tables", "x.xls", true},
		{"title with colon", "MAPPA annual report 2018/19: area tables", "x.xlsx", true},
		{"bare title", "Area tables", "", true},
		{"title area data", "MAPPA annual report 2016 to 2017: area data", "", true},
		{"title by police area", "Tables by police area", "", true},
		{"file name ends area", "", "mappa-annual-report-2014-15-area.xls", true},
		{"file name by area", "", "mappa-annual-report-2013-14-by-area.xls", true},
		{"file name areas tables", "", "MAPPA_Annual_Report_-_Areas_Tables_2022-23.xlsx", true},
		{"file name area tables", "", "MAPPA-annual-report-2016-17-area-tables.xlsx", true},
		{"national tables", "MAPPA annual report 2019-20: tables", "mappa-tables-2019-20.xlsx", false},
		{"bulletin", "MAPPA annual report 2019 to 2020", "mappa-bulletin-2019-20.pdf", false},
		{"area in the middle", "", "mappa-area-notes-2019-20.xlsx", false},
		{"word containing area", "Subareas tables", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := Attachment{Title: tc.title, Filename: tc.filename}
			if got := a.namesAreaTables(); got != tc.want {
				t.Errorf("namesAreaTables(%q, %q) = %v, want %v", tc.title, tc.filename, got, tc.want)
			}
		})
	}
}

func TestFlexInt(t *testing.T) {
	for _, tc := range []struct {
		name, json string
		want       int64
	}{
		{"number", `123456`, 123456},
		{"string", `"123456"`, 123456},
		{"null", `null`, 0},
		{"empty string", `""`, 0},
		{"text", `"12 KB"`, 0},
		{"float", `1.5e6`, 0},
		{"bool", `true`, 0},
		{"object", `{"bytes": 3}`, 0},
		{"array", `[1, 2]`, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var a Attachment
			if err := json.Unmarshal([]byte(`{"title": "t", "file_size": `+tc.json+`, "url": "u"}`), &a); err != nil {
				t.Fatalf("unmarshal: %v", err)
			}
			if int64(a.FileSize) != tc.want || a.Title != "t" || a.URL != "u" {
				t.Errorf("file_size %s read as %d (attachment %+v), want %d", tc.json, a.FileSize, a, tc.want)
			}
		})
	}
	var a Attachment
	if err := json.Unmarshal([]byte(`{"title": "t"}`), &a); err != nil || a.FileSize != 0 {
		t.Errorf("missing file_size = %d, %v", a.FileSize, err)
	}
}
