package report_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/mappa-etl/mappa/report"
)

// fetchedURL is given to a source file in a copy of the fixtures, so that
// the page has a URL to show, as text and never as a reference.
const fetchedURL = "https://www.gov.uk/government/statistics/mappa-annual-report-2024-25.ods"

var namespaces = map[string]bool{"http://www.w3.org/2000/svg": true, "http://www.w3.org/1999/xlink": true}

func TestSelfContained(t *testing.T) {
	st := openStore(t, `UPDATE source_files SET url = '`+fetchedURL+`' WHERE period = '2024-25'`,
		`UPDATE releases SET landing_url = 'https://www.gov.uk/government/statistics/mappa-2024-25' WHERE financial_year = '2024-25'`)
	page := render(t, st, report.WithArea("Essex"))
	doc := parse(t, page)
	for _, n := range findAll(doc, func(*html.Node) bool { return true }) {
		switch n.Data {
		case "script", "link", "img", "iframe", "object", "embed", "image", "use", "base", "source", "audio", "video":
			t.Errorf("<%s> element: the page must not load anything", n.Data)
		}
		for _, a := range n.Attr {
			key := strings.TrimPrefix(a.Key, "xlink:")
			switch {
			case key == "href" && !strings.HasPrefix(a.Val, "#"):
				t.Errorf("<%s %s=%q>: links may only point within the page", n.Data, a.Key, a.Val)
			case key == "src" || key == "srcset" || key == "action" || key == "poster" || strings.HasPrefix(key, "on"):
				t.Errorf("<%s %s=%q>", n.Data, a.Key, a.Val)
			case strings.Contains(a.Val, "url(") || strings.Contains(a.Val, "@import"):
				t.Errorf("<%s %s=%q> refers to a resource", n.Data, a.Key, a.Val)
			}
		}
	}
	for _, style := range findAll(doc, tag("style")) {
		if css := text(style); strings.Contains(css, "url(") || strings.Contains(css, "@import") || strings.Contains(css, "@font-face") {
			t.Errorf("<style> refers to a resource: %s", css)
		}
	}
	// URLs may appear only as namespace names or as the provenance text.
	shown := 0
	for _, u := range regexp.MustCompile(`https?://[^\s"'<>()]+`).FindAllString(string(page), -1) {
		switch {
		case namespaces[u]:
		case u == fetchedURL || u == "https://www.gov.uk/government/statistics/mappa-2024-25":
			shown++
		default:
			t.Errorf("page refers to %s", u)
		}
	}
	if shown != 2 {
		t.Errorf("the source file and release page URLs appear %d times, want once each", shown)
	}
	for _, code := range findAll(doc, tag("code")) {
		if strings.HasPrefix(text(code), "https://") && code.Parent.Data == "a" {
			t.Errorf("URL %s is a link", text(code))
		}
	}
}

func TestAccessible(t *testing.T) {
	st := openStore(t)
	for _, area := range []string{"", "Essex"} {
		t.Run("area "+area, func(t *testing.T) {
			var opts []report.Option
			if area != "" {
				opts = append(opts, report.WithArea(area))
			}
			doc := parse(t, render(t, st, opts...))
			root := findAll(doc, tag("html"))[0]
			if attr(root, "lang") != "en" {
				t.Errorf("<html lang=%q>", attr(root, "lang"))
			}
			if metas := findAll(doc, func(n *html.Node) bool { return n.Data == "meta" && attr(n, "charset") == "utf-8" }); len(metas) != 1 {
				t.Error("no <meta charset=utf-8>")
			}
			if title := findAll(doc, tag("title")); len(title) == 0 || text(title[0]) == "" {
				t.Error("no page title")
			}
			svgs := findAll(doc, tag("svg"))
			wantFigures := 4 // the rate bars, the tile map, the counts and the rate trend
			if area != "" {
				wantFigures = 5
			}
			if len(svgs) != wantFigures {
				t.Errorf("%d charts, want %d", len(svgs), wantFigures)
			}
			for _, svg := range svgs {
				if attr(svg, "role") != "img" {
					t.Errorf("<svg> without role=img")
				}
				name := text(byID(t, doc, attr(svg, "aria-labelledby")))
				if name == "" {
					t.Errorf("<svg aria-labelledby=%q> has no accessible name", attr(svg, "aria-labelledby"))
				}
				if desc := text(byID(t, doc, attr(svg, "aria-describedby"))); desc == "" {
					t.Errorf("chart %q has no description", name)
				}
			}
			figures := findAll(doc, tag("figure"))
			if len(figures) != len(svgs) {
				t.Errorf("%d figures for %d charts", len(figures), len(svgs))
			}
			for _, f := range figures {
				caps, tables := findAll(f, tag("figcaption")), findAll(f, tag("table"))
				if len(caps) != 1 || text(caps[0]) == "" || len(tables) != 1 || len(findAll(tables[0], tag("td"))) == 0 {
					t.Errorf("figure %s: %d captions, %d data tables; want one of each, not empty", attr(f, "id"), len(caps), len(tables))
				}
			}
			checkHeadings(t, doc)
			for _, table := range findAll(doc, tag("table")) {
				if len(findAll(table, tag("caption"))) != 1 {
					t.Errorf("table %s without a caption", attr(table, "id"))
				}
				for _, th := range findAll(table, tag("th")) {
					if attr(th, "scope") == "" {
						t.Errorf("table %s: <th> %q without scope", attr(table, "id"), text(th))
					}
				}
			}
		})
	}
}

// checkHeadings wants one h1 first, and no level skipped on the way down.
func checkHeadings(t *testing.T, doc *html.Node) {
	t.Helper()
	level := 0
	for _, h := range findAll(doc, func(n *html.Node) bool { return regexp.MustCompile(`^h[1-6]$`).MatchString(n.Data) }) {
		l, _ := strconv.Atoi(h.Data[1:])
		if l > level+1 || (level == 0 && l != 1) || (l == 1 && level != 0) {
			t.Errorf("<%s> %q after a level %d heading", h.Data, text(h), level)
		}
		level = l
	}
}
