package archive

import (
	"strings"
	"testing"
)

// TestEditionsStandSideBySide: population files of one mid-year are
// editions, all current, unless a later file is of the same edition; an
// entry archived before editions is the edition of the day it was added.
func TestEditionsStandSideBySide(t *testing.T) {
	a := testArchive(t)
	add := func(body, edition, from string) AddResult {
		t.Helper()
		res, err := a.Add(Entry{Kind: KindPopulation, Period: "2019", Filename: "mye2.xlsx"}, strings.NewReader(body),
			func(string) (Validated, error) {
				return Validated{MediaType: "application/vnd.ms-excel", Edition: edition, EditionFrom: from}, nil
			})
		if err != nil || !res.Added {
			t.Fatalf("add %s: %+v %v", body, res, err)
		}
		return res
	}
	original := add("mid-2019 as first published", "2020-06-24", EditionFromFile)
	rebased := add("mid-2019 rebased on Census 2021", "2023-11-30", EditionFromFile)
	corrected := add("mid-2019 rebased, corrected", "2023-11-30", EditionFromOption)
	if rebased.Entry.Edition != "2023-11-30" || corrected.Entry.EditionFrom != EditionFromOption {
		t.Errorf("entries %+v, %+v", rebased.Entry, corrected.Entry)
	}
	m, err := a.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	var current []string
	for _, e := range m.Current() {
		current = append(current, e.SHA256)
	}
	if want := []string{original.Entry.SHA256, corrected.Entry.SHA256}; strings.Join(current, " ") != strings.Join(want, " ") {
		t.Errorf("current %v, want the original and the corrected rebased edition %v", current, want)
	}

	// The same bytes asked for as another edition are refused; asked for
	// as none, they are already archived.
	if _, err := a.Add(Entry{Kind: KindPopulation, Period: "2019", Filename: "again.xlsx", Edition: "2024-01-01"},
		strings.NewReader("mid-2019 as first published"), accept); err == nil ||
		!strings.Contains(err.Error(), "already archived as population 2019, edition 2020-06-24") {
		t.Errorf("another edition of archived bytes: %v", err)
	}
	if res, err := a.Add(Entry{Kind: KindPopulation, Period: "2019", Filename: "again.xlsx"},
		strings.NewReader("mid-2019 as first published"), accept); err != nil || res.Added || res.Entry.Edition != "2020-06-24" {
		t.Errorf("the same bytes again: %+v, %v", res, err)
	}

	for _, tc := range []struct {
		e             Entry
		edition, from string
	}{
		{Entry{Edition: "2020-06-24", EditionFrom: EditionFromFile, AddedAt: "2026-11-27T09:00:00Z"}, "2020-06-24", EditionFromFile},
		{Entry{AddedAt: "2025-10-30T08:30:00Z"}, "2025-10-30", EditionFromAdded},
	} {
		if ed, from := EditionOf(tc.e); ed != tc.edition || from != tc.from {
			t.Errorf("EditionOf(%+v) = %s, %s; want %s, %s", tc.e, ed, from, tc.edition, tc.from)
		}
	}
}
