// Package govuktest runs a fake GOV.UK for tests: the Content API of the
// MAPPA collection and the attachment files, built from the bundled
// fixtures, with the faults real servers have (5xx, 429, hangs, bodies cut
// short, HTML error pages, redirects, bad JSON). It also serves population
// and lookup files under /ons/, as a stand-in for the ONS.
package govuktest

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Request is one request the server received.
type Request struct {
	Method, Path, IfNoneMatch, IfModifiedSince string
	Status                                     int
}

// Conditional reports whether the request carried validators.
func (r Request) Conditional() bool { return r.IfNoneMatch != "" || r.IfModifiedSince != "" }

// File is a served file.
type File struct {
	Body        []byte
	ContentType string
	Modified    time.Time
}

// Fault changes how one path answers. Times is how many requests it
// affects (0: all of them).
type Fault struct {
	Kind       FaultKind
	Times      int
	Status     int           // for Status; for Redirect, the code (302 if 0)
	RetryAfter string        // for Status
	Location   string        // for Redirect
	Body       []byte        // for Body: served instead of the file
	Delay      time.Duration // for Hang: how long to stall (0: until the client gives up)
}

// FaultKind is a kind of fault.
type FaultKind int

// The faults a path can have.
const (
	Status   FaultKind = iota // answer Status (with Retry-After if set)
	Hang                      // send nothing, then give up
	CutShort                  // declare the full length, send half, drop the connection
	Body                      // serve Body with the file's content type
	Redirect                  // answer 302 to Location
	Chunked                   // serve Body chunked: no length declared up front
)

// Server is a fake GOV.UK.
type Server struct {
	*httptest.Server

	mu       sync.Mutex
	docs     map[string][]byte // Content API documents by path
	files    map[string]File
	faults   map[string][]*Fault
	moved    map[string]Fault // permanent redirects, which ClearFaults keeps
	requests []*Request
}

// New starts an empty fake GOV.UK; Close it when done.
func New() *Server {
	s := &Server{docs: map[string][]byte{}, files: map[string]File{}, faults: map[string][]*Fault{}, moved: map[string]Fault{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// SetJSON serves v (or raw bytes, when v is []byte) as the Content API
// document at path.
func (s *Server) SetJSON(path string, v any) {
	b, ok := v.([]byte)
	if !ok {
		var err error
		if b, err = json.MarshalIndent(v, "", "  "); err != nil {
			panic(err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.docs[path] = b
}

// JSON returns the Content API document served at path (nil if none), so
// that a test can edit a page the way a publisher would.
func (s *Server) JSON(path string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.docs[path])
}

// SetFile serves a file at path.
func (s *Server) SetFile(path string, f File) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[path] = f
}

// Remove stops serving path (it answers 404).
func (s *Server) Remove(path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.docs, path)
	delete(s.files, path)
}

// AddFault queues a fault on path; faults apply in the order added.
func (s *Server) AddFault(path string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[path] = append(s.faults[path], &f)
}

// SetRedirect makes path redirect to location with code, for good: the
// way GOV.UK sends old upload URLs to the assets host.
func (s *Server) SetRedirect(path, location string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.moved[path] = Fault{Kind: Redirect, Location: location, Status: code}
}

// ClearFaults removes every fault; redirects set with SetRedirect stay.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = map[string][]*Fault{}
}

// Requests returns the requests received so far and forgets them.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = *r
	}
	s.requests = nil
	return out
}

// nextFault returns the fault to apply to this request, using it up.
func (s *Server) nextFault(path string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.faults[path]
	if len(q) == 0 {
		if m, ok := s.moved[path]; ok {
			return &m
		}
		return nil
	}
	f := q[0]
	if f.Times > 0 {
		if f.Times--; f.Times == 0 {
			s.faults[path] = q[1:]
		}
	}
	return f
}

type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) { r.status = code; r.ResponseWriter.WriteHeader(code) }

// Hijack lets CutShort drop the connection.
func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return r.ResponseWriter.(http.Hijacker).Hijack()
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	// Recorded on arrival, so a test sees a request its client gave up on
	// (a hang, a cut) even before the handler returns; the status follows.
	req := &Request{Method: r.Method, Path: r.URL.Path, Status: http.StatusOK,
		IfNoneMatch: r.Header.Get("If-None-Match"), IfModifiedSince: r.Header.Get("If-Modified-Since")}
	s.mu.Lock()
	s.requests = append(s.requests, req)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		req.Status = rec.status
		s.mu.Unlock()
	}()
	path := r.URL.Path
	s.mu.Lock()
	doc, isDoc := s.docs[path]
	file, isFile := s.files[path]
	s.mu.Unlock()
	if f := s.nextFault(path); f != nil {
		switch f.Kind {
		case Status:
			if f.RetryAfter != "" {
				w.Header().Set("Retry-After", f.RetryAfter)
			}
			http.Error(rec, http.StatusText(f.Status), f.Status)
			return
		case Hang:
			wait := f.Delay
			if wait == 0 {
				wait = time.Hour
			}
			select {
			case <-r.Context().Done():
			case <-time.After(wait):
			}
			return
		case Redirect:
			code := f.Status
			if code == 0 {
				code = http.StatusFound
			}
			http.Redirect(rec, r, f.Location, code)
			return
		case Body:
			isFile, isDoc = true, false
			file = File{Body: f.Body, ContentType: file.ContentType, Modified: file.Modified}
		case Chunked:
			rec.Header().Set("Content-Type", file.ContentType)
			rec.WriteHeader(http.StatusOK)
			for b := f.Body; len(b) > 0; b = b[min(len(b), 32<<10):] {
				rec.Write(b[:min(len(b), 32<<10)])
				if fl, ok := rec.ResponseWriter.(http.Flusher); ok {
					fl.Flush() // before the handler ends, so no Content-Length
				}
			}
			return
		case CutShort:
			body := file.Body
			if isDoc {
				body = doc
			}
			cutShort(rec, body)
			return
		}
	}
	switch {
	case isDoc:
		rec.Header().Set("Content-Type", "application/json; charset=utf-8")
		rec.Write(doc)
	case isFile:
		sum := sha256.Sum256(file.Body)
		rec.Header().Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
		if file.ContentType != "" {
			rec.Header().Set("Content-Type", file.ContentType)
		}
		http.ServeContent(rec, r, "", file.Modified, bytes.NewReader(file.Body))
	default:
		http.NotFound(rec, r)
	}
}

// cutShort declares the whole body, sends half and drops the connection.
func cutShort(w *recorder, body []byte) {
	conn, buf, err := w.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\nContent-Type: application/octet-stream\r\n\r\n")
	buf.Write(body[:len(body)/2])
	buf.Flush()
}

// URL returns the absolute URL of a path on the server.
func (s *Server) URL(path string) string {
	return s.Server.URL + "/" + strings.TrimPrefix(path, "/")
}
