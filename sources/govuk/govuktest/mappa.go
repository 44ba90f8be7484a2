package govuktest

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// CollectionPath is the collection the fake serves (the real one's path).
const CollectionPath = "/government/collections/multi-agency-public-protection-arrangements-mappa-annual-reports"

// Release is one year the fake publishes.
type Release struct {
	FinancialYear string
	Filename      string
	PagePath      string // Content API path of the statistics page
	AttachmentURL string // as the page lists it (may redirect)
	FilePath      string // where the bytes are served
}

// Fixture is the fake's published state, for tests to aim faults at.
type Fixture struct {
	Releases   []Release
	Population map[string]string // mid-year -> URL
	Lookups    []string          // URLs
}

// ReleaseFor returns the release of a financial year.
func (f *Fixture) ReleaseFor(year string) Release {
	for _, r := range f.Releases {
		if r.FinancialYear == year {
			return r
		}
	}
	panic("govuktest: no release for " + year)
}

// Args returns the run flags that point at the fake's population and
// lookup files.
func (f *Fixture) Args() []string {
	var out []string
	for _, l := range f.Lookups {
		out = append(out, "--lookup", l)
	}
	for y, u := range f.Population {
		out = append(out, "--population", y+"="+u)
	}
	return out
}

var contentTypes = map[string]string{
	".xls":  "application/vnd.ms-excel",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".ods":  "application/vnd.oasis.opendocument.spreadsheet",
	".csv":  "text/csv",
	".pdf":  "application/pdf",
}

// published is when the fake says every file last changed.
var published = time.Date(2025, 10, 30, 9, 30, 0, 0, time.UTC)

// NewMAPPA starts a fake GOV.UK publishing the fixtures listed in
// dir/MANIFEST.tsv (kind, period, file): each area tables file on its own
// statistics page, in the styles GOV.UK has used over the years, plus a
// guidance page and a withdrawn report that must be skipped.
func NewMAPPA(dir string) (*Server, *Fixture, error) {
	rows, err := readManifest(filepath.Join(dir, "MANIFEST.tsv"))
	if err != nil {
		return nil, nil, err
	}
	s := New()
	fx := &Fixture{Population: map[string]string{}}
	docs := []map[string]any{
		{"base_path": "/government/publications/mappa-guidance", "api_path": "/api/content/government/publications/mappa-guidance",
			"title": "MAPPA guidance", "document_type": "guidance"},
		{"base_path": "/government/statistics/mappa-annual-report-2012-to-2013", "title": "MAPPA annual report 2012 to 2013",
			"document_type": "official_statistics", "withdrawn": true},
	}
	for i, row := range rows {
		kind, period, name := row[0], row[1], row[2]
		body, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			s.Close()
			return nil, nil, err
		}
		ct := contentTypes[strings.ToLower(path.Ext(name))]
		if kind != "area-tables" {
			p := "/ons/" + name
			s.SetFile(p, File{Body: body, ContentType: ct, Modified: published})
			if kind == "lookup" {
				fx.Lookups = append(fx.Lookups, s.URL(p))
			} else {
				fx.Population[period] = s.URL(p)
			}
			continue
		}
		rel, doc := s.publish(i, period, name, File{Body: body, ContentType: ct, Modified: published})
		fx.Releases = append(fx.Releases, rel)
		docs = append(docs, doc)
	}
	s.SetJSON("/api/content"+CollectionPath, map[string]any{
		"base_path": CollectionPath, "title": "Multi-agency public protection arrangements (MAPPA): annual reports",
		"document_type": "document_collection", "schema_name": "document_collection",
		"links": map[string]any{"documents": docs},
	})
	return s, fx, nil
}

