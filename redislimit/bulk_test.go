package redislimit_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rhombuskit/rhombus-go/api"
	"github.com/rhombuskit/rhombus-go/internal/redistest"
	"github.com/rhombuskit/rhombus-go/redislimit"
	"github.com/rhombuskit/rhombus-go/rhombustest"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// bulkResult is what a bulk run of registrations ended with.
type bulkResult struct {
	wall                        time.Duration
	limited, lost, dups, unique int
}

// runBulk registers total devices through clients (each with its own
// limiter, as separate processes would have), two goroutines per client,
// against s; during, if set, runs once a third of the rows are done.
func runBulk(tb testing.TB, s *rhombustest.Server, clients []*rhombus.Client, total int, during func()) bulkResult {
	tb.Helper()
	var next, lost atomic.Int64
	var once sync.Once
	var wg sync.WaitGroup
	start := time.Now()
	for _, c := range clients {
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := next.Add(1) - 1
					if i >= int64(total) {
						return
					}
					if during != nil && i == int64(total/3) {
						once.Do(during)
					}
					_, err := c.CreatePendingRegistration(context.Background(), api.CreatePendingRegistrationRequest{
						SerialNumber: fmt.Sprintf("RH%06d", i)})
					if err != nil {
						tb.Logf("row %d: %v", i, err)
						lost.Add(1)
					}
				}
			}()
		}
	}
	wg.Wait()
	regs := s.Registrations(s.DefaultOrg())
	seen := map[string]int{}
	for _, r := range regs {
		seen[r.SerialNumber]++
	}
	return bulkResult{wall: time.Since(start), limited: s.RateLimited(), lost: int(lost.Load()),
		dups: len(regs) - len(seen), unique: len(seen)}
}

func bulkPolicy() rhombus.RetryPolicy {
	p := rhombus.DefaultRetryPolicy()
	p.MaxAttempts = 10
	return p
}

// TestRedisStoppedMidRun: Redis stops a third of the way through a bulk
// run of four clients; the clients fall back to local pacing, say so, and
// every row is registered exactly once.
func TestRedisStoppedMidRun(t *testing.T) {
	const total = 120
	srv := redistest.Start(t)
	s := rhombustest.NewServer(t, rhombustest.WithRateLimit(200, 20))
	var warned atomic.Int64
	var clients []*rhombus.Client
	for range 4 {
		l, err := redislimit.FromURL(srv.URL(), string(s.DefaultOrg()), 100, 20,
			redislimit.WithWarning(func(err error) {
				if err != nil {
					warned.Add(1)
				}
			}))
		if err != nil {
			t.Fatal(err)
		}
		clients = append(clients, s.Client(rhombus.WithLimiter(l), rhombus.WithRetryPolicy(bulkPolicy())))
	}
	res := runBulk(t, s, clients, total, srv.Stop)
	if res.lost != 0 || res.dups != 0 || res.unique != total {
		t.Fatalf("lost %d, duplicates %d, registered %d of %d", res.lost, res.dups, res.unique, total)
	}
	if warned.Load() == 0 {
		t.Error("no client said that Redis was unreachable")
	}
	t.Logf("%d rows in %s, %d 429s, %d clients warned", total, res.wall, res.limited, warned.Load())
}

// BenchmarkSharedLimit: four clients with separate local state (as four
// processes), 300 writes in all, against the fake's token bucket at 50/s
// with a burst of 20: a limiter per client at the server's rate, against
// one limiter shared through Redis. The minimum is (300-20)/50 = 5.6 s.
//
//	go test -run='^$' -bench=SharedLimit -benchtime=1x -count=3 ./redislimit/
func BenchmarkSharedLimit(b *testing.B) {
	const (
		total       = 300
		rate, burst = 50.0, 20
	)
	modes := []struct {
		name    string
		limiter func(srv *redistest.Server, org string) rhombus.RateLimiter
	}{
		{"per-process", func(*redistest.Server, string) rhombus.RateLimiter {
			l, _ := rhombus.NewLimiter(rate, burst)
			return l
		}},
		{"redis-shared", func(srv *redistest.Server, org string) rhombus.RateLimiter {
			l, err := redislimit.FromURL(srv.URL(), org, rate, burst)
			if err != nil {
				b.Fatal(err)
			}
			return l
		}},
	}
	for _, m := range modes {
		b.Run(m.name, func(b *testing.B) {
			for b.Loop() {
				srv := redistest.Start(b)
				s := rhombustest.NewServer(b, rhombustest.WithRateLimit(rate, burst))
				var clients []*rhombus.Client
				for range 4 {
					clients = append(clients, s.Client(rhombus.WithLimiter(m.limiter(srv, string(s.DefaultOrg()))),
						rhombus.WithRetryPolicy(bulkPolicy())))
				}
				res := runBulk(b, s, clients, total, nil)
				b.ReportMetric(res.wall.Seconds(), "wall-s")
				b.ReportMetric((total-burst)/rate, "min-s")
				b.ReportMetric(float64(res.limited), "429s")
				b.ReportMetric(float64(res.lost), "lost")
				b.ReportMetric(float64(res.dups), "duplicates")
				if res.lost != 0 || res.dups != 0 || res.unique != total {
					b.Errorf("lost %d, duplicates %d, registered %d of %d", res.lost, res.dups, res.unique, total)
				}
				srv.Stop()
			}
		})
	}
}
