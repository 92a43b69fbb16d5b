package rhombus_test

import (
	"context"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/time/rate"

	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// bulkSchedule runs total rows from workers goroutines through lim against
// a simulated organisation bucket (serverRate, burst) on synctest's fake
// clock, as the client sends them: wait for the limiter, send, and on a 429
// wait Retry-After in whole seconds (at least 1, as Rhombus sends it) and
// send again. A request takes a millisecond to reach the server. It
// returns the fake time the job took and the 429s answered.
func bulkSchedule(t *testing.T, lim *rhombus.Limiter, serverRate float64, burst, total, workers int) (wall time.Duration, refused int64) {
	synctest.Test(t, func(t *testing.T) {
		server := rate.NewLimiter(rate.Limit(serverRate), burst)
		var mu sync.Mutex // the server takes one request at a time
		var next, n429 atomic.Int64
		var wg sync.WaitGroup
		start := time.Now()
		for range workers {
			wg.Go(func() {
				for next.Add(1) <= int64(total) {
					for {
						if err := lim.Wait(context.Background()); err != nil {
							t.Error(err)
							return
						}
						sent := time.Now()
						time.Sleep(time.Millisecond)
						mu.Lock()
						now := time.Now()
						ok := server.AllowN(now, 1)
						missing := 1 - server.TokensAt(now)
						mu.Unlock()
						if ok {
							lim.Observe(sent, 200, 0)
							break
						}
						n429.Add(1)
						retryAfter := time.Duration(max(1, math.Ceil(missing/serverRate))) * time.Second
						lim.Observe(sent, 429, retryAfter)
						time.Sleep(retryAfter)
					}
				}
			})
		}
		wg.Wait()
		wall, refused = time.Since(start), n429.Load()
	})
	return wall, refused
}

// TestLearnedRateSchedule runs the command line's bulk default (from 10/s
// with a burst of 20, learning up to 100/s, 4 rows at a time) against
// organisations of 20/s and 50/s (burst 20), for 280 to 320 rows. A 429
// makes its row wait a whole second of Retry-After: in the middle of a job
// the other rows use that second, at its end nothing does. A limiter that
// probes above the server's rate every second ended most jobs up to a
// second late (6.70 s for 310 rows at 50/s, minimum 5.8 s), depending on
// where its last probe fell, and 300 rows happened to miss it. Every job
// must end within 3% of its minimum, (rows - 20) / rate.
func TestLearnedRateSchedule(t *testing.T) {
	for _, serverRate := range []float64{20, 50} {
		for total := 280; total <= 320; total += 10 {
			t.Run(fmt.Sprintf("%v/s/%d-rows", serverRate, total), func(t *testing.T) {
				lim, err := rhombus.NewLimiter(10, 20, rhombus.Adaptive(), rhombus.MaxRate(100))
				if err != nil {
					t.Fatal(err)
				}
				wall, refused := bulkSchedule(t, lim, serverRate, 20, total, 4)
				minimum := time.Duration(float64(total-20) / serverRate * float64(time.Second))
				t.Logf("%v on the fake clock (minimum %v, %.3fx), %d 429s", wall.Round(time.Millisecond), minimum, wall.Seconds()/minimum.Seconds(), refused)
				if limit := minimum + minimum*3/100; wall > limit {
					t.Errorf("took %v on the fake clock, over %v (the minimum %v + 3%%), with %d 429s", wall.Round(time.Millisecond), limit, minimum, refused)
				}
			})
		}
	}
}
