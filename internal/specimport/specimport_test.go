package specimport

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/rhombuskit/rhombus-go/internal/upstream"
)

// vendorDoc is a small vendor document with the mistakes the real one has.
const vendorDoc = `{
 "openapi": "3.0.1", "info": {"title": "v", "version": "1"},
 "components": {
  "parameters": {"XAuthSchemeParam": {"in": "header", "name": "x-auth-scheme", "required": true,
    "schema": {"type": "string", "default": "api-token", "minLength": 9, "maxLength": 9}}},
  "schemas": {
   "Thing_GetWSRequest": {"type": "object", "properties": {
     "thingUuid": {"type": "string", "format": "RUUID", "nullable": true},
     "ids": {"type": "array", "items": {"type": "string", "format": "RUUID"}},
     "facet": {"type": "string", "format": "DeviceFacetUuid"}}},
   "Thing_GetWSResponse": {"type": "object", "properties": {
     "count": {"type": "integer", "format": "int32", "example": "many"},
     "name": {"type": "string", "example": "ok"}}},
   "Thing_BrokenWSRequest": {"type": "object", "properties": {"x": {"$ref": "#/components/schemas/Nowhere"}}},
   "Door_UnlockWSResponse": {"type": "object", "discriminator": {"propertyName": "type"},
     "oneOf": [{"$ref": "#/components/schemas/Door_UnlockSuccess"}, {"$ref": "#/components/schemas/Door_UnlockError"}],
     "properties": {"type": {"$ref": "#/components/schemas/Kind"}}},
   "Door_UnlockSuccess": {"type": "object", "properties": {"type": {"$ref": "#/components/schemas/Kind"}}},
   "Door_UnlockError": {"type": "object", "properties": {"type": {"$ref": "#/components/schemas/Kind"},
     "errorType": {"type": "string", "enum": ["JAMMED"]}}},
   "Kind": {"type": "string", "enum": ["ERROR", "SUCCESS"]}
  }
 },
 "paths": {
  "/api/thing/get": {"post": {"operationId": "getThing", "summary": "Get a thing",
    "parameters": [{"$ref": "#/components/parameters/XAuthSchemeParam"}],
    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing_GetWSRequest"}}}},
    "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing_GetWSResponse"}}}}}}},
  "/api/thing/broken": {"post": {"operationId": "brokenThing",
    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing_BrokenWSRequest"}}}},
    "responses": {"200": {"description": "OK"}}}},
  "/api/door/unlock": {"post": {"operationId": "unlockDoor",
    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing_GetWSRequest"}}}},
    "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Door_UnlockWSResponse"}}}}}}},
  "/api/thing/list": {"get": {"operationId": "listThings", "responses": {"200": {"description": "OK"}}}}
 }
}`

