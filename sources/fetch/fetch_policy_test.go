package fetch

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestNewFetcherOrigin(t *testing.T) {
	for _, tc := range []struct {
		origin, wantOrigin string
		ok                 bool
	}{
		{GOVUK, "https://www.gov.uk", true},
		{"https://WWW.GOV.UK/", "https://www.gov.uk", true},
		{"https://www.gov.uk:443", "https://www.gov.uk", true}, // the default port is no port
		{"https://WWW.GOV.UK/some/path", "", false},            // a path would be silently dropped
		{"https://mirror.example?q=1", "", false},
		{"https://user:pw@mirror.example", "", false},
		{"https://mirror.example:8443", "https://mirror.example:8443", true},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080", true},
		{"http://localhost:9000", "http://localhost:9000", true},
		{"http://[::1]:9000", "http://[::1]:9000", true},
		{"http://www.gov.uk", "", false},
		{"http://127.0.0.1.nip.io", "", false},
		{"ftp://www.gov.uk", "", false},
		{"www.gov.uk", "", false},
		{"/api/content", "", false},
		{"", "", false},
		{"https://", "", false},
		{"://bad", "", false},
	} {
		t.Run(tc.origin, func(t *testing.T) {
			f, err := New(tc.origin)
			if !tc.ok {
				if err == nil || f != nil {
					t.Errorf("New(%q) = %v, %v; want an error", tc.origin, f, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("New(%q): %v", tc.origin, err)
			}
			if got := f.policy.origin.String(); got != tc.wantOrigin {
				t.Errorf("origin = %q, want %q", got, tc.wantOrigin)
			}
		})
	}
	if _, err := New("http://www.gov.uk"); err == nil || !strings.Contains(err.Error(), "plain http is allowed only for loopback") {
		t.Errorf("plain http error = %v", err)
	}
}

// TestNewFetcherRate: GOV.UK's limit is 10 requests a second, so a remote
// source is refused 10 or more; a loopback test server may go faster.
func TestNewFetcherRate(t *testing.T) {
	for _, tc := range []struct {
		name, origin string
		perSecond    float64
		wantErr      string
	}{
		{"default", GOVUK, 0, ""},
		{"under the limit", GOVUK, 9.9, ""},
		{"at the limit", GOVUK, 10, "stay under 10"},
		{"mirror over the limit", "https://mirror.example", 50, "stay under 10"},
		{"loopback over the limit", "http://127.0.0.1:8080", 1000, ""},
		{"negative", GOVUK, -1, "want more than 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var opts []Option
			if tc.perSecond != 0 {
				opts = append(opts, WithRateLimit(tc.perSecond))
			}
			_, err := New(tc.origin, opts...)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("New(%s, %g/s): %v", tc.origin, tc.perSecond, err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("New(%s, %g/s) = %v, want an error containing %q", tc.origin, tc.perSecond, err, tc.wantErr)
			}
		})
	}
}

func TestHostPolicy(t *testing.T) {
	f, err := New(GOVUK, WithAllowedHosts("ONS.example", " mirror.example:8443 ", ""))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.AllowHostOf("https://lookups.example/file.csv"); err != nil {
		t.Fatalf("AllowHostOf: %v", err)
	}
	if err := f.AllowHostOf("http://plain.example/file.csv"); !errors.Is(err, ErrHostNotAllowed) {
		t.Errorf("AllowHostOf a plain http URL = %v, want ErrHostNotAllowed", err)
	}
	if u, _ := url.Parse("https://plain.example/file.csv"); f.policy.check(u) == nil {
		t.Errorf("a refused AllowHostOf still allowed its host")
	}
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"https://www.gov.uk/api/content/x", true},
		{"https://WWW.gov.uk/x", true},
		{"https://www.gov.uk:443/x", true}, // the default port is no port
		{"https://assets.publishing.service.gov.uk:443/x", true},
		{"https://assets.publishing.service.gov.uk/media/ab/x.ods", true},
		{"https://ons.example/x.xlsx", true},
		{"https://ons.example:444/x.xlsx", true}, // a bare host allows any port
		{"https://mirror.example:8443/x", true},
		{"https://lookups.example/other.csv", true},
		{"https://mirror.example/x", false}, // host:port allows that port only
		{"http://www.gov.uk/x", false},
		{"http://assets.publishing.service.gov.uk/x", false},
		{"ftp://www.gov.uk/x", false},
		{"https://evil.example/x", false},
		{"https://www.gov.uk.evil.example/x", false},
		{"https://gov.uk/x", false},
		{"http://127.0.0.1:8080/x", false}, // loopback, but not an allowed host
	} {
		t.Run(tc.url, func(t *testing.T) {
			u, err := url.Parse(tc.url)
			if err != nil {
				t.Fatal(err)
			}
			err = f.policy.check(u)
			if tc.ok != (err == nil) || (err != nil && !errors.Is(err, ErrHostNotAllowed)) {
				t.Errorf("check(%s) = %v, want allowed=%v", tc.url, err, tc.ok)
			}
		})
	}
}

