// Package redislimit is a client-side rate limiter shared through Redis by
// every process and machine that calls Rhombus for one organisation, for
// use with rhombus.WithLimiter. Rhombus keeps one token bucket per
// organisation; a limiter in each process would let N processes send N times
// the rate and live on 429s.
//
// The bucket is a GCRA (generic cell rate algorithm) state in one Redis
// hash per organisation, changed atomically by Lua scripts on Redis's own
// clock, so processes on machines whose clocks differ still agree. With
// Adaptive, the rate learned from 429s lives in the same hash, so every
// process slows down when one is refused, and speeds up together.
//
// When Redis cannot be reached, a call neither hangs nor fails: the
// limiter falls back to a local limiter at the configured rate, tells the
// warning function once per outage, and tries Redis again a second later.
// It is in a package of its own so programs that do not use Redis do not
// link a Redis client.
package redislimit

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// KeyPrefix starts the Redis key of every organisation's bucket.
const KeyPrefix = "rhombus-go:limit:"

// retryRedisAfter is how long the limiter stays on its local fallback
// after Redis failed, before trying Redis again.
const retryRedisAfter = time.Second

// Limiter is a rate limiter shared through Redis. It implements
// rhombus.RateLimiter and is safe for concurrent use.
type Limiter struct {
	rdb      redis.UniversalClient
	key      string
	rate     float64 // the starting rate; the fixed rate when not adaptive
	burst    int
	max, min float64
	adaptive bool
	warn     func(error)

	local    *rhombus.Limiter // the fallback while Redis is unreachable
	down     atomic.Int64     // unix nanoseconds until which Redis is not tried
	outage   atomic.Bool      // a warning was given for the current outage
	offsetNs atomic.Int64     // Redis clock minus local clock, from the last answer
}

// Option configures a Limiter.
type Option func(*Limiter)

// Adaptive makes the shared rate learn from 429 answers, as
// rhombus.Adaptive does for a local limiter: every process slows down when
// one is refused.
func Adaptive() Option { return func(l *Limiter) { l.adaptive = true } }

// MaxRate lets an adaptive limiter speed up beyond its starting rate, up to
// perSecond, as rhombus.MaxRate does.
func MaxRate(perSecond float64) Option {
	return func(l *Limiter) {
		if perSecond > l.max {
			l.max = perSecond
		}
	}
}

// WithWarning calls f once each time Redis becomes unreachable (and the
// limiter falls back to its local one) and once when it is back (with a nil
// error). By default nothing is told.
func WithWarning(f func(error)) Option { return func(l *Limiter) { l.warn = f } }

// New returns a limiter for the organisation org (any stable name: its
// RUUID, say), allowing perSecond requests a second with bursts of burst,
// shared by every Limiter made with the same Redis and org.
func New(rdb redis.UniversalClient, org string, perSecond float64, burst int, opts ...Option) (*Limiter, error) {
	switch {
	case rdb == nil:
		return nil, errors.New("redislimit: New: the Redis client is nil")
	case strings.TrimSpace(org) == "":
		return nil, errors.New("redislimit: New: the organisation is empty")
	case !(perSecond > 0):
		return nil, fmt.Errorf("redislimit: New: the rate must be positive, got %v", perSecond)
	case burst < 1:
		return nil, fmt.Errorf("redislimit: New: the burst must be at least 1, got %d", burst)
	}
	l := &Limiter{rdb: rdb, key: KeyPrefix + org, rate: perSecond, burst: burst, max: perSecond, min: perSecond / 20}
	for _, o := range opts {
		o(l)
	}
	local, err := rhombus.NewLimiter(perSecond, burst)
	if err != nil {
		return nil, err
	}
	l.local = local
	return l, nil
}

