package rhombus

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"time"
)

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
// (the request sent carried the credential). The body also holds the 200
// answer as the client decoded it to check it, which the parsers of package
// api take instead of decoding the bytes again. The response's status,
// headers and body, and every error, are scrubbed of the credential (see the
// package documentation).
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	return c.sendAs(req, nil, nil, false)
}

// send is Do for a request the client built itself, whose body is payload
// (a typed call's, checked already field by field), with typed, which the
// 200 answer is decoded into.
func (c *Client) send(req *http.Request, payload []byte, typed any) (*http.Response, error) {
	return c.sendAs(req, payload, typed, true)
}

// sendAs sends req. With own, req is the client's own, built for this
// call, and payload its body: the first attempt sends req itself, and
// nothing reads the body back. Otherwise req is the caller's, its body is
// read once, and each attempt sends a copy. With typed nil, a 200 answer
// is decoded into the operation's result type and handed over in the
// response's body (see answerBody). Its stages: check the request (check),
// send it until an answer is final (the attempt loop, which asks decide
// after each failure), and read that answer (finish).
func (c *Client) sendAs(req *http.Request, payload []byte, typed any, own bool) (*http.Response, error) {
	op := c.ops.lookup(req.URL.Path)
	ctx := req.Context()
	payload, err := c.check(op, req, payload, own)
	if err != nil {
		return nil, c.scrubError(err)
	}
	// The budget's context is made only when something waits (the limiter,
	// a backoff): a call answered at once makes one context, its attempt's.
	b := &budget{parent: ctx}
	if c.retry.Budget > 0 {
		b.end = time.Now().Add(c.retry.Budget)
	}
	defer b.close()
	// Every value a credential sent on any attempt of this call is a secret
	// of the call, whatever the credential kind (a token source gives a new
	// token now and then): this copy of the client scrubs those as well.
	var credentialsSent *[]string // nil for a credential whose values never change
	if c.cred.changing() {
		credentialsSent = new([]string)
		c = c.withSecrets(func() []string { return *credentialsSent })
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
		// The first attempt of a request the client built sends it as it
		// is; any other attempt a copy, since the transport may still hold
		// the last one.
		r, err := c.prepare(req, payload, own && attempt == 1)
		if err != nil {
			// Refused before sending (a token source failed, say): final.
			return nil, c.giveUp(ctx, op, attempt, refusal(op.ID, err))
		}
		if credentialsSent != nil {
			*credentialsSent = append(*credentialsSent, credentialValues(r.Header)...)
		}
		sentAt := time.Now()
		resp, body, reached, err := c.attempt(b, op, r, stream != nil)
		var result any // a 200's result, decoded for the generated parsers
		facts := attemptFacts{attempt: attempt, idempotent: op.Idempotent, reached: reached}
		if resp != nil {
			facts.status = resp.StatusCode
		}
		// The attempt's own error: an answer's failure is read next.
		c.emit(ctx, Event{Kind: EventAttempt, Operation: op.ID, Attempt: attempt, Status: facts.status, Err: err})
		if resp != nil {
			if err == nil {
				result, err = c.finish(ctx, op, resp, body, typed)
			}
			if facts.status == http.StatusTooManyRequests {
				facts.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
			}
			if c.limiter != nil {
				c.limiter.Observe(sentAt, facts.status, facts.retryAfter)
			}
		}
		if err == nil {
			if stream != nil {
				stream.open(c, op, resp, body, rawAnswer(op, resp))
				return resp, nil
			}
			if typed == nil {
				// For the generated parsers, which read the body or take
				// the result decoded already.
				resp.Body = newAnswerBody(body, result)
				resp.ContentLength = int64(len(body))
				// The request as the caller made it, without the
				// credential headers the client added; a request of the
				// client's own is the one sent, its body read and closed,
				// so the transport is done with it.
				if own {
					clearCredentialHeaders(r.Header)
					req = r
				}
				resp.Request = req
			}
			return resp, nil
		}
		if resp == nil {
			if b.err() != nil && last != nil {
				err = interrupted(op.ID, b.err(), last)
			}
			facts.curable = b.err() == nil && !refusedForGood(r.URL, err)
		} else {
			last = err
			var decErr *DecodeError
			facts.undecodable = errors.As(err, &decErr)
		}
		facts.backoff = c.retry.backoff(attempt)
		facts.left, facts.hasDeadline = b.left()
		v, wait := decide(c.retry, facts)
		switch v {
		case unknown:
			return nil, c.giveUp(ctx, op, attempt, &OutcomeUnknownError{Operation: op.ID, Fields: identifying(op, payload), Err: err})
		case stop:
			return nil, c.giveUp(ctx, op, attempt, err)
		}
		c.emit(ctx, Event{Kind: EventWait, Operation: op.ID, Attempt: attempt, Status: facts.status, Wait: wait, Err: err})
		if serr := sleep(b.context(), wait); serr != nil {
			return nil, c.giveUp(ctx, op, attempt, interrupted(op.ID, serr, err))
		}
	}
}

