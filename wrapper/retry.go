package rhombus

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sort"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// RetryPolicy says when a failed call is sent again. Rhombus has no
// idempotency keys, so the rule is strict:
//
//   - a 429 is always resent after Retry-After (or backoff when the header is
//     missing or invalid): the server refused the request;
//   - a network failure or 5xx is resent with exponential backoff and jitter
//     only for an idempotent operation (x-rhombus-idempotent in the spec),
//     or when the request provably never left (the connection or the TLS
//     handshake failed before a connection was ready);
//   - a write that failed after it may have reached the server is never
//     resent: the call returns an *OutcomeUnknownError.
type RetryPolicy struct {
	MaxAttempts    int           // attempts in all, the first included; 1 disables retries
	BaseDelay      time.Duration // the first backoff; it doubles each attempt
	MaxDelay       time.Duration // the longest backoff, before jitter
	MaxJitter      time.Duration // a random 0..MaxJitter is added to each backoff
	AttemptTimeout time.Duration // the limit of one attempt; 0 for none
	Budget         time.Duration // the limit of a whole call, waits included; 0 for none (ctx still applies)
}

// DefaultRetryPolicy is the vendor's advice: backoff from 1 s to at most
// 60 s with 0-1 s of jitter, 5 attempts; 30 s an attempt, 3 minutes a call.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{
		MaxAttempts:    5,
		BaseDelay:      time.Second,
		MaxDelay:       60 * time.Second,
		MaxJitter:      time.Second,
		AttemptTimeout: 30 * time.Second,
		Budget:         3 * time.Minute,
	}
}

func (p RetryPolicy) validate() error {
	switch {
	case p.MaxAttempts < 1:
		return fmt.Errorf("rhombus: RetryPolicy.MaxAttempts must be at least 1, got %d", p.MaxAttempts)
	case p.BaseDelay < 0 || p.MaxDelay < 0 || p.MaxJitter < 0 || p.AttemptTimeout < 0 || p.Budget < 0:
		return errors.New("rhombus: RetryPolicy durations must not be negative")
	case p.MaxDelay < p.BaseDelay:
		return fmt.Errorf("rhombus: RetryPolicy.MaxDelay (%s) is below BaseDelay (%s)", p.MaxDelay, p.BaseDelay)
	}
	return nil
}

// backoff is the wait before attempt+1: BaseDelay·2^(attempt-1), capped,
// plus jitter.
func (p RetryPolicy) backoff(attempt int) time.Duration {
	d := p.MaxDelay
	if attempt-1 < 32 {
		if b := p.BaseDelay << (attempt - 1); b > 0 && b < p.MaxDelay {
			d = b
		}
	}
	if p.MaxJitter > 0 {
		d += rand.N(p.MaxJitter)
	}
	return d
}

// ErrOutcomeUnknown: a write failed after it may have reached the server;
// see *OutcomeUnknownError.
var ErrOutcomeUnknown = errors.New("rhombus: outcome unknown")

// OutcomeUnknownError is a write (an operation that is not idempotent) that
// failed after the request may have reached the server: the connection
// dropped, the call timed out or was cancelled while waiting for the answer,
// the server answered 5xx, or its 200 answer could not be read. It may or may
// not have been applied, so it is not resent; check (for example by listing
// what the write creates) before sending it again. Err is the failure, which
// errors.As still finds (*APIError for a 5xx, *DecodeError, *RequestError).
type OutcomeUnknownError struct {
	Operation string
	// Fields identify what the write creates (x-rhombus-identifying-fields
	// in the spec), for example serialNumber or email.
	Fields map[string]string
	Err    error // the failure
}

func (e *OutcomeUnknownError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "rhombus: %s: outcome unknown", e.Operation)
	if len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString(" (")
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s=%s", k, e.Fields[k])
		}
		b.WriteString(")")
	}
	// The cause usually names the operation too; say it once.
	cause := strings.TrimPrefix(e.Err.Error(), "rhombus: "+e.Operation+": ")
	fmt.Fprintf(&b, ": the request may have been applied and was not resent: %s", cause)
	return b.String()
}

// Unwrap returns the failure.
func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// Is matches ErrOutcomeUnknown.
func (e *OutcomeUnknownError) Is(target error) bool { return target == ErrOutcomeUnknown }

