package archive

import (
	"errors"
	"strings"
	"testing"
)

// currentOf is the sha256 prefix and period of each current file.
func currentOf(m *Manifest) []string {
	var out []string
	for _, e := range m.Current() {
		out = append(out, e.SHA256[:4]+" "+e.Period)
	}
	return out
}

func amend(t *testing.T, a *Archive, am Amendment) Change {
	t.Helper()
	ch, err := a.Amend(am, func(_ *Manifest, _ Change, write func() error) error { return write() })
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func TestRelabel(t *testing.T) {
	a := testArchive(t)
	x, err := a.AddFetched(Entry{Kind: KindAreaTables, Period: "2020-21", Filename: "x.xlsx", URL: "https://example/x.xlsx", ETag: `"1"`}, strings.NewReader("x"), accept)
	if err != nil {
		t.Fatal(err)
	}
	y, err := a.Add(Entry{Kind: KindAreaTables, Period: "2019-20", Filename: "y.xlsx"}, strings.NewReader("y"), accept)
	if err != nil {
		t.Fatal(err)
	}
	xs, ys := x.Entry.SHA256[:4], y.Entry.SHA256[:4]

	// Into a period whose file was added later: x becomes its file.
	ch := amend(t, a, Amendment{Action: ActionRelabel, SHA256: x.Entry.SHA256[:8], To: "2019-20"})
	if ch.From != "2020-21" || ch.To != "2019-20" || ch.By == "" || ch.At != "2026-11-27T09:00:00Z" {
		t.Errorf("change %+v", ch)
	}
	m, _ := a.Manifest()
	if got := strings.Join(currentOf(m), ", "); got != xs+" 2019-20" {
		t.Errorf("current after relabel: %s, want only %s 2019-20 (not %s)", got, xs, ys)
	}
	// The page still offers it as 2020-21: the operator's period wins,
	// and the request stays conditional.
	if _, _, ok := m.Conditional("https://example/x.xlsx", KindAreaTables, "2020-21"); !ok {
		t.Error("a relabelled file's URL is no longer asked for conditionally")
	}

	// Relabelled twice, it keeps the period it came under.
	amend(t, a, Amendment{Action: ActionRelabel, SHA256: x.Entry.SHA256[:8], To: "2018-19"})
	m, _ = a.Manifest()
	if e, _ := m.Find(x.Entry.SHA256); e.RelabelledFrom != "2020-21" || e.Period != "2018-19" {
		t.Errorf("after a second relabel: period %s, from %s; want 2018-19 from 2020-21", e.Period, e.RelabelledFrom)
	}
	res, err := a.AddFetched(Entry{Kind: KindAreaTables, Period: "2020-21", Filename: "x.xlsx", URL: "https://example/x.xlsx"}, strings.NewReader("x"), accept)
	if err != nil || res.Entry.Period != "2018-19" {
		t.Errorf("fetched again under its first period: %+v, %v; want it left as 2018-19", res.Entry, err)
	}
	// Back under its first period, it is relabelled no more.
	amend(t, a, Amendment{Action: ActionRelabel, SHA256: x.Entry.SHA256, To: "2020-21"})
	m, _ = a.Manifest()
	if e, _ := m.Find(x.Entry.SHA256); e.RelabelledFrom != "" {
		t.Errorf("back under its first period, still relabelled from %q", e.RelabelledFrom)
	}
	if got := strings.Join(currentOf(m), ", "); got != xs+" 2020-21, "+ys+" 2019-20" && got != ys+" 2019-20, "+xs+" 2020-21" {
		t.Errorf("current: %s", got)
	}
	if len(m.Changes) != 3 {
		t.Errorf("%d changes recorded, want 3", len(m.Changes))
	}
}

func TestWithdraw(t *testing.T) {
	a := testArchive(t)
	x, err := a.AddFetched(Entry{Kind: KindAreaTables, Period: "2020-21", Filename: "x.xlsx", URL: "https://example/x.xlsx"}, strings.NewReader("x"), accept)
	if err != nil {
		t.Fatal(err)
	}
	amend(t, a, Amendment{Action: ActionWithdraw, SHA256: x.Entry.SHA256[:8], Reason: "by mistake"})
	m, _ := a.Manifest()
	if len(m.Current()) != 0 || len(m.Files) != 1 || !m.Files[0].Withdrawn() {
		t.Fatalf("after withdraw: current %v, files %+v", currentOf(m), m.Files)
	}
	if _, err := a.Amend(Amendment{Action: ActionWithdraw, SHA256: x.Entry.SHA256}, func(_ *Manifest, _ Change, w func() error) error { return w() }); err == nil || !strings.Contains(err.Error(), "was withdrawn already") {
		t.Errorf("second withdraw: %v", err)
	}
	// A run fetching it again leaves it withdrawn.
	res, err := a.AddFetched(Entry{Kind: KindAreaTables, Period: "2020-21", Filename: "x.xlsx", URL: "https://example/x.xlsx"}, strings.NewReader("x"), accept)
	if m, _ = a.Manifest(); err != nil || res.Added || len(m.Current()) != 0 {
		t.Errorf("fetched again: %+v %v; current %v", res, err, currentOf(m))
	}
	// Added by hand, it is reinstated, and that is recorded.
	res, err = a.Add(Entry{Kind: KindAreaTables, Period: "2020-21", Filename: "x.xlsx"}, strings.NewReader("x"), accept)
	if m, _ = a.Manifest(); err != nil || !res.Added || len(m.Current()) != 1 || m.Changes[len(m.Changes)-1].Action != ActionReinstate {
		t.Errorf("added by hand: %+v %v; current %v; changes %+v", res, err, currentOf(m), m.Changes)
	}
	// An amendment whose commit fails is not made.
	_, err = a.Amend(Amendment{Action: ActionWithdraw, SHA256: x.Entry.SHA256}, func(*Manifest, Change, func() error) error { return errTest })
	if m, _ = a.Manifest(); err == nil || len(m.Current()) != 1 {
		t.Errorf("a failed commit: %v; current %v", err, currentOf(m))
	}
	for _, bad := range []string{"abc", "ffffffff"} {
		if _, err := m.Resolve(bad); err == nil {
			t.Errorf("Resolve(%q) found a file", bad)
		}
	}
}

var errTest = errors.New("the database could not be built")