// check refuses, before the limiter and before anything is sent, a request
// the server would refuse: an invalid RUUID in the JSON body, typed or not
// (an upload's form parts were checked as they were made), an editor's bad
// x-auth-org (which must take no slot of the organisation's rate). It
// returns the body every attempt sends: payload for a request of the
// client's own, else req's body, read.
func (c *Client) check(op Operation, req *http.Request, payload []byte, own bool) ([]byte, error) {
	if !own {
		var err error
		if payload, err = requestBody(req); err != nil {
			return nil, &RequestError{Operation: op.ID, Err: err}
		}
	}
	if op.RequestContentType == "" {
		if err := validateBody(op, payload, c.scrub); err != nil {
			return nil, err
		}
	}
	if err := checkEditorOrg(c.cred, req.Header, c.scrub); err != nil {
		return nil, refusal(op.ID, err)
	}
	return payload, nil
}

// finish reads an answer: its envelope, normalised into an *APIError when
// it reports a failure, and a 200's result, decoded into typed, or with
// typed nil into a value of the operation's result type, returned. A CSV or
// zip answer has no envelope to read, and a stream's is read by the Stream.
func (c *Client) finish(ctx context.Context, op Operation, resp *http.Response, body []byte, typed any) (any, error) {
	if rawAnswer(op, resp) {
		return nil, nil
	}
	if err := c.normalize(ctx, op, resp, body); err != nil {
		return nil, err
	}
	if _, isStream := typed.(*Stream); resp.StatusCode == http.StatusOK && !isStream {
		return c.decodeResult(op, typed, resp, body)
	}
	return nil, nil
}

// attempt sends the request once. It returns the answer with its body read
// (resp nil when none came), and whether the request may have reached the
// server (reached): false only when no connection was ever ready for it. With raw, a
// 200 answer that is not JSON (see rawAnswer) comes back unread, its header
// scrubbed, for a Stream: closing its body ends the attempt's context.
func (c *Client) attempt(b *budget, op Operation, req *http.Request, raw bool) (resp *http.Response, body []byte, reached bool, err error) {
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
	h := new(connTrace)
	h.trace.GotConn = func(httptrace.GotConnInfo) { h.gotConn.Store(true) }
	req = req.WithContext(httptrace.WithClientTrace(ctx, &h.trace))
	resp, err = c.http.Do(req)
	if err != nil {
		return nil, nil, h.gotConn.Load(), &RequestError{Operation: op.ID, Err: c.scrubErr(err)}
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

// connTrace is the trace of one attempt, in one allocation with what it
// records.
type connTrace struct {
	trace   httptrace.ClientTrace
	gotConn atomic.Bool
}

// decodeResult reads a 200 answer into the type of the operation's result:
// the typed call's own value, or for a generated call a new one, returned
// for its parser to take (see answerBody). An answer that does not fit is a
// *DecodeError (for a write, outcome unknown: see outcome).
func (c *Client) decodeResult(op Operation, typed any, resp *http.Response, body []byte) (any, error) {
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
			return nil, c.decodeError(op.ID, resp, body, describeJSONError(json.Unmarshal(body, &v), body))
		}
		return nil, nil
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
		return nil, c.decodeError(op.ID, resp, body, &costError{budget: budget, limit: limit, from: from})
	case errTooDeep:
		return nil, c.decodeError(op.ID, resp, body, err)
	}
	if err := json.Unmarshal(body, into); err != nil {
		return nil, c.decodeError(op.ID, resp, body, describeJSONError(err, body))
	}
	return into, nil
}

// answerBody is the body of a response Do hands back: the bytes read, and
// the 200's result as decodeResult decoded it. The parsers of package api
// (generated with api/templates) recognise it by its DecodedAnswer method
// and take the result instead of decoding the bytes again; any other
// reader reads the bytes.
type answerBody struct {
	bytes.Reader
	body   []byte
	result any
}

func newAnswerBody(body []byte, result any) *answerBody {
	a := &answerBody{body: body, result: result}
	a.Reset(body)
	return a
}

// Close does nothing: the answer was read whole.
func (a *answerBody) Close() error { return nil }

// DecodedAnswer returns the bytes of the answer and its decoded result,
// nil when the answer was not a 200 of an operation with a result type.
func (a *answerBody) DecodedAnswer() ([]byte, any) { return a.body, a.result }
