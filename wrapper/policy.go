package rhombus

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
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

// attemptFacts is what the decision after a failed attempt looks at.
type attemptFacts struct {
	attempt    int  // from 1
	idempotent bool // the operation may be resent (x-rhombus-idempotent)
	status     int  // the answer's HTTP status; 0 when none came
	// With no answer: reached, a connection was ready, so the request may
	// have reached the server; curable, waiting may cure the failure (the
	// call has time left and the cause is not refusedForGood).
	reached, curable bool
	undecodable      bool          // the answer could not be read (a *DecodeError)
	retryAfter       time.Duration // a 429's Retry-After; 0 when absent or invalid
	backoff          time.Duration // the policy's wait before the next attempt
	left             time.Duration // the time the call has left, with hasDeadline
	hasDeadline      bool
}

// verdict is what a call does after a failed attempt.
type verdict int

const (
	stop    verdict = iota // return the attempt's failure
	resend                 // wait, then send again
	unknown                // return an *OutcomeUnknownError: a write that may have been applied
)

// decide is the retry policy applied to a failed attempt: whether to
// resend, and after how long. A write is resent only when the server
// refused it (429) or it never left; one that may have been applied (no
// answer after a connection was ready, a 5xx, a 200 that cannot be read)
// is unknown. Nothing is resent past MaxAttempts or when the wait would
// outlast the call's deadline.
func decide(p RetryPolicy, f attemptFacts) (verdict, time.Duration) {
	var wait time.Duration
	switch {
	case f.status == 0: // no answer
		if f.reached && !f.idempotent {
			return unknown, 0
		}
		if !f.curable {
			return stop, 0
		}
		wait = f.backoff
	case !f.idempotent && (f.status >= 500 || (f.status == http.StatusOK && f.undecodable)):
		return unknown, 0
	case f.status == http.StatusTooManyRequests:
		wait = f.retryAfter
		if wait == 0 {
			wait = f.backoff
		}
	case f.status >= 500 && f.idempotent:
		wait = f.backoff
	default:
		return stop, 0
	}
	if f.attempt >= p.MaxAttempts || (f.hasDeadline && f.left < wait) {
		return stop, 0
	}
	return resend, wait
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
