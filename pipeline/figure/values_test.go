package figure

import "testing"

func TestValueEqual(t *testing.T) {
	zero := 0.0
	for _, tc := range []struct {
		name string
		a, b Value
		want bool
	}{
		{"same number", Of(1596), Of(1596), true},
		{"other number", Of(1596), Of(1597), false},
		{"same marker", Value{Marker: "[c]"}, Value{Marker: "[c]"}, true},
		{"other marker", Value{Marker: "[c]"}, Value{Marker: "[x]"}, false},
		{"nil and zero", Value{Number: &zero, Marker: Nil}, Of(0), false},
		{"number and marker", Of(1), Value{Marker: "[c]"}, false},
		{"revised and plain", Value{Number: Of(12).Number, Marker: "[r]"}, Of(12), false},
	} {
		if got := tc.a.Equal(tc.b); got != tc.want || tc.b.Equal(tc.a) != tc.want {
			t.Errorf("%s: Equal = %v, want %v both ways", tc.name, got, tc.want)
		}
	}
}