// TestFetchDisallowedURL checks that a URL the policy refuses is never
// requested.
func TestFetchDisallowedURL(t *testing.T) {
	srv, n := counting(t, func(w http.ResponseWriter, r *http.Request) { w.Write(fileBody) })
	f := quick(t, srv.URL)
	for _, u := range []string{"https://evil.example/x", strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/x", "file:///etc/passwd"} {
		var c collector
		if _, err := f.Fetch(testCtx(t), u, Validators{}, "", c.sink); !errors.Is(err, ErrHostNotAllowed) || c.calls != 0 {
			t.Errorf("Fetch(%s) = %v with %d sink calls, want ErrHostNotAllowed", u, err, c.calls)
		}
	}
	if _, err := f.Fetch(testCtx(t), "%zz", Validators{}, "", (&collector{}).sink); err == nil || !strings.Contains(err.Error(), "bad URL") {
		t.Errorf("Fetch of a malformed URL = %v", err)
	}
	if n.Load() != 0 {
		t.Errorf("the server saw %d requests for refused URLs", n.Load())
	}
}

func TestFetchRedirects(t *testing.T) {
	other, otherN := counting(t, func(w http.ResponseWriter, r *http.Request) { w.Write(fileBody) })
	otherHost := strings.TrimPrefix(other.URL, "http://")
	_, otherPort, _ := net.SplitHostPort(otherHost)
	otherAsLocalhost := "http://localhost:" + otherPort
	for _, tc := range []struct {
		name       string
		location   string
		opts       []Option
		allowLater string // passed to AllowHostOf before fetching
		wantErr    error
		wantURL    string
		originReqs int32
		otherReqs  int32
	}{
		{name: "same host", location: "/media/x.ods", wantURL: "/media/x.ods", originReqs: 2},
		{name: "disallowed host", location: other.URL + "/x.ods", wantErr: ErrHostNotAllowed, originReqs: 1},
		{name: "disallowed host on localhost", location: otherAsLocalhost + "/x.ods", wantErr: ErrHostNotAllowed, originReqs: 1},
		{name: "https elsewhere", location: "https://evil.example/x.ods", wantErr: ErrHostNotAllowed, originReqs: 1},
		{name: "allowed with WithAllowedHosts", location: other.URL + "/x.ods", opts: []Option{WithAllowedHosts(otherHost)},
			wantURL: other.URL + "/x.ods", originReqs: 1, otherReqs: 1},
		{name: "allowed with AllowHostOf", location: other.URL + "/x.ods", allowLater: other.URL + "/y.csv",
			wantURL: other.URL + "/x.ods", originReqs: 1, otherReqs: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			otherN.Store(0)
			srv, n := counting(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/media/x.ods" {
					w.Write(fileBody)
					return
				}
				http.Redirect(w, r, tc.location, http.StatusFound)
			})
			f := quick(t, srv.URL, tc.opts...)
			if tc.allowLater != "" {
				if err := f.AllowHostOf(tc.allowLater); err != nil {
					t.Fatal(err)
				}
			}
			var c collector
			res, err := f.Fetch(testCtx(t), "/old/upload/x.ods", Validators{}, "", c.sink)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) || res != nil || c.calls != 0 {
					t.Errorf("Fetch = %+v, %v (%d sink calls); want %v", res, err, c.calls, tc.wantErr)
				}
			} else {
				want := tc.wantURL
				if strings.HasPrefix(want, "/") {
					want = srv.URL + want
				}
				if err != nil || res.URL != want || c.body.Len() != len(fileBody) {
					t.Errorf("Fetch = %+v, %v; want %s with the file", res, err, want)
				}
			}
			if n.Load() != tc.originReqs || otherN.Load() != tc.otherReqs {
				t.Errorf("requests: origin %d, other %d; want %d, %d", n.Load(), otherN.Load(), tc.originReqs, tc.otherReqs)
			}
		})
	}
}

func TestFetchRedirectLoop(t *testing.T) {
	srv, n := counting(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Path+"x", http.StatusFound)
	})
	_, err := quick(t, srv.URL).Fetch(testCtx(t), "/a", Validators{}, "", (&collector{}).sink)
	if err == nil || !strings.Contains(err.Error(), "stopped after 10 redirects") {
		t.Errorf("redirect loop = %v", err)
	}
	if n.Load() != 10 {
		t.Errorf("server saw %d requests, want 10 (one chain, not retried)", n.Load())
	}
}
