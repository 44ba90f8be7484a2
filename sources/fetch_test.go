package sources

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
	"time"

	"github.com/mappa-etl/mappa/sources/govuktest"
)

// quick makes a Fetcher fast enough for tests: two retries, millisecond
// backoff, a 200ms idle timeout and no real rate limit.
func quick(t *testing.T, origin string, opts ...FetchOption) *Fetcher {
	t.Helper()
	base := []FetchOption{WithRetries(2, time.Millisecond, 20*time.Millisecond),
		WithTimeouts(time.Second, 200*time.Millisecond), WithRateLimit(1000)}
	f, err := NewFetcher(origin, append(base, opts...)...)
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
		name       string
		faults     []govuktest.Fault
		opts       []FetchOption
		requests   int
		minElapsed time.Duration
		maxElapsed time.Duration
		check      func(t *testing.T, err error) // nil: the fetch succeeds
	}{
		{name: "503 once then success", faults: []govuktest.Fault{{Kind: govuktest.Status, Status: 503, Times: 1}}, requests: 2},
		{name: "500 twice then success", faults: []govuktest.Fault{{Kind: govuktest.Status, Status: 500, Times: 2}}, requests: 3},
		// Retry-After is honoured beyond the 20ms backoff cap, up to its own bound.
		{name: "429 with Retry-After honoured", faults: []govuktest.Fault{{Kind: govuktest.Status, Status: 429, RetryAfter: "1", Times: 1}},
			requests: 2, minElapsed: 900 * time.Millisecond},
		{name: "503 with Retry-After honoured", faults: []govuktest.Fault{{Kind: govuktest.Status, Status: 503, RetryAfter: "1", Times: 1}},
			requests: 2, minElapsed: 900 * time.Millisecond},
		{name: "huge Retry-After capped", faults: []govuktest.Fault{{Kind: govuktest.Status, Status: 429, RetryAfter: "3600", Times: 1}},
			opts:     []FetchOption{WithRetries(1, time.Millisecond, 50*time.Millisecond), WithMaxRetryAfter(50 * time.Millisecond)},
			requests: 2, maxElapsed: 5 * time.Second},
		{name: "Retry-After on 500 ignored", faults: []govuktest.Fault{{Kind: govuktest.Status, Status: 500, RetryAfter: "3600", Times: 1}},
			requests: 2, maxElapsed: 5 * time.Second},
		{name: "503 always", faults: []govuktest.Fault{{Kind: govuktest.Status, Status: 503}}, requests: 3,
			check: func(t *testing.T, err error) {
				if httpErr := asHTTPError(err); httpErr == nil || httpErr.Status != "503 Service Unavailable" || httpErr.Retries != 2 {
					t.Errorf("err = %#v, want an HTTPError 503 after 2 retries", err)
				}
			}},
		{name: "429 always", faults: []govuktest.Fault{{Kind: govuktest.Status, Status: 429}}, requests: 3,
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
		{name: "hang once then success", faults: []govuktest.Fault{{Kind: govuktest.Hang, Times: 1}}, requests: 2, minElapsed: 200 * time.Millisecond},
		{name: "hang always", faults: []govuktest.Fault{{Kind: govuktest.Hang}}, requests: 3, minElapsed: 600 * time.Millisecond,
			check: func(t *testing.T, err error) {
				if err == nil || !strings.Contains(err.Error(), "timeout") {
					t.Errorf("err = %v, want a timeout", err)
				}
			}},
		{name: "cut short once then success", faults: []govuktest.Fault{{Kind: govuktest.CutShort, Times: 1}}, requests: 2},
		{name: "cut short always", faults: []govuktest.Fault{{Kind: govuktest.CutShort}}, requests: 3,
			check: func(t *testing.T, err error) {
				if err == nil || !strings.Contains(err.Error(), "body cut short after 500 bytes") || !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Errorf("err = %v, want body cut short", err)
				}
			}},
		// Retries of failed responses and of transfers cut short come out
		// of one budget: 3 requests in all at 2 retries, not 3 transfers
		// of 3 requests each.
		{name: "503 twice, then cut short always", faults: []govuktest.Fault{{Kind: govuktest.Status, Status: 503, Times: 2}, {Kind: govuktest.CutShort}}, requests: 3,
			check: func(t *testing.T, err error) {
				if err == nil || !strings.Contains(err.Error(), "body cut short") {
					t.Errorf("err = %v, want body cut short", err)
				}
			}},
		{name: "cut short, then 503 always", faults: []govuktest.Fault{{Kind: govuktest.CutShort, Times: 1}, {Kind: govuktest.Status, Status: 503}}, requests: 3,
			check: func(t *testing.T, err error) {
				if httpErr := asHTTPError(err); httpErr == nil || httpErr.Retries != 2 {
					t.Errorf("err = %v, want an HTTPError 503 after 2 retries in all", err)
				}
			}},
		{name: "declared too large", opts: []FetchOption{WithMaxBytes(999)}, requests: 1,
			check: func(t *testing.T, err error) {
				if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "declared 1000 bytes, limit 999") {
					t.Errorf("err = %v, want ErrTooLarge from Content-Length", err)
				}
			}},
		{name: "exactly the size limit", opts: []FetchOption{WithMaxBytes(1000)}, requests: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := govuktest.New()
			defer srv.Close()
			srv.SetFile(path, govuktest.File{Body: fileBody, ContentType: ctODS})
			for _, f := range tc.faults {
				srv.AddFault(path, f)
			}
			f := quick(t, srv.URL(""), tc.opts...)
			var c collector
			start := time.Now()
			res, err := f.Fetch(testCtx(t), path, Validators{}, "", c.sink)
			elapsed := time.Since(start)
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
				if !bytes.Equal(c.body.Bytes(), fileBody) || res.ContentType != ctODS {
					t.Errorf("got %d bytes, type %q; want the whole file", c.body.Len(), res.ContentType)
				}
				if res.URL != srv.URL(path) || c.got != res {
					t.Errorf("Fetched = %+v, sink saw %+v", res, c.got)
				}
			}
			if reqs := settle(srv, tc.requests); len(reqs) != tc.requests {
				t.Errorf("server saw %d requests, want %d: %+v", len(reqs), tc.requests, reqs)
			}
			if elapsed < tc.minElapsed || (tc.maxElapsed > 0 && elapsed > tc.maxElapsed) {
				t.Errorf("took %v, want between %v and %v", elapsed, tc.minElapsed, tc.maxElapsed)
			}
		})
	}
}

