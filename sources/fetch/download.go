package fetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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
func (f *Client) AllowHostOf(rawURL string) error {
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
// headers in the Fetched it passes. A failure that may pass (a connection
// error, 429 or a 5xx, a body cut short or stalled) is tried again after a
// backoff or the server's Retry-After, up to WithRetries times in all, so
// a file costs at most that many requests plus one. A refusal (another
// 4xx, a file too large, an error of sink's own such as a file that does
// not validate) or the end of ctx is returned at once.
func (f *Client) Fetch(ctx context.Context, rawURL string, cond Validators, label string, sink func(*Fetched, io.Reader) error) (*Fetched, error) {
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
	for attempt := 0; ; attempt++ {
		o := f.attempt(ctx, u.String(), cond, label, sink, attempt)
		if !o.retry || attempt >= f.o.retryMax || ctx.Err() != nil {
			return o.res, tooSlow(o.err)
		}
		f.o.log.Warn("request failed; retrying", zap.String("url", u.Redacted()), zap.Error(o.err),
			zap.Duration("wait", o.wait), zap.Int("retry", attempt+1), zap.Int("of", f.o.retryMax))
		wait := time.NewTimer(o.wait)
		select {
		case <-ctx.Done():
			wait.Stop()
			return nil, tooSlow(fmt.Errorf("GET %s: %w", u.Redacted(), ctx.Err()))
		case <-wait.C:
		}
	}
}

// outcome is what one attempt of a Fetch came to.
type outcome struct {
	res   *Fetched
	err   error
	retry bool          // the failure may pass: try again, budget allowing
	wait  time.Duration // how long to wait first
}

// attempt makes one request of a Fetch, the attempt-th retry (0: the
// first request), and says whether a failure is worth another.
func (f *Client) attempt(ctx context.Context, rawURL string, cond Validators, label string, sink func(*Fetched, io.Reader) error, attempt int) outcome {
	// Cancelled when the attempt ends, or when its body stalls.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return outcome{err: fmt.Errorf("GET %s: %w", rawURL, err)}
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
		return f.failed(ctx, attempt, nil, fmt.Errorf("GET %s: %w", rawURL, unwrapURLError(err)), err)
	}
	defer resp.Body.Close()
	res := &Fetched{URL: resp.Request.URL.String(), ContentType: resp.Header.Get("Content-Type"),
		Validators: Validators{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}}
	switch {
	case resp.StatusCode == http.StatusNotModified && (cond.ETag != "" || cond.LastModified != ""):
		res.NotModified = true
		return outcome{res: res}
	case resp.StatusCode != http.StatusOK:
		// Read a little of the error page so the connection can serve the
		// retry; a long one is not worth it.
		io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
		return f.failed(ctx, attempt, resp, &HTTPError{URL: rawURL, Status: resp.Status, Code: resp.StatusCode, Retries: attempt}, nil)
	case f.o.maxBytes > 0 && resp.ContentLength > f.o.maxBytes:
		return outcome{err: fmt.Errorf("GET %s: %w: declared %d bytes, limit %d", rawURL, ErrTooLarge, resp.ContentLength, f.o.maxBytes)}
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
	switch {
	case body.failed != nil && !errors.Is(body.failed, ErrTooLarge):
		// Cut short or stalled: the next attempt may get it whole.
		return outcome{err: fmt.Errorf("GET %s: %w", rawURL, body.failed), retry: true, wait: f.backoff(attempt, nil)}
	case body.failed != nil:
		return outcome{err: fmt.Errorf("GET %s: %w", rawURL, body.failed)}
	case err != nil:
		return outcome{err: err}
	}
	return outcome{res: res}
}

// failed is the outcome of an attempt that failed with err, after resp (a
// status other than success) or the client's error doErr. It is retried as
// retryablehttp's default policy would: connection errors, 429, 5xx but
// 501; not too many redirects, a bad certificate, nor a redirect to a host
// not allowed, nor once ctx is done.
func (f *Client) failed(ctx context.Context, attempt int, resp *http.Response, err, doErr error) outcome {
	retry, _ := retryablehttp.DefaultRetryPolicy(ctx, resp, doErr)
	if errors.Is(doErr, ErrHostNotAllowed) {
		retry = false
	}
	return outcome{err: err, retry: retry, wait: f.backoff(attempt, resp)}
}

// GetJSONSum fetches a JSON document into v and returns the sha256 (hex)
// of its body as served, so that a caller can tell a document that has
// not changed since it last read it without keeping the document.
func (f *Client) GetJSONSum(ctx context.Context, rawURL string, v any) (string, error) {
	var sum string
	_, err := f.Fetch(ctx, rawURL, Validators{}, "", func(_ *Fetched, r io.Reader) error {
		h := sha256.New()
		tee := io.TeeReader(r, h)
		if err := json.NewDecoder(tee).Decode(v); err != nil {
			return fmt.Errorf("GET %s: invalid JSON: %w", rawURL, err)
		}
		// The decoder stops after the value; what follows (whitespace, a
		// newline) is part of the document too.
		if _, err := io.Copy(io.Discard, tee); err != nil {
			return err
		}
		sum = hex.EncodeToString(h.Sum(nil))
		return nil
	})
	if err != nil {
		return "", err
	}
	return sum, nil
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
