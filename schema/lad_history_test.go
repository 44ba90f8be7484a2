package schema

import "testing"

// TestLocalAuthoritiesAreInMAPPAAreas: every code of the bundled history
// lies in one of the 42 MAPPA areas, once, and each reorganisation named in
// the sources is there with its year.
func TestLocalAuthoritiesAreInMAPPAAreas(t *testing.T) {
	areas := map[string]bool{}
	for _, a := range Areas() {
		areas[a.Code] = true
	}
	seen := map[string]bool{}
	byCode := map[string]LocalAuthority{}
	for _, la := range LocalAuthorities() {
		if seen[la.Code] {
			t.Errorf("%s twice", la.Code)
		}
		seen[la.Code] = true
		byCode[la.Code] = la
		if !areas[MAPPAArea(la.PFA)] {
			t.Errorf("%s %s: police force area %s is not in a MAPPA area", la.Code, la.Name, la.PFA)
		}
	}
	for _, tc := range []struct {
		code, pfa             string
		introduced, abolished int
	}{
		{"E06000058", "E23000039", 2019, 0}, {"E07000244", "E23000025", 2019, 0}, {"E07000246", "E23000036", 2019, 2023},
		{"E06000060", "E23000029", 2020, 0}, {"E06000061", "E23000022", 2021, 0}, {"E06000063", "E23000002", 2023, 0},
		{"E06000065", "E23000009", 2023, 0}, {"E06000066", "E23000036", 2023, 0}, {"E08000020", "E23000007", 0, 2013},
		{"E08000037", "E23000007", 2013, 0}, {"E07000100", "E23000027", 0, 0}, {"E09000001", "E23000034", 0, 0},
	} {
		la, ok := byCode[tc.code]
		if !ok || la.PFA != tc.pfa || la.Introduced != tc.introduced || la.Abolished != tc.abolished {
			t.Errorf("%s = %+v, want in %s from %d to %d", tc.code, la, tc.pfa, tc.introduced, tc.abolished)
		}
	}
	if n := len(LocalAuthorities()); n != 366 {
		t.Errorf("%d codes, want 366 (348 of the 2017 lookup and 18 since and before)", n)
	}
}
