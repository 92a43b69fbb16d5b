package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/rhombuskit/rhombus-go/fullapi/fullops"
	"github.com/rhombuskit/rhombus-go/rhombustest"
)

// rhombus call OP --all walks every page of findAccessControlledDoors
// against the fake of the whole API (the doors created, in pages) and
// writes one JSON object per door per line, each door once.
func TestCallAllWritesEveryItemAsNDJSON(t *testing.T) {
	t.Parallel()
	s := rhombustest.NewServer(t, rhombustest.WithSpec(fullops.Spec))
	c := newCLI(t, s)
	// The fake keeps the doors created, and lists them in pages.
	const doors = 120
	for i := range doors {
		o := c.run("call", "createAccessControlledDoor", "--data", fmt.Sprintf(`{"accessControlledDoor":{"name":"door %d"}}`, i))
		wantCode(t, o, 0)
	}
	o := c.run("call", "findAccessControlledDoors", "--all", "--data", `{"maxPageSize":50}`)
	wantCode(t, o, 0)
	lines := strings.Split(strings.TrimSuffix(o.stdout, "\n"), "\n")
	seen := map[string]bool{}
	for i, l := range lines {
		var door map[string]any
		if err := json.Unmarshal([]byte(l), &door); err != nil {
			t.Fatalf("line %d is not a JSON object: %v: %q", i+1, err, l)
		}
		id, _ := door["uuid"].(string)
		if id == "" || seen[id] {
			t.Fatalf("line %d: uuid %q missing or repeated", i+1, id)
		}
		seen[id] = true
	}
	if len(seen) != doors {
		t.Errorf("%d doors, want %d", len(seen), doors)
	}
	n := 0
	for _, r := range s.Requests() {
		if r.Operation == "findAccessControlledDoors" {
			n++
		}
	}
	if n != 3 {
		t.Errorf("%d requests, want 3 pages of at most 50", n)
	}

	o = c.run("call", "getLocations", "--all")
	wantCode(t, o, 2)
	if !strings.Contains(o.stderr, "getLocations does not answer in pages") {
		t.Errorf("--all on an operation without pages: %s", o)
	}
}