// TestFetchGuardedBody covers what only a body sent piece by piece shows:
// a size cap without Content-Length, and a stall part way through.
func TestFetchGuardedBody(t *testing.T) {
	chunked := func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i < 20; i++ { // 20 chunks of 64 bytes, no Content-Length
			w.Write(bytes.Repeat([]byte{'x'}, 64))
			w.(http.Flusher).Flush()
		}
	}
	var stalls atomic.Int32
	stall := func(times int32) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "1000")
			if stalls.Add(1) > times && times >= 0 {
				w.Write(fileBody)
				return
			}
			w.Write(fileBody[:300])
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}
	}
	for _, tc := range []struct {
		name     string
		handler  http.HandlerFunc
		opts     []FetchOption
		requests int32
		wantErr  error
		wantMsg  string
		wantLen  int
	}{
		{"chunked within the limit", chunked, []FetchOption{WithMaxBytes(1280)}, 1, nil, "", 1280},
		{"chunked over the limit", chunked, []FetchOption{WithMaxBytes(100)}, 1, ErrTooLarge, "more than 100 bytes", -1},
		{"stall once then success", stall(1), nil, 2, nil, "", 1000},
		{"stall always", stall(-1), nil, 3, ErrStalled, "no data received for 200ms after 300 bytes", -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stalls.Store(0)
			srv, n := counting(t, tc.handler)
			var c collector
			res, err := quick(t, srv.URL, tc.opts...).Fetch(testCtx(t), "/x.ods", Validators{}, "", c.sink)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) || !strings.Contains(err.Error(), tc.wantMsg) || res != nil {
					t.Errorf("Fetch = %+v, %v; want %v (%q)", res, err, tc.wantErr, tc.wantMsg)
				}
			} else if err != nil || c.body.Len() != tc.wantLen {
				t.Errorf("Fetch = %+v, %v with %d bytes; want %d bytes", res, err, c.body.Len(), tc.wantLen)
			}
			if got := n.Load(); got != tc.requests {
				t.Errorf("server saw %d requests, want %d", got, tc.requests)
			}
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

// TestFetchTrickleHitsMaxTime: a server that sends a byte every 50 ms never
// trips the idle timeout, so the whole-fetch deadline must end it.
func TestFetchTrickleHitsMaxTime(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000000")
		for i := 0; i < 1000000; i++ {
			if _, err := w.Write([]byte{'x'}); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}))
	defer srv.Close()
	f, err := NewFetcher(srv.URL, WithTimeouts(time.Second, 200*time.Millisecond), WithRetries(3, time.Millisecond, 5*time.Millisecond),
		WithMaxTime(500*time.Millisecond), WithRateLimit(1000))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = f.Fetch(context.Background(), "/slow.xlsx", Validators{}, "", func(_ *Fetched, r io.Reader) error {
		_, err := io.Copy(io.Discard, r)
		return err
	})
	if !errors.Is(err, ErrTooSlow) || !strings.Contains(err.Error(), "gave up after 500ms") {
		t.Errorf("err = %v, want ErrTooSlow after 500ms", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("took %v; the deadline did not hold", took)
	}
}
