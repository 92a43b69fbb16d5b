package rhombus

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Sentinel errors, for errors.Is. An *APIError matches the ones its HTTP
// status or responseStatus implies; see [APIError.Is].
var (
	// ErrUnauthorized: 401, or responseStatus BASIC_AUTH_FAILED. The
	// credential is missing, wrong, or from another region.
	ErrUnauthorized = errors.New("rhombus: unauthorized")
	// ErrForbidden: 403. A bad key, or the key's user lacks the permission.
	ErrForbidden = errors.New("rhombus: forbidden")
	// ErrRateLimited: 429. The organisation's request budget is spent;
	// APIError.RetryAfter says how long to wait.
	ErrRateLimited = errors.New("rhombus: rate limited")
	// ErrBadInput: 400, or responseStatus BAD_INPUT.
	ErrBadInput = errors.New("rhombus: bad input")
	// ErrUserExists: responseStatus USER_EXISTS. It is
	// Status(api.ResponseStatusUSEREXISTS), kept by that name for the
	// programs that use it; match another operation's statuses with Status.
	ErrUserExists error = Status("USER_EXISTS")
	// ErrNotFound: a *_NOT_FOUND responseStatus (USER, DEVICE, POLICY,
	// LOCATION, ORG, and any the server adds).
	ErrNotFound = errors.New("rhombus: not found")
	// ErrServer: a 5xx answer.
	ErrServer = errors.New("rhombus: server error")
	// ErrRefused: a 200 answer whose envelope reports a failure
	// ("error": true, or a responseStatus other than SUCCESS).
	ErrRefused = errors.New("rhombus: request refused")
	// ErrDecode: the answer could not be read; see *DecodeError.
	ErrDecode = errors.New("rhombus: cannot decode response")
	// ErrInvalidRequest: the request was refused before it was sent; see *ValidationError.
	ErrInvalidRequest = errors.New("rhombus: invalid request")
)

// APIError is an answer from Rhombus that reports a failure: any status but
// 200, or a 200 whose envelope says "error": true or whose responseStatus is
// not SUCCESS. It never holds a credential.
type APIError struct {
	Operation      string        // operationId, for example "createUser"
	StatusCode     int           // HTTP status
	Message        string        // errorMsg, msg or the text body, as Rhombus sent it
	ResponseStatus string        // the answer's responseStatus or failure reason, when present; see [Status]
	RetryAfter     time.Duration // from Retry-After on a 429; zero when absent
	Header         http.Header   // the response headers
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "rhombus: %s: HTTP %d", e.Operation, e.StatusCode)
	if e.ResponseStatus != "" {
		b.WriteString(" " + e.ResponseStatus)
	}
	if e.StatusCode == http.StatusOK && e.ResponseStatus == "" {
		b.WriteString(" error")
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	return b.String()
}

// Status is a responseStatus (or the reason of an x-rhombus-failure
// answer) as a target for errors.Is: an *APIError matches the Status equal
// to its ResponseStatus. An operation's statuses are generated from the
// spec as constants of package api, so they need no code here:
//
//	errors.Is(err, rhombus.Status(api.ResponseStatusUSEREXISTS))
type Status string

func (s Status) Error() string { return "rhombus: responseStatus " + string(s) }

// Is matches the sentinel errors the status and responseStatus imply, and
// the [Status] equal to its responseStatus.
func (e *APIError) Is(target error) bool {
	if s, ok := target.(Status); ok {
		return e.ResponseStatus != "" && e.ResponseStatus == string(s)
	}
	switch target {
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized || e.ResponseStatus == "BASIC_AUTH_FAILED"
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrBadInput:
		return e.StatusCode == http.StatusBadRequest || e.ResponseStatus == "BAD_INPUT"
	case ErrNotFound:
		return strings.HasSuffix(e.ResponseStatus, "_NOT_FOUND")
	case ErrServer:
		return e.StatusCode >= 500
	case ErrRefused:
		return e.StatusCode == http.StatusOK
	}
	return false
}

// DecodeError is an answer that could not be read: malformed or truncated
// JSON, the wrong content type, or a body over the size limit.
type DecodeError struct {
	Operation   string
	StatusCode  int
	ContentType string
	Excerpt     string // the start of the body, at most 80 bytes, as a quoted Go string
	Err         error  // the reason
}

func (e *DecodeError) Error() string {
	ct := e.ContentType
	if ct == "" {
		ct = "no content type"
	}
	return fmt.Sprintf("rhombus: %s: HTTP %d: cannot decode response (%s): %v; body starts %s",
		e.Operation, e.StatusCode, ct, e.Err, e.Excerpt)
}

// Unwrap returns the reason.
func (e *DecodeError) Unwrap() error { return e.Err }

// Is matches ErrDecode.
func (e *DecodeError) Is(target error) bool { return target == ErrDecode }

// RequestError is a request that failed before an answer came back: it could
// not be built or authorized, or the connection failed. Err says why; it
// unwraps to context.Canceled, context.DeadlineExceeded, *net.OpError and so on.
type RequestError struct {
	Operation string
	Err       error
}

