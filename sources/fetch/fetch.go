package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"go.uber.org/zap"
	"golang.org/x/time/rate"
)

// GOVUK is the origin mappa reads by default.
const GOVUK = "https://www.gov.uk"

// AssetsHost serves GOV.UK attachments; it is always allowed.
const AssetsHost = "assets.publishing.service.gov.uk"

// Errors a fetch can end with; each is wrapped with the URL.
var (
	ErrHostNotAllowed = errors.New("host not allowed")
	ErrTooLarge       = errors.New("file exceeds the size limit")
	ErrStalled        = errors.New("no data received")
	ErrTooSlow        = errors.New("download took too long")
)

// HTTPError is a response that was neither a success nor Not Modified,
// after any retries.
type HTTPError struct {
	URL     string
	Status  string
	Code    int // the status code, 410 for Gone
	Retries int // how many times the request was retried first
}

// Error implements error.
func (e *HTTPError) Error() string {
	if e.Retries > 0 {
		return fmt.Sprintf("GET %s: %s (after %d retries)", e.URL, e.Status, e.Retries)
	}
	return fmt.Sprintf("GET %s: %s", e.URL, e.Status)
}

// Client makes every HTTP request mappa sends: polite (rate limited,
// identified), patient (timeouts, retries with backoff that honour
// Retry-After) and confined to allowed hosts.
type Client struct {
	client *http.Client // one request per attempt; Fetch retries
	policy hostPolicy
	o      options
}

type options struct {
	userAgent                   string
	connectTimeout, idleTimeout time.Duration
	retryMax                    int
	retryWaitMin, retryWaitMax  time.Duration
	maxRetryAfter               time.Duration
	maxTime                     time.Duration
	maxBytes                    int64
	perSecond                   float64
	extraHosts                  []string
	progress                    ProgressFunc
	log                         *zap.Logger
	dial                        func(ctx context.Context, network, addr string) (net.Conn, error) // tests: replaces the network
}

// Option configures a Client.
type Option func(*options)

// ProgressFunc starts a progress display for a download of total bytes
// (-1 when unknown); the Client writes each chunk to it and closes it.
type ProgressFunc func(label string, total int64) io.WriteCloser

// WithTimeouts sets how long to wait for a connection and for the next
// bytes of a response (headers or body) before giving up on an attempt.
func WithTimeouts(connect, idle time.Duration) Option {
	return func(o *options) { o.connectTimeout, o.idleTimeout = connect, idle }
}

// WithRetries sets how many times one Fetch retries, failed responses and
// transfers cut short together, and the bounds of the exponential backoff
// between attempts.
func WithRetries(max int, waitMin, waitMax time.Duration) Option {
	return func(o *options) { o.retryMax, o.retryWaitMin, o.retryWaitMax = max, waitMin, waitMax }
}

// WithMaxRetryAfter bounds how long a Retry-After header can make a retry
// wait: a server asking for an hour must not stall a scheduled run for an
// hour. Longer requests wait this long.
func WithMaxRetryAfter(d time.Duration) Option {
	return func(o *options) { o.maxRetryAfter = d }
}

// WithMaxTime bounds one fetch, retries included (default 30 minutes:
// 100 MiB at under 60 KB/s).
func WithMaxTime(d time.Duration) Option { return func(o *options) { o.maxTime = d } }

// WithMaxBytes caps the size of any one response body.
func WithMaxBytes(n int64) Option { return func(o *options) { o.maxBytes = n } }

// WithRateLimit caps requests per second, retries and redirects included.
func WithRateLimit(perSecond float64) Option {
	return func(o *options) { o.perSecond = perSecond }
}

// WithAllowedHosts allows fetching from more hosts ("host" or "host:port").
func WithAllowedHosts(hosts ...string) Option {
	return func(o *options) { o.extraHosts = append(o.extraHosts, hosts...) }
}

// WithProgress shows the progress of each download.
func WithProgress(f ProgressFunc) Option { return func(o *options) { o.progress = f } }

// WithUserAgent replaces the default User-Agent.
func WithUserAgent(ua string) Option { return func(o *options) { o.userAgent = ua } }

// WithLogger logs retries and failed attempts; nil logs nothing.
func WithLogger(l *zap.Logger) Option {
	return func(o *options) {
		if l != nil {
			o.log = l
		}
	}
}

