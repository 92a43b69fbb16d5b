package rhombustest

import (
	"fmt"
	"net/http"
	"time"
)

// AnyOperation scripts a fault for every operation. Faults scripted for the
// operation itself are used first.
const AnyOperation = "*"

// Fault is a way of answering wrongly on purpose. Build one with the
// functions below and script it with Server.Fail.
type Fault struct {
	kind   faultKind
	status int
	wait   time.Duration
	text   string
}

type faultKind int

const (
	faultPass faultKind = iota
	faultRateLimited
	faultServerError
	faultUnauthorized
	faultForbidden
	faultErrorEnvelope
	faultWarning
	faultMalformedJSON
	faultTruncatedJSON
	faultWrongContentType
	faultSlow
	faultCloseBeforeBody
	faultCloseAfterApply
)

// Pass answers normally. Queued between other faults, it scripts which
// call fails: Fail(op, Pass()); Fail(op, ServerError(503)) fails the second.
func Pass() Fault { return Fault{kind: faultPass} }

// RateLimited answers 429 with the vendor's text/plain body and
// Retry-After: retryAfter rounded up to whole seconds, at least 1.
func RateLimited(retryAfter time.Duration) Fault {
	return Fault{kind: faultRateLimited, wait: retryAfter}
}

// ServerError answers status, which must be 5xx: 500 with a JSON body, the
// others with a gateway's text/plain body.
func ServerError(status int) Fault { return Fault{kind: faultServerError, status: status} }

// Unauthorized answers the vendor's 401, as for an unknown key.
func Unauthorized() Fault { return Fault{kind: faultUnauthorized} }

// Forbidden answers the vendor's 403, as for a key whose user lacks the
// permission.
func Forbidden() Fault { return Fault{kind: faultForbidden} }

// ErrorEnvelope answers 200 {"error": true, "errorMsg": msg}: a failure
// the HTTP status does not show.
func ErrorEnvelope(msg string) Fault { return Fault{kind: faultErrorEnvelope, text: msg} }

// Warning handles the call normally (state changes) and adds warningMsg to
// its successful answer.
func Warning(msg string) Fault { return Fault{kind: faultWarning, text: msg} }

// MalformedJSON answers 200, application/json, with a body that is not JSON.
func MalformedJSON() Fault { return Fault{kind: faultMalformedJSON} }

// TruncatedJSON answers 200, application/json, with the first half of a
// plausible success body: complete at the HTTP level, cut in the JSON.
func TruncatedJSON() Fault { return Fault{kind: faultTruncatedJSON} }

// WrongContentType answers 200 with an HTML page served as contentType
// ("text/html" when empty), as a proxy or captive portal would.
func WrongContentType(contentType string) Fault {
	if contentType == "" {
		contentType = "text/html; charset=utf-8"
	}
	return Fault{kind: faultWrongContentType, text: contentType}
}

// Slow waits d, then handles the call normally. If the client gives up
// (its context ends) during the wait, nothing is handled or answered.
func Slow(d time.Duration) Fault { return Fault{kind: faultSlow, wait: d} }

// CloseBeforeBody closes the connection before the request body is read:
// the call provably had no effect.
func CloseBeforeBody() Fault { return Fault{kind: faultCloseBeforeBody} }

// CloseAfterApply handles the call (state changes) and closes the
// connection instead of answering: the client cannot know it succeeded.
func CloseAfterApply() Fault { return Fault{kind: faultCloseAfterApply} }

// String names the fault, as Request.Fault records it.
func (f Fault) String() string {
	switch f.kind {
	case faultPass:
		return "Pass"
	case faultRateLimited:
		return fmt.Sprintf("RateLimited(%v)", f.wait)
	case faultServerError:
		return fmt.Sprintf("ServerError(%d)", f.status)
	case faultUnauthorized:
		return "Unauthorized"
	case faultForbidden:
		return "Forbidden"
	case faultErrorEnvelope:
		return "ErrorEnvelope"
	case faultWarning:
		return "Warning"
	case faultMalformedJSON:
		return "MalformedJSON"
	case faultTruncatedJSON:
		return "TruncatedJSON"
	case faultWrongContentType:
		return "WrongContentType"
	case faultSlow:
		return fmt.Sprintf("Slow(%v)", f.wait)
	case faultCloseBeforeBody:
		return "CloseBeforeBody"
	case faultCloseAfterApply:
		return "CloseAfterApply"
	}
	return "Fault(?)"
}

// replaces reports whether the fault answers instead of the operation, so
// that state cannot change.
func (f Fault) replaces() bool {
	switch f.kind {
	case faultPass, faultWarning, faultSlow, faultCloseBeforeBody, faultCloseAfterApply:
		return false
	}
	return true
}

// FailOption is an argument of Fail: a Fault, or how often (Times, Always).
type FailOption interface{ failOption() }

