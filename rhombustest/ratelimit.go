package rhombustest

import (
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/rhombuskit/rhombus-go/ruuid"
)

// rateLimits is the vendor's limit: one token bucket per organisation,
// shared by every credential of that organisation.
type rateLimits struct {
	mu      sync.Mutex
	on      bool
	rate    float64
	burst   int
	buckets map[ruuid.RUUID]*rate.Limiter
}

// setRateLimit sets the limit WithRateLimit describes, every bucket
// starting full.
func (s *Server) setRateLimit(ratePerSecond float64, burst int) {
	if ratePerSecond < 0 || math.IsNaN(ratePerSecond) || burst < 0 {
		s.reportf("WithRateLimit(%v, %d): rate and burst must not be negative", ratePerSecond, burst)
		return
	}
	l := &s.limits
	l.mu.Lock()
	defer l.mu.Unlock()
	l.on, l.rate, l.burst = burst > 0, ratePerSecond, burst
	l.buckets = make(map[ruuid.RUUID]*rate.Limiter)
}

// allow takes a token from org's bucket, or says how long until one is
// there.
func (l *rateLimits) allow(org ruuid.RUUID, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.on {
		return true, 0
	}
	b := l.buckets[org]
	if b == nil {
		b = rate.NewLimiter(rate.Limit(l.rate), l.burst)
		l.buckets[org] = b
	}
	if b.AllowN(now, 1) {
		return true, 0
	}
	if l.rate <= 0 {
		return false, time.Hour // the bucket never refills
	}
	missing := 1 - b.TokensAt(now)
	return false, time.Duration(missing / l.rate * float64(time.Second))
}
