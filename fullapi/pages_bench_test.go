package fullapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/metrics"
	"slices"
	"testing"
	"time"

	"github.com/rhombuskit/rhombus-go/fullapi"
	"github.com/rhombuskit/rhombus-go/fullapi/fullops"
	"github.com/rhombuskit/rhombus-go/rhombustest"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// BenchmarkPaginatorDoors walks 10,000 doors in pages of 100 with
// FindAccessControlledDoorsItems from the in-process fake of the whole API,
// as is and with one page answered 429 in the middle (resent). Per walk:
// requests/op, the requests the fake received (100, or 101 with the 429);
// ns/door, B/door and allocs/door, the walk's time and allocations over
// the doors (the fake's own work in the same process included); and the
// live heap (after a collection) held in the middle of each of the 100
// pages of one walk, above the heap before the walk: in the first page,
// the last, and the most: a walk holds one page at a time, not the
// 10,000 doors.
//
//	go test -run='^$' -bench=PaginatorDoors -benchmem -benchtime=20x -count=3 ./fullapi/
func BenchmarkPaginatorDoors(b *testing.B) {
	const doors, size = 10000, 100
	for _, mode := range []string{"pages", "429-in-middle"} {
		b.Run(mode, func(b *testing.B) {
			s := rhombustest.NewServer(b, rhombustest.WithSpec(fullops.Spec), rhombustest.WithRequestLog(1, 0))
			items := make([]json.RawMessage, doors)
			for i := range items {
				items[i] = json.RawMessage(fmt.Sprintf(`{"uuid":%q,"name":"door %d"}`, doorRUUID(i), i))
			}
			s.ServePages(doorsOp, items)
			// The client straight from rhombus.New: no client-side pacing
			// (the default limiter would make it a benchmark of 10
			// requests/s), and not the fake's spec-checking transport, so
			// the client's cost is the paginator's.
			c, err := rhombus.New(rhombus.WithEndpoint(s.URL), rhombus.WithCredential(s.Credential(rhombustest.OrgAPIToken)),
				rhombus.WithOperations(fullops.Operations...), rhombus.WithLimiter(nil),
				rhombus.WithRetryPolicy(rhombus.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond}))
			if err != nil {
				b.Fatal(err)
			}
			received := func() int { return len(s.Requests()) + s.DroppedRequests() }
			pageSize := int32(size)
			req := fullapi.ComponentFindAccessControlledDoorsWSRequest{MaxPageSize: &pageSize}
			// mid, when not nil, is called in the middle of each page.
			walk := func(mid func()) {
				n := 0
				for door, err := range fullapi.FindAccessControlledDoorsItems(context.Background(), c, req) {
					if err != nil {
						b.Fatalf("after %d doors: %v", n, err)
					}
					if door.UUID != doorRUUID(n) {
						b.Fatalf("door %d: got %v, want %s", n, door.UUID, doorRUUID(n))
					}
					if mid != nil && n%size == size/2 {
						mid()
					}
					if n++; n == doors/2 && mode == "429-in-middle" {
						s.Fail(doorsOp, rhombustest.RateLimited(time.Millisecond))
					}
				}
				if n != doors {
					b.Fatalf("%d doors, want %d", n, doors)
				}
			}
			// The heaps, from a walk before the timed ones (each measure
			// collects the garbage, which would take its share of the time).
			walk(nil)
			held := heldHeaps(walk)
			if len(held) != doors/size {
				b.Fatalf("%d heaps, want one a page", len(held))
			}
			first, last, most := held[0], held[len(held)-1], slices.Max(held)

			before := received()
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			walks := 0
			for b.Loop() {
				walk(nil)
				walks++
			}
			runtime.ReadMemStats(&m1)
			requests := float64(received()-before) / float64(walks)
			want := float64(doors / size)
			if mode == "429-in-middle" {
				want++
			}
			if requests != want {
				b.Fatalf("%.2f requests a walk, want %.0f", requests, want)
			}
			b.ReportMetric(requests, "requests/op")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(walks*doors), "ns/door")
			b.ReportMetric(first/1024, "first-page-held-KiB")
			b.ReportMetric(last/1024, "last-page-held-KiB")
			b.ReportMetric(most/1024, "most-held-KiB")
			perDoor := float64(walks * doors)
			b.ReportMetric(float64(m1.TotalAlloc-m0.TotalAlloc)/perDoor, "B/door")
			b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/perDoor, "allocs/door")
		})
	}
}

// heldHeaps is the live heap (after a collection) that walk holds, above
// the heap before it, each time walk calls its argument (in the middle of
// each page).
func heldHeaps(walk func(mid func())) []float64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	live := func() float64 {
		runtime.GC()
		metrics.Read(sample)
		return float64(sample[0].Value.Uint64())
	}
	base := live()
	var held []float64
	walk(func() { held = append(held, max(live()-base, 0)) })
	return held
}
