package govuk

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// Page is a GOV.UK statistics page as the Content API describes it, reduced
// to what discovery needs. Every field may be missing on old pages.
type Page struct {
	// SchemaName is "redirect" for a page that moved (Redirects says
	// where) and "gone" for one removed with an explanation.
	SchemaName       string           `json:"schema_name"`
	Redirects        []Redirect       `json:"redirects"`
	BasePath         string           `json:"base_path"`
	Title            string           `json:"title"`
	DocumentType     string           `json:"document_type"`
	FirstPublishedAt string           `json:"first_published_at"`
	PublicUpdatedAt  string           `json:"public_updated_at"`
	Withdrawn        *WithdrawnNotice `json:"withdrawn_notice"`
	Details          PageDetails      `json:"details"`
	Links            *PageLinks       `json:"links"`
}

// WithdrawnNotice is present, often empty, on every page; a page is
// withdrawn only when it says why or when.
type WithdrawnNotice struct {
	Explanation string `json:"explanation"`
	WithdrawnAt string `json:"withdrawn_at"`
}

// IsWithdrawn reports whether the page has been withdrawn.
func (p Page) IsWithdrawn() bool {
	return p.Withdrawn != nil && (strings.TrimSpace(p.Withdrawn.Explanation) != "" || strings.TrimSpace(p.Withdrawn.WithdrawnAt) != "")
}

// PageDetails holds a page's details block.
type PageDetails struct {
	Attachments []Attachment `json:"attachments"`
	// ChangeHistory is the page's notes, newest first as GOV.UK lists
	// them ("Correction to table 3 …").
	ChangeHistory []ChangeNote `json:"change_history"`
	// Explanation and AlternativePath say why a gone page went, and
	// where to look instead.
	Explanation     string `json:"explanation"`
	AlternativePath string `json:"alternative_path"`
}

// ChangeNote is one entry of a page's change history.
type ChangeNote struct {
	PublicTimestamp string `json:"public_timestamp"`
	Note            string `json:"note"`
}

// Redirect is one route of a moved page: requests for Path (exactly, or
// as a prefix) go to Destination.
type Redirect struct {
	Path         string `json:"path"`
	Type         string `json:"type"` // "exact" or "prefix"
	Destination  string `json:"destination"`
	SegmentsMode string `json:"segments_mode"` // "ignore" drops what follows a prefix
}

// PageLinks holds the links block of a collection.
type PageLinks struct {
	Documents []DocumentLink `json:"documents"`
}

// DocumentLink is one member of a collection.
type DocumentLink struct {
	BasePath        string `json:"base_path"`
	APIPath         string `json:"api_path"`
	Title           string `json:"title"`
	DocumentType    string `json:"document_type"`
	PublicUpdatedAt string `json:"public_updated_at"`
	Withdrawn       bool   `json:"withdrawn"`
}

// Attachment is one file attached to a statistics page.
type Attachment struct {
	Title       string  `json:"title"`
	Filename    string  `json:"filename"`
	ContentType string  `json:"content_type"`
	URL         string  `json:"url"`
	FileSize    flexInt `json:"file_size"`
}

// flexInt reads a number that old pages may give as text, or not at all;
// anything unreadable is 0 rather than a failed page.
type flexInt int64

// UnmarshalJSON implements json.Unmarshaler.
func (n *flexInt) UnmarshalJSON(b []byte) error {
	v, err := strconv.ParseInt(strings.Trim(string(b), `"`), 10, 64)
	if err == nil {
		*n = flexInt(v)
	}
	return nil
}

// statisticsTypes are the document types that carry MAPPA releases.
var statisticsTypes = map[string]bool{"official_statistics": true, "national_statistics": true}

// IsStatistics reports whether a collection member is a statistics page.
func (d DocumentLink) IsStatistics() bool { return statisticsTypes[d.DocumentType] }

