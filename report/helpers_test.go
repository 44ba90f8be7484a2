package report_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/zap"
	"golang.org/x/net/html"

	"github.com/mappa-etl/mappa/pipeline"
	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/report"
	"github.com/mappa-etl/mappa/sources/archive"
)

// fixtureDB is a database rebuilt once from the bundled archive; tests
// that change it work on a copy.
var fixtureDB string

func TestMain(m *testing.M) {
	os.Exit(func() int {
		dir, err := os.MkdirTemp("", "mappa-report-test")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		a, err := archive.Open("../testdata/archive")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fixtureDB = filepath.Join(dir, "fixtures.db")
		if _, err := pipeline.Rebuild(context.Background(), a, fixtureDB, zap.NewNop(), nil); err != nil {
			fmt.Fprintln(os.Stderr, "rebuild fixtures:", err)
			return 1
		}
		return m.Run()
	}())
}

// openStore opens the fixture database, or a copy of it changed by the
// given SQL statements.
func openStore(t *testing.T, changes ...string) *store.Store {
	t.Helper()
	path := fixtureDB
	if len(changes) > 0 {
		raw, err := os.ReadFile(fixtureDB)
		if err != nil {
			t.Fatal(err)
		}
		path = filepath.Join(t.TempDir(), "changed.db")
		if err := os.WriteFile(path, raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for _, q := range changes {
		if _, err := st.DB.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return st
}

// render builds and writes the report, returning the page.
func render(t *testing.T, st *store.Store, opts ...report.Option) []byte {
	t.Helper()
	r, err := report.Build(context.Background(), st, opts...)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := r.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func parse(t *testing.T, page []byte) *html.Node {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// findAll returns the elements under n that match.
func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && match(d) {
			out = append(out, d)
		}
	}
	return out
}

func tag(name string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == name }
}

func byID(t *testing.T, doc *html.Node, id string) *html.Node {
	t.Helper()
	ns := findAll(doc, func(n *html.Node) bool { return attr(n, "id") == id })
	if len(ns) != 1 {
		t.Fatalf("%d elements with id %q, want 1", len(ns), id)
	}
	return ns[0]
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// text is the text content of n with spaces collapsed.
func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// ownText is the text of n outside any .note span: the figure itself.
func ownText(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return strings.TrimSpace(b.String())
}
