package rhombus_test

import (
	"context"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/api"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// zeros is an endless reader of a JSON string's worth of bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

// BenchmarkRefuseOversizedAnswer measures what refusing a 200 MB answer to
// createUser costs the client with the default 10 MiB cap, with and
// without a Content-Length, reporting the peak of the live heap during the
// call above the heap before it (peak-MiB) next to the bytes allocated:
//
//	go test -run='^$' -bench=RefuseOversizedAnswer -benchmem -benchtime=5x ./wrapper/
func BenchmarkRefuseOversizedAnswer(b *testing.B) {
	const size = 200 << 20
	for _, announced := range []bool{true, false} {
		name := "chunked"
		if announced {
			name = "content-length"
		}
		b.Run(name, func(b *testing.B) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				w.Header().Set("Content-Type", "application/json")
				if announced {
					w.Header().Set("Content-Length", strconv.Itoa(size))
				}
				_, _ = io.WriteString(w, `{"warningMsg":"`)
				_, _ = io.CopyN(w, zeros{}, int64(size-len(`{"warningMsg":"`)))
			}))
			b.Cleanup(srv.Close)
			c, err := rhombus.New(rhombus.WithEndpoint(srv.URL), rhombus.WithCredential(rhombus.APIToken(testKey)),
				rhombus.WithHTTPClient(srv.Client()), rhombus.WithLimiter(nil))
			require.NoError(b, err)
			var peak float64
			for b.Loop() {
				p := peakHeapDuring(func() {
					_, err := c.CreateUser(context.Background(), api.CreateUserRequest{Email: "jane@example.com"})
					if err == nil {
						b.Fatal("an oversized answer was accepted")
					}
				})
				peak = max(peak, p)
			}
			b.ReportMetric(peak/(1<<20), "peak-MiB")
		})
	}
}

// peakHeapDuring runs f and returns the highest live heap seen while it
// ran, above the heap after a collection before it, sampled every 100 µs.
func peakHeapDuring(f func()) float64 {
	return peakHeapWithCeiling("", math.Inf(1), f)
}
