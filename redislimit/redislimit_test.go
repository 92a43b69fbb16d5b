package redislimit_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rhombuskit/rhombus-go/internal/redistest"
	"github.com/rhombuskit/rhombus-go/redislimit"
)

// taken counts how many of n immediate Waits, spread over the limiters,
// get a slot without waiting: with a rate of 1/s, only the shared burst.
func taken(t *testing.T, lims []*redislimit.Limiter, n int) int {
	t.Helper()
	got := 0
	for i := range n {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		err := lims[i%len(lims)].Wait(ctx)
		cancel()
		switch {
		case err == nil:
			got++
		case !errors.Is(err, context.DeadlineExceeded):
			t.Fatalf("Wait: %v", err)
		}
	}
	return got
}

// TestBucketIsSharedByOrganisation: two limiters with separate local state
// share one organisation's burst through Redis; another organisation has
// its own.
func TestBucketIsSharedByOrganisation(t *testing.T) {
	srv := redistest.Start(t)
	mk := func(org string) *redislimit.Limiter {
		l, err := redislimit.FromURL(srv.URL(), org, 1, 5)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	a, b := mk("org-a"), mk("org-a")
	if got := taken(t, []*redislimit.Limiter{a, b}, 10); got != 5 {
		t.Errorf("org-a: %d immediate slots across two limiters, want the shared burst of 5", got)
	}
	if got := taken(t, []*redislimit.Limiter{mk("org-b")}, 10); got != 5 {
		t.Errorf("org-b: %d immediate slots, want its own burst of 5", got)
	}
}

// TestAdaptiveRateIsShared: a 429 seen by one process cuts the rate every
// process uses; successes climb it back.
func TestAdaptiveRateIsShared(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	a, err := redislimit.FromURL(srv.URL(), "org", 50, 10, redislimit.Adaptive())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := redislimit.FromURL(srv.URL(), "org", 50, 10, redislimit.Adaptive())
	if err := a.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	a.Observe(time.Now(), http.StatusTooManyRequests, time.Second)
	if r, err := b.Rate(ctx); err != nil || r != 40 {
		t.Fatalf("after a 429 at 50/s, the other limiter sees rate %v (%v), want 40", r, err)
	}
	// A 429 for a request sent before that cut says nothing new.
	a.Observe(time.Now().Add(-time.Minute), http.StatusTooManyRequests, time.Second)
	if r, _ := b.Rate(ctx); r != 40 {
		t.Errorf("an old 429 cut the rate again: %v", r)
	}
	for range 20 {
		b.Observe(time.Now(), http.StatusOK, 0)
	}
	if r, _ := a.Rate(ctx); !(r > 40 && r <= 50) {
		t.Errorf("after 20 successes the shared rate is %v, want between 40 and 50", r)
	}
}

// TestAdaptiveProbesByTheClock: after a 429, answers bring the shared rate
// back near the refused rate quickly, then it probes above it by the clock
// (1% of the refused rate a second), not by the answer: many answers in a
// short time do not push it far past the rate the server refused, as
// rhombus.Limiter does locally.
func TestAdaptiveProbesByTheClock(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	l, err := redislimit.FromURL(srv.URL(), "org", 50, 10, redislimit.Adaptive(), redislimit.MaxRate(500))
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	l.Observe(time.Now(), http.StatusTooManyRequests, time.Second)
	start := time.Now()
	for range 300 {
		l.Observe(time.Now(), http.StatusOK, 0)
	}
	// The bound follows the time the answers took, so a slow machine
	// only widens it.
	most := 50 + 0.5*time.Since(start).Seconds() + 0.01
	r, err := l.Rate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !(r >= 50*0.93 && r <= most) {
		t.Errorf("after a 429 at 50/s and 300 answers, the shared rate is %.2f, want between 46.5 and %.2f", r, most)
	}
}

// TestRedisDownFallsBack: with Redis stopped, Wait neither hangs nor fails;
// it paces locally and says so once; when Redis is back it is used again.
func TestRedisDownFallsBack(t *testing.T) {
	srv := redistest.Start(t)
	var mu sync.Mutex
	var warnings []error
	l, err := redislimit.FromURL(srv.URL(), "org", 1000, 10, redislimit.WithWarning(func(err error) {
		mu.Lock()
		warnings = append(warnings, err)
		mu.Unlock()
	}))
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	for i := range 5 {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := l.Wait(ctx)
		cancel()
		if err != nil {
			t.Fatalf("Wait %d with Redis down: %v", i, err)
		}
	}
	srv.Restart()
	time.Sleep(1100 * time.Millisecond) // past the second the fallback lasts
	if err := l.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(warnings) != 2 || warnings[0] == nil || warnings[1] != nil {
		t.Fatalf("want one warning for the outage and one nil when back, got %v", warnings)
	}
	if msg := warnings[0].Error(); !contains(msg, "Redis is unreachable") || !contains(msg, "local limiter") {
		t.Errorf("the warning does not say what happens: %s", msg)
	}
}

func TestNewRefusesBadInput(t *testing.T) {
	for _, tc := range []struct {
		url, org string
		rate     float64
		burst    int
		want     string
	}{
		{"redis://127.0.0.1:1/0", "", 1, 1, "the organisation is empty"},
		{"redis://127.0.0.1:1/0", "o", 0, 1, "the rate must be positive"},
		{"redis://127.0.0.1:1/0", "o", 1, 0, "the burst must be at least 1"},
		{"http://user:secret@host/0", "o", 1, 1, "redislimit: the Redis URL http://[REDACTED]@host/0: redis: invalid URL scheme: http"},
	} {
		_, err := redislimit.FromURL(tc.url, tc.org, tc.rate, tc.burst)
		if err == nil || !contains(err.Error(), tc.want) || contains(err.Error(), "secret") {
			t.Errorf("FromURL(%q, %q, %v, %d) = %v, want an error with %q", tc.url, tc.org, tc.rate, tc.burst, err, tc.want)
		}
	}
}

// TestURLErrorsHoldNoPassword: whatever rule a Redis URL breaks, the error
// names it and holds no form of the password: go-redis's and net/url's
// messages quote the URL, or the part of it that broke the rule.
func TestURLErrorsHoldNoPassword(t *testing.T) {
	for i, tc := range []struct {
		url     string
		secrets []string // the password, in the forms a message could carry
		rule    string
	}{
		{"redis://user:s3cr%zzet@127.0.0.1:6379/0", []string{"s3cr%zzet", "s3cr", "zzet"}, "a % must start an escape"},
		{"redis://user:s3cretpw@127.0.0.1:63x79/0", []string{"s3cretpw"}, "the port must be a number"},
		{"redis://user:s3/cretpw@127.0.0.1:6379/0", []string{"s3/cretpw", "cretpw", "s3"}, "the port must be a number"},
		{"redis://:p%40ss%25w0rd@127.0.0.1:6379/p%40ss%25w0rd", []string{"p%40ss%25w0rd", "p@ss%w0rd", "p%40ss%w0rd"}, "invalid database number"},
		{"redis://user:hunter22@127.0.0.1:6379/hunter22", []string{"hunter22"}, "invalid database number"},
		{"redis://hunter22@127.0.0.1:6379/hunter22", []string{"hunter22"}, "invalid database number"},
		{"redis://user:s3cr%zzet@127.0.0.1:6379/0", nil, "the form is redis://[user:password@]host:port/db"},
		{"redis://user:hunter22@127.0.0.1:63x79/hunter22", []string{"hunter22"}, "the port must be a number"},
	} {
		_, err := redislimit.FromURL(tc.url, "org", 1, 1)
		if err == nil {
			t.Errorf("case %d: no error", i)
			continue
		}
		msg := err.Error()
		for _, v := range []string{msg, fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
			for j, s := range tc.secrets {
				if strings.Contains(v, s) {
					t.Errorf("case %d: the error holds form %d of the password", i, j)
				}
			}
		}
		if !contains(msg, "redislimit: the Redis URL ") || !contains(msg, tc.rule) {
			t.Errorf("case %d: the error does not name the rule %q (its text is withheld: it may hold the password)", i, tc.rule)
		}
	}
	// A URL error is still one for errors.As, with the URL redacted.
	_, err := redislimit.FromURL("redis://user:s3cretpw@127.0.0.1:63x79/0", "org", 1, 1)
	var ue *url.Error
	if !errors.As(err, &ue) || ue.URL != "redis://[REDACTED]@127.0.0.1:63x79/0" {
		t.Errorf("errors.As(*url.Error) = %v (URL %q)", ue != nil, func() string {
			if ue == nil {
				return ""
			}
			return strings.ReplaceAll(ue.URL, "s3cretpw", "<the password>")
		}())
	}
}

// corrupt writes fields into org's bucket as another process, or a bad
// script, could have left them.
func corrupt(t *testing.T, srv *redistest.Server, org string, fields ...string) {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer rdb.Close()
	if err := rdb.HSet(context.Background(), redislimit.KeyPrefix+org, fields).Err(); err != nil {
		t.Fatal(err)
	}
}

// TestCorruptBucketKeepsPacing: a rate or an arrival time in the bucket that
// is not a usable number (0, NaN, negative, infinite, not a number, absurdly
// large) is read as absent: the limit keeps pacing at the configured rate and
// the bucket is repaired. A corrupt rate used to make every wait NaN or 0:
// the limit was off (thousands of requests a second at 10/s).
func TestCorruptBucketKeepsPacing(t *testing.T) {
	srv := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer rdb.Close()
	var cases [][]string
	for _, v := range []string{"0", "nan", "-nan", "-1", "abc", "", "inf", "-inf", "1e308", "1e-300"} {
		cases = append(cases, []string{"rate", v})
	}
	for _, v := range []string{"nan", "inf", "-inf", "abc", "1e300", "-1e300"} {
		cases = append(cases, []string{"tat", v})
	}
	for i, fields := range cases {
		org := fmt.Sprintf("corrupt-%d", i)
		var warned atomic.Int64
		l, err := redislimit.FromURL(srv.URL(), org, 1, 1, redislimit.WithWarning(func(error) { warned.Add(1) }))
		if err != nil {
			t.Fatal(err)
		}
		corrupt(t, srv, org, fields...)
		start := time.Now()
		got := 0
		for i := range 20 {
			// The first has time for a slow machine; the others are
			// immediate: with 20 ms, a Redis slower than that only
			// lowers the count.
			timeout := 20 * time.Millisecond
			if i == 0 {
				timeout = 10 * time.Second
			}
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			err := l.Wait(ctx)
			cancel()
			switch {
			case err == nil:
				got++
			case !errors.Is(err, context.DeadlineExceeded):
				t.Fatalf("%s=%q: Wait: %v", fields[0], fields[1], err)
			}
		}
		// At 1/s with a burst of 1: the first, and one more a second
		// (a slow machine may take seconds for the 20 calls).
		if most := 1 + int(time.Since(start).Seconds()) + 1; got < 1 || got > most {
			t.Errorf("%s=%q: %d of 20 immediate Waits went through, want 1 to %d", fields[0], fields[1], got, most)
		}
		if n := warned.Load(); n != 0 {
			t.Errorf("%s=%q: %d warnings; a repaired bucket is not an outage", fields[0], fields[1], n)
		}
		h, err := rdb.HGetAll(context.Background(), redislimit.KeyPrefix+org).Result()
		if err != nil {
			t.Fatal(err)
		}
		rate, err1 := strconv.ParseFloat(h["rate"], 64)
		tat, err2 := strconv.ParseFloat(h["tat"], 64)
		if err1 != nil || err2 != nil || !(rate > 0) || math.IsInf(rate, 0) || math.IsNaN(tat) || math.IsInf(tat, 0) {
			t.Errorf("%s=%q: the bucket was not repaired: %v", fields[0], fields[1], h)
		}
		if r, err := l.Rate(context.Background()); err != nil || !(r > 0) || math.IsInf(r, 0) {
			t.Errorf("%s=%q: Rate = %v, %v", fields[0], fields[1], r, err)
		}
	}
}

// TestCorruptAdaptiveState: a corrupt rate, ceiling or time of the last cut
// does not stop an adaptive limiter from cutting on a 429 or from climbing.
func TestCorruptAdaptiveState(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	for i, fields := range [][]string{
		{"rate", "nan"}, {"rate", "0"}, {"rate", "-5"}, {"rate", "inf"},
		{"lastcut", "inf"}, {"lastcut", "9e18"}, {"lastcut", "nan"},
		{"ceiling", "nan"}, {"ceiling", "-inf"},
	} {
		org := fmt.Sprintf("adaptive-%d", i)
		l, err := redislimit.FromURL(srv.URL(), org, 50, 10, redislimit.Adaptive())
		if err != nil {
			t.Fatal(err)
		}
		corrupt(t, srv, org, fields...)
		l.Observe(time.Now(), http.StatusTooManyRequests, time.Second)
		if r, err := l.Rate(ctx); err != nil || r != 40 {
			t.Errorf("%s=%q: after a 429 at 50/s the rate is %v (%v), want 40", fields[0], fields[1], r, err)
		}
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