func (e *RequestError) Error() string {
	// The package's own causes start with "rhombus: " too; say it once.
	return fmt.Sprintf("rhombus: %s: %s", e.Operation, strings.TrimPrefix(e.Err.Error(), "rhombus: "))
}

// Unwrap returns the cause.
func (e *RequestError) Unwrap() error { return e.Err }

// Warning is a warningMsg that came with a successful answer.
type Warning struct {
	Operation string
	Message   string
}

func (w Warning) String() string { return "rhombus: " + w.Operation + ": warning: " + w.Message }

// envelope is the part of every Rhombus answer the client checks, whatever
// the operation; fields an operation lacks stay nil.
// readEnvelope reads the envelope, and the top-level properties an
// operation's own failure shape names, in one pass that decodes nothing
// else. A body whose structure is broken is reported with encoding/json's
// own words.
func readEnvelope(body []byte, f *Failure) (envelope, map[string]json.RawMessage, error) {
	r := envelopeReader{failure: f}
	if err := scanTop(body, &r); err != nil || r.bad != nil {
		// The scan says only that something is wrong; encoding/json says
		// what and where.
		var env envelope
		if jerr := json.Unmarshal(body, &env); jerr != nil {
			return env, nil, jerr
		}
		if r.bad != nil {
			return env, nil, r.bad
		}
		return env, nil, err
	}
	return r.env, r.top, nil
}

// envelopeReader collects the envelope and the failure's properties as
// scanTop finds them.
type envelopeReader struct {
	failure *Failure
	env     envelope
	top     map[string]json.RawMessage
	bad     error
}

func (r *envelopeReader) keep(name []byte) bool {
	switch string(name) {
	case "error", "errorMsg", "warningMsg", "responseStatus":
		return true
	}
	return r.failure != nil && r.failure.names(name)
}

func (r *envelopeReader) found(name, raw []byte) {
	var err error
	switch string(name) {
	case "error":
		r.env.Error, err = jsonBool(raw)
	case "errorMsg":
		r.env.ErrorMsg, err = jsonString(raw)
	case "warningMsg":
		r.env.WarningMsg, err = jsonString(raw)
	case "responseStatus":
		r.env.ResponseStatus, err = jsonString(raw)
	}
	if err != nil && r.bad == nil {
		r.bad = err
	}
	if r.failure != nil && r.failure.names(name) {
		if r.top == nil {
			r.top = map[string]json.RawMessage{}
		}
		r.top[string(name)] = raw
	}
}

// jsonText is a JSON value as text: a string's contents, any other value as
// written.
func jsonText(raw []byte) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return string(raw)
	}
	return s
}

// Literals the envelope holds on every success, read without allocating.
var (
	yes, no   = true, false
	success   = "SUCCESS"
	jsonTrue  = []byte("true")
	jsonFalse = []byte("false")
	jsonNull  = []byte("null")
)

// jsonBool reads a JSON boolean or null.
func jsonBool(raw []byte) (*bool, error) {
	switch {
	case bytes.Equal(raw, jsonTrue):
		return &yes, nil
	case bytes.Equal(raw, jsonFalse):
		return &no, nil
	case bytes.Equal(raw, jsonNull):
		return nil, nil
	}
	var v *bool
	return v, json.Unmarshal(raw, &v)
}

// jsonString reads a JSON string or null.
func jsonString(raw []byte) (*string, error) {
	switch {
	case bytes.Equal(raw, jsonNull):
		return nil, nil
	case string(raw) == `"SUCCESS"`:
		return &success, nil
	}
	var v *string
	return v, json.Unmarshal(raw, &v)
}

// names reports whether name is the failure's property or a reason.
func (f *Failure) names(name []byte) bool {
	if string(name) == f.Property {
		return true
	}
	for _, r := range f.Reason {
		if string(name) == r {
			return true
		}
	}
	return false
}

type envelope struct {
	Error          *bool   `json:"error"`
	ErrorMsg       *string `json:"errorMsg"`
	WarningMsg     *string `json:"warningMsg"`
	ResponseStatus *string `json:"responseStatus"`
}

// normalize turns an answer into nil (success) or an error. It knows no
// operation: it reads the status and the envelope common to all of them.
func (c *Client) normalize(ctx context.Context, operation Operation, resp *http.Response, body []byte) error {
	op := operation.ID
	if resp.StatusCode != http.StatusOK {
		return c.statusError(op, resp, body)
	}
	ct := resp.Header.Get("Content-Type")
	mt := ct
	if ct != "application/json" { // the usual case needs no parsing
		mt, _, _ = mime.ParseMediaType(ct)
	}
	if mt != "application/json" && !strings.HasSuffix(mt, "+json") {
		return c.decodeError(op, resp, body, fmt.Errorf("content type %q is not JSON", resp.Header.Get("Content-Type")))
	}
	if t := bytes.TrimLeft(body, " \t\r\n"); len(t) > 0 && t[0] != '{' {
		return c.decodeError(op, resp, body, errors.New("the body is not a JSON object"))
	}
	env, top, err := readEnvelope(body, operation.Failure)
	if err != nil {
		return c.decodeError(op, resp, body, describeJSONError(err, body))
	}
	status := deref(env.ResponseStatus)
	if deref(env.Error) || (status != "" && status != "SUCCESS") {
		return &APIError{
			Operation:      op,
			StatusCode:     resp.StatusCode,
			Message:        c.scrub(deref(env.ErrorMsg)),
			ResponseStatus: status,
			Header:         resp.Header.Clone(),
		}
	}
	if operation.Failure != nil {
		if err := c.ownFailure(operation, resp, top); err != nil {
			return err
		}
	}
	if msg := deref(env.WarningMsg); msg != "" {
		c.warning(ctx, Warning{Operation: op, Message: msg})
	}
	return nil
}

