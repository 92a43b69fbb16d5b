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
	Body      []byte      // nil when the connection was closed before reading it
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

// record notes a request as it arrives, so Requests is in arrival order;
// the handler fills in the rest through the returned pointer under s.mu.
func (s *Server) record(r *http.Request) *Request {
	rec := &Request{Method: r.Method, Path: r.URL.Path, Header: redact(r.Header), Time: time.Now()}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, rec)
	return rec
}

// update changes a recorded request under the lock Requests takes.
func (s *Server) update(rec *Request, f func(*Request)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(rec)
}

// Requests returns copies of the requests received so far, in order of
// arrival, refused and faulted ones included.
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
