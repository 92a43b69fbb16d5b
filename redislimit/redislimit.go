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
// A limiter made by FromURL tries a refused Redis once per check, without
// go-redis's retries: the check costs a call a fraction of a millisecond.
// The same fallback covers a bucket whose state in Redis is corrupt: the
// scripts treat a stored value that is not a usable number as absent, and
// a wait from Redis that is not one the scripts can produce is refused.
//
// go-redis reports connection failures through its own global logger
// besides: a line on standard error per failed dial, whatever the warning
// function does. A library must not change it for its program; a program
// that wants an outage reported once, by its warning function alone, calls
// redis.SetLogger (github.com/redis/go-redis/v9) with a logger of its own,
// or logging.Disable (github.com/redis/go-redis/v9/logging). The rhombus
// command line does.
//
// It is in a package of its own so programs that do not use Redis do not
// link a Redis client.
package redislimit

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
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
//
// A malformed url is an error that names the rule it breaks; it never holds
// the URL's password (or user), in any encoding, whatever go-redis's own
// message quoted.
func FromURL(url, org string, perSecond float64, burst int, opts ...Option) (*Limiter, error) {
	o, err := clientOptions(url)
	if err != nil {
		return nil, err
	}
	return New(redis.NewClient(o), org, perSecond, burst, opts...)
}

// clientOptions are FromURL's go-redis options for url.
func clientOptions(rawURL string) (*redis.Options, error) {
	o, err := redis.ParseURL(rawURL)
	if err != nil {
		return nil, urlError(rawURL, err)
	}
	o.DialTimeout = 300 * time.Millisecond
	o.ReadTimeout = 300 * time.Millisecond
	o.WriteTimeout = 300 * time.Millisecond
	// go-redis's defaults retry a failed command 3 times (MaxRetries 0
	// means that default; -1 means none) and dial 5 times 100 ms apart for
	// each: 1.8 s per check of a refused Redis, and four lines in its log.
	// The limiter has its own fallback and tries again a second later.
	o.MaxRetries = -1
	o.DialerRetries = 1
	return o, nil
}

// urlError is the error for a Redis URL go-redis refused. Its messages
// quote the URL, or the part of it that broke a rule, which can be (part
// of) the password: net/url's are replaced by the rule, go-redis's own
// are kept with the URL's secrets cut out.
func urlError(rawURL string, err error) error {
	secrets := urlSecrets(rawURL)
	scrub := func(s string) string {
		for _, secret := range secrets {
			s = strings.ReplaceAll(s, secret, "[REDACTED]")
		}
		return s
	}
	// The redacted URL keeps the path, where a password can be repeated.
	redacted := scrub(redactURL(rawURL))
	where := "redislimit: the Redis URL " + redacted
	var ue *url.Error
	if errors.As(err, &ue) {
		rule := urlRule(ue.Err)
		// A *url.Error still, for errors.As, with nothing of the URL's.
		return fmt.Errorf("%s: %s (the form is redis://[user:password@]host:port/db, or rediss://): %w",
			where, rule, &url.Error{Op: ue.Op, URL: redacted, Err: errors.New(rule)})
	}
	msg := err.Error()
	if clean := scrub(msg); clean != msg {
		return fmt.Errorf("%s: %s", where, clean)
	}
	return fmt.Errorf("%s: %w", where, err)
}

// urlRule says which rule of URLs net/url found broken, without quoting
// the part that broke it.
func urlRule(err error) string {
	var esc url.EscapeError
	var host url.InvalidHostError
	switch {
	case errors.As(err, &esc):
		return "a % must start an escape of two hexadecimal digits (a % in a password is written %25)"
	case errors.As(err, &host):
		return "the host has a character a host name cannot have"
	case err != nil && strings.Contains(err.Error(), "invalid port"):
		return "the port must be a number (a / ? # or @ in a password is written %2F %3F %23 %40)"
	case err != nil && strings.Contains(err.Error(), "missing protocol scheme"):
		return "it has no scheme"
	}
	return "it is not a URL"
}

