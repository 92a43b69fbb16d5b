package rhombus

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Default client-side rate limit, from the vendor's documentation: 10
// requests a second per organisation, with a burst of about ten times that.
const (
	DefaultRate  = 10.0
	DefaultBurst = 100
)

// Limiter paces requests on the client so that a bulk job spends the
// organisation's budget without hitting it. Rhombus keeps one token bucket
// per organisation, shared by all its keys: share one Limiter between every
// client of the same organisation ([WithLimiter]). It is safe for concurrent use.
//
// A Limiter built with [Adaptive] also learns from 429 answers: it drops to
// 80% of the rate it was refused at and empties its bucket, then climbs back
// quickly to 93% of that rate and probes above it slowly, by the clock,
// while calls succeed (in the spirit of the AWS SDKs' adaptive retry mode),
// so a job that starts too fast settles just under the rate the server
// allows, with few 429s.
type Limiter struct {
	lim      *rate.Limiter
	adaptive bool
	max      rate.Limit // adaptive mode never exceeds it: the configured rate, or MaxRate
	min      rate.Limit // adaptive mode never goes below it

	mu      sync.Mutex
	ceiling rate.Limit // adaptive: the rate of the last 429
	lastCut time.Time  // adaptive: when the rate was last cut
	lastUp  time.Time  // adaptive: when the rate last probed upward
}

// How an adaptive limiter moves after its first 429.
const (
	// A 429 drops the rate to cutTo of the rate refused; answers bring it
	// back quickly to recoverTo of it, from where it probes.
	cutTo     = 0.8
	recoverTo = 0.93
	// A 429 costs its request Retry-After, whole seconds from Rhombus and
	// at least 1. In the middle of a job other requests use that second; at
	// its end nothing does, so each probe that ends in a 429 near the end
	// costs up to a second of wall time. Probing by the clock, 1% of the
	// refused rate a second from 93% of it, comes back to that rate after
	// about 7 s; probing by the answer (a thousandth of the maximum each)
	// did at 50 answers a second in about 1 s, and a job of 300 rows at
	// 50/s ended up to a second late depending on where its last probe fell.
	probePerSecond = 0.01
)

// RateLimiter paces a client's requests; see [WithLimiter]. [*Limiter]
// implements it within a process; package redislimit implements it across
// processes, through Redis. Implementations must be safe for concurrent use.
type RateLimiter interface {
	// Wait blocks until a request may be sent, or ctx is done.
	Wait(ctx context.Context) error
	// Observe is told how each attempt sent at sent was answered: its HTTP
	// status (429 with the Retry-After it carried, zero when absent), so
	// an adaptive limiter can learn the server's rate.
	Observe(sent time.Time, status int, retryAfter time.Duration)
}

// LimiterOption configures a [Limiter].
type LimiterOption func(*Limiter)

// Adaptive makes the limiter slow down on 429 answers and recover on success.
func Adaptive() LimiterOption { return func(l *Limiter) { l.adaptive = true } }

// MaxRate lets an [Adaptive] limiter learn upward too: from the rate it was
// built with, it speeds up while calls succeed, doubling about every 15
// answers until the first 429, then settles under the rate refused, never
// above perSecond. It suits a job that does not know the organisation's
// rate. perSecond below the starting rate is ignored.
func MaxRate(perSecond float64) LimiterOption {
	return func(l *Limiter) {
		if r := rate.Limit(perSecond); r > l.max {
			l.max = r
		}
	}
}

// NewLimiter allows perSecond requests a second on average, with bursts of
// up to burst requests.
func NewLimiter(perSecond float64, burst int, opts ...LimiterOption) (*Limiter, error) {
	if perSecond <= 0 {
		return nil, fmt.Errorf("rhombus: NewLimiter: the rate must be positive, got %v", perSecond)
	}
	if burst < 1 {
		return nil, fmt.Errorf("rhombus: NewLimiter: the burst must be at least 1, got %d", burst)
	}
	l := &Limiter{
		lim: rate.NewLimiter(rate.Limit(perSecond), burst),
		max: rate.Limit(perSecond),
		min: rate.Limit(perSecond / 20),
	}
	for _, o := range opts {
		o(l)
	}
	return l, nil
}

// Rate is the current rate in requests a second (lower than configured while
// an adaptive limiter is backing off).
func (l *Limiter) Rate() float64 { return float64(l.lim.Limit()) }

// Wait blocks until a request may be sent, or ctx is done.
func (l *Limiter) Wait(ctx context.Context) error {
	return l.lim.Wait(ctx)
}

// Observe tells the limiter how an attempt was answered.
func (l *Limiter) Observe(sent time.Time, status int, _ time.Duration) {
	switch {
	case status == http.StatusTooManyRequests:
		l.rateLimited(sent)
	case status != 0:
		l.succeeded()
	}
}

// rateLimited is told of a 429. An adaptive limiter remembers the rate it
// was refused at and drops below it; a fixed one changes nothing, since the
// refused request itself waits Retry-After and pausing every caller would
// waste the budget the server refills meanwhile.
func (l *Limiter) rateLimited(sent time.Time) {
	if !l.adaptive {
		return
	}
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	// A 429 speaks of the rate at which its request was sent. Requests sent
	// before the last cut come back 429 together when the server's bucket
	// runs dry; they say nothing about the new rate, so only the first cuts.
	if sent.Before(l.lastCut) {
		return
	}
	l.lastCut = now
	cur := l.lim.Limit()
	l.ceiling = cur
	next := cur * cutTo
	if next < l.min {
		next = l.min
	}
	l.lim.SetLimitAt(now, next)
	// The server's bucket is empty: empty ours too, or its burst would send
	// a volley of requests straight into more 429s.
	if t := int(l.lim.TokensAt(now)); t > 0 {
		l.lim.AllowN(now, t)
	}
}

// succeeded is told of an answer that was not a 429. An adaptive limiter
// climbs back quickly towards the rate it was last refused at, then probes
// above it slowly (the shape of CUBIC congestion control), so it spends its
// time just under the server's rate and is refused rarely.
func (l *Limiter) succeeded() {
	if !l.adaptive {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	cur := l.lim.Limit()
	if cur >= l.max {
		return
	}
	var next rate.Limit
	switch {
	case l.ceiling == 0:
		// No 429 yet: the server's rate is unknown, so speed up quickly
		// (this matters only with MaxRate above the starting rate): 10% an
		// answer reaches five times the start in 17 answers.
		next = cur * 1.1
	case cur < l.ceiling*recoverTo:
		l.lastUp = time.Time{}
		next = cur + (l.ceiling-cur)*0.05
	default:
		// The clock starts at the first answer of the probe; a pause of over
		// a second (a job waiting on something else) is not probing time.
		now := time.Now()
		next = cur
		if dt := now.Sub(l.lastUp); !l.lastUp.IsZero() && dt <= time.Second {
			next += l.ceiling * rate.Limit(probePerSecond*dt.Seconds())
		}
		l.lastUp = now
	}
	if next > l.max {
		next = l.max
	}
	l.lim.SetLimit(next)
}

// sleep waits d, or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
