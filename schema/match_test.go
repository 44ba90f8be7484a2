package schema_test

import (
	"testing"

	"github.com/mappa-etl/mappa/schema"
)

func TestAreaMatcher(t *testing.T) {
	m := schema.NewAreaMatcher(schema.Areas())
	for _, tc := range []struct {
		label string
		kind  schema.RowKind
		code  string
	}{
		{"London¹", schema.RowArea, "E23000001"},
		{"London (1)", schema.RowArea, "E23000001"},
		{"Metropolitan and City of London", schema.RowArea, "E23000001"},
		{"Teesside [note 3]", schema.RowArea, "E23000013"},
		{"Avon & Somerset", schema.RowArea, "E23000036"},
		{"  dyfed powys ", schema.RowArea, "W15000004"},
		{"Dyfed-Powys2", schema.RowArea, "W15000004"},
		{"W15000002", schema.RowArea, "W15000002"},
		{"England", schema.RowSubtotal, ""},
		{"Wales", schema.RowSubtotal, ""},
		{"England & Wales", schema.RowTotal, "K04000001"},
		{"England and Wales", schema.RowTotal, "K04000001"},
		{"Total", schema.RowTotal, "K04000001"},
		{"", schema.RowBlank, ""},
		{"Source: Ministry of Justice", schema.RowUnknown, ""},
		{"Atlantis", schema.RowUnknown, ""},
	} {
		t.Run(tc.label, func(t *testing.T) {
			kind, code := m.Match(tc.label)
			if kind != tc.kind || code != tc.code {
				t.Errorf("Match(%q) = %v %q, want %v %q", tc.label, kind, code, tc.kind, tc.code)
			}
		})
	}
}

func TestFindArea(t *testing.T) {
	for _, tc := range []struct {
		arg, code, name string
	}{
		{"essex", "E23000028", "Essex"},
		{"E23000028", "E23000028", "Essex"},
		{"e23000028", "E23000028", "Essex"},
		{"Avon & Somerset", "E23000036", "Avon and Somerset"},
		{"Metropolitan and City of London", "E23000001", "London"},
		{"england and wales", "K04000001", "England and Wales"},
		{"K04000001", "K04000001", "England and Wales"},
		{"Atlantis", "", ""},
		{"England", "", ""},
		{"", "", ""},
	} {
		t.Run(tc.arg, func(t *testing.T) {
			a, err := schema.FindArea(tc.arg)
			if a.Code != tc.code || a.Name != tc.name {
				t.Errorf("FindArea(%q) = %q %q, want %q %q", tc.arg, a.Code, a.Name, tc.code, tc.name)
			}
			if (err != nil) != (tc.code == "") {
				t.Errorf("FindArea(%q) error = %v", tc.arg, err)
			}
		})
	}
}
