package rhombustest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// maxBody bounds what the fake reads: the three operations take a few
// hundred bytes.
const maxBody = 1 << 20

// serveHTTP routes, applies the scripted fault, validates and answers. The
// order matters: a fault that closes before the body is read must not read
// it, and a fault that replaces the answer must not reach the state.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	rec := s.record(r)
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.reportf("internal error answering %s %s: %v", r.Method, r.URL.Path, v)
			s.send(w, rec, newAnswer(http.StatusInternalServerError, contentJSON, []byte(`{"error":"Internal Server Error","msg":"the fake failed"}`)))
		}
	}()
	if s.spec == nil {
		s.send(w, rec, newAnswer(http.StatusInternalServerError, contentText, []byte("the fake has no spec")))
		return
	}
	route, _, err := s.spec.router.FindRoute(r)
	if err != nil {
		body, _ := readBody(w, r)
		s.keepBody(rec, body)
		if err.Error() == routers.ErrMethodNotAllowed.Error() {
			s.send(w, rec, s.notRouted(http.StatusMethodNotAllowed, "Every operation of the Rhombus API is a POST"))
			return
		}
		// Say what is served: an operation of another spec is the usual cause.
		s.send(w, rec, s.notRouted(http.StatusNotFound, "No operation at this path: this fake serves "+strconv.Itoa(len(s.spec.ops))+" operations of its spec, and POST "+r.URL.Path+" is not one of them"))
		return
	}
	op := s.spec.ops[route.Operation.OperationID]
	fault, faulted := s.takeFault(op.id)
	s.update(rec, func(q *Request) {
		q.Operation = op.id
		if faulted {
			q.Fault = fault.String()
		}
	})
	if faulted && fault.kind == faultCloseBeforeBody {
		s.hijackClose(w)
		return
	}
	body, err := readBody(w, r)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.send(w, rec, s.badRequest("Request body too large"))
			return
		}
		s.hijackClose(w) // the client has gone; returning would send an empty 200
		return
	}
	s.keepBody(rec, body)
	if faulted && fault.replaces() {
		s.send(w, rec, s.faultAnswer(fault, op.id))
		return
	}
	if faulted && fault.kind == faultSlow && !s.sleep(r.Context(), fault.wait) {
		// The client gave up or the server is closing: nothing happened, and
		// returning without a word would make net/http send an empty 200.
		s.hijackClose(w)
		return
	}
	var warning *string
	if faulted && fault.kind == faultWarning {
		warning = &fault.text
	}
	a := s.handle(r, route, op, body, warning)
	if faulted && fault.kind == faultCloseAfterApply {
		s.hijackClose(w)
		return
	}
	s.send(w, rec, a)
}

// handle validates the request with openapi3filter and runs the operation,
// then checks its own answer against the spec.
func (s *Server) handle(r *http.Request, route *routers.Route, op *operation, body []byte, warning *string) answer {
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	auth := &authState{s: s, header: r.Header, op: op}
	in := &openapi3filter.RequestValidationInput{Request: r, Route: route, Options: s.spec.options(auth.check)}
	err := openapi3filter.ValidateRequest(r.Context(), in)
	a := s.decide(auth, err, r.Header.Get("Content-Type"), op, body, warning)
	if op.defaultOnly {
		a = s.asDefault(op, a)
	}
	s.checkContract(in, a)
	return a
}

// decide picks the answer: credentials first (401/403), then the
// organisation's rate limit, then the body (400), then the operation.
func (s *Server) decide(auth *authState, err error, contentType string, op *operation, body []byte, warning *string) answer {
	var unmet *openapi3filter.SecurityRequirementsError
	switch {
	case auth.refusal != nil:
		return s.refused(auth.refusal)
	case auth.caller == nil || errors.As(err, &unmet):
		return s.unauthorized()
	}
	if ok, wait := s.limits.allow(auth.caller.owner, time.Now()); !ok {
		return tooMany(wait)
	}
	if err != nil {
		return s.badRequest(badRequestMsg(err, contentType))
	}
	return s.dispatch(op.id, auth.caller, body, warning)
}

// checkContract fails the test when the fake answers outside the spec.
func (s *Server) checkContract(in *openapi3filter.RequestValidationInput, a answer) {
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: a.status, Header: a.header, Options: in.Options}
	if op := s.spec.ops[in.Route.Operation.OperationID]; op != nil && op.rawType != "" && a.status == http.StatusOK {
		// An export's bytes: its content type is checked, not its body,
		// which the vendor's document describes by the server's class.
		opts := *in.Options
		opts.ExcludeResponseBody = true
		out.Options = &opts
	}
	out.SetBodyBytes(a.body)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		s.reportf("answer %d to %s is outside the spec: %v", a.status, in.Route.Operation.OperationID, err)
	}
}

func (s *Server) send(w http.ResponseWriter, rec *Request, a answer) {
	h := w.Header()
	for k, v := range a.header {
		h[k] = v
	}
	h.Set("Content-Length", strconv.Itoa(len(a.body)))
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body)
	if a.status == http.StatusTooManyRequests {
		s.rateLimited.Add(1)
	}
	var op, fault string
	s.update(rec, func(q *Request) { q.Status, op, fault = a.status, q.Operation, q.Fault })
	s.logf("%s %q -> %d %s", op, rec.Path, a.status, fault)
}

// hijackClose drops the connection without an answer, as a crash or a
// network cut would.
func (s *Server) hijackClose(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// No Hijacker (HTTP/2): aborting is the closest thing.
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	return io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
}

// sleep waits d unless the request or the server ends first.
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	}
}
