package redislimit

import (
	"context"
	"net"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/logging"
)

// refusedURL is a Redis URL on a loopback port nothing listens on.
func refusedURL(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return "redis://127.0.0.1:" + strconv.Itoa(port) + "/0"
}

// countingDials is FromURL's limiter for url with its dials counted.
func countingDials(t testing.TB, url string, dials *atomic.Int64, opts ...Option) *Limiter {
	t.Helper()
	o, err := clientOptions(url)
	if err != nil {
		t.Fatal(err)
	}
	d := &net.Dialer{Timeout: o.DialTimeout}
	o.Dialer = func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		return d.DialContext(ctx, network, addr)
	}
	rdb := redis.NewClient(o)
	t.Cleanup(func() { rdb.Close() })
	l, err := New(rdb, "org", 1000, 10, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// lineCounter counts the lines go-redis logs.
type lineCounter struct{ n atomic.Int64 }

func (c *lineCounter) Printf(context.Context, string, ...any) { c.n.Add(1) }

// TestRefusedRedisIsOneDial: a check of a refused Redis dials it once and
// gives up, so it costs a call a fraction of a millisecond, and go-redis
// logs one line for it; the next check, a second later, dials once more.
// go-redis's defaults dialled 20 times (5 dials 100 ms apart for each of 4
// attempts): 1.8 s per check, and four lines in its log.
func TestRefusedRedisIsOneDial(t *testing.T) {
	lines := &lineCounter{}
	redis.SetLogger(lines)
	t.Cleanup(logging.Enable)
	var dials, warnings atomic.Int64
	l := countingDials(t, refusedURL(t), &dials, WithWarning(func(error) { warnings.Add(1) }))
	for check := int64(1); check <= 3; check++ {
		if err := l.Wait(context.Background()); err != nil {
			t.Fatalf("check %d: Wait: %v", check, err)
		}
		if n := dials.Load(); n != check {
			t.Errorf("after check %d of a refused Redis: %d dials, want %d", check, n, check)
		}
		if n := lines.n.Load(); n > check {
			t.Errorf("after check %d of a refused Redis: go-redis logged %d lines, want at most %d", check, n, check)
		}
		l.down.Store(0) // the second of local pacing is over
	}
	if n := warnings.Load(); n != 1 {
		t.Errorf("%d warnings for one outage, want 1", n)
	}
}

// TestCheckReserveRefusesImpossibleAnswers: an answer the reserve script
// cannot give is an error (the limiter then paces locally), whatever the
// bucket held: a NaN wait reaches Go as the least int64.
func TestCheckReserveRefusesImpossibleAnswers(t *testing.T) {
	const now = 1_700_000_000_000_000
	hour := bucketLife.Microseconds()
	for _, tc := range []struct {
		res     []int64
		maxWait int64
		ok      bool
	}{
		{[]int64{1, 0, now}, -1, true},
		{[]int64{1, 100_000, now}, -1, true},
		{[]int64{1, hour, now}, -1, true},
		{[]int64{0, 200_000, now}, 100_000, true},
		{[]int64{1, 100_000, now}, 100_000, true},
		{[]int64{1, -9223372036854775808, now}, -1, false}, // NaN
		{[]int64{1, -1, now}, -1, false},
		{[]int64{1, hour + 1, now}, -1, false},
		{[]int64{1, 200_000, now}, 100_000, false}, // taken past the deadline
		{[]int64{2, 0, now}, -1, false},
		{[]int64{1, 0, 0}, -1, false},
		{[]int64{1, 0}, -1, false},
		{nil, -1, false},
	} {
		err := checkReserve(tc.res, tc.maxWait)
		if (err == nil) != tc.ok {
			t.Errorf("checkReserve(%v, %d) = %v, want ok %v", tc.res, tc.maxWait, err, tc.ok)
		}
	}
}

// BenchmarkRefusedRedisCheck: what the first check of a refused Redis
// costs a call (a new limiter each time, so go-redis's pool has not given
// up dialling yet), and how many dials it makes:
//
//	go test -run='^$' -bench=RefusedRedisCheck -benchtime=200x ./redislimit/
func BenchmarkRefusedRedisCheck(b *testing.B) {
	redis.SetLogger(&lineCounter{})
	b.Cleanup(logging.Enable)
	url := refusedURL(b)
	var dials atomic.Int64
	for b.Loop() {
		l := countingDials(b, url, &dials)
		if err := l.Wait(context.Background()); err != nil {
			b.Fatal(err)
		}
		_ = l.rdb.Close()
	}
	b.ReportMetric(float64(dials.Load())/float64(b.N), "dials/op")
}