// ErrAmbiguous marks a page whose area tables or year cannot be told
// without guessing; discovery skips it rather than load the wrong year.
var ErrAmbiguous = errors.New("ambiguous")

// ErrNoAreaTables marks a page with no area tables attachment.
var ErrNoAreaTables = errors.New("no area tables attachment")

// yearPattern finds a financial year written as "2019 to 2020", "2019/20",
// "2019-20", "2019_20" or "2019–2020".
var yearPattern = regexp.MustCompile(`(?i)(?:^|[^0-9])((?:19|20)[0-9]{2})\s*(?:-|–|—|/|_|\bto\b)\s*((?:19|20)?[0-9]{2})(?:[^0-9]|$)`)

// FinancialYearIn returns the financial year ("2019-20") named in text.
// It returns "" when text names none, and ErrAmbiguous when it names more
// than one or a pair of years that are not consecutive.
func FinancialYearIn(text string) (string, error) {
	found := ""
	// Each search resumes just after the previous year rather than after
	// the non-digit that ended it, which may begin the next year
	// ("2019-20_2020-21").
	for rest := text; ; {
		loc := yearPattern.FindStringSubmatchIndex(rest)
		if loc == nil {
			break
		}
		match, first, second := rest[loc[0]:loc[1]], rest[loc[2]:loc[3]], rest[loc[4]:loc[5]]
		rest = rest[loc[5]:]
		start, _ := strconv.Atoi(first)
		end, _ := strconv.Atoi(second)
		if len(second) == 2 {
			end += start / 100 * 100
			if end < start { // "1999/00"
				end += 100
			}
		}
		if end != start+1 {
			return "", fmt.Errorf("%w: %q is not one financial year", ErrAmbiguous, strings.TrimSpace(match))
		}
		fy := fmt.Sprintf("%d-%02d", start, end%100)
		if found != "" && found != fy {
			return "", fmt.Errorf("%w: %q names both %s and %s", ErrAmbiguous, text, found, fy)
		}
		found = fy
	}
	return found, nil
}

var spreadsheetTypes = map[string]string{
	"application/vnd.oasis.opendocument.spreadsheet":                    ".ods",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
	"application/vnd.ms-excel":                                          ".xls",
}

// spreadsheetExt returns the attachment's spreadsheet extension, from its
// content type or else its file name, or "" when it is not a spreadsheet.
func (a Attachment) spreadsheetExt() string {
	ct := strings.ToLower(strings.TrimSpace(strings.Split(a.ContentType, ";")[0]))
	if ext, ok := spreadsheetTypes[ct]; ok {
		return ext
	}
	switch ext := strings.ToLower(path.Ext(a.name())); ext {
	case ".ods", ".xlsx", ".xls":
		return ext
	}
	return ""
}

// name is the attachment's file name, from its URL when the API omits it.
func (a Attachment) name() string {
	if a.Filename != "" {
		return a.Filename
	}
	return FileNameOf(a.URL)
}

// FileNameOf is the file name at the end of a URL's path, unescaped:
// "…/Area%20tables%202019-20.xls" is "Area tables 2019-20.xls".
func FileNameOf(rawURL string) string {
	u := rawURL
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	name := path.Base(u)
	if dec, err := url.PathUnescape(name); err == nil {
		name = dec
	}
	return name
}