// EventKind says what an [Event] reports.
type EventKind string

// The events of a call.
const (
	EventAttempt EventKind = "attempt" // an attempt ended (Status or Err says how)
	EventWait    EventKind = "wait"    // the client waits Wait before the next attempt
	EventGiveUp  EventKind = "give-up" // the call failed for good with Err
)

// Event is one step of a call, for [WithObserver] and [WithLogger]. It never
// holds a credential.
type Event struct {
	Kind      EventKind
	Operation string
	Attempt   int
	Status    int           // the HTTP status, 0 when there was no answer
	Wait      time.Duration // with EventWait
	Err       error         // the attempt's or the call's error, if any
}

func (c *Client) emit(ctx context.Context, e Event) {
	e.Err = c.scrubError(e.Err)
	if c.observe != nil {
		c.observe(e)
	}
	if c.logger == nil {
		return
	}
	attrs := []any{"operation", e.Operation, "attempt", e.Attempt, "status", e.Status}
	if e.Kind == EventWait {
		attrs = append(attrs, "wait", e.Wait)
	}
	if e.Err != nil {
		attrs = append(attrs, "error", e.Err.Error())
	}
	if e.Kind == EventGiveUp {
		c.logger.WarnContext(ctx, "rhombus give-up", attrs...)
		return
	}
	c.logger.DebugContext(ctx, "rhombus "+string(e.Kind), attrs...)
}

// Do sends req with the client's credentials, under its rate limiter and
// retry policy, and turns the answer into a result or an error: it implements
// the generated clients' HttpRequestDoer.
//
// A JSON request body is checked first: an invalid RUUID at one of the
// operation's RUUID fields is a *ValidationError and nothing is sent. A
// non-200 answer, a 200 whose envelope says "error": true, and a
// responseStatus other than SUCCESS come back as *APIError; a body that cannot
// be read as JSON, or not into the operation's result type, as *DecodeError;
// a write that may have been applied but failed (its 200 unreadable
// included) as *OutcomeUnknownError; no answer at all as *RequestError. When
// the context ends (deadline, budget or cancellation) after an earlier
// attempt failed, the error holds both: errors.Is finds the context's error
// and errors.As the earlier answer. On success the response's body holds the
// bytes read, so generated parsers can decode it, and its Request is req
// (the request sent carried the credential). The response's status, headers
// and body, and every error, are scrubbed of the credential (see the package
// documentation).
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	return c.send(req, nil, nil)
}

