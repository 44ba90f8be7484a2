package fetch

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mappa-etl/mappa/sources/govuk/govuktest"
)

func TestFetchConditional(t *testing.T) {
	const path = "/media/ab/area-tables.ods"
	modified := time.Date(2025, 10, 30, 9, 30, 0, 0, time.UTC)
	srv := govuktest.New()
	defer srv.Close()
	srv.SetFile(path, govuktest.File{Body: fileBody, ContentType: "application/vnd.oasis.opendocument.spreadsheet", Modified: modified})
	f := quick(t, srv.URL(""))
	var first collector
	res, err := f.Fetch(testCtx(t), path, Validators{}, "", first.sink)
	if err != nil {
		t.Fatal(err)
	}
	etag := res.Validators.ETag
	if !strings.HasPrefix(etag, `"`) || res.Validators.LastModified != "Thu, 30 Oct 2025 09:30:00 GMT" || res.NotModified {
		t.Fatalf("first fetch: %+v", res)
	}
	srv.Requests()
	for _, tc := range []struct {
		name            string
		cond            Validators
		wantNotModified bool
		wantINM, wantIM string
	}{
		{"etag", Validators{ETag: etag}, true, etag, ""},
		{"last modified", Validators{LastModified: res.Validators.LastModified}, true, "", res.Validators.LastModified},
		{"both", res.Validators, true, etag, res.Validators.LastModified},
		{"stale etag", Validators{ETag: `"0000"`}, false, `"0000"`, ""},
		{"older date", Validators{LastModified: "Mon, 01 Jan 2024 00:00:00 GMT"}, false, "", "Mon, 01 Jan 2024 00:00:00 GMT"},
		{"unconditional", Validators{}, false, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c collector
			res, err := f.Fetch(testCtx(t), path, tc.cond, "", c.sink)
			if err != nil {
				t.Fatal(err)
			}
			if res.NotModified != tc.wantNotModified {
				t.Errorf("NotModified = %v, want %v", res.NotModified, tc.wantNotModified)
			}
			if tc.wantNotModified && (c.calls != 0 || res.Validators.ETag != etag) {
				t.Errorf("Not Modified: %d sink calls, %+v", c.calls, res)
			}
			if !tc.wantNotModified && (c.calls != 1 || c.body.Len() != len(fileBody)) {
				t.Errorf("modified: %d sink calls, %d bytes", c.calls, c.body.Len())
			}
			reqs := srv.Requests()
			if len(reqs) != 1 || reqs[0].IfNoneMatch != tc.wantINM || reqs[0].IfModifiedSince != tc.wantIM {
				t.Errorf("requests = %+v, want If-None-Match %q, If-Modified-Since %q", reqs, tc.wantINM, tc.wantIM)
			}
		})
	}
}

// TestFetchUnaskedNotModified: a 304 the request did not ask for is not
// success; there is no body to hand on.
func TestFetchUnaskedNotModified(t *testing.T) {
	srv, n := counting(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNotModified) })
	var c collector
	res, err := quick(t, srv.URL).Fetch(testCtx(t), "/x", Validators{}, "", c.sink)
	var herr *HTTPError
	if !errors.As(err, &herr) || herr.Status != "304 Not Modified" || res != nil || c.calls != 0 || n.Load() != 1 {
		t.Errorf("Fetch = %+v, %v; %d sink calls, %d requests", res, err, c.calls, n.Load())
	}
}

func TestFetchUserAgent(t *testing.T) {
	for _, tc := range []struct {
		name   string
		opts   []Option
		prefix string
	}{
		{"default", nil, "mappa/"},
		{"replaced", []Option{WithUserAgent("mirror-check/1.0")}, "mirror-check/1.0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var agents []string
			srv, _ := counting(t, func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				agents = append(agents, r.UserAgent())
				retry := len(agents) == 1
				mu.Unlock()
				if retry {
					http.Error(w, "busy", http.StatusServiceUnavailable)
					return
				}
				w.Write(fileBody)
			})
			if _, err := quick(t, srv.URL, tc.opts...).Fetch(testCtx(t), "/x", Validators{}, "", (&collector{}).sink); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(agents) != 2 {
				t.Fatalf("%d requests, want 2", len(agents))
			}
			for i, ua := range agents { // the retry is identified too
				if !strings.HasPrefix(ua, tc.prefix) {
					t.Errorf("request %d User-Agent = %q, want prefix %q", i, ua, tc.prefix)
				}
			}
		})
	}
	if ua := UserAgent(); !strings.HasPrefix(ua, "mappa/") || !strings.Contains(ua, "github.com/mappa-etl/mappa") {
		t.Errorf("UserAgent() = %q", ua)
	}
}

