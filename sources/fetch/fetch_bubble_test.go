package fetch

import (
	"context"
	"net"
	"net/http"
	"sync"
	"testing"
)

// pipeNet is an in-memory network: a listener whose connections are
// net.Pipe ends, made by its dial. Created in a synctest bubble, with the
// server and the Client, it puts the whole exchange on the bubble's fake
// clock: backoff, Retry-After, idle and whole-fetch timeouts take no real
// time, and how long they took is exact.
type pipeNet struct {
	conns     chan net.Conn
	closed    chan struct{}
	closeOnce sync.Once
}

func newPipeNet() *pipeNet {
	return &pipeNet{conns: make(chan net.Conn), closed: make(chan struct{})}
}

// Accept implements net.Listener.
func (p *pipeNet) Accept() (net.Conn, error) {
	select {
	case c := <-p.conns:
		return c, nil
	case <-p.closed:
		return nil, net.ErrClosed
	}
}

// Close implements net.Listener.
func (p *pipeNet) Close() error {
	p.closeOnce.Do(func() { close(p.closed) })
	return nil
}

// Addr implements net.Listener.
func (p *pipeNet) Addr() net.Addr { return pipeAddr{} }

func (p *pipeNet) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case p.conns <- server:
		return client, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-p.closed:
		return nil, net.ErrClosed
	}
}

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "pipe" }

// bubbleOrigin is the origin of a bubbled server: loopback, so plain http
// is allowed, though nothing is dialled.
const bubbleOrigin = "http://127.0.0.1"

// serveInBubble serves h over a pipeNet and returns a quick Client for it
// and a stop that closes both; call it inside synctest.Test and defer
// stop, so no goroutine outlives the bubble.
func serveInBubble(t *testing.T, h http.Handler, opts ...Option) (f *Client, stop func()) {
	t.Helper()
	p := newPipeNet()
	srv := &http.Server{Handler: h}
	go srv.Serve(p)
	f = quick(t, bubbleOrigin, append([]Option{withDialer(p.dial)}, opts...)...)
	return f, func() {
		srv.Close()
		f.client.CloseIdleConnections()
	}
}
