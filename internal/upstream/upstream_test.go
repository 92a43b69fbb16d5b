package upstream

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

const pinned = "../../" + File

// TestPinnedDocumentIsUnchanged: the pinned copy is the vendor's, byte for
// byte, as its provenance (upstream/README.md, which make upstream
// rewrites with the document) records it.
func TestPinnedDocumentIsUnchanged(t *testing.T) {
	b, err := os.ReadFile(pinned)
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../../upstream/README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\| sha256 \| ([0-9a-f]{64}) \|$`).FindSubmatch(readme)
	if m == nil {
		t.Fatal("upstream/README.md has no row | sha256 | <64 hex digits> |")
	}
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != string(m[1]) {
		t.Fatalf("%s has sha256 %s, its provenance says %s: the pinned copy must not be edited (make upstream replaces it)", File, got, m[1])
	}
}

// TestRepairsMakeTheDocumentLoad: the vendor's document does not load as
// published (dangling $refs); repaired, it does, and each repair is named.
func TestRepairsMakeTheDocumentLoad(t *testing.T) {
	d, err := Read(pinned)
	if err != nil {
		t.Fatal(err)
	}
	var dangling, mapped int
	for _, r := range d.Repairs {
		switch {
		case strings.Contains(r, "dangling $ref"):
			dangling++
		case strings.Contains(r, "discriminator: mapping added"):
			mapped++
		default:
			t.Errorf("repair %q does not say what it repaired", r)
		}
	}
	if dangling != 2 || mapped == 0 {
		t.Errorf("want the 2 dangling $refs repaired and discriminators mapped, got %d and %d: %v", dangling, mapped, d.Repairs)
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

// A oneOf discriminator without a mapping gets one where an alternative's
// name holds an enum value (the longest, if several); the others stay
// unmapped, and a mapping the document gives is kept.
func TestDiscriminatorMappingFromNames(t *testing.T) {
	d, err := Parse([]byte(`{"components": {"schemas": {
	  "Kind": {"type": "string", "enum": ["OSDP_READER", "RHOMBUS_OSDP_READER", "PIN"]},
	  "Base": {"type": "object", "discriminator": {"propertyName": "type"},
	    "properties": {"type": {"$ref": "#/components/schemas/Kind"}},
	    "oneOf": [{"$ref": "#/components/schemas/RhombusOsdpReaderType"}, {"$ref": "#/components/schemas/OsdpReaderType"}, {"$ref": "#/components/schemas/Keypad"}]},
	  "Given": {"type": "object", "discriminator": {"propertyName": "type", "mapping": {"PIN": "#/components/schemas/Keypad"}},
	    "properties": {"type": {"$ref": "#/components/schemas/Kind"}},
	    "oneOf": [{"$ref": "#/components/schemas/Keypad"}]},
	  "RhombusOsdpReaderType": {"type": "object"}, "OsdpReaderType": {"type": "object"}, "Keypad": {"type": "object"}
	}}}`))
	if err != nil {
		t.Fatal(err)
	}
	got := d.Schemas()["Base"].(map[string]any)["discriminator"].(map[string]any)["mapping"]
	want := map[string]any{
		"RHOMBUS_OSDP_READER": "#/components/schemas/RhombusOsdpReaderType",
		"OSDP_READER":         "#/components/schemas/OsdpReaderType",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("mapping %v, want %v", got, want)
	}
	given := d.Schemas()["Given"].(map[string]any)["discriminator"].(map[string]any)["mapping"]
	if !reflect.DeepEqual(given, map[string]any{"PIN": "#/components/schemas/Keypad"}) {
		t.Errorf("a mapping the document gives was changed: %v", given)
	}
	if len(d.Repairs) != 1 || !strings.Contains(d.Repairs[0], "Base/discriminator: mapping added") {
		t.Errorf("repairs %v", d.Repairs)
	}
}

// An optional parameter, inline or shared, becomes a pointer in Go, so
// one left unset is not sent as its zero value; a required one, or one
// the document decides already, stays as it is; each change is reported.
func TestOptionalParametersBecomePointers(t *testing.T) {
	d, err := Parse([]byte(`{"openapi":"3.0.1","info":{"title":"t","version":"1"},
		"paths":{"/api/a/b":{"post":{"operationId":"b","parameters":[
			{"$ref":"#/components/parameters/Shared"},
			{"name":"transaction","in":"query","schema":{"type":"string"}},
			{"name":"x-auth-scheme","in":"header","required":true,"schema":{"type":"string"}},
			{"name":"decided","in":"query","x-go-type-skip-optional-pointer":true,"schema":{"type":"string"}}],
			"responses":{"200":{"description":"OK"}}}}},
		"components":{"parameters":{"Shared":{"name":"RHOMBUS_MY_IP","in":"header","schema":{"type":"string"}}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	d.RepairForGo()
	op := d.Root["paths"].(map[string]any)["/api/a/b"].(map[string]any)["post"].(map[string]any)
	params := op["parameters"].([]any)
	shared := d.Root["components"].(map[string]any)["parameters"].(map[string]any)["Shared"].(map[string]any)
	for name, p := range map[string]map[string]any{"RHOMBUS_MY_IP": shared, "transaction": params[1].(map[string]any)} {
		if v, ok := p["x-go-type-skip-optional-pointer"]; !ok || v != false {
			t.Errorf("%s: x-go-type-skip-optional-pointer = %v, want false", name, v)
		}
	}
	if _, set := params[2].(map[string]any)["x-go-type-skip-optional-pointer"]; set {
		t.Error("the required x-auth-scheme was marked")
	}
	if v := params[3].(map[string]any)["x-go-type-skip-optional-pointer"]; v != true {
		t.Errorf("the document's own decision was changed to %v", v)
	}
	want := []string{
		"#/components/parameters/Shared: optional header parameter RHOMBUS_MY_IP made a pointer, so that one left unset is not sent",
		"#/paths/~1api~1a~1b/post/parameters/1: optional query parameter transaction made a pointer, so that one left unset is not sent",
	}
	if !reflect.DeepEqual(d.Repairs, want) {
		t.Errorf("repairs:\n%q\nwant\n%q", d.Repairs, want)
	}
	d.RepairForGo()
	if len(d.Repairs) != len(want) {
		t.Errorf("a second RepairForGo listed %d repairs", len(d.Repairs))
	}
}