// send is Do for a request whose body is payload, or req's own body when
// payload is nil. A typed call passes its payload, checked already field by
// field, and typed, which the 200 answer is decoded into.
func (c *Client) send(req *http.Request, payload []byte, typed any) (*http.Response, error) {
	op := c.ops.lookup(req.URL.Path)
	ctx := req.Context()
	// The budget's context is made only when something waits (the limiter,
	// a backoff): a call answered at once makes one context, its attempt's.
	b := &budget{parent: ctx}
	if c.retry.Budget > 0 {
		b.end = time.Now().Add(c.retry.Budget)
	}
	defer b.close()
	if typed == nil {
		var err error
		if payload, err = requestBody(req); err != nil {
			return nil, c.scrubError(&RequestError{Operation: op.ID, Err: err})
		}
		if err := validateBody(op, payload, c.scrub); err != nil {
			return nil, c.scrubError(err)
		}
	}
	// Before the limiter: a request refused for its x-auth-org takes no
	// slot of the organisation's rate.
	if err := checkEditorOrg(c.cred, req.Header, c.scrub); err != nil {
		return nil, c.scrubError(refusal(op.ID, err))
	}
	// Every value a credential sent on any attempt of this call is a secret
	// of the call, whatever the credential kind (a token source gives a new
	// token now and then): this copy of the client scrubs those as well.
	var sent *[]string // nil for a credential whose values never change
	if c.cred.changing() {
		sent = new([]string)
		c = c.withSecrets(func() []string { return *sent })
	}
	// An answer to hand over unread, for a typed call of an export (see
	// content.go).
	stream, _ := typed.(*Stream)
	var last error // the failure of the latest attempt that had an answer
	for attempt := 1; ; attempt++ {
		if c.limiter != nil {
			if err := c.limiter.Wait(b.context()); err != nil {
				return nil, c.giveUp(ctx, op, attempt, interrupted(op.ID, limiterError(b.context(), err), last))
			}
		}
		// A typed call's first attempt sends the request it built; any other
		// attempt a copy, since the transport may still hold the last one.
		r, err := c.prepare(req, payload, typed != nil && attempt == 1)
		if err != nil {
			// Refused before sending (a token source failed, say): final.
			return nil, c.giveUp(ctx, op, attempt, refusal(op.ID, err))
		}
		if sent != nil {
			*sent = append(*sent, credentialValues(r.Header)...)
		}
		sentAt := time.Now()
		resp, body, sent, err := c.attempt(b, op, r, stream != nil)
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		c.emit(ctx, Event{Kind: EventAttempt, Operation: op.ID, Attempt: attempt, Status: status, Err: err})

		var retry bool
		var wait time.Duration
		switch {
		case resp == nil && err != nil: // no answer
			if b.err() != nil && last != nil {
				err = interrupted(op.ID, b.err(), last)
			}
			if sent && !op.Idempotent {
				return nil, c.giveUp(ctx, op, attempt, &OutcomeUnknownError{
					Operation: op.ID, Fields: identifying(op, payload), Err: err})
			}
			retry, wait = b.err() == nil && !refusedForGood(r.URL, err), c.retry.backoff(attempt)
		default:
			// A CSV or zip answer has no envelope to read.
			raw := rawAnswer(op, resp)
			if err == nil && !raw {
				err = c.normalize(ctx, op, resp, body)
			}
			if err == nil && status == http.StatusOK && !raw && stream == nil {
				err = c.decodeResult(op, typed, resp, body)
			}
			if status == http.StatusTooManyRequests {
				ra := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
				if c.limiter != nil {
					c.limiter.Observe(sentAt, status, ra)
				}
				retry, wait = true, ra
				if wait == 0 {
					wait = c.retry.backoff(attempt)
				}
			} else if c.limiter != nil {
				c.limiter.Observe(sentAt, status, 0)
			}
			if status >= 500 && op.Idempotent {
				retry, wait = true, c.retry.backoff(attempt)
			}
			if err == nil {
				if stream != nil {
					stream.open(c, op, resp, body, raw)
					return resp, nil
				}
				if typed == nil {
					// For the generated parsers, which read the body.
					resp.Body = io.NopCloser(bytes.NewReader(body))
					resp.ContentLength = int64(len(body))
					// The request as the caller made it, without the
					// credential headers the client added.
					resp.Request = req
				}
				return resp, nil
			}
			last = err
		}
		if !retry || attempt >= c.retry.MaxAttempts {
			return nil, c.giveUp(ctx, op, attempt, c.outcome(op, status, payload, err))
		}
		if deadline, ok := b.deadline(); ok && time.Until(deadline) < wait {
			return nil, c.giveUp(ctx, op, attempt, err)
		}
		c.emit(ctx, Event{Kind: EventWait, Operation: op.ID, Attempt: attempt, Status: status, Wait: wait, Err: err})
		if serr := sleep(b.context(), wait); serr != nil {
			return nil, c.giveUp(ctx, op, attempt, interrupted(op.ID, serr, err))
		}
	}
}

// budget is the time a call may take (RetryPolicy.Budget) within its
// context. Its context is made on first need, so that a call that waits
// for nothing makes none.
type budget struct {
	parent context.Context
	end    time.Time // zero: no budget
	ctx    context.Context
	cancel context.CancelFunc
}

// context is the parent narrowed to the budget.
func (b *budget) context() context.Context {
	if b.end.IsZero() {
		return b.parent
	}
	if b.ctx == nil {
		b.ctx, b.cancel = context.WithDeadline(b.parent, b.end)
	}
	return b.ctx
}

// err is the context's error: the parent's, or DeadlineExceeded once the
// budget is spent.
func (b *budget) err() error {
	if err := b.parent.Err(); err != nil {
		return err
	}
	// By the clock, not the budget context's own timer, which may fire a
	// moment after an attempt's timer for the same instant.
	if !b.end.IsZero() && !time.Now().Before(b.end) {
		return context.DeadlineExceeded
	}
	return nil
}

