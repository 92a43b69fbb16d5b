package rhombustest

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"time"
)

// answer is a complete response, built before anything is written so that
// it can be checked against the spec (or dropped, for a closed connection).
type answer struct {
	status int
	header http.Header
	body   []byte
}

const (
	contentJSON = "application/json"
	contentText = "text/plain"

	// tooManyBody is the vendor's 429 body, word for word.
	tooManyBody = "Too many api requests. Enhance your calm."
)

func newAnswer(status int, contentType string, body []byte) answer {
	h := http.Header{}
	h.Set("Content-Type", contentType)
	return answer{status: status, header: h, body: body}
}

// jsonAnswer encodes v; a value that cannot be encoded (an invalid RUUID
// seeded by a test) becomes a 500 and a report.
func (s *Server) jsonAnswer(status int, v any) answer {
	b, err := json.Marshal(v)
	if err != nil {
		s.reportf("cannot encode an answer: %v", err)
		return newAnswer(http.StatusInternalServerError, contentJSON,
			[]byte(`{"error":"Internal Server Error","msg":"the fake could not encode its answer"}`))
	}
	return newAnswer(status, contentJSON, b)
}

// badRequest is the vendor's 400: {"error": "Bad Request", "msg": ...}.
func (s *Server) badRequest(msg string) answer {
	return s.jsonAnswer(http.StatusBadRequest, map[string]string{"error": "Bad Request", "msg": msg})
}

// unauthorized is the vendor's 401. The reason stays inside the fake: the
// real API does not say which part of the credential failed.
func (s *Server) unauthorized() answer {
	a := newAnswer(http.StatusUnauthorized, contentJSON, []byte(`{"authenticationFailed":true}`))
	a.header.Set("WWW-Authenticate", `Bearer resource_metadata="`+s.URL+`/.well-known/oauth-protected-resource"`)
	return a
}

// forbidden is the vendor's 403; msg starts with "Access Denied".
func (s *Server) forbidden(msg string) answer {
	return s.jsonAnswer(http.StatusForbidden, map[string]any{
		"status":    http.StatusForbidden,
		"error":     "Forbidden",
		"timestamp": time.Now().UnixMilli(),
		"msg":       msg,
	})
}

func (s *Server) refused(r *refusal) answer {
	switch r.status {
	case http.StatusBadRequest:
		return s.badRequest(r.reason)
	case http.StatusForbidden:
		return s.forbidden(r.reason)
	}
	return s.unauthorized()
}

// tooMany is the vendor's 429: plain text and Retry-After in whole
// seconds, at least 1.
func tooMany(wait time.Duration) answer {
	a := newAnswer(http.StatusTooManyRequests, contentText, []byte(tooManyBody))
	a.header.Set("Retry-After", strconv.Itoa(retrySeconds(wait)))
	return a
}

func retrySeconds(wait time.Duration) int {
	secs := math.Ceil(wait.Seconds())
	switch {
	case secs < 1 || math.IsNaN(secs):
		return 1
	case secs > math.MaxInt32:
		return math.MaxInt32
	}
	return int(secs)
}

// notRouted answers a path or method the spec does not have; these have no
// operation, so no contract to check.
func (s *Server) notRouted(status int, msg string) answer {
	a := s.jsonAnswer(status, map[string]string{"error": http.StatusText(status), "msg": msg})
	if status == http.StatusMethodNotAllowed {
		a.header.Set("Allow", http.MethodPost)
	}
	return a
}

// envelope is the body of every 200 of the three operations.
type envelope struct {
	Error      bool    `json:"error"`
	ErrorMsg   *string `json:"errorMsg,omitempty"`
	WarningMsg *string `json:"warningMsg,omitempty"`
}

func failed(msg string) envelope { return envelope{Error: true, ErrorMsg: &msg} }