// ownFailure reads a 200 answer that reports failure in the operation's
// own shape (see [Failure]) from its top-level properties.
func (c *Client) ownFailure(op Operation, resp *http.Response, top map[string]json.RawMessage) error {
	var got string
	if json.Unmarshal(top[op.Failure.Property], &got) != nil || got != op.Failure.Equals {
		return nil
	}
	e := &APIError{Operation: op.ID, StatusCode: resp.StatusCode, Header: resp.Header.Clone()}
	var parts []string
	for _, r := range op.Failure.Reason {
		raw, ok := top[r]
		if !ok {
			continue
		}
		v := jsonText(raw)
		if e.ResponseStatus == "" {
			e.ResponseStatus = v
		}
		parts = append(parts, r+" "+v)
	}
	e.Message = c.scrub(op.Failure.Property + " " + got)
	if len(parts) > 0 {
		e.Message += ": " + c.scrub(strings.Join(parts, ", "))
	}
	return e
}

// statusError reads the body of a non-200 answer in the shape Rhombus uses
// for its status; a body of another shape is quoted as it is.
func (c *Client) statusError(op string, resp *http.Response, body []byte) error {
	e := &APIError{Operation: op, StatusCode: resp.StatusCode, Header: resp.Header.Clone()}
	var shape struct {
		Msg                  *string         `json:"msg"`
		Error                json.RawMessage `json:"error"`
		ErrorMsg             *string         `json:"errorMsg"`
		AuthenticationFailed *bool           `json:"authenticationFailed"`
	}
	if json.Unmarshal(body, &shape) == nil {
		var errText string
		_ = json.Unmarshal(shape.Error, &errText)
		switch {
		case shape.Msg != nil && *shape.Msg != "":
			e.Message = *shape.Msg
		case shape.ErrorMsg != nil && *shape.ErrorMsg != "":
			e.Message = *shape.ErrorMsg
		case errText != "":
			e.Message = errText
		case deref(shape.AuthenticationFailed):
			e.Message = "authentication failed"
		}
	}
	if e.Message == "" && len(body) > 0 {
		e.Message = c.excerpt(body, 200)
	}
	if e.Message == "" {
		e.Message = http.StatusText(resp.StatusCode)
	}
	e.Message = c.scrub(e.Message)
	if resp.StatusCode == http.StatusTooManyRequests {
		e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	return e
}

func (c *Client) decodeError(op string, resp *http.Response, body []byte, err error) error {
	return &DecodeError{
		Operation:   op,
		StatusCode:  resp.StatusCode,
		ContentType: resp.Header.Get("Content-Type"),
		Excerpt:     strconv.Quote(c.excerpt(body, 80)),
		Err:         err,
	}
}

// warning hands w to the handler and the logger, scrubbed: the way out of
// the package for a warning.
func (c *Client) warning(ctx context.Context, w Warning) {
	w.Message = c.scrub(w.Message)
	if c.warn != nil {
		c.warn(ctx, w)
	}
	if c.logger != nil {
		c.logger.WarnContext(ctx, "rhombus warning", "operation", w.Operation, "warning", w.Message)
	}
}

// parseRetryAfter reads Retry-After as whole seconds or an HTTP date; it
// returns zero when the header is missing or invalid.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 || n > 24*60*60 {
			return 0
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now).Round(time.Second)
	}
	return 0
}

func describeJSONError(err error, body []byte) error {
	var syn *json.SyntaxError
	switch {
	case len(body) == 0:
		return errors.New("empty body")
	case strings.Contains(err.Error(), "unexpected end of JSON input"):
		return fmt.Errorf("truncated JSON (%d bytes): %w", len(body), err)
	case errors.As(err, &syn):
		return fmt.Errorf("malformed JSON at byte %d: %w", syn.Offset, err)
	}
	return fmt.Errorf("JSON does not match the response type: %w", err)
}

// excerpt returns the first n bytes of b as valid UTF-8 text, with the
// client's secrets removed before it is cut so no part of one can remain.
func (c *Client) excerpt(b []byte, n int) string {
	// Only the start is quoted: copy no more of a large body than a secret
	// that straddles the cut could need.
	if len(b) > n+4096 {
		b = b[:n+4096]
	}
	s := strings.TrimSpace(c.scrub(string(b)))
	if len(s) > n {
		s = s[:n]
		for !utf8.ValidString(s) && len(s) > 0 {
			s = s[:len(s)-1]
		}
		s += "..."
	}
	return strings.ToValidUTF8(s, "?")
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
