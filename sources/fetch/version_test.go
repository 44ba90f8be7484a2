package fetch

import (
	"strings"
	"testing"
)

// TestUserAgentNamesTheVersion: requests say which mappa sends them, as
// mappa version does.
func TestUserAgentNamesTheVersion(t *testing.T) {
	if ua, v := UserAgent(), Version(); !strings.HasPrefix(ua, "mappa/"+v+" (+") || v == "" {
		t.Errorf("User-Agent %q, version %q", ua, v)
	}
	if d := BuildDescription(); !strings.HasPrefix(d, "mappa "+Version()+" (go") {
		t.Errorf("build description %q", d)
	}
}