// deadline is the earlier of the parent's deadline and the budget's end.
func (b *budget) deadline() (time.Time, bool) {
	d, ok := b.parent.Deadline()
	if !b.end.IsZero() && (!ok || b.end.Before(d)) {
		return b.end, true
	}
	return d, ok
}

// attemptEnd is when an attempt starting now must end: after timeout (0:
// none), and within the budget.
func (b *budget) attemptEnd(timeout time.Duration) (time.Time, bool) {
	end, ok := time.Time{}, false
	if timeout > 0 {
		end, ok = time.Now().Add(timeout), true
	}
	if !b.end.IsZero() && (!ok || b.end.Before(end)) {
		end, ok = b.end, true
	}
	return end, ok
}

func (b *budget) close() {
	if b.cancel != nil {
		b.cancel()
	}
}

// decodeResult reads a 200 answer into the type of the operation's result:
// the typed call's own value, or a throwaway one for a generated call, whose
// parser decodes the body again. An answer that does not fit is a
// *DecodeError (for a write, outcome unknown: see outcome).
func (c *Client) decodeResult(op Operation, typed any, resp *http.Response, body []byte) error {
	var into any
	switch {
	case typed != nil:
		into = typed
	case op.NewResult != nil:
		into = op.NewResult()
	default:
		// No type to decode into: the envelope's scan checked the
		// structure only, so check the whole body is JSON.
		if !json.Valid(body) {
			var v any
			return c.decodeError(op.ID, resp, body, describeJSONError(json.Unmarshal(body, &v), body))
		}
		return nil
	}
	// Refuse, before decoding, an answer whose Go values would take more
	// than their budget: memory is bounded by what decoding costs, not only
	// by the bytes read.
	limit, from := c.bodyLimit(op)
	budget := int64(math.MaxInt64)
	if limit <= math.MaxInt64/decodeBudgetFactor {
		budget = limit * decodeBudgetFactor
	}
	switch _, err := decodeCost(body, into, budget); err {
	case errOverSpend:
		return c.decodeError(op.ID, resp, body, &costError{budget: budget, limit: limit, from: from})
	case errTooDeep:
		return c.decodeError(op.ID, resp, body, err)
	}
	if err := json.Unmarshal(body, into); err != nil {
		return c.decodeError(op.ID, resp, body, describeJSONError(err, body))
	}
	return nil
}

// interruptedError is a call whose context ended after an earlier attempt
// had failed: both errors stay reachable with errors.Is and errors.As.
type interruptedError struct {
	op       string
	ctxErr   error
	previous error
}

func (e *interruptedError) Error() string {
	return fmt.Sprintf("%v; the attempt before: %s", e.ctxErr, strings.TrimPrefix(e.previous.Error(), "rhombus: "+e.op+": "))
}

func (e *interruptedError) Unwrap() []error { return []error{e.ctxErr, e.previous} }

// interrupted is the error of a call whose context ended with ctxErr;
// previous is the failure of the attempt before, if any.
func interrupted(op string, ctxErr, previous error) error {
	if previous == nil {
		return &RequestError{Operation: op, Err: ctxErr}
	}
	var ie *interruptedError
	if errors.As(previous, &ie) {
		previous = ie.previous
	}
	return &RequestError{Operation: op, Err: &interruptedError{op: op, ctxErr: ctxErr, previous: previous}}
}

// limiterError makes the limiter's refusal to wait past the deadline match
// context.DeadlineExceeded, which it is in all but name.
func limiterError(ctx context.Context, err error) error {
	if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if _, ok := ctx.Deadline(); ok {
		return fmt.Errorf("%w (%v)", context.DeadlineExceeded, err)
	}
	return err
}

// refusedForGood reports a connection failure that waiting will not cure,
// so resending only delays the answer: a host name that does not resolve,
// or a loopback host where nothing listens (a local server that is not
// running). A refused connection to a remote host is retried: a server
// restarting behind its address refuses for a moment.
func refusedForGood(u *url.URL, err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return true
	}
	return errors.Is(err, syscall.ECONNREFUSED) && isLoopback(u.Hostname())
}

