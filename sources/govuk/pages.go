package govuk

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/mappa-etl/mappa/sources/fetch"
)

// Notice is a statistics page that no longer offers its release as it
// did: withdrawn (it still answers, with a notice) or gone (410, or a
// page of schema "gone"). Its figures stay loaded; the notice is recorded
// and reported.
type Notice struct {
	Page          string // the page's base path, as the collection lists it
	FinancialYear string // the year it is for, when the page says; "" when it is gone without saying
	Status        string // NoticeWithdrawn or NoticeGone
	Text          string // the explanation given, if any
	At            string // when, if given
}

// The statuses of a Notice.
const (
	NoticeWithdrawn = "withdrawn"
	NoticeGone      = "gone"
)

// maxRedirects bounds a chain of moved pages.
const maxRedirects = 10

// ErrRedirect marks a moved page whose redirects cannot be followed: a
// loop, a chain too long, no route for the page, or a destination on a
// host other than the site's.
var ErrRedirect = errors.New("cannot follow the page's redirect")

// readPage reads the page at basePath through the Content API, following
// the redirects of a page that moved (schema "redirect", answered 200
// with its routes). It returns the page, the sha256 of the document read,
// and the base paths it moved from, oldest first. apiPath, when the
// collection gave one, is read first.
func readPage(ctx context.Context, f Client, basePath, apiPath string) (Page, string, []string, error) {
	if apiPath == "" {
		apiPath = "/api/content" + basePath
	}
	var moved []string
	seen := map[string]bool{}
	for hop := 0; ; hop++ {
		var page Page
		sum, err := f.GetJSONSum(ctx, apiPath, &page)
		if err != nil || page.SchemaName != "redirect" {
			return page, sum, moved, err
		}
		// Routes are matched against the path asked for: a redirect item
		// answering for a sub-path has the prefix root as its base path.
		from := basePath
		if from == "" {
			from = page.BasePath
		}
		if seen[from] || hop == maxRedirects {
			return Page{}, "", moved, fmt.Errorf("%w: %s redirects in a loop (via %s)", ErrRedirect, basePath, strings.Join(moved, ", "))
		}
		seen[from] = true
		dest, err := destination(f, page.Redirects, from)
		if err != nil {
			return Page{}, "", moved, err
		}
		moved = append(moved, from)
		basePath, apiPath = dest, "/api/content"+dest
	}
}

// destination is where a moved page's routes send path: an exact route
// for it, else the longest prefix route that covers it, keeping what
// follows the prefix when the route preserves segments. A destination
// must be on the site itself.
func destination(f Client, routes []Redirect, path string) (string, error) {
	var best *Redirect
	for i, r := range routes {
		switch {
		case r.Type != "prefix" && r.Path == path:
			best = &routes[i]
		case r.Type == "prefix" && (path == r.Path || strings.HasPrefix(path, strings.TrimSuffix(r.Path, "/")+"/")):
			if best == nil || best.Type == "prefix" && len(r.Path) > len(best.Path) {
				best = &routes[i]
			}
		}
		if best != nil && best.Type != "prefix" {
			break
		}
	}
	if best == nil {
		return "", fmt.Errorf("%w: %s moved, but none of its %d routes covers it", ErrRedirect, path, len(routes))
	}
	u, err := f.Resolve(best.Destination)
	if err != nil {
		return "", fmt.Errorf("%w: %s moves to %q: %v", ErrRedirect, path, best.Destination, err)
	}
	origin, err := url.Parse(f.Origin())
	if err != nil || !strings.EqualFold(u.Host, origin.Host) {
		return "", fmt.Errorf("%w: %s moves to %s, not on %s", ErrRedirect, path, u.Redacted(), f.Origin())
	}
	dest := u.Path
	// GOV.UK's router keeps what follows a prefix unless the route says
	// "ignore" (alphagov/router, shouldPreserveSegments).
	if best.Type == "prefix" && best.SegmentsMode != "ignore" {
		dest = strings.TrimSuffix(dest, "/") + strings.TrimPrefix(path, strings.TrimSuffix(best.Path, "/"))
	}
	if dest == "" || !strings.HasPrefix(dest, "/") {
		return "", fmt.Errorf("%w: %s moves to %q", ErrRedirect, path, best.Destination)
	}
	return dest, nil
}

// isGone reports whether reading a page failed because it was removed.
func isGone(err error) bool {
	var he *fetch.HTTPError
	return errors.As(err, &he) && he.Code == http.StatusGone
}
