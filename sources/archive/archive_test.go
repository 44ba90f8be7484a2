package archive

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func testArchive(t *testing.T) *Archive {
	t.Helper()
	a, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a.Now = func() time.Time { return time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC) }
	return a
}

func accept(string) (Validated, error) { return Validated{MediaType: "text/csv"}, nil }

func TestArchiveAdd(t *testing.T) {
	a := testArchive(t)
	e := Entry{Kind: KindLookup, Filename: "LAD21_PFA21.csv"}
	res, err := a.Add(e, strings.NewReader("LAD21CD,PFA21CD\n"), accept)
	if err != nil || !res.Added {
		t.Fatalf("first add: %+v %v", res, err)
	}
	want := "files/" + res.Entry.SHA256 + ".csv"
	if res.Entry.Path != want || res.Entry.Bytes != 16 || res.Entry.AddedAt != "2026-11-27T09:00:00Z" {
		t.Errorf("entry = %+v", res.Entry)
	}
	again, err := a.Add(e, strings.NewReader("LAD21CD,PFA21CD\n"), func(string) (Validated, error) {
		t.Error("validator ran for bytes already archived")
		return Validated{}, nil
	})
	if err != nil || again.Added {
		t.Errorf("second add of the same bytes: %+v %v", again, err)
	}
	m, _ := a.Manifest()
	if len(m.Files) != 1 {
		t.Errorf("manifest has %d files, want 1", len(m.Files))
	}
	if _, err := a.Add(Entry{Kind: KindAreaTables, Period: "2019-20", Filename: "x.csv"}, strings.NewReader("LAD21CD,PFA21CD\n"), accept); err == nil {
		t.Error("the same bytes were accepted under another kind")
	}
}

func TestArchiveRejects(t *testing.T) {
	a := testArchive(t)
	bad := errors.New("sheet \"Table 1\", cell A12: unknown area label")
	res, err := a.Add(Entry{Kind: KindAreaTables, Period: "2019-20", Filename: "../../etc/passwd"}, strings.NewReader("<html>"), func(string) (Validated, error) {
		return Validated{}, bad
	})
	if !errors.Is(err, bad) || res.Rejected == "" {
		t.Fatalf("add = %+v, %v", res, err)
	}
	if filepath.Dir(res.Rejected) != filepath.Join(a.Dir, "rejected") || !strings.HasSuffix(res.Rejected, "-passwd") {
		t.Errorf("rejected to %s", res.Rejected)
	}
	note, err := os.ReadFile(res.Rejected + ".error.txt")
	if err != nil || !strings.Contains(string(note), "unknown area label") {
		t.Errorf("error note = %q, %v", note, err)
	}
	m, _ := a.Manifest()
	files, _ := os.ReadDir(filepath.Join(a.Dir, "files"))
	if len(m.Files) != 0 || len(files) != 0 {
		t.Errorf("a rejected file entered the archive: %d entries, %d files", len(m.Files), len(files))
	}
	left, _ := filepath.Glob(filepath.Join(a.Dir, ".incoming-*"))
	if len(left) != 0 {
		t.Errorf("staging files left behind: %v", left)
	}
}

func TestArchiveCurrentAndCorruption(t *testing.T) {
	a := testArchive(t)
	add := func(kind Kind, period, body string) Entry {
		res, err := a.Add(Entry{Kind: kind, Period: period, Filename: period + ".xlsx"}, strings.NewReader(body), accept)
		if err != nil {
			t.Fatal(err)
		}
		return res.Entry
	}
	add(KindAreaTables, "2019-20", "first")
	restated := add(KindAreaTables, "2019-20", "restated")
	add(KindAreaTables, "2020-21", "other")
	add(KindLookup, "", "l1")
	add(KindLookup, "", "l2")
	m, _ := a.Manifest()
	var got []string
	for _, e := range m.Current() {
		got = append(got, e.Period+"/"+e.SHA256[:6])
	}
	if len(got) != 4 || got[0] != "2019-20/"+restated.SHA256[:6] {
		t.Errorf("current = %v, want the restated 2019-20, 2020-21 and both lookups", got)
	}
	f, err := a.Open(restated)
	if err != nil {
		t.Fatal(err)
	}
	// Open checked the hash by reading to the end; the caller reads from
	// the start.
	b, err := io.ReadAll(f)
	f.Close()
	if err != nil || len(b) != int(restated.Bytes) {
		t.Errorf("read %d bytes of an opened archived file (%v), want %d", len(b), err, restated.Bytes)
	}
	if err := os.WriteFile(filepath.Join(a.Dir, restated.Path), []byte("tampered"), 0o644); err != nil {
		t.Fatal(err)
	}
	if f, err := a.Open(restated); !errors.Is(err, ErrCorrupt) || f != nil {
		t.Errorf("Open of a tampered file = %v, %v; want ErrCorrupt", f, err)
	}
}
