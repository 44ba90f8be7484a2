package fetch

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mappa-etl/mappa/sources/govuk/govuktest"
)

// quick makes a Client fast enough for tests: two retries, millisecond
// backoff, a 200ms idle timeout and no real rate limit.
func quick(t *testing.T, origin string, opts ...Option) *Client {
	t.Helper()
	base := []Option{WithRetries(2, time.Millisecond, 20*time.Millisecond),
		WithTimeouts(time.Second, 200*time.Millisecond), WithRateLimit(1000)}
	f, err := New(origin, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// testCtx fails a test that would otherwise hang.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// collector is a sink that keeps the last body it was given.
type collector struct {
	calls int
	got   *Fetched
	body  bytes.Buffer
}

func (c *collector) sink(f *Fetched, r io.Reader) error {
	c.calls++
	c.got = f
	c.body.Reset()
	_, err := io.Copy(&c.body, r)
	return err
}

// counting serves h and counts the requests it answers.
func counting(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// settle returns the requests srv answered once it has recorded them all:
// a handler that drops or stalls the connection records its request only
// after the client has given up on it.
func settle(srv *govuktest.Server, want int) []govuktest.Request {
	var got []govuktest.Request
	for deadline := time.Now().Add(2 * time.Second); len(got) < want && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
		got = append(got, srv.Requests()...)
	}
	time.Sleep(20 * time.Millisecond) // one too many would show now
	return append(got, srv.Requests()...)
}

var fileBody = []byte(strings.Repeat("area tables 2019-20\n", 50)) // 1000 bytes

func TestFetchFaults(t *testing.T) {
	const path = "/media/ab/area-tables.ods"
	for _, tc := range []struct {
		name     string
		faults   []govuktest.Fault
		opts     []Option
		requests int
		took     time.Duration                 // exactly: backoff, Retry-After and timeouts, on the fake clock
		check    func(t *testing.T, err error) // nil: the fetch succeeds
	}{
		// Backoff doubles from 1ms: 1ms before the first retry, 2ms before the second.
		{name: "503 once then success", faults: []govuktest.Fault{{Kind: govuktest.Status, Status: 503, Times: 1}}, requests: 2, took: time.Millisecond},
		{name: "500 twice then success", faults: []govuktest.Fault{{Kind: govuktest.Status, Status: 500, Times: 2}}, requests: 3, took: 3 * time.Millisecond},
		// Retry-After is honoured beyond the 20ms backoff cap, up to its own bound.
		{name: "429 with Retry-After honoured", faults: []govuktest.Fault{{Kind: govuktest.Status, Status: 429, RetryAfter: "1", Times: 1}},
			requests: 2, took: time.Second},
		{name: "503 with Retry-After honoured", faults: []govuktest.Fault{{Kind: govuktest.Status, Status: 503, RetryAfter: "1", Times: 1}},
			requests: 2, took: time.Second},
		{name: "huge Retry-After capped", faults: []govuktest.Fault{{Kind: govuktest.Status, Status: 429, RetryAfter: "3600", Times: 1}},
			opts:     []Option{WithMaxRetryAfter(50 * time.Millisecond)},
			requests: 2, took: 50 * time.Millisecond},
		// Backoff doubles up to its cap: 1ms, 2ms, then 2ms again.
		{name: "backoff capped", faults: []govuktest.Fault{{Kind: govuktest.Status, Status: 503}},
			opts: []Option{WithRetries(3, time.Millisecond, 2*time.Millisecond)}, requests: 4, took: 5 * time.Millisecond,
			check: func(t *testing.T, err error) {
				if httpErr := asHTTPError(err); httpErr == nil || httpErr.Retries != 3 {
					t.Errorf("err = %v, want an HTTPError after 3 retries", err)
				}
			}},
		// The whole-fetch deadline counts the waits between retries: it
		// ends the third wait, at 250ms, after requests at 0, 100 and 200ms.
		{name: "deadline during a backoff", faults: []govuktest.Fault{{Kind: govuktest.Status, Status: 503}},
			opts:     []Option{WithRetries(10, 100*time.Millisecond, 100*time.Millisecond), WithMaxTime(250 * time.Millisecond)},
			requests: 3, took: 250 * time.Millisecond,
			check: func(t *testing.T, err error) {
				if !errors.Is(err, ErrTooSlow) || !strings.Contains(err.Error(), "gave up after 250ms") {
					t.Errorf("err = %v, want ErrTooSlow after 250ms", err)
				}
			}},
		{name: "Retry-After on 500 ignored", faults: []govuktest.Fault{{Kind: govuktest.Status, Status: 500, RetryAfter: "3600", Times: 1}},
			requests: 2, took: time.Millisecond},
		{name: "503 always", faults: []govuktest.Fault{{Kind: govuktest.Status, Status: 503}}, requests: 3, took: 3 * time.Millisecond,
			check: func(t *testing.T, err error) {
				if httpErr := asHTTPError(err); httpErr == nil || httpErr.Status != "503 Service Unavailable" || httpErr.Retries != 2 {
					t.Errorf("err = %#v, want an HTTPError 503 after 2 retries", err)
				}
			}},
		{name: "429 always", faults: []govuktest.Fault{{Kind: govuktest.Status, Status: 429}}, requests: 3, took: 3 * time.Millisecond,
			check: func(t *testing.T, err error) {
				if httpErr := asHTTPError(err); httpErr == nil || httpErr.Status != "429 Too Many Requests" || httpErr.Retries != 2 {
					t.Errorf("err = %#v, want an HTTPError 429 after 2 retries", err)
				}
			}},
		{name: "404 not retried", faults: []govuktest.Fault{{Kind: govuktest.Status, Status: 404}}, requests: 1,
			check: func(t *testing.T, err error) {
				if httpErr := asHTTPError(err); httpErr == nil || httpErr.Status != "404 Not Found" || httpErr.Retries != 0 || !strings.HasSuffix(httpErr.URL, path) {
					t.Errorf("err = %#v, want an HTTPError 404 without retries", err)
				}
			}},
		{name: "501 not retried", faults: []govuktest.Fault{{Kind: govuktest.Status, Status: 501}}, requests: 1,
			check: func(t *testing.T, err error) {
				if httpErr := asHTTPError(err); httpErr == nil || httpErr.Retries != 0 || strings.Contains(err.Error(), "retries") {
					t.Errorf("err = %v, want an HTTPError 501 that claims no retries", err)
				}
			}},
		// The 200ms idle timeout waits for headers too.
		{name: "hang once then success", faults: []govuktest.Fault{{Kind: govuktest.Hang, Times: 1}}, requests: 2, took: 201 * time.Millisecond},
		{name: "hang always", faults: []govuktest.Fault{{Kind: govuktest.Hang}}, requests: 3, took: 603 * time.Millisecond,
			check: func(t *testing.T, err error) {
				if err == nil || !strings.Contains(err.Error(), "timeout") {
					t.Errorf("err = %v, want a timeout", err)
				}
			}},
		{name: "cut short once then success", faults: []govuktest.Fault{{Kind: govuktest.CutShort, Times: 1}}, requests: 2, took: time.Millisecond},
		{name: "cut short always", faults: []govuktest.Fault{{Kind: govuktest.CutShort}}, requests: 3, took: 3 * time.Millisecond,
			check: func(t *testing.T, err error) {
				if err == nil || !strings.Contains(err.Error(), "body cut short after 500 bytes") || !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Errorf("err = %v, want body cut short", err)
				}
			}},
		// Retries of failed responses and of transfers cut short come out
		// of one budget: 3 requests in all at 2 retries, not 3 transfers
		// of 3 requests each.
		{name: "503 twice, then cut short always", faults: []govuktest.Fault{{Kind: govuktest.Status, Status: 503, Times: 2}, {Kind: govuktest.CutShort}}, requests: 3, took: 3 * time.Millisecond,
			check: func(t *testing.T, err error) {
				if err == nil || !strings.Contains(err.Error(), "body cut short") {
					t.Errorf("err = %v, want body cut short", err)
				}
			}},
		{name: "cut short, then 503 always", faults: []govuktest.Fault{{Kind: govuktest.CutShort, Times: 1}, {Kind: govuktest.Status, Status: 503}}, requests: 3, took: 3 * time.Millisecond,
			check: func(t *testing.T, err error) {
				if httpErr := asHTTPError(err); httpErr == nil || httpErr.Retries != 2 {
					t.Errorf("err = %v, want an HTTPError 503 after 2 retries in all", err)
				}
			}},
		{name: "declared too large", opts: []Option{WithMaxBytes(999)}, requests: 1,
			check: func(t *testing.T, err error) {
				if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "declared 1000 bytes, limit 999") {
					t.Errorf("err = %v, want ErrTooLarge from Content-Length", err)
				}
			}},
		{name: "exactly the size limit", opts: []Option{WithMaxBytes(1000)}, requests: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := govuktest.New() // its handler only: the bubble serves it
			defer srv.Close()
			srv.SetFile(path, govuktest.File{Body: fileBody, ContentType: "application/vnd.oasis.opendocument.spreadsheet"})
			for _, f := range tc.faults {
				srv.AddFault(path, f)
			}
			synctest.Test(t, func(t *testing.T) {
				f, stop := serveInBubble(t, srv.Config.Handler, tc.opts...)
				defer stop()
				var c collector
				start := time.Now()
				res, err := f.Fetch(testCtx(t), path, Validators{}, "", c.sink)
				took := time.Since(start)
				if tc.check != nil {
					tc.check(t, err)
					if res != nil {
						t.Errorf("a failed fetch returned %+v", res)
					}
					if errors.Is(err, ErrTooLarge) && c.calls != 0 {
						t.Errorf("the sink was called %d times for a body declared too large", c.calls)
					}
				} else {
					if err != nil {
						t.Fatalf("Fetch: %v", err)
					}
					if !bytes.Equal(c.body.Bytes(), fileBody) || res.ContentType != "application/vnd.oasis.opendocument.spreadsheet" {
						t.Errorf("got %d bytes, type %q; want the whole file", c.body.Len(), res.ContentType)
					}
					if res.URL != bubbleOrigin+path || c.got != res {
						t.Errorf("Fetched = %+v, sink saw %+v", res, c.got)
					}
				}
				synctest.Wait() // the server has seen every request it will
				if reqs := srv.Requests(); len(reqs) != tc.requests {
					t.Errorf("server saw %d requests, want %d: %+v", len(reqs), tc.requests, reqs)
				}
				if took != tc.took {
					t.Errorf("took %v, want %v", took, tc.took)
				}
			})
		})
	}
}

