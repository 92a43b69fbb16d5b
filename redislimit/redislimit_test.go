package redislimit_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

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
		{"http://user:secret@host/0", "o", 1, 1, "redislimit: http://[REDACTED]@host/0"},
	} {
		_, err := redislimit.FromURL(tc.url, tc.org, tc.rate, tc.burst)
		if err == nil || !contains(err.Error(), tc.want) || contains(err.Error(), "secret") {
			t.Errorf("FromURL(%q, %q, %v, %d) = %v, want an error with %q", tc.url, tc.org, tc.rate, tc.burst, err, tc.want)
		}
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
