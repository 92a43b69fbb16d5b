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
// functions below, say how many calls it answers with Times or Always,
// and script it with Server.Fail. Its answers carry the header
// X-Rhombustest-Fault, naming it.
type Fault struct {
	kind   faultKind
	status int
	wait   time.Duration
	text   string
	times  int  // Times' n, when timesSet
	always bool // Always was given, after any Times

	timesSet bool
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

// Times makes the fault answer the next n calls (without it, 1).
func (f Fault) Times(n int) Fault {
	f.times, f.timesSet, f.always = n, true, false
	return f
}

// Always makes the fault answer every call until ClearFaults.
func (f Fault) Always() Fault {
	f.always = true
	return f
}

type scriptedFault struct {
	fault Fault
	left  int // calls left; -1 is forever
}

// Fail scripts a fault for the next calls of an operation (its operationId,
// or AnyOperation). Scripts queue: each answers its calls in turn.
//
//	s.Fail("createUser", rhombustest.RateLimited(3*time.Second).Times(2))
//
// A fault answers the next calls of the operation whatever their
// credentials or body, before validation and the rate limit, as a failing
// gateway or server would. Misuse (an unknown operation, Times below 1)
// fails the test.
func (s *Server) Fail(op string, f Fault) {
	sf := &scriptedFault{fault: f, left: 1}
	switch {
	case f.always:
		sf.left = -1
	case f.timesSet:
		sf.left = f.times
	}
	switch {
	case !f.always && sf.left < 1:
		s.reportf("Fail(%q): Times(%d) must be at least 1", op, sf.left)
		return
	case op != AnyOperation && (s.spec == nil || s.spec.ops[op] == nil):
		s.reportf("Fail(%q): no such operation in the spec", op)
		return
	case f.kind == faultServerError && (f.status < 500 || f.status > 599):
		s.reportf("Fail(%q): ServerError(%d) needs a 5xx status", op, f.status)
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
	a.header.Set(headerFault, f.String())
	return a
}

// headerFault is set on every answer that is an injected fault, naming it.
const headerFault = "X-Rhombustest-Fault"

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