// IsURL reports whether s, an operator-given source, is an http(s) URL
// rather than a local path.
func IsURL(s string) bool { return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://") }

// words lowercases s and turns separators into spaces, so
// "MAPPA_Annual_Report_-_Areas_Tables" reads "mappa annual report areas tables".
func words(s string) string {
	s = strings.ToLower(s)
	s = strings.Map(func(r rune) rune {
		switch r {
		case '_', '-', '.', ':', ',', '(', ')', '/', '–', '—':
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// areaWords matches the ways area tables have been named: "area tables",
// "areas tables", "by area", or "area" at the end of a file name.
var areaWords = regexp.MustCompile(`\b(areas? (data )?tables?|by (police )?areas?|area data)\b|\barea( xlsx?| ods)?$`)

// namesAreaTables reports whether the title or file name names area tables.
func (a Attachment) namesAreaTables() bool {
	return areaWords.MatchString(words(a.Title)) || areaWords.MatchString(words(a.name()))
}

// formatPreference orders the formats of one table published twice.
var formatPreference = map[string]int{".ods": 0, ".xlsx": 1, ".xls": 2}

// Candidate is the area tables attachment chosen from a page.
type Candidate struct {
	Attachment    Attachment
	FinancialYear string
}

// Filename is the attachment's file name (from its URL if the API omits it).
func (c Candidate) Filename() string { return c.Attachment.name() }

// PickAreaTables chooses the area tables attachment of a statistics page
// and the financial year it covers. A page naming no year, attachments
// naming a different year from the page, or two different area tables
// give ErrAmbiguous; the same table in several formats is not ambiguous,
// and the open format is preferred.
func PickAreaTables(p Page) (Candidate, error) {
	pageYear, err := FinancialYearIn(p.Title)
	if err != nil {
		return Candidate{}, fmt.Errorf("page title: %w", err)
	}
	var picked []Candidate
	for _, a := range p.Details.Attachments {
		ext := a.spreadsheetExt()
		if ext == "" || !a.namesAreaTables() {
			continue
		}
		year, err := attachmentYear(a, pageYear)
		if err != nil {
			return Candidate{}, fmt.Errorf("attachment %q: %w", a.name(), err)
		}
		picked = append(picked, Candidate{Attachment: a, FinancialYear: year})
	}
	switch len(picked) {
	case 0:
		return Candidate{}, ErrNoAreaTables
	case 1:
		return picked[0], nil
	}
	best := picked[0]
	for _, c := range picked[1:] {
		if c.FinancialYear != best.FinancialYear || stem(c) != stem(best) {
			return Candidate{}, fmt.Errorf("%w: %d area tables attachments (%q and %q)", ErrAmbiguous, len(picked), best.Filename(), c.Filename())
		}
		if formatPreference[c.Attachment.spreadsheetExt()] < formatPreference[best.Attachment.spreadsheetExt()] {
			best = c
		}
	}
	return best, nil
}

// stem identifies a table across formats: its title, or its file name
// without the extension.
func stem(c Candidate) string {
	t := words(c.Attachment.Title)
	if t == "" {
		name := c.Filename()
		t = words(strings.TrimSuffix(name, path.Ext(name)))
	}
	return strings.TrimSpace(formatWords.ReplaceAllString(t, " "))
}

// formatWords name a file format in a title, as in "Area tables (ODS)"
// beside "Area tables (Excel)": the same table either way.
var formatWords = regexp.MustCompile(`\b(ods|opendocument|open document|xlsx?|excel|microsoft excel|spreadsheet|format|version)\b`)

// attachmentYear is the year an attachment names, which must agree with
// the page's; an attachment naming none takes the page's.
func attachmentYear(a Attachment, pageYear string) (string, error) {
	year := ""
	for _, text := range []string{a.Title, a.name()} {
		y, err := FinancialYearIn(text)
		if err != nil {
			return "", err
		}
		if y != "" && year != "" && y != year {
			return "", fmt.Errorf("%w: title names %s but file name names %s", ErrAmbiguous, year, y)
		}
		if y != "" {
			year = y
		}
	}
	switch {
	case year == "" && pageYear == "":
		return "", fmt.Errorf("%w: neither the page nor the attachment names a financial year", ErrAmbiguous)
	case year == "":
		return pageYear, nil
	case pageYear != "" && year != pageYear:
		return "", fmt.Errorf("%w: the page is for %s but the attachment names %s", ErrAmbiguous, pageYear, year)
	}
	return year, nil
}