// withDialer makes connections with dial instead of over the network, so
// a test can run a fetch, transport and server in one synctest bubble, on
// its fake clock.
func withDialer(dial func(ctx context.Context, network, addr string) (net.Conn, error)) Option {
	return func(o *options) { o.dial = dial }
}

// DefaultMaxBytes is the default size cap of a download: 100 MiB.
const DefaultMaxBytes = 100 << 20

// UserAgent identifies mappa to the servers it reads.
func UserAgent() string {
	return "mappa/" + Version() + " (+https://github.com/mappa-etl/mappa; MAPPA statistics ETL)"
}

// New returns a Client for the given origin (GOVUK unless a mirror
// or test server replaces it). Plain http is accepted only for loopback.
func New(origin string, opts ...Option) (*Client, error) {
	o := options{
		userAgent: UserAgent(), connectTimeout: 30 * time.Second, idleTimeout: 60 * time.Second,
		retryMax: 4, retryWaitMin: time.Second, retryWaitMax: 30 * time.Second, maxRetryAfter: time.Minute, maxTime: 30 * time.Minute,
		maxBytes: DefaultMaxBytes, perSecond: 5, log: zap.NewNop(),
	}
	for _, opt := range opts {
		opt(&o)
	}
	policy, err := newHostPolicy(origin, o.extraHosts)
	if err != nil {
		return nil, err
	}
	if o.perSecond <= 0 {
		return nil, fmt.Errorf("rate %g requests per second: want more than 0", o.perSecond)
	}
	if o.perSecond >= 10 && !isLoopback(policy.origin.Hostname()) {
		return nil, fmt.Errorf("rate %g requests per second: GOV.UK asks clients to stay under 10", o.perSecond)
	}
	f := &Client{policy: policy, o: o}
	dial := o.dial
	if dial == nil {
		dial = (&net.Dialer{Timeout: o.connectTimeout, KeepAlive: 30 * time.Second}).DialContext
	}
	transport := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dial,
		TLSHandshakeTimeout:   o.connectTimeout,
		ResponseHeaderTimeout: o.idleTimeout,
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       90 * time.Second,
	}
	f.client = &http.Client{
		Transport: limitedTransport{base: transport, limiter: rate.NewLimiter(rate.Limit(o.perSecond), 1)},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 10 {
				return errors.New("stopped after 10 redirects")
			}
			return f.policy.check(req.URL)
		},
	}
	return f, nil
}

// backoff is how long to wait before retrying after the attempt-th retry
// (0: the first request) failed, with resp when a response said why: its
// Retry-After, bounded by WithMaxRetryAfter, or an exponential backoff
// within the bounds WithRetries sets.
func (f *Client) backoff(attempt int, resp *http.Response) time.Duration {
	if d, ok := retryAfter(resp); ok {
		return min(d, f.o.maxRetryAfter)
	}
	return retryablehttp.DefaultBackoff(f.o.retryWaitMin, f.o.retryWaitMax, attempt, nil)
}

// Origin is the site the client fetches from, without a trailing slash
// ("https://www.gov.uk").
func (f *Client) Origin() string { return strings.TrimSuffix(f.policy.origin.String(), "/") }

// retryAfter reads the Retry-After of a 429 or 503 answer: seconds or an
// HTTP date. (retryablehttp's DefaultBackoff reads it too, but without a
// bound, so backoff gives it no response.)
func retryAfter(resp *http.Response) (time.Duration, bool) {
	if resp == nil || (resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable) {
		return 0, false
	}
	v := strings.TrimSpace(resp.Header.Get("Retry-After"))
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs >= 0 {
		const most = int64(24 * time.Hour / time.Second) // beyond any cap; keeps the multiply from overflowing
		return time.Duration(min(secs, most)) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}

// Resolve makes a possibly relative URL absolute against the origin.
func (f *Client) Resolve(ref string) (*url.URL, error) {
	u, err := url.Parse(ref)
	if err != nil {
		return nil, fmt.Errorf("bad URL %q: %w", ref, err)
	}
	return f.policy.origin.ResolveReference(u), nil
}

// limitedTransport waits for the rate limiter before every request.
type limitedTransport struct {
	base    http.RoundTripper
	limiter *rate.Limiter
}

func (t limitedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.limiter.Wait(req.Context()); err != nil {
		return nil, err
	}
	return t.base.RoundTrip(req)
}
