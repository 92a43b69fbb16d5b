package fullapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/rhombuskit/rhombus-go/fullapi"
	"github.com/rhombuskit/rhombus-go/fullapi/fullops"
	"github.com/rhombuskit/rhombus-go/rhombustest"
	"github.com/rhombuskit/rhombus-go/ruuid"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

const doorsOp = "findAccessControlledDoors"

// doorRUUID is door i's RUUID.
func doorRUUID(i int) string {
	var b [16]byte
	b[0], b[1], b[2], b[3] = 0xd0, 0x02, byte(i>>8), byte(i)
	return string(ruuid.FromBytes(b))
}

func pagedFake(t *testing.T, n int) (*rhombustest.Server, *rhombus.Client) {
	t.Helper()
	s := rhombustest.NewServer(t, rhombustest.WithSpec(fullops.Spec))
	items := make([]json.RawMessage, n)
	for i := range items {
		items[i] = json.RawMessage(fmt.Sprintf(`{"uuid":%q,"name":"door %d"}`, doorRUUID(i), i))
	}
	s.ServePages(doorsOp, items)
	c := s.Client(rhombus.WithOperations(fullops.Operations...),
		rhombus.WithRetryPolicy(rhombus.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond}))
	return s, c
}

func doorRequests(s *rhombustest.Server) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Operation == doorsOp {
			n++
		}
	}
	return n
}

// TestPaginatorWalksTenThousandDoors walks 10,000 doors in pages of 100
// against the fake: every door comes once, in order, one request per page
// (and one more for the page answered 429 in the middle, resent).
func TestPaginatorWalksTenThousandDoors(t *testing.T) {
	s, c := pagedFake(t, 10000)
	size := int32(100)
	seen := make(map[string]int, 10000)
	i := 0
	for door, err := range fullapi.FindAccessControlledDoorsItems(context.Background(), c, fullapi.ComponentFindAccessControlledDoorsWSRequest{MaxPageSize: &size}) {
		if err != nil {
			t.Fatalf("after %d doors: %v", i, err)
		}
		if door.UUID != doorRUUID(i) {
			t.Fatalf("door %d: got %v, want %s", i, door.UUID, doorRUUID(i))
		}
		seen[door.UUID]++
		i++
		if i == 5000 {
			// The next page (the 51st) is answered 429 once, then resent.
			s.Fail(doorsOp, rhombustest.RateLimited(time.Millisecond))
		}
	}
	if i != 10000 || len(seen) != 10000 {
		t.Fatalf("got %d doors, %d different; want 10000", i, len(seen))
	}
	if got := doorRequests(s); got != 101 {
		t.Errorf("%d requests; want 101 (100 pages, one resent after its 429)", got)
	}
}

// TestPaginatorRefusesARepeatingCursor: a server that gives the same cursor
// again ends the walk with ErrCursorRepeated, after two requests.
func TestPaginatorRefusesARepeatingCursor(t *testing.T) {
	s, c := pagedFake(t, 0)
	s.Handle(doorsOp, func([]byte) (any, error) {
		return json.RawMessage(`{"error":false,"accessControlledDoors":[{"uuid":"` + doorRUUID(1) + `"}],"lastEvaluatedKey":"same"}`), nil
	})
	pages, last := 0, error(nil)
	for page, err := range fullapi.FindAccessControlledDoorsPages(context.Background(), c, fullapi.ComponentFindAccessControlledDoorsWSRequest{}) {
		if err != nil {
			last = err
			continue
		}
		if page == nil {
			t.Fatal("nil page without an error")
		}
		pages++
	}
	if !errors.Is(last, rhombus.ErrCursorRepeated) {
		t.Fatalf("got %v, want ErrCursorRepeated", last)
	}
	if pages != 2 || doorRequests(s) != 2 {
		t.Errorf("%d pages, %d requests; want 2 and 2", pages, doorRequests(s))
	}
}

// TestPaginatorStopsWhenCancelled: cancelling the context during a page
// ends the walk with the context's error before another request.
func TestPaginatorStopsWhenCancelled(t *testing.T) {
	s, c := pagedFake(t, 1000)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	size := int32(10)
	n, last := 0, error(nil)
	for _, err := range fullapi.FindAccessControlledDoorsItems(ctx, c, fullapi.ComponentFindAccessControlledDoorsWSRequest{MaxPageSize: &size}) {
		if err != nil {
			last = err
			break
		}
		if n++; n == 25 { // in the third page
			cancel()
		}
	}
	if !errors.Is(last, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", last)
	}
	if n != 30 || doorRequests(s) != 3 {
		t.Errorf("%d doors, %d requests; want the 30 doors of 3 pages, and 3 requests", n, doorRequests(s))
	}
}

// TestPaginatorLastUUIDStyle walks getPolicyAlertsV2, whose next cursor is
// the last item's uuid, against the fake's own pages: every alert once.
func TestPaginatorLastUUIDStyle(t *testing.T) {
	s := rhombustest.NewServer(t, rhombustest.WithSpec(fullops.Spec))
	c := s.Client(rhombus.WithOperations(fullops.Operations...))
	size := int32(100)
	seen := map[string]bool{}
	for alert, err := range fullapi.GetPolicyAlertsV2Items(context.Background(), c, fullapi.EventGetPolicyAlertsV2WSRequest{MaxResults: &size}) {
		if err != nil {
			t.Fatal(err)
		}
		if alert.UUID == "" || seen[alert.UUID] {
			t.Fatalf("alert %d: uuid %v missing or repeated", len(seen), alert.UUID)
		}
		seen[alert.UUID] = true
	}
	if len(seen) != rhombustest.DefaultPagedItems {
		t.Errorf("got %d alerts, want %d", len(seen), rhombustest.DefaultPagedItems)
	}
}
