package archive

import (
	"cmp"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestManifestFresh(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	const week = 7 * 24 * time.Hour
	checked := func(ago time.Duration) string { return now.Add(-ago).Format(time.RFC3339) }
	cur := Entry{SHA256: "cur", Kind: KindAreaTables, Period: "2019-20", Path: "files/cur.ods"}
	m := &Manifest{
		Files: []Entry{{SHA256: "old", Kind: KindAreaTables, Period: "2019-20"}, cur},
		Fetched: map[string]FetchRecord{
			"day":       {SHA256: "cur", ETag: `"1"`, CheckedAt: checked(24 * time.Hour), PageSHA256: "p1"},
			"week":      {SHA256: "cur", ETag: `"1"`, CheckedAt: checked(week), PageSHA256: "p1"},
			"almost":    {SHA256: "cur", ETag: `"1"`, CheckedAt: checked(week - time.Second), PageSHA256: "p1"},
			"future":    {SHA256: "cur", ETag: `"1"`, CheckedAt: checked(-time.Hour), PageSHA256: "p1"},
			"unchecked": {SHA256: "cur", ETag: `"1"`},
			"bad time":  {SHA256: "cur", ETag: `"1"`, CheckedAt: "yesterday", PageSHA256: "p1"},
			"no page":   {SHA256: "cur", ETag: `"1"`, CheckedAt: checked(time.Hour)},
			"old file":  {SHA256: "old", ETag: `"0"`, CheckedAt: checked(time.Hour), PageSHA256: "p1"},
			"no valids": {SHA256: "cur", CheckedAt: checked(time.Hour), PageSHA256: "p1"},
		},
	}
	for _, tc := range []struct {
		name, url, page string
		kind            Kind
		period          string
		noInterval      bool // Fresh asked with an interval of 0
		fresh           bool
	}{
		{name: "checked a day ago, page unchanged", url: "day", page: "p1", fresh: true},
		{name: "checked just under the interval ago", url: "almost", page: "p1", fresh: true},
		{name: "checked exactly the interval ago", url: "week", page: "p1"},
		{name: "page changed", url: "day", page: "p2"},
		{name: "page not known", url: "day"},
		{name: "interval 0: always ask", url: "day", page: "p1", noInterval: true},
		{name: "checked in the future", url: "future", page: "p1"},
		{name: "never checked", url: "unchecked", page: "p1"},
		{name: "unreadable check time", url: "bad time", page: "p1"},
		{name: "checked as a configured input", url: "no page", page: "p1"},
		{name: "file no longer current", url: "old file", page: "p1"},
		{name: "no validators to revalidate with", url: "no valids", page: "p1"},
		{name: "url now another year's", url: "day", page: "p1", period: "2020-21"},
		{name: "url now another kind", url: "day", page: "p1", kind: KindPopulation},
		{name: "url never fetched", url: "elsewhere", page: "p1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kind, period, within := cmp.Or(tc.kind, KindAreaTables), cmp.Or(tc.period, "2019-20"), week
			if tc.noInterval {
				within = 0
			}
			e, ok := m.Fresh(tc.url, kind, period, tc.page, now, within)
			if ok != tc.fresh || (ok && e != cur) || (!ok && e != (Entry{})) {
				t.Errorf("Fresh = %+v, %v; want fresh %v", e, ok, tc.fresh)
			}
		})
	}
}

// TestArchiveChecked: a run's checks are dated in one manifest write; a
// check of what is no longer recorded is dropped; a new file or new
// validators start unchecked, the same ones keep their check.
func TestArchiveChecked(t *testing.T) {
	a := testArchive(t)
	const url = "https://assets.example/media/1/area.ods"
	at := time.Date(2026, 11, 27, 9, 30, 0, 0, time.FixedZone("BST", 3600))
	fetch := func(body, etag string) FetchRecord {
		t.Helper()
		res, err := a.AddFetched(Entry{Kind: KindAreaTables, Period: "2019-20", Filename: "area.ods", URL: url, ETag: etag},
			strings.NewReader(body), accept)
		if err != nil {
			t.Fatal(err)
		}
		return FetchRecord{SHA256: res.Entry.SHA256, ETag: etag}
	}
	record := func() FetchRecord {
		t.Helper()
		m, err := a.Manifest()
		if err != nil {
			t.Fatal(err)
		}
		return m.Fetched[url]
	}
	first := fetch("first", `"1"`)
	if err := a.Checked([]Check{{URL: url, Record: first, Page: "p1", At: at},
		{URL: "https://assets.example/never-fetched.ods", Record: first, At: at}}); err != nil {
		t.Fatal(err)
	}
	if got := record(); got.CheckedAt != "2026-11-27T08:30:00Z" || got.PageSHA256 != "p1" {
		t.Fatalf("after the check, record %+v; want checked at 08:30 UTC on page p1", got)
	}
	if m, _ := a.Manifest(); len(m.Fetched) != 1 {
		t.Errorf("a check of a URL never fetched was recorded: %+v", m.Fetched)
	}

	// The same check again changes nothing, and writes nothing.
	manifest := filepath.Join(a.Dir, "manifest.json")
	before, err := os.Stat(manifest)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Checked([]Check{{URL: url, Record: first, Page: "p1", At: at}}); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.Stat(manifest); !os.SameFile(before, after) {
		t.Error("a check that changed nothing rewrote the manifest")
	}

	fetch("first", `"1"`) // the same bytes and validators: still checked
	if got := record(); got.CheckedAt == "" {
		t.Errorf("fetching the same file again forgot its check: %+v", got)
	}
	second := fetch("second", `"2"`) // restated: unchecked until checked
	if got := record(); got != second {
		t.Errorf("after a restatement, record %+v; want %+v, unchecked", got, second)
	}
	// A check of the first file, made before the restatement was
	// recorded (by another process sharing the archive), is dropped.
	if err := a.Checked([]Check{{URL: url, Record: first, Page: "p1", At: at.Add(time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	if got := record(); got != second {
		t.Errorf("a check of the replaced file was recorded on its successor: %+v", got)
	}
}
