package govuk

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"github.com/mappa-etl/mappa/sources/fetch"
)

// quickClient is an HTTP client fast enough for tests: millisecond
// backoff and no real rate limit.
func quickClient(t *testing.T, origin string) *fetch.Client {
	t.Helper()
	c, err := fetch.New(origin, fetch.WithRetries(2, time.Millisecond, 20*time.Millisecond),
		fetch.WithTimeouts(time.Second, 200*time.Millisecond), fetch.WithRateLimit(1000))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// deadline fails a test that would otherwise hang.
func deadline(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// keepBody is a sink that keeps the body it was given.
type keepBody struct{ body bytes.Buffer }

func (k *keepBody) sink(_ *fetch.Fetched, r io.Reader) error {
	k.body.Reset()
	_, err := io.Copy(&k.body, r)
	return err
}
