package upstream

import (
	"reflect"
	"strings"
	"testing"
)

// The pinned document caps x-auth-scheme at 9 characters on the shared
// parameter; the repair gives it the seed pages' values, so a partner key
// is accepted, and says so.
func TestAuthSchemeLengthRepaired(t *testing.T) {
	d, err := Read("../../" + File)
	if err != nil {
		t.Fatal(err)
	}
	d.RepairAuthScheme()
	p := d.Root["components"].(map[string]any)["parameters"].(map[string]any)["XAuthSchemeParam"].(map[string]any)
	s := p["schema"].(map[string]any)
	if !reflect.DeepEqual(s["enum"], AuthSchemes) {
		t.Errorf("enum %v, want %v", s["enum"], AuthSchemes)
	}
	if s["maxLength"] != nil || s["minLength"] != nil {
		t.Errorf("the length is still there: %v", s)
	}
	n := 0
	for _, r := range d.Repairs {
		if strings.Contains(r, "XAuthSchemeParam") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d repairs of XAuthSchemeParam reported, want 1: %v", n, d.Repairs)
	}
	d.RepairAuthScheme() // a second run finds nothing left to repair
	if strings.Count(strings.Join(d.Repairs, "\n"), "XAuthSchemeParam") != 1 {
		t.Errorf("a second run repaired again: %v", d.Repairs)
	}
}
