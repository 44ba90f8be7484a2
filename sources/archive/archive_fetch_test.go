package archive

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

// archiveContents lists every file under the archive, relative to it.
func archiveContents(t *testing.T, a *Archive) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(a.Dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(a.Dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func readManifestBytes(t *testing.T, a *Archive) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(a.Dir, "manifest.json"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return b
}

type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n > 0 {
		r.n--
		return copy(p, "PK\x03\x04 partial"), nil
	}
	return 0, errors.New("connection reset")
}

func TestAddFetchedKeepsNothingOfAFailure(t *testing.T) {
	invalid := errors.New(`sheet "Table 1": unknown area label`)
	reject := func(string) (Validated, error) { return Validated{}, invalid }
	for _, tc := range []struct {
		name    string
		prior   bool // the archive already holds a file
		src     io.Reader
		wantErr string
	}{
		{"validation fails, empty archive", false, strings.NewReader("<html>Sorry</html>"), "unknown area label"},
		{"validation fails, archive in use", true, strings.NewReader("<html>Sorry</html>"), "unknown area label"},
		{"read fails", true, &failingReader{n: 2}, "connection reset"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := testArchive(t)
			if tc.prior {
				if _, err := a.AddFetched(Entry{Kind: KindLookup, Filename: "lookup.csv", URL: "https://ons.example/l.csv", ETag: `"l1"`},
					strings.NewReader("LAD21CD,PFA21CD\n"), accept); err != nil {
					t.Fatal(err)
				}
			}
			before, beforeManifest := archiveContents(t, a), readManifestBytes(t, a)
			res, err := a.AddFetched(Entry{Kind: KindAreaTables, Period: "2019-20", Filename: "area.ods",
				URL: "https://assets.example/area.ods", ETag: `"a1"`}, tc.src, reject)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || res.Added || res.Rejected != "" {
				t.Fatalf("AddFetched = %+v, %v; want an error with %q", res, err, tc.wantErr)
			}
			if tc.wantErr == "unknown area label" && !errors.Is(err, invalid) {
				t.Errorf("error %v does not wrap the validator's", err)
			}
			if after := archiveContents(t, a); !reflect.DeepEqual(after, before) {
				t.Errorf("archive files changed:\nbefore %v\nafter  %v", before, after)
			}
			if got := readManifestBytes(t, a); string(got) != string(beforeManifest) {
				t.Errorf("manifest changed:\n%s", got)
			}
		})
	}
}

func TestAddFetchedRecordsValidators(t *testing.T) {
	a := testArchive(t)
	const u1, u2 = "https://assets.example/media/1/area.ods", "https://www.gov.uk/government/uploads/file/1/area.ods"
	restatedSum := sha256.Sum256([]byte("restated"))
	restatedSHA := hex.EncodeToString(restatedSum[:])
	entry := func(url, etag, lm, body string) (AddResult, error) {
		return a.AddFetched(Entry{Kind: KindAreaTables, Period: "2019-20", Filename: "area.ods", URL: url, ETag: etag, LastModified: lm,
			Title: "MAPPA annual report 2019 to 2020"}, strings.NewReader(body), func(string) (Validated, error) {
			return Validated{MediaType: "application/vnd.oasis.opendocument.spreadsheet"}, nil
		})
	}
	first, err := entry(u1, `"e1"`, "Thu, 29 Oct 2020 09:30:00 GMT", "first")
	if err != nil || !first.Added {
		t.Fatalf("first AddFetched = %+v, %v", first, err)
	}
	e := first.Entry
	if e.Path != "files/"+e.SHA256+".ods" || e.MediaType != "application/vnd.oasis.opendocument.spreadsheet" || e.URL != u1 ||
		e.ETag != `"e1"` || e.Title != "MAPPA annual report 2019 to 2020" || e.Bytes != 5 {
		t.Errorf("entry = %+v", e)
	}
	manifestStat := func() os.FileInfo {
		fi, err := os.Stat(filepath.Join(a.Dir, "manifest.json"))
		if err != nil {
			t.Fatal(err)
		}
		return fi
	}
	for _, step := range []struct {
		name                string
		url, etag, lm, body string
		wantAdded           bool
		wantFiles           int
		wantRewrite         bool
		want                map[string]FetchRecord // by url; "first"/"restated" stand for the hashes
	}{
		{"same bytes, same validators: no write", u1, `"e1"`, "Thu, 29 Oct 2020 09:30:00 GMT", "first", false, 1, false,
			map[string]FetchRecord{u1: {SHA256: "first", ETag: `"e1"`, LastModified: "Thu, 29 Oct 2020 09:30:00 GMT"}}},
		{"same bytes from a new url", u2, `"e2"`, "", "first", false, 1, true,
			map[string]FetchRecord{u1: {SHA256: "first", ETag: `"e1"`, LastModified: "Thu, 29 Oct 2020 09:30:00 GMT"}, u2: {SHA256: "first", ETag: `"e2"`}}},
		{"same bytes, new validators", u1, `"e3"`, "", "first", false, 1, true,
			map[string]FetchRecord{u1: {SHA256: "first", ETag: `"e3"`}, u2: {SHA256: "first", ETag: `"e2"`}}},
		{"no url: nothing remembered", "", `"e9"`, "", "first", false, 1, false,
			map[string]FetchRecord{u1: {SHA256: "first", ETag: `"e3"`}, u2: {SHA256: "first", ETag: `"e2"`}}},
		{"restated file", u1, `"e4"`, "", "restated", true, 2, true,
			map[string]FetchRecord{u1: {SHA256: "restated", ETag: `"e4"`}, u2: {SHA256: "first", ETag: `"e2"`}}},
		{"restatement reverted: the first file is current again", u2, `"e5"`, "", "first", true, 3, true,
			map[string]FetchRecord{u1: {SHA256: "restated", ETag: `"e4"`}, u2: {SHA256: "first", ETag: `"e5"`}}},
	} {
		t.Run(step.name, func(t *testing.T) {
			before := manifestStat()
			res, err := entry(step.url, step.etag, step.lm, step.body)
			if err != nil || res.Added != step.wantAdded {
				t.Fatalf("AddFetched = %+v, %v; want added %v", res, err, step.wantAdded)
			}
			if rewritten := !os.SameFile(before, manifestStat()); rewritten != step.wantRewrite {
				t.Errorf("manifest rewritten = %v, want %v", rewritten, step.wantRewrite)
			}
			m, err := a.Manifest()
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Files) != step.wantFiles {
				t.Errorf("%d files, want %d", len(m.Files), step.wantFiles)
			}
			want := map[string]FetchRecord{}
			for url, rec := range step.want {
				if rec.SHA256 == "first" {
					rec.SHA256 = e.SHA256
				} else {
					rec.SHA256 = restatedSHA
				}
				want[url] = rec
			}
			if !reflect.DeepEqual(m.Fetched, want) {
				t.Errorf("fetched = %+v\nwant %+v", m.Fetched, want)
			}
			// Only a URL whose file is the current one may be revalidated.
			current := m.Files[len(m.Files)-1].SHA256
			for url, rec := range want {
				v, got, ok := m.Conditional(url, KindAreaTables, "2019-20")
				if wantOK := rec.SHA256 == current; ok != wantOK || (ok && (v != rec || got.SHA256 != rec.SHA256)) {
					t.Errorf("Conditional(%s) = %+v, %s, %v; want ok=%v %+v, %s", url, v, got.SHA256, ok, wantOK, rec, rec.SHA256)
				}
			}
		})
	}
	if _, err := a.AddFetched(Entry{Kind: KindPopulation, Period: "2019", Filename: "p.ods", URL: "https://ons.example/p.ods", ETag: `"p"`},
		strings.NewReader("first"), accept); err == nil {
		t.Error("the same bytes were accepted under another kind")
	}
	if m, _ := a.Manifest(); len(m.Fetched) != 2 {
		t.Errorf("a refused file's url was remembered: %+v", m.Fetched)
	}
}

