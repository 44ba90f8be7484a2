package fetch

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Version is mappa's version from the build information: the module
// version of a `go install …@version`, the pseudo-version Go stamps from
// version control when built in a checkout, or "devel".
func Version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// BuildDescription says what was built, for `mappa version`: "mappa
// v0.0.0-20261203065500-ac88080abcde (go1.25.4 linux/amd64, revision
// ac88080abcde, 2026-12-03T06:55:00Z)", with "modified" when the
// checkout had changes not committed.
func BuildDescription() string {
	parts := []string{runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		var rev, at, modified string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value[:min(12, len(s.Value))]
			case "vcs.time":
				at = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					modified = "modified"
				}
			}
		}
		for _, p := range []string{rev, at, modified} {
			if p != "" {
				parts = append(parts, p)
			}
		}
		if rev != "" {
			parts[1] = "revision " + rev
		}
	}
	return fmt.Sprintf("mappa %s (%s)", Version(), strings.Join(parts, ", "))
}
