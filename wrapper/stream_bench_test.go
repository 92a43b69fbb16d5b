package rhombus_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
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
	head, chunk, tail := licenseParts()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(head)
		for i := 0; i < n; i += 1000 {
			if i > 0 {
				_, _ = w.Write([]byte{','})
			}
			_, _ = w.Write(chunk)
		}
		_, _ = w.Write(tail)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// licenseParts splits the answer of 1,000 licenses into its head, its
// list's items (comma-separated) and its tail.
func licenseParts() (head, chunk, tail []byte) {
	whole := licensesAnswer(1000)
	head = []byte(`{"error":false,"deviceLicenses":[`)
	return head, whole[len(head) : len(whole)-2], whole[len(whole)-2:]
}

// licensesReader reads the answer serveLicenses writes, made as it is
// read: n licenses as the same 1,000 again and again.
type licensesReader struct {
	head, chunk, tail []byte
	left              int    // chunks not yet started
	rest              []byte // what remains of the current piece
	comma, done       bool   // a comma is due before the next chunk; the tail is out
}

func newLicensesReader(n int) *licensesReader {
	head, chunk, tail := licenseParts()
	return &licensesReader{head: head, chunk: chunk, tail: tail, left: n / 1000, rest: head}
}

var comma = []byte{','}

func (r *licensesReader) Read(p []byte) (int, error) {
	for len(r.rest) == 0 {
		switch {
		case r.left > 0 && r.comma:
			r.rest, r.comma = comma, false
		case r.left > 0:
			r.rest, r.comma = r.chunk, true
			r.left--
		case !r.done:
			r.rest, r.done = r.tail, true
		default:
			return 0, io.EOF
		}
	}
	n := copy(p, r.rest)
	r.rest = r.rest[n:]
	return n, nil
}

func (r *licensesReader) Close() error { return nil }

// memoryTransport answers every request with the licenses' answer made as
// it is read: no server and no connection, so that the process's CPU time
// is the client's alone.
type memoryTransport struct{ n int }

func (t memoryTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{StatusCode: http.StatusOK, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: newLicensesReader(t.n), ContentLength: -1, Request: r}, nil
}

// licensesBody is the answer serveLicenses writes, in memory: n licenses
// as the same 1,000 again and again.
func licensesBody(n int) []byte {
	head, chunk, tail := licenseParts()
	body := make([]byte, 0, len(head)+n/1000*(len(chunk)+1)+len(tail))
	body = append(body, head...)
	for i := 0; i < n; i += 1000 {
		if i > 0 {
			body = append(body, ',')
		}
		body = append(body, chunk...)
	}
	return append(body, tail...)
}

