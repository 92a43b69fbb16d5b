//go:build !nofake

package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// rhombus call findAccessControlledDoors --all against `rhombus fake
// --spec whole` (the command, here in this process): the doors created
// through the command line come back one JSON object a line, each once and
// in the order created, in ceil(doors/maxPageSize) requests, the last page
// short.
func TestCallAllAgainstTheFakeCommand(t *testing.T) {
	t.Parallel()
	c := newCLI(t, nil)
	f := startFake(t, c, "--spec", "whole")
	call := func(args ...string) output {
		t.Helper()
		return c.runRaw(append([]string{"--endpoint-url", f.url, "--api-key", f.key, "call"}, args...)...)
	}
	const doors, size = 90, 40
	for i := range doors {
		wantCode(t, call("createAccessControlledDoor", "--data", fmt.Sprintf(`{"accessControlledDoor":{"name":"door %d"}}`, i)), 0)
	}
	o := call("findAccessControlledDoors", "--all", "--data", fmt.Sprintf(`{"maxPageSize":%d}`, size))
	wantCode(t, o, 0)
	lines := strings.Split(strings.TrimSuffix(o.stdout, "\n"), "\n")
	if len(lines) != doors {
		t.Fatalf("%d lines, want one a door, %d", len(lines), doors)
	}
	seen := map[string]bool{}
	for i, l := range lines {
		var door struct{ UUID, Name string }
		if err := json.Unmarshal([]byte(l), &door); err != nil || !strings.HasPrefix(l, "{") {
			t.Fatalf("line %d is not one JSON object (%v): %.200s", i+1, err, l)
		}
		if door.UUID == "" || seen[door.UUID] {
			t.Fatalf("line %d: uuid %q missing or repeated", i+1, door.UUID)
		}
		seen[door.UUID] = true
		if want := fmt.Sprintf("door %d", i); door.Name != want {
			t.Fatalf("line %d: name %q, want %q (the order created)", i+1, door.Name, want)
		}
	}
	if err := f.stop(); err != nil {
		t.Fatal(err)
	}
	pages := strings.Count(f.stderr.String(), `findAccessControlledDoors "/api/component/findAccessControlledDoors" -> 200`)
	if want := (doors + size - 1) / size; pages != want {
		t.Errorf("the fake logged %d pages answered, want %d:\n%s", pages, want, redactTestSecrets(f.stderr.String()))
	}
}
