package rhombus_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rhombuskit/rhombus-go/api"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// run is a piece of a generated answer: s, n times.
type run struct {
	s string
	n int
}

// hostile is an answer to getDeviceLicensesForOrg built to cost the client
// more memory than its size suggests; it is generated as it is sent, so
// the server holds none of it.
type hostile struct {
	name string
	runs []run
	gzip bool // sent with Content-Encoding: gzip
}

func (h hostile) size() int64 {
	var n int64
	for _, r := range h.runs {
		n += int64(len(r.s)) * int64(r.n)
	}
	return n
}

// writeTo writes the answer's JSON to w.
func (h hostile) writeTo(w io.Writer) error {
	buf := make([]byte, 0, 64<<10)
	for _, r := range h.runs {
		left := r.n
		for left > 0 {
			buf = buf[:0]
			for left > 0 && len(buf)+len(r.s) <= cap(buf) {
				buf = append(buf, r.s...)
				left--
			}
			if len(buf) == 0 { // a piece longer than the buffer
				buf = append(buf, r.s...)
				left--
			}
			if _, err := w.Write(buf); err != nil {
				return err
			}
		}
	}
	return nil
}

// hostileShapes are answers of about size bytes (before compression): many
// tiny list items, deep nesting, one long string, and the long string
// gzipped (some 200 KiB on the wire for 200 MB).
func hostileShapes(size int) []hostile {
	const itemsHead, itemsTail = `{"deviceLicenses":[{}`, `]}`
	const nestHead, nestTail = `{"deviceLicenses":[],"x":`, `}`
	const strHead, strTail = `{"deviceLicenses":[{"productCode":"`, `"}]}`
	depth := (size - len(nestHead) - len(nestTail)) / 2
	long := []run{{strHead, 1}, {"x", size - len(strHead) - len(strTail)}, {strTail, 1}}
	return []hostile{
		{name: "tiny-items", runs: []run{{itemsHead, 1}, {",{}", (size - len(itemsHead) - len(itemsTail)) / 3}, {itemsTail, 1}}},
		{name: "deep-nesting", runs: []run{{nestHead, 1}, {"[", depth}, {"]", depth}, {nestTail, 1}}},
		{name: "long-string", runs: long},
		{name: "gzip-bomb", runs: long, gzip: true},
	}
}

// serveHostile starts a loopback server giving every request h, with a
// Content-Length (of the compressed bytes for gzip); it returns the server
// and the bytes sent on the wire per answer.
func serveHostile(tb testing.TB, h hostile) (*httptest.Server, int64) {
	tb.Helper()
	var packed []byte
	wire := h.size()
	if h.gzip {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		if err := h.writeTo(zw); err != nil {
			tb.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			tb.Fatal(err)
		}
		packed = b.Bytes()
		wire = int64(len(packed))
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.FormatInt(wire, 10))
		if packed != nil {
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = w.Write(packed)
			return
		}
		_ = h.writeTo(w)
	}))
	tb.Cleanup(srv.Close)
	return srv, wire
}

// BenchmarkHostileAnswer answers getDeviceLicensesForOrg with hostile
// 200 MB answers of four shapes (see hostileShapes), with the operation's
// own cap and with the cap raised to 256 MiB by WithMaxResponseBytes, and
// reports the peak live heap during the call above the heap before it
// (peak-MiB, sampled every 100 µs), whether the answer was accepted, and
// the bytes on the wire:
//
//	go test -run='^$' -bench=HostileAnswer -benchtime=1x ./wrapper/
//
// A call whose live heap passes RHOMBUS_BENCH_HEAP_CEILING_MIB (default
// 4096) stops the process with a message saying so, since a shape can
// take more memory than the machine has.
func BenchmarkHostileAnswer(b *testing.B) {
	ceiling := 4096.0
	if v := os.Getenv("RHOMBUS_BENCH_HEAP_CEILING_MIB"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			b.Fatal(err)
		}
		ceiling = f
	}
	org := api.GetDeviceLicensesForOrgRequest{OrgUUID: rhombus.MustParseRUUID("AAAAAAAAAAAAAAAAAAAAAA")}
	for _, h := range hostileShapes(200_000_000) {
		for _, raised := range []bool{false, true} {
			name := h.name + "/cap=operation"
			if raised {
				name = h.name + "/cap=256MiB"
			}
			b.Run(name, func(b *testing.B) {
				srv, wire := serveHostile(b, h)
				opts := []rhombus.Option{rhombus.WithEndpoint(srv.URL), rhombus.WithCredential(rhombus.PartnerAPIToken(testKey)),
					rhombus.WithHTTPClient(srv.Client()), rhombus.WithLimiter(nil), rhombus.WithRetryPolicy(noRetry)}
				if raised {
					opts = append(opts, rhombus.WithMaxResponseBytes(256<<20))
				}
				c, err := rhombus.New(opts...)
				if err != nil {
					b.Fatal(err)
				}
				var peak float64
				accepted := 0.0
				var last error
				for b.Loop() {
					p := peakHeapWithCeiling(name, ceiling*(1<<20), func() {
						_, last = c.GetDeviceLicensesForOrg(context.Background(), org)
					})
					peak = max(peak, p)
					if last == nil {
						accepted = 1
					}
				}
				b.ReportMetric(peak/(1<<20), "peak-MiB")
				b.ReportMetric(accepted, "accepted")
				b.ReportMetric(float64(wire), "wire-B")
				if last != nil {
					msg := last.Error()
					if i := strings.Index(msg, "; body starts"); i > 0 {
						msg = msg[:i]
					}
					b.Logf("%s: %s", name, msg)
				}
			})
		}
	}
}

