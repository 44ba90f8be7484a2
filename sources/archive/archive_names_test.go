package archive

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// Names from outside (attachment filenames, URLs, paths given to mappa add)
// must never decide where bytes are written.
func TestHostileNamesStaySafe(t *testing.T) {
	long := strings.Repeat("é", 200) + ".xlsx" // 405 bytes, two per é
	for _, tc := range []struct {
		name, in, want string
	}{
		{"parent directories", "../../x.csv", "x.csv"},
		{"absolute path", "/etc/passwd", "passwd"},
		{"windows separators", `..\..\windows\x.csv`, "x.csv"},
		{"NUL and control bytes", "a\x00b\nc\x7f.csv", "a_b_c_.csv"},
		{"dot dot alone", "..", "file"},
		{"empty", "", "file"},
		{"trailing slash", "dir/", "dir"},
		{"invalid UTF-8", "caf\xe9.csv", "caf_.csv"},
		{"quotes and SQL are only text", `x'); DROP TABLE observations;--.csv`, `x'); DROP TABLE observations;--.csv`},
		{"very long, cut at a character boundary", long, strings.Repeat("é", 57) + ".xlsx"},
		{"very long without an extension", strings.Repeat("x", 300), strings.Repeat("x", 120)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := safeName(tc.in)
			if got != tc.want {
				t.Errorf("safeName(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if !utf8.ValidString(got) || len(got) > maxNameBytes || strings.ContainsAny(got, "/\x00") {
				t.Errorf("safeName(%q) = %q is not a safe base name", tc.in, got)
			}
		})
	}
}

// Whatever the name, an added file lands at files/<sha256><ext> and a
// rejected one under rejected/, inside the archive.
func TestHostileNamesInTheArchive(t *testing.T) {
	for _, name := range []string{"../../escape.csv", "/tmp/abs.csv", "a\x00b.csv", strings.Repeat("x", 5000) + ".csv", "..", `..\..\up.csv`} {
		t.Run(strings.ToValidUTF8(name[:min(len(name), 20)], "?"), func(t *testing.T) {
			a := testArchive(t)
			res, err := a.Add(Entry{Kind: KindLookup, Filename: name}, strings.NewReader("LAD21CD,PFA21CD\n"+name), accept)
			if err != nil {
				t.Fatal(err)
			}
			wantPath := "files/" + res.Entry.SHA256
			if !strings.HasPrefix(res.Entry.Path, wantPath) || strings.Contains(res.Entry.Path, "..") {
				t.Errorf("stored at %q, want %s[.ext]", res.Entry.Path, wantPath)
			}
			if f, err := a.Open(res.Entry); err != nil {
				t.Errorf("open the archived file: %v", err)
			} else {
				f.Close()
			}
			refuse := func(string) (Validated, error) { return Validated{}, errors.New("not a spreadsheet") }
			bad, err := a.Add(Entry{Kind: KindAreaTables, Period: "2019-20", Filename: name}, strings.NewReader("<html>"+name), refuse)
			if err == nil {
				t.Fatal("a refused file was accepted")
			}
			if filepath.Dir(bad.Rejected) != filepath.Join(a.Dir, "rejected") {
				t.Errorf("rejected file at %q, want inside %s/rejected", bad.Rejected, a.Dir)
			}
			if _, err := os.Stat(bad.Rejected); err != nil {
				t.Errorf("rejected file: %v", err)
			}
			assertOnlyInside(t, a.Dir)
		})
	}
}

// assertOnlyInside checks that nothing was written next to the archive
// directory (where "../x" would land).
func assertOnlyInside(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(dir))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if filepath.Join(filepath.Dir(dir), e.Name()) != dir {
			t.Errorf("%s was written beside the archive", e.Name())
		}
	}
}
