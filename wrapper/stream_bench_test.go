package rhombus_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/rhombuskit/rhombus-go/api"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// serveLicenses answers getDeviceLicensesForOrg with n licenses (n a
// multiple of 1,000), writing the same 1,000 again and again: the server
// holds 600 KB, not the answer, which would otherwise set the garbage
// collector's pace for the client measured beside it.
func serveLicenses(b *testing.B, n int) *httptest.Server {
	whole := licensesAnswer(1000)
	head := []byte(`{"error":false,"deviceLicenses":[`)
	chunk := whole[len(head) : len(whole)-2]
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(head)
		for i := 0; i < n; i += 1000 {
			if i > 0 {
				_, _ = w.Write([]byte{','})
			}
			_, _ = w.Write(chunk)
		}
		_, _ = w.Write([]byte(`]}`))
	}))
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkStreamLicenses lists a client organisation's 10,000, 100,000
// and 1,000,000 licenses (about 600 bytes each): streamed one at a time
// (GetDeviceLicensesForOrgItems), as a whole answer (GetDeviceLicensesForOrg,
// its cap raised), and json.Unmarshal of the answer, already in memory,
// into the generated type. ns/license is the time per license; peak-MiB
// the highest live heap during a call above the heap before it:
//
//	go test -run='^$' -bench=StreamLicenses -benchtime=3x ./wrapper/
func BenchmarkStreamLicenses(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		srv := serveLicenses(b, n)
		c, err := rhombus.New(rhombus.WithEndpoint(srv.URL), rhombus.WithCredential(rhombus.PartnerAPIToken(testKey)),
			rhombus.WithHTTPClient(srv.Client()), rhombus.WithLimiter(nil), rhombus.WithMaxResponseBytes(1<<40))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("licenses=%d/streamed", n), func(b *testing.B) {
			perLicense(b, n, func() {
				got := 0
				for _, err := range c.GetDeviceLicensesForOrgItems(ctx, streamOrg) {
					if err != nil {
						b.Fatal(err)
					}
					got++
				}
				if got != n {
					b.Fatalf("%d licenses", got)
				}
			})
		})
		b.Run(fmt.Sprintf("licenses=%d/whole", n), func(b *testing.B) {
			perLicense(b, n, func() {
				res, err := c.GetDeviceLicensesForOrg(ctx, streamOrg)
				if err != nil || len(res.DeviceLicenses) != n {
					b.Fatal(err)
				}
			})
		})
		b.Run(fmt.Sprintf("licenses=%d/unmarshal", n), func(b *testing.B) {
			body := licensesAnswer(n)
			perLicense(b, n, func() {
				var res api.GetDeviceLicensesForOrgResponse
				if err := json.Unmarshal(body, &res); err != nil || len(res.DeviceLicenses) != n {
					b.Fatal(err)
				}
			})
		})
	}
}

// perLicense runs f b.N times, timing f alone, and reports the time per
// license and the peak live heap of any run.
func perLicense(b *testing.B, n int, f func()) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() float64 {
		metrics.Read(sample)
		return float64(sample[0].Value.Uint64())
	}
	var peak float64
	var spent time.Duration
	for b.Loop() {
		runtime.GC()
		base, top := read(), 0.0
		done := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.NewTicker(200 * time.Microsecond)
			defer t.Stop()
			for {
				top = max(top, read())
				select {
				case <-done:
					return
				case <-t.C:
				}
			}
		}()
		start := time.Now()
		f()
		spent += time.Since(start)
		close(done)
		wg.Wait()
		peak = max(peak, top-base)
	}
	b.ReportMetric(float64(spent.Nanoseconds())/float64(b.N)/float64(n), "ns/license")
	b.ReportMetric(peak/(1<<20), "peak-MiB")
}