// publish serves one year's statistics page and files. Older years use the
// old upload URLs, which redirect to the assets path, and leave optional
// fields out; one page is reached through a 303 from a sub-path.
func (s *Server) publish(i int, fy, name string, f File) (Release, map[string]any) {
	start, _ := strconv.Atoi(fy[:4])
	words := fmt.Sprintf("%d to %d", start, start+1)
	slug := "/government/statistics/multi-agency-public-protection-arrangements-mappa-annual-report-" + strings.ReplaceAll(words, " ", "-")
	if start == 2015 {
		slug += "--2" // older slugs differ
	}
	sum := sha256.Sum256([]byte(name))
	media := "/media/" + hex.EncodeToString(sum[:12]) + "/" + name
	s.SetFile(media, f)
	listed := media
	if start <= 2017 {
		listed = fmt.Sprintf("/government/uploads/system/uploads/attachment_data/file/%d/%s", 800000+i, name)
		s.SetRedirect(listed, media, http.StatusFound)
	}
	s.SetFile("/media/bulletin/"+fy+".pdf", File{Body: []byte("%PDF-1.4 stub"), ContentType: contentTypes[".pdf"], Modified: published})
	area := map[string]any{"title": areaTitle(start, fy), "filename": name, "content_type": f.ContentType,
		"file_size": len(f.Body), "url": s.URL(listed), "attachment_type": "file", "id": strconv.Itoa(7000 + i)}
	switch start {
	case 2014: // an old page: no content type, size or file name
		area = map[string]any{"title": areaTitle(start, fy), "url": s.URL(listed), "id": 7000 + i}
	case 2016:
		area["file_size"] = strconv.Itoa(len(f.Body)) // size as text
		area["unknown_field"] = []int{1, 2}
	}
	page := map[string]any{
		"base_path": slug, "title": "Multi-agency public protection arrangements (MAPPA) annual report " + words,
		"schema_name": "publication", "document_type": docType(start),
		"withdrawn_notice":   map[string]any{}, // live pages carry an empty notice
		"first_published_at": fmt.Sprintf("%d-10-29T09:30:00.000+00:00", start+1),
		"public_updated_at":  fmt.Sprintf("%d-10-29T09:30:00.000+00:00", start+1),
		"details": map[string]any{"attachments": []any{
			map[string]any{"title": "MAPPA annual report " + words, "filename": "mappa-bulletin-" + fy + ".pdf",
				"content_type": contentTypes[".pdf"], "url": s.URL("/media/bulletin/" + fy + ".pdf")},
			map[string]any{"title": "MAPPA annual report " + fy + ": tables", "filename": "mappa-tables-" + fy + ".xlsx",
				"content_type": contentTypes[".xlsx"], "url": s.URL("/media/tables/" + fy + ".xlsx")},
			area,
		}},
	}
	api := "/api/content" + slug
	s.SetJSON(api, page)
	listedAPI := api
	if start == 2018 {
		listedAPI = api + "/area-tables"
		s.SetRedirect(listedAPI, api, http.StatusSeeOther)
	}
	doc := map[string]any{"base_path": slug, "api_path": listedAPI, "title": page["title"],
		"document_type": docType(start), "public_updated_at": page["public_updated_at"]}
	return Release{FinancialYear: fy, Filename: name, PagePath: api, AttachmentURL: s.URL(listed), FilePath: media}, doc
}

// areaTitle varies the attachment title the way real releases do.
func areaTitle(start int, fy string) string {
	switch start % 4 {
	case 0:
		return "MAPPA Annual Report " + fy + " Area Tables"
	case 1:
		return fmt.Sprintf("MAPPA annual report %d/%02d: area tables", start, (start+1)%100)
	case 2:
		return "Area tables"
	}
	return fmt.Sprintf("MAPPA annual report %d to %d: area data", start, start+1)
}

func docType(start int) string {
	if start >= 2020 {
		return "official_statistics"
	}
	return "national_statistics"
}

func readManifest(p string) ([][]string, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rows [][]string
	sc := bufio.NewScanner(f)
	for first := true; sc.Scan(); first = false {
		cols := strings.Split(sc.Text(), "\t")
		if first || len(cols) < 3 || cols[0] == "" {
			continue
		}
		rows = append(rows, cols[:3])
	}
	return rows, sc.Err()
}
