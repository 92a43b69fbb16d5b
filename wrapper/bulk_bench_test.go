package rhombus_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rhombuskit/rhombus-go/rhombustest"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// BenchmarkBulkRegistration registers 300 devices from 8 goroutines against
// the fake in rate-limit mode (50/s, burst 20), with the client-side limiter
// off, fixed at the server's rate, and adaptive (starting optimistic at
// 100/s). It reports the wall time against the theoretical minimum
// ((300-20)/50 = 5.6 s), the 429s received, the requests lost (failed
// calls) and the duplicates created:
//
//	go test -run='^$' -bench=BulkRegistration -benchtime=1x ./wrapper/
func BenchmarkBulkRegistration(b *testing.B) {
	const (
		total, workers = 300, 8
		rate, burst    = 50.0, 20
	)
	modes := []struct {
		name    string
		limiter func() *rhombus.Limiter
	}{
		{"limiter=off", func() *rhombus.Limiter { return nil }},
		{"limiter=fixed", func() *rhombus.Limiter { l, _ := rhombus.NewLimiter(rate, burst); return l }},
		{"limiter=adaptive", func() *rhombus.Limiter { l, _ := rhombus.NewLimiter(2*rate, burst, rhombus.Adaptive()); return l }},
	}
	for _, m := range modes {
		b.Run(m.name, func(b *testing.B) {
			for b.Loop() {
				s := rhombustest.NewServer(b, rhombustest.WithRateLimit(rate, burst))
				policy := rhombus.DefaultRetryPolicy()
				policy.MaxAttempts = 10 // the vendor's advice: 5 to 10
				c := s.Client(rhombus.WithLimiter(m.limiter()), rhombus.WithRetryPolicy(policy))

				wall, lost, unknown := registerAll(c, total, workers)

				regs := s.Registrations(s.DefaultOrg())
				seen := make(map[string]int)
				for _, r := range regs {
					seen[r.SerialNumber]++
				}
				dups := len(regs) - len(seen)
				b.ReportMetric(wall.Seconds(), "wall-s")
				b.ReportMetric(float64(total-burst)/rate, "min-s")
				b.ReportMetric(float64(s.RateLimited()), "429s")
				b.ReportMetric(float64(lost), "lost")
				b.ReportMetric(float64(dups), "duplicates")
				b.ReportMetric(float64(unknown), "unknown")
				if lost != 0 || dups != 0 || len(seen) != total {
					b.Errorf("lost %d, duplicates %d, registered %d of %d", lost, dups, len(seen), total)
				}
			}
		})
	}
}

// BenchmarkLearnedRate is the command line's bulk default against servers
// whose rate it does not know: the old default (10/s, burst 100, adaptive
// down only) against the learned one (from 10/s, burst 20, up to 100/s),
// 300 writes from 4 goroutines, at a server rate of 20/s and of 50/s
// (burst 20). The minimum is (300-20)/rate.
//
//	go test -run='^$' -bench=LearnedRate -benchtime=1x ./wrapper/
func BenchmarkLearnedRate(b *testing.B) {
	const total, workers, burst = 300, 4, 20
	limiters := []struct {
		name string
		new  func() *rhombus.Limiter
	}{
		{"old-default", func() *rhombus.Limiter { l, _ := rhombus.NewLimiter(10, 100, rhombus.Adaptive()); return l }},
		{"learned", func() *rhombus.Limiter {
			l, _ := rhombus.NewLimiter(10, 20, rhombus.Adaptive(), rhombus.MaxRate(100))
			return l
		}},
	}
	for _, serverRate := range []float64{20, 50} {
		for _, lim := range limiters {
			b.Run(fmt.Sprintf("server=%v/s/%s", serverRate, lim.name), func(b *testing.B) {
				for b.Loop() {
					s := rhombustest.NewServer(b, rhombustest.WithRateLimit(serverRate, burst))
					policy := rhombus.DefaultRetryPolicy()
					policy.MaxAttempts = 10
					c := s.Client(rhombus.WithLimiter(lim.new()), rhombus.WithRetryPolicy(policy))
					wall, lost, _ := registerAll(c, total, workers)
					b.ReportMetric(wall.Seconds(), "wall-s")
					b.ReportMetric(float64(total-burst)/serverRate, "min-s")
					b.ReportMetric(float64(s.RateLimited()), "429s")
					b.ReportMetric(float64(lost), "lost")
					if lost != 0 || len(s.Registrations(s.DefaultOrg())) != total {
						b.Errorf("lost %d, registered %d of %d", lost, len(s.Registrations(s.DefaultOrg())), total)
					}
				}
			})
		}
	}
}

// registerAll registers total devices through c from workers goroutines and
// returns the wall time, the calls that failed and those of unknown outcome.
func registerAll(c *rhombus.Client, total, workers int) (wall time.Duration, lost, unknown int64) {
	var next, nLost, nUnknown atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(total) {
					return
				}
				_, err := c.CreatePendingRegistration(context.Background(), registration(fmt.Sprintf("RH%06d", i)))
				if errors.Is(err, rhombus.ErrOutcomeUnknown) {
					nUnknown.Add(1)
				}
				if err != nil {
					nLost.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	return time.Since(start), nLost.Load(), nUnknown.Load()
}
