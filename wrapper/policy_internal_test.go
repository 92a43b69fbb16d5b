package rhombus

import (
	"fmt"
	"testing"
	"time"
)

// TestDecide is the retry policy as a table: each failed attempt's facts
// and what the call does next.
func TestDecide(t *testing.T) {
	p := RetryPolicy{MaxAttempts: 3}
	const backoff, retryAfter = 2 * time.Second, 7 * time.Second
	cases := []struct {
		name string
		f    attemptFacts
		want verdict
		wait time.Duration
	}{
		{"no connection, write", attemptFacts{attempt: 1, curable: true}, resend, backoff},
		{"no connection, idempotent", attemptFacts{attempt: 1, idempotent: true, curable: true}, resend, backoff},
		{"no answer after a connection, write", attemptFacts{attempt: 1, reached: true, curable: true}, unknown, 0},
		{"no answer after a connection, write, last attempt", attemptFacts{attempt: 3, reached: true}, unknown, 0},
		{"no answer after a connection, idempotent", attemptFacts{attempt: 1, idempotent: true, reached: true, curable: true}, resend, backoff},
		{"no answer, cured by no wait", attemptFacts{attempt: 1, idempotent: true}, stop, 0},
		{"no answer, last attempt", attemptFacts{attempt: 3, idempotent: true, curable: true}, stop, 0},
		{"500, write", attemptFacts{attempt: 1, status: 500}, unknown, 0},
		{"503, idempotent", attemptFacts{attempt: 1, idempotent: true, status: 503}, resend, backoff},
		{"503, idempotent, last attempt", attemptFacts{attempt: 3, idempotent: true, status: 503}, stop, 0},
		{"200 unreadable, write", attemptFacts{attempt: 1, status: 200, undecodable: true}, unknown, 0},
		{"200 unreadable, idempotent", attemptFacts{attempt: 1, idempotent: true, status: 200, undecodable: true}, stop, 0},
		{"200 refused, write", attemptFacts{attempt: 1, status: 200}, stop, 0},
		{"400 unreadable, write", attemptFacts{attempt: 1, status: 400, undecodable: true}, stop, 0},
		{"404, idempotent", attemptFacts{attempt: 1, idempotent: true, status: 404}, stop, 0},
		{"429 with Retry-After, write", attemptFacts{attempt: 1, status: 429, retryAfter: retryAfter}, resend, retryAfter},
		{"429 without Retry-After", attemptFacts{attempt: 2, status: 429}, resend, backoff},
		{"429, last attempt, write", attemptFacts{attempt: 3, status: 429, retryAfter: retryAfter}, stop, 0},
		{"429, the wait outlasts the deadline", attemptFacts{attempt: 1, status: 429, retryAfter: retryAfter, hasDeadline: true, left: retryAfter - time.Millisecond}, stop, 0},
		{"429, the wait fits the deadline", attemptFacts{attempt: 1, status: 429, retryAfter: retryAfter, hasDeadline: true, left: retryAfter}, resend, retryAfter},
		{"503, no time left", attemptFacts{attempt: 1, idempotent: true, status: 503, hasDeadline: true}, stop, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.f
			f.backoff = backoff
			v, wait := decide(p, f)
			if v != tc.want || wait != tc.wait {
				t.Errorf("decide(%+v) = %s, %v; want %s, %v", f, v, wait, tc.want, tc.wait)
			}
		})
	}
}

func (v verdict) String() string {
	switch v {
	case stop:
		return "stop"
	case resend:
		return "resend"
	case unknown:
		return "unknown"
	}
	return fmt.Sprintf("verdict(%d)", int(v))
}
