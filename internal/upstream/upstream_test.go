package upstream

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"testing"
)

const pinned = "../../" + File

// TestPinnedDocumentIsUnchanged: the pinned copy is the vendor's, byte for byte.
func TestPinnedDocumentIsUnchanged(t *testing.T) {
	b, err := os.ReadFile(pinned)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != SHA256 {
		t.Fatalf("%s has sha256 %s, want %s: the pinned copy must not be edited", File, got, SHA256)
	}
}

// TestRepairsMakeTheDocumentLoad: the vendor's document does not load as
// published (dangling $refs); repaired, it does, and each repair is named.
func TestRepairsMakeTheDocumentLoad(t *testing.T) {
	d, err := Read(pinned)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Repairs) != 2 {
		t.Errorf("want the 2 dangling $refs repaired, got %d: %v", len(d.Repairs), d.Repairs)
	}
	for _, r := range d.Repairs {
		if !strings.Contains(r, "dangling $ref") {
			t.Errorf("repair %q does not say what it repaired", r)
		}
	}
	doc, err := d.Load()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(doc.Paths.Map()); n < 800 {
		t.Errorf("only %d paths loaded", n)
	}
}

func TestDanglingRefIsRepairedNotDropped(t *testing.T) {
	d, err := Parse([]byte(`{"openapi":"3.0.1","info":{"title":"t","version":"1"},"paths":{},
		"components":{"schemas":{"A":{"type":"object","properties":{"b":{"$ref":"#/components/schemas/Missing"}}}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Repairs) != 1 || !strings.Contains(d.Repairs[0], "#/components/schemas/A/properties/b") {
		t.Fatalf("repairs: %v", d.Repairs)
	}
	b := d.Schemas()["A"].(map[string]any)["properties"].(map[string]any)["b"].(map[string]any)
	if _, still := b["$ref"]; still {
		t.Error("the dangling $ref is still there")
	}
	if _, err := d.Load(); err != nil {
		t.Error(err)
	}
}
