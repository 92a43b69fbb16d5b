package rhombustest_test

import (
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/rhombuskit/rhombus-go/rhombustest"
)

const pathUnknown = "/api/nothing/here"

// sizes returns the kept length and the size of each recorded body.
func sizes(reqs []rhombustest.Request) (kept, size []int) {
	for _, r := range reqs {
		kept = append(kept, len(r.Body))
		size = append(size, r.BodySize)
	}
	return kept, size
}

// TestRequestLogIsBounded: the server keeps the last n requests and the
// first bytes of each body, and counts what it dropped. It kept every
// request whole: a rhombus fake grew from 24 MB to 370 MB on 200 requests
// of 1 MB.
func TestRequestLogIsBounded(t *testing.T) {
	s := rhombustest.NewServer(t, rhombustest.WithRequestLog(3, 10))
	for i := range 5 {
		post(t, s, pathUnknown, http.Header{}, fmt.Sprintf(`{"n":%d,"pad":"%s"}`, i, strings.Repeat("x", 100)))
	}
	reqs := s.Requests()
	if len(reqs) != 3 || s.DroppedRequests() != 2 {
		t.Fatalf("kept %d requests and dropped %d, want the last 3 and 2 dropped", len(reqs), s.DroppedRequests())
	}
	for i, r := range reqs {
		if want := fmt.Sprintf(`{"n":%d,"pa`, i+2); string(r.Body) != want || r.BodySize != 116 {
			t.Errorf("request %d: kept %q of %d bytes, want %q of 116", i, r.Body, r.BodySize, want)
		}
	}

	// Nothing kept at all.
	none := rhombustest.NewServer(t, rhombustest.WithRequestLog(0, 0))
	post(t, none, pathUnknown, http.Header{}, `{}`)
	if n, d := len(none.Requests()), none.DroppedRequests(); n != 0 || d != 1 {
		t.Errorf("WithRequestLog(0, 0): kept %d, dropped %d; want 0 and 1", n, d)
	}

	// No bound.
	all := rhombustest.NewServer(t, rhombustest.WithRequestLog(-1, -1))
	big := strings.Repeat("y", 200<<10)
	for range 3 {
		post(t, all, pathUnknown, http.Header{}, big)
	}
	if kept, size := sizes(all.Requests()); fmt.Sprint(kept, size) != "[204800 204800 204800] [204800 204800 204800]" {
		t.Errorf("WithRequestLog(-1, -1): kept %v of %v bytes", kept, size)
	}
}

// TestRequestLogDefault: without WithRequestLog, DefaultKeptRequests
// requests and DefaultKeptBody bytes of each body; a body within the bound
// is kept whole.
func TestRequestLogDefault(t *testing.T) {
	s := rhombustest.NewServer(t)
	big := strings.Repeat("z", 1<<20-1) // just within what the fake reads
	post(t, s, pathUnknown, http.Header{}, big)
	post(t, s, pathUnknown, http.Header{}, `{"small":true}`)
	kept, size := sizes(s.Requests())
	if fmt.Sprint(kept, size) != fmt.Sprint([]int{rhombustest.DefaultKeptBody, 14}, []int{len(big), 14}) {
		t.Errorf("kept %v of %v bytes, want the first %d of a large body and a small one whole", kept, size, rhombustest.DefaultKeptBody)
	}
	for range rhombustest.DefaultKeptRequests {
		post(t, s, pathUnknown, http.Header{}, `{}`)
	}
	if n, d := len(s.Requests()), s.DroppedRequests(); n != rhombustest.DefaultKeptRequests || d != 2 {
		t.Errorf("after %d requests: kept %d, dropped %d; want %d and 2", rhombustest.DefaultKeptRequests+2, n, d, rhombustest.DefaultKeptRequests)
	}
}

// BenchmarkRequestLogHeap reports the live heap of a fake after 200
// requests of 1 MB each, with the default bound and with none (as it was):
//
//	go test -run='^$' -bench=RequestLogHeap -benchtime=1x ./rhombustest/
func BenchmarkRequestLogHeap(b *testing.B) {
	body := strings.Repeat("b", 1_000_000)
	for _, mode := range []struct {
		name string
		opts []rhombustest.Option
	}{
		{"default", nil},
		{"unbounded", []rhombustest.Option{rhombustest.WithRequestLog(-1, -1)}},
	} {
		b.Run(mode.name, func(b *testing.B) {
			for b.Loop() {
				s := rhombustest.NewServer(b, mode.opts...)
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				for range 200 {
					if _, err := postErr(b.Context(), s, pathUnknown, http.Header{}, body); err != nil {
						b.Fatal(err)
					}
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
				b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/(1<<20), "heap-MiB")
				runtime.KeepAlive(s)
				s.Close()
			}
		})
	}
}