// urlSecrets are the forms the user information of a Redis URL can take in
// a message: as written, percent-decoded and encoded again, whole and its
// parts. The user is a secret too when there is no password, since
// redis://secret@host is sometimes written for one.
func urlSecrets(rawURL string) []string {
	scheme := strings.Index(rawURL, "://")
	at := strings.LastIndex(rawURL, "@")
	if scheme < 0 || at < scheme+3 {
		return nil
	}
	info := rawURL[scheme+3 : at]
	parts := []string{info}
	if user, pass, ok := strings.Cut(info, ":"); ok {
		parts = append(parts, pass)
	} else {
		parts = append(parts, user)
	}
	var out []string
	for _, p := range parts {
		forms := []string{p}
		for _, unescape := range []func(string) (string, error){url.PathUnescape, url.QueryUnescape} {
			if d, err := unescape(p); err == nil {
				forms = append(forms, d, url.PathEscape(d), url.QueryEscape(d), url.UserPassword("", d).String()[1:])
			}
		}
		for _, f := range forms {
			if f != "" && !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	// The longest first, so a form that contains another is cut whole.
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
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
	res, err := reserveScript.Run(ctx, l.rdb, []string{l.key}, l.rate, l.burst, maxWait, l.min, l.max).Int64Slice()
	if err == nil {
		err = checkReserve(res, maxWait)
	}
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

// bucketLife is how long a bucket lives in Redis after its last change,
// and how far ahead of Redis's clock the reserve script lets the bucket's
// theoretical arrival time be: it never asks for a longer wait.
const bucketLife = time.Hour

// errBadAnswer marks an answer from Redis the scripts cannot have given.
var errBadAnswer = errors.New("redislimit: an answer the limiter's script cannot give")

// checkReserve refuses an answer of the reserve script that it cannot give
// for maxWait: a corrupt state that slipped past the script's checks (a NaN
// wait reaches Go as the least int64) must not let every request through.
func checkReserve(res []int64, maxWait int64) error {
	bad := len(res) != 3
	if !bad {
		ok, wait, now := res[0], res[1], res[2]
		bad = ok != 0 && ok != 1 || wait < 0 || wait > bucketLife.Microseconds() ||
			ok == 1 && maxWait >= 0 && wait > maxWait || now <= 0
	}
	if bad {
		return fmt.Errorf("%w: %v is not {taken 0 or 1, a wait of 0 to %s in microseconds, Redis's clock}", errBadAnswer, res, bucketLife)
	}
	return nil
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
// A stored rate that is not a positive number is the starting rate, as
// the scripts read it.
func (l *Limiter) Rate(ctx context.Context) (float64, error) {
	s, err := l.rdb.HGet(ctx, l.key, "rate").Result()
	if errors.Is(err, redis.Nil) {
		return l.rate, nil
	}
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || !(v > 0) || math.IsInf(v, 1) {
		return l.rate, nil
	}
	return v, nil
}

func (l *Limiter) fallBack(err error) {
	l.down.Store(time.Now().Add(retryRedisAfter).UnixNano())
	if l.outage.CompareAndSwap(false, true) && l.warn != nil {
		what := "Redis is unreachable"
		var refused redis.Error
		switch {
		case errors.Is(err, errBadAnswer):
			what = "Redis gave an answer the limiter cannot use"
		case errors.As(err, &refused):
			what = "Redis refused the limiter's script"
		}
		l.warn(fmt.Errorf("redislimit: %s, pacing with a local limiter at %v/s until it is back: %w", what, l.rate, err))
	}
}

func (l *Limiter) recovered() {
	if l.outage.CompareAndSwap(true, false) && l.warn != nil {
		l.warn(nil)
	}
}

var _ rhombus.RateLimiter = (*Limiter)(nil)
