package rhombustest

import (
	"net/http"
	"slices"
	"time"

	"github.com/rhombuskit/rhombus-go/internal/secretheader"
)

// Request is a request the server received, as Requests returns it.
type Request struct {
	Operation string      // operationId; "" when the path is not in the spec
	Method    string      // as sent
	Path      string      // URL path as sent
	Header    http.Header // with the credential headers redacted
	Body      []byte      // nil when the connection was closed before reading it; cut as WithRequestLog says
	BodySize  int         // the body's length as received: more than len(Body) when it was cut
	Time      time.Time   // when it arrived
	Status    int         // the answer's status; 0 when none was sent
	Fault     string      // the injected fault (Fault.String), "" for none
}

// redacted is what Requests shows instead of a secret.
const redacted = "REDACTED"

// redact copies h with the values of the headers that carry credentials
// replaced: they never leave the server in a record or a log line.
func redact(h http.Header) http.Header {
	out := h.Clone()
	for k := range out {
		if secretheader.Is(k) {
			out[k] = []string{redacted}
		}
	}
	return out
}

// What the server keeps of the requests it receives by default (see
// WithRequestLog): at most about 64 MiB, whatever it is sent.
const (
	DefaultKeptRequests = 1000
	DefaultKeptBody     = 64 << 10
)

// WithRequestLog bounds what Requests keeps, so that a fake serving for
// long (rhombus fake, a long test) does not grow with what it is sent: the
// last n requests (DroppedRequests counts the older ones), each body cut to
// its first bodyBytes bytes (Request.BodySize keeps its length). A negative
// value sets no bound; 0 keeps nothing. Without it, DefaultKeptRequests
// and DefaultKeptBody.
func WithRequestLog(n, bodyBytes int) Option {
	return func(c *config) { c.keepSet, c.keepRequests, c.keepBody = true, n, bodyBytes }
}

// keptRequests and keptBody are the bounds of WithRequestLog, or the defaults.
func (c *config) keptRequests() int {
	if c.keepSet {
		return c.keepRequests
	}
	return DefaultKeptRequests
}

func (c *config) keptBody() int {
	if c.keepSet {
		return c.keepBody
	}
	return DefaultKeptBody
}

// record notes a request as it arrives, so Requests is in arrival order;
// the handler fills in the rest through the returned pointer under s.mu.
// Past the bound, the oldest record is dropped (the handler may still be
// filling it in: it is no longer seen).
func (s *Server) record(r *http.Request) *Request {
	rec := &Request{Method: r.Method, Path: r.URL.Path, Header: redact(r.Header), Time: time.Now()}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, rec)
	if n := s.cfg.keptRequests(); n >= 0 && len(s.requests) > n {
		drop := len(s.requests) - n
		// Cleared, so the records are freed; the slice's array is
		// reallocated at the live length as it fills.
		clear(s.requests[:drop])
		s.requests = s.requests[drop:]
		s.dropped += drop
	}
	return rec
}

// keepBody records what WithRequestLog keeps of a request's body: a copy
// of the first bytes when it is cut, so that the whole body is not held.
func (s *Server) keepBody(rec *Request, body []byte) {
	size := len(body)
	if n := s.cfg.keptBody(); n >= 0 && size > n {
		body = slices.Clone(body[:n])
	}
	s.update(rec, func(q *Request) { q.Body, q.BodySize = body, size })
}

// update changes a recorded request under the lock Requests takes.
func (s *Server) update(rec *Request, f func(*Request)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(rec)
}

// DroppedRequests reports how many requests, the oldest, Requests no longer
// returns because of the bound WithRequestLog sets.
func (s *Server) DroppedRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dropped
}

// Requests returns copies of the requests received so far, in order of
// arrival, refused and faulted ones included; past the bound WithRequestLog
// sets, the last ones, their bodies cut.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = *r
		out[i].Header = r.Header.Clone()
		out[i].Body = slices.Clone(r.Body)
	}
	return out
}