// outcome marks the failures of a write that may have been applied: a 5xx
// (Rhombus answers 500 for server faults as well as bad requests) and a 200
// whose body could not be read. Resending either could apply it twice.
func (c *Client) outcome(op Operation, status int, payload []byte, err error) error {
	var decErr *DecodeError
	if op.Idempotent || (status < 500 && !(status == http.StatusOK && errors.As(err, &decErr))) {
		return err
	}
	return &OutcomeUnknownError{Operation: op.ID, Fields: identifying(op, payload), Err: err}
}

// giveUp is the way out of a call that failed: the error it returns is scrubbed.
func (c *Client) giveUp(ctx context.Context, op Operation, attempt int, err error) error {
	err = c.scrubError(err)
	c.emit(ctx, Event{Kind: EventGiveUp, Operation: op.ID, Attempt: attempt, Err: err})
	return err
}

// prepare copies the request for one attempt, with its own body and the
// credential's headers (a token source is asked again each time).
func (c *Client) prepare(orig *http.Request, payload []byte, own bool) (*http.Request, error) {
	req := orig
	if !own {
		req = orig.Clone(orig.Context())
	}
	if payload != nil {
		req.Body = io.NopCloser(bytes.NewReader(payload))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(payload)), nil }
		req.ContentLength = int64(len(payload))
	}
	if err := c.authorize(req); err != nil {
		return nil, err
	}
	return req, nil
}

// attempt sends the request once. It returns the answer with its body read
// (resp nil when none came), and whether the request may have reached the
// server: false only when no connection was ever ready for it. With raw, a
// 200 answer that is not JSON (see rawAnswer) comes back unread, its header
// scrubbed, for a Stream: closing its body ends the attempt's context.
func (c *Client) attempt(b *budget, op Operation, req *http.Request, raw bool) (resp *http.Response, body []byte, sent bool, err error) {
	ctx := b.parent
	kept := false // the answer is handed over unread
	if end, ok := b.attemptEnd(c.retry.AttemptTimeout); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, end)
		defer func() {
			if !kept {
				cancel()
				return
			}
			resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
		}()
	}
	// Whether a connection was ready for the request, so it may have been
	// sent. A caller's own trace is chained in by WithClientTrace.
	var gotConn atomic.Bool
	req = req.WithContext(httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { gotConn.Store(true) },
	}))
	resp, err = c.http.Do(req)
	if err != nil {
		return nil, nil, gotConn.Load(), &RequestError{Operation: op.ID, Err: c.scrubErr(err)}
	}
	if raw && rawAnswer(op, resp) {
		c.scrubAnswer(resp, nil)
		kept = true
		return resp, nil, true, nil
	}
	limit, from := c.bodyLimit(op)
	body, readErr := readCapped(resp.Body, resp.ContentLength, limit)
	resp.Body.Close()
	// A server that echoes a credential back must not get it into a result,
	// an error or a log line: remove it from the whole answer once, here,
	// before anything reads it.
	body = c.scrubAnswer(resp, body)
	if readErr != nil {
		var tooLarge *tooLargeError
		if errors.As(readErr, &tooLarge) {
			tooLarge.from = from
			return resp, body, true, c.decodeError(op.ID, resp, body, readErr)
		}
		// The answer broke off: for a write that is as good as no answer.
		return nil, nil, true, &RequestError{Operation: op.ID,
			Err: fmt.Errorf("reading the HTTP %d answer: %w", resp.StatusCode, c.scrubErr(readErr))}
	}
	return resp, body, true, nil
}

// requestBody reads the request body once, so every attempt can send it.
func requestBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	if req.GetBody != nil {
		rc, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return io.ReadAll(rc)
	}
	defer req.Body.Close()
	return io.ReadAll(req.Body)
}

// identifying picks the operation's identifying fields out of the JSON body.
func identifying(op Operation, payload []byte) map[string]string {
	if len(op.IdentifyingFields) == 0 || len(payload) == 0 {
		return nil
	}
	if op.RequestContentType == "multipart/form-data" {
		return formIdentifying(op, payload)
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(payload, &m) != nil {
		return nil
	}
	out := make(map[string]string)
	for _, f := range op.IdentifyingFields {
		if raw, ok := m[f]; ok {
			out[f] = jsonText(raw)
		}
	}
	return out
}