func TestGetJSONSum(t *testing.T) {
	const path = "/api/content/x"
	for _, tc := range []struct {
		name     string
		doc      []byte
		fault    *govuktest.Fault
		wantErr  string
		requests int
	}{
		{"valid", []byte(`{"title": "MAPPA", "base_path": "/x"}`), nil, "", 1},
		{"trailing newline", []byte("{\"title\": \"MAPPA\", \"base_path\": \"/x\"}\n"), nil, "", 1},
		{"cut short once", []byte(`{"title": "MAPPA", "base_path": "/x"}`), &govuktest.Fault{Kind: govuktest.CutShort, Times: 1}, "", 2},
		{"invalid JSON", []byte(`{"title": "MAPPA",`), nil, "invalid JSON", 1},
		{"HTML error page", []byte(`{}`), &govuktest.Fault{Kind: govuktest.Body, Body: []byte("<!DOCTYPE html><p>Sorry</p>")}, "invalid JSON", 1},
		{"empty body", []byte(``), nil, "invalid JSON", 1},
		{"missing", nil, nil, "404 Not Found", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := govuktest.New()
			defer srv.Close()
			if tc.doc != nil {
				srv.SetJSON(path, tc.doc)
			}
			if tc.fault != nil {
				srv.AddFault(path, *tc.fault)
			}
			var p struct {
				Title    string `json:"title"`
				BasePath string `json:"base_path"`
			}
			sum, err := quick(t, srv.URL("")).GetJSONSum(testCtx(t), path, &p)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), path) || sum != "" {
					t.Errorf("GetJSONSum = %q, %v; want an error with %q and the URL", sum, err, tc.wantErr)
				}
			} else if want := sha256.Sum256(tc.doc); err != nil || p.Title != "MAPPA" || p.BasePath != "/x" || sum != hex.EncodeToString(want[:]) {
				t.Errorf("GetJSONSum = %q, %v, %+v; want the sha256 of the whole document", sum, err, p)
			}
			if reqs := settle(srv, tc.requests); len(reqs) != tc.requests {
				t.Errorf("server saw %d requests, want %d", len(reqs), tc.requests)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	f, err := New("https://mirror.example:8443/")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ ref, want string }{
		{"/api/content/government/collections/x", "https://mirror.example:8443/api/content/government/collections/x"},
		{"media/x.ods", "https://mirror.example:8443/media/x.ods"},
		{"/media/a b.ods?download=1", "https://mirror.example:8443/media/a%20b.ods?download=1"},
		{"https://assets.publishing.service.gov.uk/media/x.ods", "https://assets.publishing.service.gov.uk/media/x.ods"},
		{"//other.example/x", "https://other.example/x"},
	} {
		u, err := f.Resolve(tc.ref)
		if err != nil || u.String() != tc.want {
			t.Errorf("Resolve(%q) = %v, %v; want %s", tc.ref, u, err, tc.want)
		}
	}
	if _, err := f.Resolve("%zz"); err == nil {
		t.Error("Resolve of a malformed URL succeeded")
	}
}

func TestFetchSinkError(t *testing.T) {
	srv, n := counting(t, func(w http.ResponseWriter, r *http.Request) { w.Write(fileBody) })
	invalid := errors.New("not a spreadsheet")
	for _, tc := range []struct {
		name string
		sink func(*Fetched, io.Reader) error
	}{
		{"before reading", func(*Fetched, io.Reader) error { return invalid }},
		{"after part", func(_ *Fetched, r io.Reader) error { r.Read(make([]byte, 10)); return invalid }},
		{"after all", func(_ *Fetched, r io.Reader) error { io.Copy(io.Discard, r); return invalid }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n.Store(0)
			res, err := quick(t, srv.URL).Fetch(testCtx(t), "/x", Validators{}, "", tc.sink)
			if err != invalid || res != nil || n.Load() != 1 {
				t.Errorf("Fetch = %+v, %v after %d requests; want the sink's own error after 1", res, err, n.Load())
			}
		})
	}
}

