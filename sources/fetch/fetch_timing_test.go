package fetch

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// The tests here time what the fetcher does (idle and whole-fetch
// timeouts, the rate limit) on a synctest bubble's fake clock, so their
// durations are exact and take no real time. quick's idle timeout is 200ms
// and its backoff 1ms, then 2ms.

// countRequests wraps h to count the requests it answers.
func countRequests(h http.HandlerFunc) (http.HandlerFunc, *atomic.Int32) {
	var n atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h(w, r)
	}, &n
}

// fetchTimed fetches path in full from f and says how long it took.
func fetchTimed(t *testing.T, f *Client, path string) (*collector, time.Duration, error) {
	var c collector
	start := time.Now()
	_, err := f.Fetch(testCtx(t), path, Validators{}, "", c.sink)
	return &c, time.Since(start), err
}

// TestFetchGuardedBody covers what only a body sent piece by piece shows:
// a size cap without Content-Length, and a stall part way through.
func TestFetchGuardedBody(t *testing.T) {
	chunked := func(w http.ResponseWriter, r *http.Request) {
		for range 20 { // 20 chunks of 64 bytes, no Content-Length
			w.Write(bytes.Repeat([]byte{'x'}, 64))
			w.(http.Flusher).Flush()
		}
	}
	// stall sends 300 of 1000 bytes and then nothing, for the first times
	// requests (-1: all of them).
	stall := func(times int32) http.HandlerFunc {
		var n atomic.Int32
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "1000")
			if n.Add(1) > times && times >= 0 {
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
		opts     []Option
		requests int32
		took     time.Duration
		wantErr  error
		wantMsg  string
		wantLen  int
	}{
		{"chunked within the limit", chunked, []Option{WithMaxBytes(1280)}, 1, 0, nil, "", 1280},
		{"chunked over the limit", chunked, []Option{WithMaxBytes(100)}, 1, 0, ErrTooLarge, "more than 100 bytes", -1},
		{"stall once then success", stall(1), nil, 2, 201 * time.Millisecond, nil, "", 1000},
		{"stall always", stall(-1), nil, 3, 603 * time.Millisecond, ErrStalled, "no data received for 200ms after 300 bytes", -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h, n := countRequests(tc.handler)
				f, stop := serveInBubble(t, h, tc.opts...)
				defer stop()
				c, took, err := fetchTimed(t, f, "/x.ods")
				if tc.wantErr != nil {
					if !errors.Is(err, tc.wantErr) || !strings.Contains(err.Error(), tc.wantMsg) {
						t.Errorf("Fetch = %v; want %v (%q)", err, tc.wantErr, tc.wantMsg)
					}
				} else if err != nil || c.body.Len() != tc.wantLen {
					t.Errorf("Fetch = %v with %d bytes; want %d bytes", err, c.body.Len(), tc.wantLen)
				}
				if got := n.Load(); got != tc.requests {
					t.Errorf("server saw %d requests, want %d", got, tc.requests)
				}
				if took != tc.took {
					t.Errorf("took %v, want %v", took, tc.took)
				}
			})
		})
	}
}

// trickle serves n bytes of Content-Length n, a chunk of size bytes every
// gap, the first at once.
func trickle(n, size int, gap time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(n))
		for sent := 0; sent < n; sent += size {
			if sent > 0 {
				select {
				case <-r.Context().Done():
					return
				case <-time.After(gap):
				}
			}
			if _, err := w.Write(bytes.Repeat([]byte{'x'}, min(size, n-sent))); err != nil {
				return
			}
			w.(http.Flusher).Flush()
		}
	}
}

// TestFetchSlowBodyWithinIdleTimeout: a body that keeps coming, a chunk
// every half idle timeout, downloads in full however long it takes in all
// (here five idle timeouts): each chunk restarts the idle timer.
func TestFetchSlowBodyWithinIdleTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h, n := countRequests(trickle(1000, 100, 100*time.Millisecond)) // 10 chunks over 900ms
		f, stop := serveInBubble(t, h)
		defer stop()
		c, took, err := fetchTimed(t, f, "/slow.ods")
		if err != nil || c.body.Len() != 1000 || n.Load() != 1 {
			t.Errorf("Fetch = %v with %d bytes after %d requests; want 1000 bytes in one", err, c.body.Len(), n.Load())
		}
		if took != 900*time.Millisecond {
			t.Errorf("took %v, want 900ms", took)
		}
	})
}

// TestFetchTrickleHitsMaxTime: a server that sends a byte every 50 ms never
// trips the idle timeout, so the whole-fetch deadline must end it.
func TestFetchTrickleHitsMaxTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f, stop := serveInBubble(t, trickle(1000000, 1, 50*time.Millisecond), WithMaxTime(500*time.Millisecond))
		defer stop()
		start := time.Now()
		_, err := f.Fetch(context.Background(), "/slow.xlsx", Validators{}, "", func(_ *Fetched, r io.Reader) error {
			_, err := io.Copy(io.Discard, r)
			return err
		})
		if !errors.Is(err, ErrTooSlow) || !strings.Contains(err.Error(), "gave up after 500ms") {
			t.Errorf("err = %v, want ErrTooSlow after 500ms", err)
		}
		if took := time.Since(start); took != 500*time.Millisecond {
			t.Errorf("took %v; the deadline is 500ms", took)
		}
	})
}

// TestFetchRateLimit: at 20 requests a second, the first of five goes at
// once and each of the others 50ms after the one before.
func TestFetchRateLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h, n := countRequests(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
		f, stop := serveInBubble(t, h, WithRateLimit(20))
		defer stop()
		start := time.Now()
		for range 5 {
			if _, err := f.Fetch(testCtx(t), "/x", Validators{}, "", (&collector{}).sink); err != nil {
				t.Fatal(err)
			}
		}
		if took := time.Since(start); took != 200*time.Millisecond || n.Load() != 5 {
			t.Errorf("5 requests at 20/s took %v (%d seen), want 200ms", took, n.Load())
		}
	})
}
