package rhombus

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/rhombuskit/rhombus-go/api"
)

const fuzzKey = "fuzz-key-0123456789abcdef"

// answerTransport answers every request with one fixed response, so the fuzzer
// exercises Client.Do without sockets.
type answerTransport struct {
	status      int
	contentType string
	retryAfter  string
	body        []byte
}

func (a *answerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	h := http.Header{}
	if a.contentType != "" {
		h.Set("Content-Type", a.contentType)
	}
	if a.retryAfter != "" {
		h.Set("Retry-After", a.retryAfter)
	}
	return &http.Response{
		StatusCode: a.status, Header: h, Request: req,
		Body: io.NopCloser(bytes.NewReader(a.body)), ContentLength: int64(len(a.body)),
	}, nil
}

// FuzzNormalize feeds arbitrary answers to a typed call and checks that the
// client never panics, classifies every answer as success or one of its
// error types, and never lets its key out, even when the body holds it.
func FuzzNormalize(f *testing.F) {
	f.Add(200, "application/json", "", []byte(`{"error":false,"responseStatus":"SUCCESS","userUuid":"AAAAAAAAAAAAAAAAAAAAAA"}`))
	f.Add(200, "application/json", "", []byte(`{"error":true,"errorMsg":"x","responseStatus":"USER_EXISTS"}`))
	f.Add(200, "application/json", "", []byte(`{"error":false,"warningMsg":"w `+fuzzKey+`"}`))
	f.Add(400, "application/json", "", []byte(`{"error":"Bad Request","msg":"m"}`))
	f.Add(401, "application/json", "", []byte(`{"authenticationFailed":true}`))
	f.Add(403, "application/json", "", []byte(`{"status":403,"error":"Forbidden","timestamp":1,"msg":"Access Denied"}`))
	f.Add(429, "text/plain", "3", []byte("Too many api requests. Enhance your calm."))
	f.Add(500, "text/html", "", []byte("<html>"))
	f.Add(200, "text/plain", "", []byte(`{"error":false}`))
	f.Add(200, "application/json", "", []byte(`{"error":fal`))
	f.Fuzz(func(t *testing.T, status int, contentType, retryAfter string, body []byte) {
		if status < 100 || status > 999 {
			status = 200 + (status%800+800)%800
		}
		tr := &answerTransport{status: status, contentType: contentType, retryAfter: retryAfter, body: body}
		c, err := New(WithCredential(APIToken(fuzzKey)), WithEndpoint("http://127.0.0.1:1"),
			WithHTTPClient(&http.Client{Transport: tr}), WithMaxResponseBytes(4096),
			// One attempt, no pacing: this target is about reading answers.
			WithRetryPolicy(RetryPolicy{MaxAttempts: 1}), WithLimiter(nil))
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		res, err := c.CreateUser(context.Background(), api.CreateUserRequest{})
		if err == nil {
			if res == nil {
				t.Fatalf("nil result without an error")
			}
			if status != 200 {
				t.Fatalf("HTTP %d accepted as a success", status)
			}
			var env struct {
				Error *bool `json:"error"`
			}
			if json.Unmarshal(body, &env) == nil && env.Error != nil && *env.Error {
				t.Fatalf(`"error": true accepted as a success`)
			}
			if s := res.ResponseStatus; s != "" && s != api.ResponseStatusSUCCESS {
				t.Fatalf("responseStatus %q accepted as a success", s)
			}
			if strings.Contains(res.WarningMsg, fuzzKey) {
				t.Fatalf("the key reached the result")
			}
			return
		}
		var (
			apiErr *APIError
			decErr *DecodeError
		)
		switch {
		case errors.As(err, &apiErr):
			if apiErr.StatusCode != status {
				t.Fatalf("APIError status %d, answer %d", apiErr.StatusCode, status)
			}
		case errors.As(err, &decErr):
			if status != 200 {
				t.Fatalf("a non-200 answer must be an *APIError, got %v", err)
			}
			if len(decErr.Excerpt) > 2+4*83 {
				t.Fatalf("excerpt too long: %d bytes", len(decErr.Excerpt))
			}
		default:
			t.Fatalf("unexpected error type %T: %v", err, err)
		}
		for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
			if strings.Contains(s, fuzzKey) {
				t.Fatalf("the key appears in the error")
			}
		}
	})
}