func (Fault) failOption() {}

type times int

func (times) failOption() {}

// Times makes the fault answer the next n calls (the default is 1).
func Times(n int) FailOption { return times(n) }

// Always makes the fault answer every call until ClearFaults.
func Always() FailOption { return times(-1) }

type scriptedFault struct {
	fault Fault
	left  int // calls left; -1 is forever
}

// Fail scripts a fault for the next calls of an operation (its operationId,
// or AnyOperation). Scripts queue: each answers its calls in turn.
//
//	s.Fail("createUser", rhombustest.Times(2), rhombustest.RateLimited(3*time.Second))
//
// A fault answers the next calls of the operation whatever their
// credentials or body, before validation and the rate limit, as a failing
// gateway or server would. Exactly one Fault must be given; misuse fails
// the test.
func (s *Server) Fail(op string, opts ...FailOption) {
	sf := &scriptedFault{left: 1}
	var nFaults int
	for _, o := range opts {
		switch o := o.(type) {
		case Fault:
			sf.fault, nFaults = o, nFaults+1
		case times:
			sf.left = int(o)
		}
	}
	switch {
	case nFaults != 1:
		s.reportf("Fail(%q): want exactly one Fault, got %d", op, nFaults)
		return
	case sf.left == 0 || sf.left < -1:
		s.reportf("Fail(%q): Times(%d) must be at least 1", op, sf.left)
		return
	case op != AnyOperation && (s.spec == nil || s.spec.ops[op] == nil):
		s.reportf("Fail(%q): no such operation in the spec", op)
		return
	case sf.fault.kind == faultServerError && (sf.fault.status < 500 || sf.fault.status > 599):
		s.reportf("Fail(%q): ServerError(%d) needs a 5xx status", op, sf.fault.status)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[op] = append(s.faults[op], sf)
}

// ClearFaults drops every scripted fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.faults)
}

// takeFault consumes one call of the first fault scripted for op.
func (s *Server) takeFault(op string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, key := range []string{op, AnyOperation} {
		q := s.faults[key]
		if len(q) == 0 {
			continue
		}
		sf := q[0]
		if sf.left > 0 {
			sf.left--
			if sf.left == 0 {
				s.faults[key] = q[1:]
			}
		}
		return sf.fault, true
	}
	return Fault{}, false
}

// faultAnswer is the answer of a fault that replaces the operation.
func (s *Server) faultAnswer(f Fault, op string) answer {
	a := s.faultBody(f, op)
	// Marks the answer as deliberately off-contract for the client-side
	// contract check; an extra header is within any spec.
	a.header = a.header.Clone()
	if a.header == nil {
		a.header = http.Header{}
	}
	a.header.Set(HeaderFault, f.String())
	return a
}

// HeaderFault is set on every answer that is an injected fault, naming it.
const HeaderFault = "X-Rhombustest-Fault"

func (s *Server) faultBody(f Fault, op string) answer {
	switch f.kind {
	case faultRateLimited:
		return tooMany(f.wait)
	case faultServerError:
		if f.status == http.StatusInternalServerError {
			return newAnswer(f.status, contentJSON, []byte(`{"error":"Internal Server Error","msg":"injected fault"}`))
		}
		return newAnswer(f.status, contentText, []byte(http.StatusText(f.status)))
	case faultUnauthorized:
		return s.unauthorized()
	case faultForbidden:
		return s.forbidden("Access Denied")
	case faultErrorEnvelope:
		return s.jsonAnswer(http.StatusOK, failed(f.text))
	case faultMalformedJSON:
		return newAnswer(http.StatusOK, contentJSON, []byte(`{"error": false,, "errorMsg": nul}`))
	case faultTruncatedJSON:
		b := cannedSuccess(op)
		return newAnswer(http.StatusOK, contentJSON, b[:len(b)/2])
	case faultWrongContentType:
		return newAnswer(http.StatusOK, f.text, []byte("<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body><h1>Please try again later</h1></body></html>"))
	}
	return s.jsonAnswer(http.StatusInternalServerError, map[string]string{"error": "Internal Server Error", "msg": "unknown fault"})
}

// cannedSuccess is a plausible success body of op, for TruncatedJSON.
func cannedSuccess(op string) []byte {
	switch op {
	case OpCreateUser:
		return []byte(`{"error":false,"responseStatus":"SUCCESS","userUuid":"` + string(newRUUID()) + `"}`)
	case OpGetDeviceLicensesForOrg:
		return []byte(`{"deviceLicenses":[{"uuid":"` + string(newRUUID()) + `","deviceType":"CAMERA","licenseType":"ENTERPRISE","state":"CLAIMED"}],"error":false}`)
	}
	return []byte(`{"error":false,"errorMsg":null,"warningMsg":null}`)
}
