package rhombus_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/rhombuskit/rhombus-go/api"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// BenchmarkLargeAnswer lists a partner's client organisation with 10,000
// and 40,000 device licenses (about 6 and 24 MB) with default settings:
// through the wrapper's typed method, and with plain net/http reading the
// body and decoding it with json.Unmarshal into the generated type, or into
// map[string]any. peak-MiB is the highest live heap during the call above
// the heap before it; payload-MiB the answer's size:
//
//	go test -run='^$' -bench=LargeAnswer -benchmem -count=5 ./wrapper/
func BenchmarkLargeAnswer(b *testing.B) {
	ctx := context.Background()
	org := api.GetDeviceLicensesForOrgRequest{OrgUUID: rhombus.MustParseRUUID("AAAAAAAAAAAAAAAAAAAAAA")}
	for _, n := range []int{10000, 40000} {
		body := licensesAnswer(n)
		srv := serveBody(b, body)
		plain := func(b *testing.B, into func() any) {
			hc := srv.Client()
			run := func() {
				req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/api/partner/getDeviceLicensesForOrg", nil)
				if err != nil {
					b.Fatal(err)
				}
				resp, err := hc.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				raw, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil {
					b.Fatal(err)
				}
				if err := json.Unmarshal(raw, into()); err != nil {
					b.Fatal(err)
				}
			}
			measure(b, len(body), run)
		}
		b.Run(fmt.Sprintf("licenses=%d/wrapper", n), func(b *testing.B) {
			c, err := rhombus.New(rhombus.WithEndpoint(srv.URL), rhombus.WithCredential(rhombus.PartnerAPIToken(testKey)),
				rhombus.WithHTTPClient(srv.Client()), rhombus.WithLimiter(nil))
			if err != nil {
				b.Fatal(err)
			}
			measure(b, len(body), func() {
				res, err := c.GetDeviceLicensesForOrg(ctx, org)
				if err != nil || len(res.DeviceLicenses) != n {
					b.Fatalf("%v", err)
				}
			})
		})
		b.Run(fmt.Sprintf("licenses=%d/unmarshal-typed", n), func(b *testing.B) {
			plain(b, func() any { return new(api.GetDeviceLicensesForOrgResponse) })
		})
		b.Run(fmt.Sprintf("licenses=%d/unmarshal-map", n), func(b *testing.B) {
			plain(b, func() any { return new(map[string]any) })
		})
	}
}

// measure runs f b.N times, reporting the peak live heap of any run.
func measure(b *testing.B, payload int, f func()) {
	b.ReportAllocs()
	b.SetBytes(int64(payload))
	var peak float64
	for b.Loop() {
		peak = max(peak, peakHeapDuring(f))
	}
	b.ReportMetric(peak/(1<<20), "peak-MiB")
	b.ReportMetric(float64(payload)/(1<<20), "payload-MiB")
}
