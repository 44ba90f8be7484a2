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
	// Page is the page's path as the collection lists it (before any
	// move).
	Page          string
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
	// MovedFrom lists the base paths the page moved from, oldest first,
	// when the collection still links to an old one.
	MovedFrom []string
	// ChangeNotes is the page's change history, as it lists it.
	ChangeNotes []ChangeNote
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
	// NoAreaTables is set for a statistics page with no area tables
	// attached (yet: GOV.UK may attach them days after publishing), and
	// PublishedAt says when the page was published.
	NoAreaTables bool
	PublishedAt  string
}

// Discovery is what a collection offers.
type Discovery struct {
	Releases []Release
	Skipped  []Skipped
	// Notices are the pages withdrawn or gone: skipped too, and worth
	// recording against the years they were for.
	Notices []Notice
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
		case !doc.IsStatistics():
			d.Skipped = append(d.Skipped, Skipped{Page: name, Reason: fmt.Sprintf("document type %q is not statistics", doc.DocumentType)})
			continue
		case doc.APIPath == "" && doc.BasePath == "":
			d.Skipped = append(d.Skipped, Skipped{Page: name, Reason: "no base_path or api_path"})
			continue
		}
		rel, skip, notice := readRelease(ctx, f, origin, doc)
		if notice != nil {
			d.Notices = append(d.Notices, *notice)
		}
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
			d.Skipped = append(d.Skipped, Skipped{Page: cmp.Or(r.Page, r.LandingURL, r.URL), Ambiguous: true,
				Reason: fmt.Sprintf("%v: %d pages offer area tables for %s", ErrAmbiguous, len(rels), year)})
		}
	}
	return d, nil
}

// readRelease reads one statistics page, following it where it moved,
// and picks its area tables. A withdrawn or gone page is skipped with a
// Notice.
func readRelease(ctx context.Context, f Client, origin string, doc DocumentLink) (Release, *Skipped, *Notice) {
	name := cmp.Or(doc.BasePath, doc.APIPath)
	page, sum, moved, err := readPage(ctx, f, doc.BasePath, doc.APIPath)
	switch {
	case err != nil && doc.Withdrawn && !isGone(err):
		// The collection says the page is withdrawn; what the page says
		// would be its notice, but without it the withdrawal stands.
		return Release{}, &Skipped{Page: name, Reason: "withdrawn"}, &Notice{Page: name, FinancialYear: yearOf(Page{Title: doc.Title}), Status: NoticeWithdrawn}
	case isGone(err):
		return Release{}, &Skipped{Page: name, Reason: "gone (410)"}, &Notice{Page: name, FinancialYear: yearOf(Page{Title: doc.Title}), Status: NoticeGone}
	case err != nil:
		return Release{}, &Skipped{Page: name, Reason: "page could not be read", Err: fmt.Errorf("read page %s: %w", name, err)}, nil
	case page.SchemaName == "gone":
		return Release{}, &Skipped{Page: name, Reason: "gone: " + page.Details.Explanation},
			&Notice{Page: name, FinancialYear: yearOf(Page{Title: doc.Title}), Status: NoticeGone, Text: strings.TrimSpace(page.Details.Explanation), At: page.PublicUpdatedAt}
	}
	if page.Title == "" {
		page.Title = doc.Title
	}
	if page.IsWithdrawn() || doc.Withdrawn {
		n := &Notice{Page: name, FinancialYear: yearOf(page), Status: NoticeWithdrawn}
		if page.Withdrawn != nil {
			n.Text, n.At = strings.TrimSpace(page.Withdrawn.Explanation), page.Withdrawn.WithdrawnAt
		}
		return Release{}, &Skipped{Page: name, Reason: "withdrawn"}, n
	}
	c, err := PickAreaTables(page)
	switch {
	case errors.Is(err, ErrNoAreaTables):
		return Release{}, &Skipped{Page: name, Reason: "no area tables spreadsheet attached", NoAreaTables: true, PublishedAt: cmp.Or(page.FirstPublishedAt, page.PublicUpdatedAt)}, nil
	case err != nil:
		return Release{}, &Skipped{Page: name, Reason: err.Error(), Ambiguous: errors.Is(err, ErrAmbiguous)}, nil
	case strings.TrimSpace(c.Attachment.URL) == "":
		return Release{}, &Skipped{Page: name, Reason: fmt.Sprintf("area tables %q have no url", c.Filename()),
			Err: fmt.Errorf("read page %s: area tables %q have no url", name, c.Filename())}, nil
	}
	u, err := f.Resolve(c.Attachment.URL)
	if err != nil {
		return Release{}, &Skipped{Page: name, Reason: "bad attachment url", Err: fmt.Errorf("read page %s: %w", name, err)}, nil
	}
	landing := ""
	if base := cmp.Or(page.BasePath, doc.BasePath); base != "" {
		landing = origin + base
	}
	return Release{
		Page: name, FinancialYear: c.FinancialYear, URL: u.String(), Filename: c.Filename(),
		Title: page.Title, LandingURL: landing,
		PublishedAt: cmp.Or(page.FirstPublishedAt, page.PublicUpdatedAt, doc.PublicUpdatedAt),
		FileSize:    int64(c.Attachment.FileSize), PageSHA256: sum,
		MovedFrom: moved, ChangeNotes: page.Details.ChangeHistory,
	}, nil, nil
}

// yearOf is the financial year a page is for, as its area tables or its
// title say; "" when neither does unambiguously.
func yearOf(p Page) string {
	if c, err := PickAreaTables(p); err == nil {
		return c.FinancialYear
	}
	y, _ := FinancialYearIn(p.Title)
	return y
}
