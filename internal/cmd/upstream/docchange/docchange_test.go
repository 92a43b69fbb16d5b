package docchange

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func pinned(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("../../../../upstream/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestEachChangeChangesThePin: every change applies to today's pin and
// gives a document that differs from the pin as Apply writes it
// unchanged, so the difference is the change's.
func TestEachChangeChangesThePin(t *testing.T) {
	b := pinned(t)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var root map[string]any
	if err := dec.Decode(&root); err != nil {
		t.Fatal(err)
	}
	unchanged, err := json.MarshalIndent(root, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range Names() {
		copied, err := Apply(b, n)
		if err != nil {
			t.Errorf("%s: %v", n, err)
			continue
		}
		if bytes.Equal(copied, unchanged) {
			t.Errorf("%s changed nothing", n)
		}
	}
}

// TestChangeThatDoesNotApply: a change whose place is gone, or a name
// that is no change, is an error naming it.
func TestChangeThatDoesNotApply(t *testing.T) {
	b := pinned(t)
	if _, err := Apply(b, "operation-removed", "operation-removed"); err == nil || !strings.Contains(err.Error(), "change operation-removed: paths has no /api/door/getMinimalDoorStateList") {
		t.Errorf("removing an operation twice: %v", err)
	}
	if _, err := Apply(b, "no-such-change"); err == nil || !strings.Contains(err.Error(), `no change "no-such-change": the changes are additive,`) {
		t.Errorf("an unknown change: %v", err)
	}
	if _, err := Apply(b); err == nil || !strings.Contains(err.Error(), "name a change") {
		t.Errorf("no change: %v", err)
	}
}
