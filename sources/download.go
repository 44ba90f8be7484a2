package sources

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"go.uber.org/zap"
)

// Validators are what a server said identifies a file's version; sent
// back, they let it answer 304 Not Modified instead of the body.
type Validators struct {
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
}

// Fetched describes a completed fetch.
type Fetched struct {
	URL         string // final URL, after redirects
	NotModified bool   // the server answered 304; no body was read
	ContentType string
	Validators  Validators
}

// AllowHostOf allows the host of a URL the operator gave explicitly.
func (f *Fetcher) AllowHostOf(rawURL string) error {
	u, err := f.Resolve(rawURL)
	if err != nil {
		return err
	}
	if err := checkScheme(u); err != nil {
		return err
	}
	// Called while configuring, before any fetch: the map is not shared yet.
	f.policy.allow(u)
	return nil
}

// Fetch GETs rawURL, conditionally when cond is set, and unless the server
// answers Not Modified streams the body to sink, with the response's
// headers in the Fetched it passes. A body that is cut short
// or stalls is fetched again like a failed request; an error of sink's own
// (a file that does not validate) is returned at once.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string, cond Validators, label string, sink func(*Fetched, io.Reader) error) (*Fetched, error) {
	u, err := f.Resolve(rawURL)
	if err != nil {
		return nil, err
	}
	if err := f.policy.check(u); err != nil {
		return nil, err
	}
	// A whole-fetch deadline, retries included: the idle timeout alone lets
	// a server that trickles a byte a minute hold a run (and every
	// scheduled tick after it) forever.
	parent := ctx
	ctx, cancel := context.WithTimeoutCause(ctx, f.o.maxTime, ErrTooSlow)
	defer cancel()
	tooSlow := func(err error) error {
		if err != nil && parent.Err() == nil && errors.Is(context.Cause(ctx), ErrTooSlow) {
			return fmt.Errorf("GET %s: %w: gave up after %s", u.Redacted(), ErrTooSlow, f.o.maxTime)
		}
		return err
	}
	budget := &retryBudget{}
	ctx = context.WithValue(ctx, retriesKey{}, budget)
	for attempt := 0; ; attempt++ {
		res, transferErr, err := f.fetchOnce(ctx, budget, u.String(), cond, label, sink)
		if !transferErr || budget.used >= f.o.retryMax || ctx.Err() != nil {
			return res, tooSlow(err)
		}
		budget.used++
		wait := retryablehttp.DefaultBackoff(f.o.retryWaitMin, f.o.retryWaitMax, attempt, nil)
		f.o.log.Warn("download interrupted; retrying", zap.String("url", u.Redacted()), zap.Error(err), zap.Duration("wait", wait))
		select {
		case <-ctx.Done():
			return nil, tooSlow(ctx.Err())
		case <-time.After(wait):
		}
	}
}

// fetchOnce makes one request (with the client's own retries for failed
// responses, counted in budget, which ctx carries for the client's hooks)
// and reports whether reading the body failed part way.
func (f *Fetcher) fetchOnce(ctx context.Context, budget *retryBudget, rawURL string, cond Validators, label string, sink func(*Fetched, io.Reader) error) (*Fetched, bool, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, false, fmt.Errorf("GET %s: %w", rawURL, err)
	}
	req.Header.Set("User-Agent", f.o.userAgent)
	if cond.ETag != "" {
		req.Header.Set("If-None-Match", cond.ETag)
	}
	if cond.LastModified != "" {
		req.Header.Set("If-Modified-Since", cond.LastModified)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		return nil, false, fmt.Errorf("GET %s: %w", rawURL, unwrapURLError(err))
	}
	defer resp.Body.Close()
	res := &Fetched{URL: resp.Request.URL.String(), ContentType: resp.Header.Get("Content-Type"),
		Validators: Validators{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}}
	switch {
	case resp.StatusCode == http.StatusNotModified && (cond.ETag != "" || cond.LastModified != ""):
		res.NotModified = true
		return res, false, nil
	case resp.StatusCode != http.StatusOK:
		return nil, false, &HTTPError{URL: rawURL, Status: resp.Status, Retries: budget.used}
	case f.o.maxBytes > 0 && resp.ContentLength > f.o.maxBytes:
		return nil, false, fmt.Errorf("GET %s: %w: declared %d bytes, limit %d", rawURL, ErrTooLarge, resp.ContentLength, f.o.maxBytes)
	}
	body := &guardedBody{r: resp.Body, max: f.o.maxBytes, idle: f.o.idleTimeout, cancel: cancel}
	body.timer = time.AfterFunc(f.o.idleTimeout, body.stall)
	defer body.timer.Stop()
	if f.o.progress != nil && label != "" { // files, not API pages
		p := f.o.progress(label, resp.ContentLength)
		defer p.Close()
		body.progress = p
	}
	err = sink(res, body)
	if body.failed != nil {
		return nil, !errors.Is(body.failed, ErrTooLarge), fmt.Errorf("GET %s: %w", rawURL, body.failed)
	}
	if err != nil {
		return nil, false, err
	}
	return res, false, nil
}

// GetJSON fetches a JSON document into v.
func (f *Fetcher) GetJSON(ctx context.Context, rawURL string, v any) error {
	_, err := f.Fetch(ctx, rawURL, Validators{}, "", func(_ *Fetched, r io.Reader) error {
		if err := json.NewDecoder(r).Decode(v); err != nil {
			return fmt.Errorf("GET %s: invalid JSON: %w", rawURL, err)
		}
		return nil
	})
	return err
}

// guardedBody enforces the size cap and the idle timeout while a body is
// read, and remembers a transfer failure so the fetch can be retried.
type guardedBody struct {
	r        io.Reader
	n, max   int64
	idle     time.Duration
	timer    *time.Timer
	stalled  atomic.Bool
	cancel   context.CancelFunc
	progress io.Writer
	failed   error
}

func (b *guardedBody) stall() {
	b.stalled.Store(true)
	b.cancel()
}

func (b *guardedBody) Read(p []byte) (int, error) {
	if b.failed != nil {
		return 0, b.failed
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	if n > 0 {
		b.timer.Reset(b.idle)
		if b.progress != nil {
			b.progress.Write(p[:n])
		}
	}
	switch {
	case b.max > 0 && b.n > b.max:
		b.failed = fmt.Errorf("%w: more than %d bytes", ErrTooLarge, b.max)
	case err == nil || err == io.EOF:
		return n, err
	case b.stalled.Load():
		b.failed = fmt.Errorf("%w for %s after %d bytes", ErrStalled, b.idle, b.n)
	case errors.Is(err, io.ErrUnexpectedEOF):
		b.failed = fmt.Errorf("body cut short after %d bytes: %w", b.n, err)
	default:
		b.failed = fmt.Errorf("read body after %d bytes: %w", b.n, err)
	}
	return n, b.failed
}

// unwrapURLError drops net/http's "Get URL:" prefix, which mappa's own
// wording already gives.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