func TestManifestConditional(t *testing.T) {
	e := Entry{SHA256: "abc", Kind: KindAreaTables, Period: "2019-20", Path: "files/abc.ods"}
	m := &Manifest{Files: []Entry{{SHA256: "old", Kind: KindAreaTables, Period: "2019-20"}, e}, Fetched: map[string]FetchRecord{
		"etag":      {SHA256: "abc", ETag: `"1"`},
		"modified":  {SHA256: "abc", LastModified: "Thu, 29 Oct 2020 09:30:00 GMT"},
		"both":      {SHA256: "abc", ETag: `"1"`, LastModified: "Thu, 29 Oct 2020 09:30:00 GMT"},
		"bare":      {SHA256: "abc"},
		"forgotten": {SHA256: "gone", ETag: `"2"`},
		"replaced":  {SHA256: "old", ETag: `"3"`},
	}}
	for _, tc := range []struct {
		url      string
		ok       bool
		etag, lm string
	}{
		{"etag", true, `"1"`, ""},
		{"modified", true, "", "Thu, 29 Oct 2020 09:30:00 GMT"},
		{"both", true, `"1"`, "Thu, 29 Oct 2020 09:30:00 GMT"},
		{"bare", false, "", ""},      // no validators to send
		{"forgotten", false, "", ""}, // the file it confirmed is gone
		{"unknown", false, "", ""},
		{"replaced", false, "", ""}, // its file is no longer the current one
	} {
		t.Run(tc.url, func(t *testing.T) {
			rec, got, ok := m.Conditional(tc.url, KindAreaTables, "2019-20")
			if ok != tc.ok || rec.ETag != tc.etag || rec.LastModified != tc.lm || (ok && got != e) || (!ok && got != (Entry{})) {
				t.Errorf("Conditional = %+v, %+v, %v", rec, got, ok)
			}
		})
	}
	if _, _, ok := (&Manifest{}).Conditional("etag", KindAreaTables, "2019-20"); ok {
		t.Error("an empty manifest offered validators")
	}
	if _, _, ok := m.Conditional("etag", KindPopulation, "2025"); ok {
		t.Error("validators offered for a URL now configured as another kind and period")
	}
}

// TestOpenArchiveRemovesStaleStaging: a process killed mid-download leaves
// .incoming-* behind; a day later it is removed, a fresh one is kept.
func TestOpenArchiveRemovesStaleStaging(t *testing.T) {
	dir := t.TempDir()
	stale, fresh := filepath.Join(dir, ".incoming-1"), filepath.Join(dir, ".incoming-2")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-25 * time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale staging file still there: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("fresh staging file removed: %v", err)
	}
}