func TestFetchCancelled(t *testing.T) {
	srv, n := counting(t, func(w http.ResponseWriter, r *http.Request) { w.Write(fileBody) })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var c collector
	if _, err := quick(t, srv.URL).Fetch(ctx, "/x", Validators{}, "", c.sink); !errors.Is(err, context.Canceled) {
		t.Errorf("Fetch with a cancelled context = %v", err)
	}
	if n.Load() != 0 || c.calls != 0 {
		t.Errorf("a cancelled fetch made %d requests and %d sink calls", n.Load(), c.calls)
	}
}

// asHTTPError returns err's *HTTPError, or nil; each check declares its own
// so parallel subtests share nothing.
func asHTTPError(err error) *HTTPError {
	var h *HTTPError
	if errors.As(err, &h) {
		return h
	}
	return nil
}

// TestFetchFaultsOverTCP repeats some of TestFetchFaults over a real
// loopback connection, where a hang ends by the transport's header timeout
// and a cut by a dropped TCP connection, with no claim on how long that
// takes.
func TestFetchFaultsOverTCP(t *testing.T) {
	const path = "/media/ab/area-tables.ods"
	for _, tc := range []struct {
		name  string
		fault govuktest.Fault
	}{
		{"503 once then success", govuktest.Fault{Kind: govuktest.Status, Status: 503, Times: 1}},
		{"429 with Retry-After 0", govuktest.Fault{Kind: govuktest.Status, Status: 429, RetryAfter: "0", Times: 1}},
		{"hang once then success", govuktest.Fault{Kind: govuktest.Hang, Times: 1}},
		{"cut short once then success", govuktest.Fault{Kind: govuktest.CutShort, Times: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := govuktest.New()
			defer srv.Close()
			srv.SetFile(path, govuktest.File{Body: fileBody, ContentType: "application/vnd.oasis.opendocument.spreadsheet"})
			srv.AddFault(path, tc.fault)
			var c collector
			res, err := quick(t, srv.URL("")).Fetch(testCtx(t), path, Validators{}, "", c.sink)
			if err != nil || !bytes.Equal(c.body.Bytes(), fileBody) || res.URL != srv.URL(path) {
				t.Errorf("Fetch = %+v, %v with %d bytes; want the whole file", res, err, c.body.Len())
			}
			if reqs := settle(srv, 2); len(reqs) != 2 {
				t.Errorf("server saw %d requests, want 2: %+v", len(reqs), reqs)
			}
		})
	}
}