// BenchmarkStreamLicenses lists a client organisation's 10,000, 100,000
// and 1,000,000 licenses (570 bytes each) five ways: streamed one at a
// time (GetDeviceLicensesForOrgItems), as a whole answer
// (GetDeviceLicensesForOrg, its cap raised), json.Unmarshal of the answer,
// already in memory, into the generated type, streamed from an
// http.RoundTripper that makes the answer in memory (the client's work
// alone: no server in the process, no connection), and the answer read
// and thrown away by net/http (what the loopback server and the
// connection cost the streamed and whole calls).
//
// Each iteration runs all five, in an order that turns by one each time,
// after a collection, so that the load of a shared machine falls alike on
// each: compare the kinds within a run. For each kind: ns/license, the
// wall time per license; cpu-ns/license, the process's user and system
// time per license (the collector's workers and the in-process server
// included); peak-MiB, the highest live heap during a call above the heap
// before it, from one call of its own before the timed ones (the heap
// sampler would otherwise take its share of the time). streamed/unmarshal
// is the ratio of the two kinds' wall times, cpu-streamed/unmarshal of
// their CPU times, cpu-streamed-memory/unmarshal that of the streamed call
// from memory:
//
//	go test -run='^$' -bench=StreamLicenses -benchtime=1x -count=10 ./wrapper/
func BenchmarkStreamLicenses(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("licenses=%d", n), func(b *testing.B) {
			srv := serveLicenses(b, n)
			c, err := rhombus.New(rhombus.WithEndpoint(srv.URL), rhombus.WithCredential(rhombus.PartnerAPIToken(testKey)),
				rhombus.WithHTTPClient(srv.Client()), rhombus.WithLimiter(nil), rhombus.WithMaxResponseBytes(1<<40))
			if err != nil {
				b.Fatal(err)
			}
			mem, err := rhombus.New(rhombus.WithEndpoint(srv.URL), rhombus.WithCredential(rhombus.PartnerAPIToken(testKey)),
				rhombus.WithHTTPClient(&http.Client{Transport: memoryTransport{n}}), rhombus.WithLimiter(nil))
			if err != nil {
				b.Fatal(err)
			}
			stream := func(c *rhombus.Client) func() {
				return func() {
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
				}
			}
			var body []byte // the unmarshal kind's answer, made before its call, untimed
			kinds := []licenseKind{
				{name: "streamed", call: stream(c)},
				{name: "whole", call: func() {
					res, err := c.GetDeviceLicensesForOrg(ctx, streamOrg)
					if err != nil || len(res.DeviceLicenses) != n {
						b.Fatal(err)
					}
				}},
				{name: "unmarshal", before: func() { body = licensesBody(n) }, call: func() {
					var res api.GetDeviceLicensesForOrgResponse
					if err := json.Unmarshal(body, &res); err != nil || len(res.DeviceLicenses) != n {
						b.Fatal(err)
					}
				}, after: func() { body = nil }},
				{name: "streamed-memory", call: stream(mem)},
				{name: "drain", call: func() {
					resp, err := srv.Client().Post(srv.URL+"/api/partner/getDeviceLicensesForOrg", "application/json", bytes.NewReader([]byte(`{}`)))
					if err != nil {
						b.Fatal(err)
					}
					defer resp.Body.Close()
					if m, err := io.Copy(io.Discard, resp.Body); err != nil || m < int64(n)*500 {
						b.Fatal(m, err)
					}
				}},
			}
			for i := range kinds {
				k := &kinds[i]
				k.prepare()
				k.peak = peakHeapDuring(k.call)
				k.finish()
			}
			for i := 0; b.Loop(); i++ {
				for j := range kinds {
					kinds[(i+j)%len(kinds)].timed()
				}
			}
			per := float64(b.N) * float64(n)
			for _, k := range kinds {
				b.ReportMetric(float64(k.wall)/per, k.name+"-ns/license")
				b.ReportMetric(float64(k.cpu)/per, k.name+"-cpu-ns/license")
				b.ReportMetric(k.peak/(1<<20), k.name+"-peak-MiB")
			}
			b.ReportMetric(float64(kinds[0].wall)/float64(kinds[2].wall), "streamed/unmarshal")
			b.ReportMetric(float64(kinds[0].cpu)/float64(kinds[2].cpu), "cpu-streamed/unmarshal")
			b.ReportMetric(float64(kinds[3].cpu)/float64(kinds[2].cpu), "cpu-streamed-memory/unmarshal")
		})
	}
}

// licenseKind is one way of listing the licenses, and what it took.
type licenseKind struct {
	name          string
	before, after func() // untimed
	call          func()
	wall, cpu     time.Duration
	peak          float64
}

func (k *licenseKind) prepare() {
	if k.before != nil {
		k.before()
	}
}

func (k *licenseKind) finish() {
	if k.after != nil {
		k.after()
	}
}

// timed runs the call once after a collection, adding its wall and CPU
// time.
func (k *licenseKind) timed() {
	k.prepare()
	runtime.GC()
	cpu, start := processCPU(), time.Now()
	k.call()
	k.wall += time.Since(start)
	k.cpu += processCPU() - cpu
	k.finish()
}