func testDoc(t *testing.T) *upstream.Doc {
	t.Helper()
	d, err := upstream.Parse([]byte(vendorDoc))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func testSpec(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("../../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// The hand-written spec alone: the operations imported into the real
	// one are not in this test's small vendor document.
	return []byte(removeRegion(removeRegion(string(b), pathsBegin, pathsEnd), schemasBegin, schemasEnd))
}

func TestImportConvertsAndRepairs(t *testing.T) {
	spec := testSpec(t)
	res, err := Import(spec, testDoc(t), []string{"getThing", "unlockDoor"},
		Decisions{ReadsGiven: true, Reads: []string{"getThing"}, Identifying: map[string][]string{"unlockDoor": {"thingUuid"}}})
	if err != nil {
		t.Fatal(err)
	}
	out := string(res.YAML)
	for _, want := range []string{
		"thingUuid:\n          $ref: '#/components/schemas/RUUID'", // a RUUID is the RUUID schema
		"items:\n            $ref: '#/components/schemas/RUUID'",
		"x-rhombus-idempotent: true",
		"x-rhombus-identifying-fields:\n        - thingUuid",
		"x-rhombus-failure:\n        equals: ERROR\n        property: type\n        reason:\n          - errorType",
		"maxLength: 9", // the vendor's x-auth-scheme parameter
		pathsBegin, pathsEnd, schemasBegin, schemasEnd,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the import lacks %q", want)
		}
	}
	if strings.Contains(out, "DeviceFacetUuid") {
		t.Error("a format nobody defines was kept")
	}
	if !strings.HasPrefix(out, string(spec[:strings.Index(string(spec), "\ncomponents:")])) && !strings.Contains(out, "\n"+pathsBegin) {
		t.Error("the hand-written start of the spec changed")
	}
	var gotExample bool
	for _, r := range res.Repairs {
		if strings.Contains(r, `example "many" contradicts its schema`) {
			gotExample = true
		}
	}
	if !gotExample {
		t.Errorf("the bad example was not repaired and listed: %v", res.Repairs)
	}
	if strings.Contains(out, "example: many") {
		t.Error("the bad example is still there")
	}
	if !strings.Contains(out, "example: ok") {
		t.Error("a good example was dropped")
	}

	// Importing again, with no new decision, changes nothing.
	again, err := Import(res.YAML, testDoc(t), nil, Decisions{})
	if err != nil {
		t.Fatal(err)
	}
	if string(again.YAML) != out {
		t.Error("a re-import changed the spec: importing must be idempotent")
	}
	// The hand-written part is kept byte for byte.
	handStart := string(spec[:strings.Index(string(spec), "\ncomponents:")])
	if !strings.HasPrefix(out, strings.TrimRight(handStart, "\n")) {
		t.Error("the paths written by hand changed")
	}
}

func TestImportRefusesUndecidedAndBroken(t *testing.T) {
	spec := testSpec(t)
	cases := []struct {
		name string
		ids  []string
		dec  Decisions
		want string
	}{
		{"undecided", []string{"getThing"}, Decisions{}, "getThing: undecided: is it safe to resend?"},
		{"unknown", []string{"nope"}, Decisions{ReadsGiven: true}, "nope: no such operationId"},
		{"not a POST", []string{"listThings"}, Decisions{ReadsGiven: true}, "listThings: GET /api/thing/list"},
		{"hand-written", []string{"createUser"}, Decisions{ReadsGiven: true}, "createUser: hand-written in openapi.yaml"},
		{"bad identifying field", []string{"unlockDoor"}, Decisions{ReadsGiven: true, Identifying: map[string][]string{"unlockDoor": {"serial"}}},
			`unlockDoor: identifying field "serial" is not a top-level field`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Import(spec, testDoc(t), tc.ids, tc.dec)
			var re *RefusedError
			if !errors.As(err, &re) {
				t.Fatalf("want a refusal, got %v", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("the refusal does not say %q:\n%v", tc.want, err)
			}
		})
	}
}

// TestImportRepairsDanglingRef: a $ref to a schema the document lacks is
// repaired (an unconstrained schema), listed, and does not stop the import.
func TestImportRepairsDanglingRef(t *testing.T) {
	res, err := Import(testSpec(t), testDoc(t), []string{"brokenThing", "getThing"}, Decisions{ReadsGiven: true, Reads: []string{"brokenThing", "getThing"}})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range res.Repairs {
		found = found || strings.Contains(r, "#/components/schemas/Thing_BrokenWSRequest/properties/x: dangling $ref")
	}
	if !found {
		t.Errorf("the repair is not listed: %v", res.Repairs)
	}
	if len(res.Imported) != 2 {
		t.Errorf("imported %v", res.Imported)
	}
}

// TestImportWriteWithoutIdentifyingFields: a write named without
// IDENTIFYING records an explicit empty list, and says so.
func TestImportWriteWithoutIdentifyingFields(t *testing.T) {
	res, err := Import(testSpec(t), testDoc(t), []string{"unlockDoor"}, Decisions{ReadsGiven: true})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(res.YAML), "x-rhombus-identifying-fields: []") {
		t.Error("no explicit empty decision recorded")
	}
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "unlockDoor: a write with no identifying fields") {
		t.Errorf("notes: %v", res.Notes)
	}
}