// FromURL connects to the Redis at url (redis://[user:password@]host:port/db,
// or rediss:// for TLS) with timeouts short enough that an unreachable Redis
// costs a call milliseconds, not seconds, and returns New's limiter.
func FromURL(url, org string, perSecond float64, burst int, opts ...Option) (*Limiter, error) {
	o, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redislimit: %s: %w", redactURL(url), err)
	}
	o.DialTimeout = 300 * time.Millisecond
	o.ReadTimeout = 300 * time.Millisecond
	o.WriteTimeout = 300 * time.Millisecond
	o.MaxRetries = 0
	return New(redis.NewClient(o), org, perSecond, burst, opts...)
}

// redactURL keeps a password in a Redis URL out of messages.
func redactURL(u string) string {
	if at := strings.LastIndex(u, "@"); at >= 0 {
		if scheme := strings.Index(u, "://"); scheme >= 0 && scheme < at {
			return u[:scheme+3] + "[REDACTED]" + u[at:]
		}
	}
	return u
}

//go:embed reserve.lua
var reserveLua string

//go:embed observe.lua
var observeLua string

var (
	reserveScript = redis.NewScript(reserveLua)
	observeScript = redis.NewScript(observeLua)
)

// Wait blocks until a request may be sent under the shared rate, or ctx is
// done. It never waits past ctx's deadline: a slot that would come later is
// not taken.
func (l *Limiter) Wait(ctx context.Context) error {
	if time.Now().UnixNano() < l.down.Load() {
		return l.local.Wait(ctx)
	}
	maxWait := int64(-1)
	if d, ok := ctx.Deadline(); ok {
		maxWait = time.Until(d).Microseconds()
	}
	local := time.Now()
	res, err := reserveScript.Run(ctx, l.rdb, []string{l.key}, l.rate, l.burst, maxWait).Int64Slice()
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		l.fallBack(err)
		return l.local.Wait(ctx)
	}
	l.recovered()
	ok, waitUs, nowUs := res[0], res[1], res[2]
	l.offsetNs.Store(nowUs*1000 - local.UnixNano())
	if ok == 0 {
		return fmt.Errorf("redislimit: waiting %s for the shared rate would pass the context's deadline: %w",
			time.Duration(waitUs)*time.Microsecond, context.DeadlineExceeded)
	}
	if waitUs <= 0 {
		return nil
	}
	t := time.NewTimer(time.Duration(waitUs) * time.Microsecond)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Observe tells the shared state how an attempt was answered; an adaptive
// limiter cuts the shared rate on a 429 and climbs on success.
func (l *Limiter) Observe(sent time.Time, status int, retryAfter time.Duration) {
	l.local.Observe(sent, status, retryAfter)
	if !l.adaptive || status == 0 || time.Now().UnixNano() < l.down.Load() {
		return
	}
	kind := 0
	if status == http.StatusTooManyRequests {
		kind = 1
	}
	sentRedis := (sent.UnixNano() + l.offsetNs.Load()) / 1000
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := observeScript.Run(ctx, l.rdb, []string{l.key}, kind, sentRedis, l.rate, l.burst, l.max, l.min).Err()
	if err != nil {
		l.fallBack(err)
	}
}

// Rate is the shared rate now, in requests a second.
func (l *Limiter) Rate(ctx context.Context) (float64, error) {
	v, err := l.rdb.HGet(ctx, l.key, "rate").Float64()
	if errors.Is(err, redis.Nil) {
		return l.rate, nil
	}
	return v, err
}

func (l *Limiter) fallBack(err error) {
	l.down.Store(time.Now().Add(retryRedisAfter).UnixNano())
	if l.outage.CompareAndSwap(false, true) && l.warn != nil {
		l.warn(fmt.Errorf("redislimit: Redis is unreachable, pacing with a local limiter at %v/s until it is back: %w", l.rate, err))
	}
}

func (l *Limiter) recovered() {
	if l.outage.CompareAndSwap(true, false) && l.warn != nil {
		l.warn(nil)
	}
}

var _ rhombus.RateLimiter = (*Limiter)(nil)
