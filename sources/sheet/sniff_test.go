package sheet

import (
	"errors"
	"strings"
	"testing"
)

func TestSniff(t *testing.T) {
	for _, tc := range []struct {
		name string
		body string
		want Format
		err  bool
	}{
		{"html error page", "<!DOCTYPE html><html>Not found</html>", "", true},
		{"empty", "", "", true},
		{"cfb", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest", FormatXLS, false},
		{"truncated zip", "PK\x03\x04\x14\x00", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Sniff(strings.NewReader(tc.body), int64(len(tc.body)))
			if got != tc.want || (err != nil) != tc.err {
				t.Errorf("Sniff = %q, %v", got, err)
			}
			if err != nil && !errors.Is(err, ErrNotSpreadsheet) {
				t.Errorf("error %v is not ErrNotSpreadsheet", err)
			}
		})
	}
}
