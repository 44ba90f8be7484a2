package govuk

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// CollectionPath is the GOV.UK collection of MAPPA annual reports.
const CollectionPath = "/government/collections/multi-agency-public-protection-arrangements-mappa-annual-reports"

// Release is the area tables file of one financial year, found on GOV.UK.
type Release struct {
	FinancialYear string
	URL           string // the attachment, absolute
	Filename      string
	Title         string // the statistics page's title
	LandingURL    string // the statistics page
	PublishedAt   string
	FileSize      int64 // as the Content API declares it; 0 when missing
	// PageSHA256 is the sha256 of the statistics page as the Content API
	// served it: while it stays the same, the page still lists the same
	// attachment with the same metadata, and a run may trust its last
	// check of the file for a while instead of asking again.
	PageSHA256 string
}

// Skipped is a collection member or page that discovery passed over, and
// why. Err is set when the page could not be read, which is a failure;
// otherwise skipping it is expected (a guidance page, a withdrawn report).
type Skipped struct {
	Page   string
	Reason string
	Err    error
	// Ambiguous is set when the page may hold a release but which file or
	// which year could not be told: worth an operator's look.
	Ambiguous bool
}

// Discovery is what a collection offers.
type Discovery struct {
	Releases []Release
	Skipped  []Skipped
}

// Client is what discovery needs of an HTTP client (a *fetch.Client): JSON
// documents with the sha256 of their bodies, references resolved against
// the site, and the site itself.
type Client interface {
	GetJSONSum(ctx context.Context, rawURL string, v any) (string, error)
	Resolve(ref string) (*url.URL, error)
	Origin() string
}

// Discover reads a collection through the Content API and returns the area
// tables of each statistics page, ordered by year. An unreadable collection
// is an error; an unreadable page is recorded in Skipped and the rest go on.
func Discover(ctx context.Context, f Client, collectionPath string) (*Discovery, error) {
	var coll Page
	if _, err := f.GetJSONSum(ctx, "/api/content"+collectionPath, &coll); err != nil {
		return nil, fmt.Errorf("read collection %s: %w", collectionPath, err)
	}
	// Landing pages are the origin joined with a page's base path, not
	// resolved against it: a base path is the page's own, on the site
	// ("//elsewhere/x" must not become another host's page).
	origin := f.Origin()
	d := &Discovery{}
	if coll.Links == nil || len(coll.Links.Documents) == 0 {
		d.Skipped = append(d.Skipped, Skipped{Page: collectionPath, Reason: "the collection lists no documents"})
		return d, nil
	}
	byYear := map[string][]Release{}
	for _, doc := range coll.Links.Documents {
		name := cmp.Or(doc.BasePath, doc.APIPath, doc.Title)
		switch {
		case doc.Withdrawn:
			d.Skipped = append(d.Skipped, Skipped{Page: name, Reason: "withdrawn"})
			continue
		case !doc.IsStatistics():
			d.Skipped = append(d.Skipped, Skipped{Page: name, Reason: fmt.Sprintf("document type %q is not statistics", doc.DocumentType)})
			continue
		case doc.APIPath == "" && doc.BasePath == "":
			d.Skipped = append(d.Skipped, Skipped{Page: name, Reason: "no base_path or api_path"})
			continue
		}
		rel, skip := readRelease(ctx, f, origin, doc)
		if skip != nil {
			d.Skipped = append(d.Skipped, *skip)
			continue
		}
		byYear[rel.FinancialYear] = append(byYear[rel.FinancialYear], rel)
	}
	years := make([]string, 0, len(byYear))
	for year := range byYear {
		years = append(years, year)
	}
	sort.Strings(years)
	for _, year := range years {
		rels := byYear[year]
		if len(rels) == 1 {
			d.Releases = append(d.Releases, rels[0])
			continue
		}
		for _, r := range rels {
			d.Skipped = append(d.Skipped, Skipped{Page: cmp.Or(r.LandingURL, r.URL), Ambiguous: true,
				Reason: fmt.Sprintf("%v: %d pages offer area tables for %s", ErrAmbiguous, len(rels), year)})
		}
	}
	return d, nil
}

// readRelease reads one statistics page and picks its area tables.
func readRelease(ctx context.Context, f Client, origin string, doc DocumentLink) (Release, *Skipped) {
	apiPath := doc.APIPath
	if apiPath == "" {
		apiPath = "/api/content" + doc.BasePath
	}
	name := cmp.Or(doc.BasePath, apiPath)
	var page Page
	sum, err := f.GetJSONSum(ctx, apiPath, &page)
	if err != nil {
		return Release{}, &Skipped{Page: name, Reason: "page could not be read", Err: fmt.Errorf("read page %s: %w", name, err)}
	}
	if page.IsWithdrawn() {
		return Release{}, &Skipped{Page: name, Reason: "withdrawn"}
	}
	if page.Title == "" {
		page.Title = doc.Title
	}
	c, err := PickAreaTables(page)
	switch {
	case errors.Is(err, ErrNoAreaTables):
		return Release{}, &Skipped{Page: name, Reason: "no area tables spreadsheet attached"}
	case err != nil:
		return Release{}, &Skipped{Page: name, Reason: err.Error(), Ambiguous: errors.Is(err, ErrAmbiguous)}
	case strings.TrimSpace(c.Attachment.URL) == "":
		return Release{}, &Skipped{Page: name, Reason: fmt.Sprintf("area tables %q have no url", c.Filename()),
			Err: fmt.Errorf("read page %s: area tables %q have no url", name, c.Filename())}
	}
	u, err := f.Resolve(c.Attachment.URL)
	if err != nil {
		return Release{}, &Skipped{Page: name, Reason: "bad attachment url", Err: fmt.Errorf("read page %s: %w", name, err)}
	}
	landing := ""
	if base := cmp.Or(page.BasePath, doc.BasePath); base != "" {
		landing = origin + base
	}
	return Release{
		FinancialYear: c.FinancialYear, URL: u.String(), Filename: c.Filename(),
		Title: page.Title, LandingURL: landing,
		PublishedAt: cmp.Or(page.FirstPublishedAt, page.PublicUpdatedAt, doc.PublicUpdatedAt),
		FileSize:    int64(c.Attachment.FileSize), PageSHA256: sum,
	}, nil
}