type progressRecorder struct {
	label  string
	total  int64
	n      int
	closed bool
}

func (p *progressRecorder) Write(b []byte) (int, error) { p.n += len(b); return len(b), nil }
func (p *progressRecorder) Close() error                { p.closed = true; return nil }

func TestFetchProgress(t *testing.T) {
	srv, _ := counting(t, func(w http.ResponseWriter, r *http.Request) { w.Write(fileBody) })
	var bars []*progressRecorder
	f := quick(t, srv.URL, WithProgress(func(label string, total int64) io.WriteCloser {
		p := &progressRecorder{label: label, total: total}
		bars = append(bars, p)
		return p
	}))
	if _, err := f.Fetch(testCtx(t), "/x", Validators{}, "2019-20 area tables", (&collector{}).sink); err != nil {
		t.Fatal(err)
	}
	if len(bars) != 1 || bars[0].label != "2019-20 area tables" || bars[0].total != 1000 || bars[0].n != 1000 || !bars[0].closed {
		t.Errorf("progress = %+v", bars)
	}
}

func TestBackoff(t *testing.T) {
	resp := func(code int, retryAfter string) *http.Response {
		return &http.Response{StatusCode: code, Header: http.Header{"Retry-After": {retryAfter}}}
	}
	soon := time.Now().Add(30 * time.Second).UTC().Format(http.TimeFormat)
	for _, tc := range []struct {
		name     string
		opts     []Option
		attempt  int
		resp     *http.Response
		min, max time.Duration // the wait must fall in [min, max]
	}{
		{"first retry waits the minimum", nil, 0, nil, time.Second, time.Second},
		{"exponential", nil, 3, nil, 8 * time.Second, 8 * time.Second},
		{"exponential capped", nil, 10, nil, 20 * time.Second, 20 * time.Second},
		{"exponential after a 500", nil, 2, resp(500, ""), 4 * time.Second, 4 * time.Second},
		{"429 Retry-After seconds", nil, 0, resp(429, "5"), 5 * time.Second, 5 * time.Second},
		{"Retry-After beyond the backoff cap", nil, 0, resp(503, "45"), 45 * time.Second, 45 * time.Second},
		{"Retry-After capped by default", nil, 0, resp(429, "3600"), time.Minute, time.Minute},
		{"Retry-After capped by option", []Option{WithMaxRetryAfter(10 * time.Second)}, 0, resp(429, "3600"), 10 * time.Second, 10 * time.Second},
		{"Retry-After zero", nil, 3, resp(429, "0"), 0, 0},
		{"Retry-After too large for a Duration", nil, 0, resp(429, "10000000000"), time.Minute, time.Minute},
		{"Retry-After date", nil, 0, resp(503, soon), 25 * time.Second, 30 * time.Second},
		{"Retry-After date passed", nil, 0, resp(503, "Mon, 01 Jan 2024 00:00:00 GMT"), 0, 0},
		{"Retry-After ignored on 500", nil, 0, resp(500, "30"), time.Second, time.Second},
		{"Retry-After negative", nil, 1, resp(429, "-5"), 2 * time.Second, 2 * time.Second},
		{"Retry-After unreadable", nil, 1, resp(429, "soon"), 2 * time.Second, 2 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := append([]Option{WithRetries(4, time.Second, 20*time.Second)}, tc.opts...)
			f, err := New(GOVUK, opts...)
			if err != nil {
				t.Fatal(err)
			}
			if got := f.backoff(tc.attempt, tc.resp); got < tc.min || got > tc.max {
				t.Errorf("wait %v, want %v to %v", got, tc.min, tc.max)
			}
		})
	}
}

func TestHTTPErrorMessage(t *testing.T) {
	for _, tc := range []struct {
		err  HTTPError
		want string
	}{
		{HTTPError{URL: "https://www.gov.uk/x", Status: "404 Not Found"}, "GET https://www.gov.uk/x: 404 Not Found"},
		{HTTPError{URL: "https://www.gov.uk/x", Status: "503 Service Unavailable", Retries: 4}, "GET https://www.gov.uk/x: 503 Service Unavailable (after 4 retries)"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}