// peakHeapWithCeiling runs f and returns the highest live heap seen while
// it ran, above the heap after a collection before it, sampled every
// 100 µs; it stops the process when the live heap passes ceiling bytes.
func peakHeapWithCeiling(name string, ceiling float64, f func()) float64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() float64 {
		metrics.Read(sample)
		return float64(sample[0].Value.Uint64())
	}
	base := read()
	var peak float64
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(100 * time.Microsecond)
		defer t.Stop()
		for {
			peak = max(peak, read())
			if peak-base > ceiling {
				fmt.Printf("%s: live heap passed %.0f MiB: stopped\n", name, ceiling/(1<<20))
				os.Exit(3)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	return max(peak-base, 0)
}

// BenchmarkAnswerAtBudget measures the most an accepted answer to
// getDeviceLicensesForOrg costs with its own cap (32 MiB): empty licenses
// (3 bytes of JSON, some 320 bytes decoded) as many as the decode budget
// (4 times the cap) allows, and one more; one license with as many empty
// features as it allows; and full licenses filling the cap. peak-MiB as in BenchmarkHostileAnswer; peak/cap is the peak
// over the cap:
//
//	go test -run='^$' -bench=AnswerAtBudget -benchtime=1x ./wrapper/
func BenchmarkAnswerAtBudget(b *testing.B) {
	const limit = 32 << 20
	const budget = 4 * limit
	const itemsHead, itemsTail = `{"deviceLicenses":[{}`, `]}`
	const featuresHead, featuresTail = `{"deviceLicenses":[{"features":[{}`, `]}]}`
	empty := func(head, tail string) func(n int) hostile {
		return func(n int) hostile { return hostile{runs: []run{{head, 1}, {",{}", n - 1}, {tail, 1}}} }
	}
	licenses, features := empty(itemsHead, itemsTail), empty(featuresHead, featuresTail)
	full := licensesAnswer(1)
	item := string(full[len(`{"error":false,"deviceLicenses":[`) : len(full)-len(`]}`)])
	n := (limit - 100) / (len(item) + 1)
	within := func(name string, shape func(int) hostile) hostile {
		h := shape(mostWithin(b, budget, shape))
		h.name = name
		return h
	}
	past := licenses(mostWithin(b, budget, licenses) + 1)
	past.name = "empty-licenses-past-budget"
	cases := []hostile{
		within("empty-licenses-within-budget", licenses),
		past,
		// A list below the top level grows as encoding/json fills it.
		within("empty-features-within-budget", features),
		{name: "full-licenses-at-cap", runs: []run{{`{"error":false,"deviceLicenses":[` + item, 1}, {"," + item, n - 1}, {"]}", 1}}},
	}
	org := api.GetDeviceLicensesForOrgRequest{OrgUUID: rhombus.MustParseRUUID("AAAAAAAAAAAAAAAAAAAAAA")}
	for _, h := range cases {
		for _, generated := range []bool{false, true} {
			name := h.name + "/typed"
			if generated {
				name = h.name + "/generated"
			}
			b.Run(name, func(b *testing.B) {
				srv, wire := serveHostile(b, h)
				c, err := rhombus.New(rhombus.WithEndpoint(srv.URL), rhombus.WithCredential(rhombus.PartnerAPIToken(testKey)),
					rhombus.WithHTTPClient(srv.Client()), rhombus.WithLimiter(nil), rhombus.WithRetryPolicy(noRetry))
				if err != nil {
					b.Fatal(err)
				}
				call := func() error {
					if !generated {
						_, err := c.GetDeviceLicensesForOrg(context.Background(), org)
						return err
					}
					// The wrapper decodes the answer to check it against
					// the result type; the generated parser takes that value.
					res, err := c.API().GetDeviceLicensesForOrgWithResponse(context.Background(), org)
					if err == nil && res.JSON200 == nil {
						err = fmt.Errorf("no result")
					}
					return err
				}
				var peak float64
				accepted := 0.0
				var last error
				for b.Loop() {
					peak = max(peak, peakHeapDuring(func() { last = call() }))
					if last == nil {
						accepted = 1
					}
				}
				b.ReportMetric(peak/(1<<20), "peak-MiB")
				b.ReportMetric(peak/limit, "peak/cap")
				b.ReportMetric(accepted, "accepted")
				b.ReportMetric(float64(wire), "wire-B")
				if last != nil {
					b.Logf("%s: %.200s", name, last.Error())
				}
			})
		}
	}
}

// mostWithin is the largest n for which the answer shape(n) is within the
// decode budget.
func mostWithin(b *testing.B, budget int64, shape func(int) hostile) int {
	cost := func(n int) int64 {
		var body bytes.Buffer
		if err := shape(n).writeTo(&body); err != nil {
			b.Fatal(err)
		}
		return rhombus.DecodeCostOf(body.Bytes(), new(api.GetDeviceLicensesForOrgResponse))
	}
	lo, hi := 1, 2
	for cost(hi) <= budget {
		lo, hi = hi, 2*hi
	}
	for hi-lo > 1 {
		if mid := (lo + hi) / 2; cost(mid) <= budget {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}
