package specimport

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/rhombuskit/rhombus-go/internal/upstream"
)

// namesDoc is a vendor document whose schemas clash with the hand-written
// ones (LicenseFeature has the same shape, DeviceLicense another), needs the
// Go repairs, and spells an operationId in lower case.
const namesDoc = `{
 "openapi": "3.0.1", "info": {"title": "v", "version": "1"},
 "components": {"schemas": {
  "Lic_GetLicensesWSRequest": {"type": "object", "properties": {"orgUuid": {"type": "string", "format": "RUUID"}}},
  "Lic_GetLicensesWSResponse": {"type": "object", "properties": {
    "features": {"type": "array", "items": {"$ref": "#/components/schemas/LicenseFeature"}},
    "licenses": {"type": "array", "items": {"$ref": "#/components/schemas/DeviceLicense"}}}},
  "LicenseFeature": {"type": "object", "properties": {"enabled": {"type": "boolean", "nullable": true}, "name": {"type": "string", "nullable": true}}},
  "DeviceLicense": {"type": "object", "properties": {"seats": {"type": "integer", "format": "int32"}}},
  "Model_ListWSResponse": {"type": "object", "properties": {
    "ownedBy": {"type": "string"}, "owned_by": {"type": "string"},
    "byTag": {"type": "object", "additionalProperties": {"type": "array", "nullable": true, "items": {"type": "string"}}}}},
  "Thing_CreateThingWSRequest": {"type": "object", "properties": {"name": {"type": "string"}, "parentUuid": {"type": "string", "format": "RUUID"}}},
  "Thing_CreateThingWSResponse": {"type": "object", "properties": {"uuid": {"type": "string", "format": "RUUID"}}},
  "Shared": {"type": "object", "properties": {"a": {"type": "string"}}}
 }},
 "paths": {
  "/api/lic/getLicenses": {"post": {"operationId": "getLicenses",
    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Lic_GetLicensesWSRequest"}}}},
    "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Lic_GetLicensesWSResponse"}}}}}}},
  "/api/model/list": {"post": {"operationId": "getModels",
    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Shared"}}}},
    "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Model_ListWSResponse"}}}}}}},
  "/api/model/other": {"post": {"operationId": "otherModels",
    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Shared"}}}},
    "responses": {"200": {"description": "OK"}}}},
  "/api/thing/create": {"post": {"operationId": "creatething",
    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing_CreateThingWSRequest"}}}},
    "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing_CreateThingWSResponse"}}}}}}},
  "/api/thing/withParams": {"post": {"operationId": "getThingWithParams",
    "parameters": [{"in": "header", "name": "x-auth-scheme", "schema": {"type": "string"}},
      {"in": "query", "name": "transaction", "schema": {"type": "string", "nullable": true}}],
    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Shared"}}}},
    "responses": {"200": {"description": "OK"}}}},
  "/api/thing/create2": {"post": {"operationId": "create_thing",
    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Shared"}}}},
    "responses": {"200": {"description": "OK"}}}}
 }
}`

func namesVendor(t *testing.T) *upstream.Doc {
	t.Helper()
	d, err := upstream.Parse([]byte(namesDoc))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// parsed is the spec's YAML as generic values.
func parsed(t *testing.T, spec []byte) (paths, schemas map[string]any) {
	t.Helper()
	var doc struct {
		Paths      map[string]any `yaml:"paths"`
		Components struct {
			Schemas map[string]any `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(spec, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Paths, doc.Components.Schemas
}

func postOf(t *testing.T, paths map[string]any, path string) map[string]any {
	t.Helper()
	item, _ := paths[path].(map[string]any)
	op, ok := item["post"].(map[string]any)
	if !ok {
		t.Fatalf("%s is not in the spec", path)
	}
	return op
}

// A vendor schema with a hand-written schema's name is not a refusal: the
// same shape is the hand-written schema, another shape is imported under
// another name, with its references rewritten.
func TestImportNameClashReusesOrRenames(t *testing.T) {
	res, err := Import(testSpec(t), namesVendor(t), []string{"getLicenses"}, Decisions{ReadsGiven: true, Reads: []string{"getLicenses"}})
	if err != nil {
		t.Fatal(err)
	}
	_, schemas := parsed(t, res.YAML)
	if _, ok := schemas["DeviceLicense_Vendor"]; !ok {
		t.Error("the vendor's DeviceLicense, another shape, was not imported as DeviceLicense_Vendor")
	}
	if _, ok := schemas["LicenseFeature_Vendor"]; ok {
		t.Error("the vendor's LicenseFeature, the hand-written shape, was imported again instead of reused")
	}
	out := string(res.YAML)
	if !strings.Contains(out, "$ref: '#/components/schemas/DeviceLicense_Vendor'") {
		t.Error("the reference to the renamed schema was not rewritten")
	}
	hand := string(testSpec(t))
	handSchemas := hand[strings.Index(hand, "\ncomponents:"):]
	if !strings.Contains(out, handSchemas[:strings.Index(handSchemas, "    # ")]) {
		t.Error("the hand-written schemas changed")
	}
	if !slices.ContainsFunc(res.Notes, func(n string) bool { return strings.Contains(n, "imported as DeviceLicense_Vendor") }) {
		t.Errorf("the renaming is not said: %v", res.Notes)
	}
}

// The repairs fullapi's generator needs apply to imports: properties whose
// Go names collide, a nullable array as a map value.
func TestImportAppliesTheGoRepairs(t *testing.T) {
	res, err := Import(testSpec(t), namesVendor(t), []string{"getModels"}, Decisions{ReadsGiven: true, Reads: []string{"getModels"}})
	if err != nil {
		t.Fatal(err)
	}
	_, schemas := parsed(t, res.YAML)
	m, _ := schemas["Model_ListWSResponse"].(map[string]any)
	props, _ := m["properties"].(map[string]any)
	ownedBy, _ := props["owned_by"].(map[string]any)
	if ownedBy["x-go-name"] != "OwnedBy2" {
		t.Errorf("owned_by has no Go name of its own: %v", ownedBy)
	}
	byTag, _ := props["byTag"].(map[string]any)
	if ap, _ := byTag["additionalProperties"].(map[string]any); ap["nullable"] != nil {
		t.Errorf("the map's array values are still nullable: %v", ap)
	}
	if len(res.Repairs) < 2 {
		t.Errorf("the repairs are not listed: %v", res.Repairs)
	}
}

// Each operation's method, and its own request and answer types, are named
// by one rule from its operationId; a schema shared by operations keeps its
// name.
func TestImportGoNames(t *testing.T) {
	res, err := Import(testSpec(t), namesVendor(t), []string{"creatething", "getModels", "getLicenses"},
		Decisions{ReadsGiven: true, Reads: []string{"getModels", "getLicenses"}})
	if err != nil {
		t.Fatal(err)
	}
	paths, schemas := parsed(t, res.YAML)
	for path, want := range map[string]string{"/api/thing/create": "CreateThing", "/api/model/list": "GetModels", "/api/lic/getLicenses": "GetLicenses"} {
		if got := postOf(t, paths, path)["x-go-name"]; got != want {
			t.Errorf("%s: x-go-name %v, want %s", path, got, want)
		}
	}
	for schema, want := range map[string]any{
		"Thing_CreateThingWSRequest":  "CreateThingRequest",
		"Thing_CreateThingWSResponse": "CreateThingResponse",
		"Lic_GetLicensesWSResponse":   "GetLicensesResponse",
		"Model_ListWSResponse":        "GetModelsResponse",
		"Shared":                      nil, // another operation of the document uses it too
	} {
		s, _ := schemas[schema].(map[string]any)
		if s == nil {
			t.Errorf("%s was not imported", schema)
			continue
		}
		if got := s["x-go-name"]; got != want {
			t.Errorf("%s: x-go-name %v, want %v", schema, got, want)
		}
	}
}

// Two operations that would have one Go name are refused, by name.
func TestImportRefusesGoNameCollision(t *testing.T) {
	_, err := Import(testSpec(t), namesVendor(t), []string{"creatething", "create_thing"}, Decisions{ReadsGiven: true})
	var re *RefusedError
	if !errors.As(err, &re) {
		t.Fatalf("want a refusal, got %v", err)
	}
	if !strings.Contains(err.Error(), "create_thing, creatething: the operations would have one Go method name, CreateThing") {
		t.Errorf("the refusal does not name both: %v", err)
	}
}

// A refusal examines the whole list and gives every reason.
func TestImportRefusalListsEveryReason(t *testing.T) {
	_, err := Import(testSpec(t), namesVendor(t), []string{"nope", "getLicenses", "otherModels", "creatething", "create_thing", "createUser"},
		Decisions{ReadsGiven: true, Identifying: map[string][]string{"otherModels": {"serial", "colour"}, "getModels": {"x"}}})
	var re *RefusedError
	if !errors.As(err, &re) {
		t.Fatalf("want a refusal, got %v", err)
	}
	for _, want := range []string{
		"nope: no such operationId",
		"createUser: hand-written",
		`otherModels: identifying field "serial"`,
		`otherModels: identifying field "colour"`,
		"getModels: IDENTIFYING names it, but OPS does not",
		"create_thing, creatething: the operations would have one Go method name, CreateThing",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the refusal lacks %q:\n%v", want, err)
		}
	}
}

// A recorded decision is kept unless the command changes it, and every
// change is said.
func TestImportKeepsDecisions(t *testing.T) {
	doc := namesVendor(t)
	first, err := Import(testSpec(t), doc, []string{"creatething", "getModels"},
		Decisions{ReadsGiven: true, Reads: []string{"getModels"}, Identifying: map[string][]string{"creatething": {"name", "parentUuid"}}})
	if err != nil {
		t.Fatal(err)
	}
	// Listed again among READS' operations, without IDENTIFYING: the
	// write's fields stay.
	again, err := Import(first.YAML, doc, []string{"creatething", "getModels"}, Decisions{ReadsGiven: true, Reads: []string{"getModels"}})
	if err != nil {
		t.Fatal(err)
	}
	if string(again.YAML) != string(first.YAML) || len(again.Changes) != 0 {
		t.Errorf("re-listing with the same decisions changed them: %v", again.Changes)
	}
	// IDENTIFYING given: changed, and said.
	changed, err := Import(first.YAML, doc, []string{"creatething"}, Decisions{Identifying: map[string][]string{"creatething": {"name"}}})
	if err != nil {
		t.Fatal(err)
	}
	paths, _ := parsed(t, changed.YAML)
	if got := postOf(t, paths, "/api/thing/create")[extIdentifying]; !slices.Equal(got.([]any), []any{"name"}) {
		t.Errorf("identifying fields %v, want [name]", got)
	}
	if !slices.Contains(changed.Changes, "creatething: identifying fields [name parentUuid] -> [name]") {
		t.Errorf("the change is not said: %v", changed.Changes)
	}
	// A read made a write, and a write a read: said.
	flipped, err := Import(first.YAML, doc, []string{"creatething", "getModels"}, Decisions{ReadsGiven: true, Reads: []string{"creatething"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"creatething: write -> read", "getModels: read -> write"} {
		if !slices.Contains(flipped.Changes, want) {
			t.Errorf("%q is not said: %v", want, flipped.Changes)
		}
	}
	// Fields for a read are refused, not dropped.
	if _, err := Import(first.YAML, doc, []string{"getModels"}, Decisions{Identifying: map[string][]string{"getModels": {"x"}}}); err == nil ||
		!strings.Contains(err.Error(), "getModels: IDENTIFYING names fields of a read") {
		t.Errorf("identifying fields for a read: %v", err)
	}
	// A key written by hand in the imported region is kept.
	capped := strings.Replace(string(first.YAML), "      x-rhombus-imported: true\n", "      x-rhombus-imported: true\n      x-rhombus-max-response-bytes: 1024\n", 1)
	kept, err := Import([]byte(capped), doc, nil, Decisions{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(kept.YAML), "x-rhombus-max-response-bytes: 1024") {
		t.Error("a hand-written answer cap was dropped by a re-import")
	}
}

// Unimport leaves the spec as if the operations had never been imported.
func TestUnimportIsNeverHavingImported(t *testing.T) {
	hand, doc := testSpec(t), namesVendor(t)
	dec := Decisions{ReadsGiven: true, Reads: []string{"getModels", "getLicenses"}, Identifying: map[string][]string{"creatething": {"name"}}}
	both, err := Import(hand, doc, []string{"creatething", "getModels", "getLicenses"}, dec)
	if err != nil {
		t.Fatal(err)
	}
	alone, err := Import(hand, doc, []string{"creatething"}, Decisions{ReadsGiven: true, Identifying: map[string][]string{"creatething": {"name"}}})
	if err != nil {
		t.Fatal(err)
	}
	less, err := Unimport(both.YAML, doc, []string{"getModels", "getLicenses"})
	if err != nil {
		t.Fatal(err)
	}
	if string(less.YAML) != string(alone.YAML) {
		t.Error("import A, B and C, unimport B and C: not the bytes of importing A alone")
	}
	if strings.Contains(string(less.YAML), "Model_ListWSResponse") || strings.Contains(string(less.YAML), "DeviceLicense_Vendor") {
		t.Error("a schema only the removed operations reached is still there")
	}
	none, err := Unimport(less.YAML, doc, []string{"creatething"})
	if err != nil {
		t.Fatal(err)
	}
	if string(none.YAML) != string(hand) {
		t.Error("unimporting every operation does not give the hand-written spec back byte for byte")
	}
	for _, tc := range []struct{ id, want string }{
		{"createUser", "createUser: hand-written"},
		{"getModels", "getModels: not imported"},
	} {
		if _, err := Unimport(alone.YAML, doc, []string{tc.id}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("unimport %s: %v", tc.id, err)
		}
	}
}

// The vendor's operations that were refused for their schemas' names, or
// imported into a tree that did not build, are imported.
func TestImportTheVendorsHardCases(t *testing.T) {
	doc, err := upstream.Read("../../" + upstream.File)
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{"getUsersInOrg", "getDeviceLicenses", "updateRhombusKeySettingsForUser", "getOpenAIModels", "uploadNewFloorPlan"}
	res, err := Import(testSpec(t), doc, ids, Decisions{ReadsGiven: true, Reads: []string{"getUsersInOrg", "getDeviceLicenses", "getOpenAIModels"}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Imported, slices.Sorted(slices.Values(ids))) {
		t.Errorf("imported %v", res.Imported)
	}
	if !slices.ContainsFunc(res.Repairs, func(r string) bool { return strings.Contains(r, "/owned_by: Go name collides with ownedBy") }) {
		t.Errorf("getOpenAIModels' owned_by is not repaired: %v", res.Repairs)
	}
}

// A parameter other than x-auth-scheme is imported with the operation, not
// dropped.
func TestImportKeepsOtherParameters(t *testing.T) {
	res, err := Import(testSpec(t), namesVendor(t), []string{"getThingWithParams"}, Decisions{ReadsGiven: true, Reads: []string{"getThingWithParams"}})
	if err != nil {
		t.Fatal(err)
	}
	paths, _ := parsed(t, res.YAML)
	params, _ := postOf(t, paths, "/api/thing/withParams")["parameters"].([]any)
	if len(params) != 1 {
		t.Fatalf("parameters %v, want the query parameter transaction alone", params)
	}
	if p, _ := params[0].(map[string]any); p["name"] != "transaction" || p["in"] != "query" {
		t.Errorf("parameter %v, want query transaction", p)
	}
	// Optional: a pointer in Go, so that one left nil is not sent empty.
	if p, _ := params[0].(map[string]any); p["x-go-type-skip-optional-pointer"] != false {
		t.Errorf("parameter %v, want x-go-type-skip-optional-pointer: false", p)
	}
}

// sharingDoc is namesDoc with a newer vendor's additions: createThingV2
// uses creatething's request and answer schemas, and, when clash is set,
// otherThing's request holds a schema the vendor named CreateThingRequest.
func sharingDoc(t *testing.T, clash bool) *upstream.Doc {
	t.Helper()
	ops := `"paths": {
  "/api/thing/createV2": {"post": {"operationId": "createThingV2",
    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing_CreateThingWSRequest"}}}},
    "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing_CreateThingWSResponse"}}}}}}},`
	schemas := `"components": {"schemas": {`
	if clash {
		ops += `
  "/api/thing/other": {"post": {"operationId": "otherThing",
    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Other_ThingWSRequest"}}}},
    "responses": {"200": {"description": "OK"}}}},`
		schemas += `
  "Other_ThingWSRequest": {"type": "object", "properties": {"thing": {"$ref": "#/components/schemas/CreateThingRequest"}}},
  "CreateThingRequest": {"type": "object", "properties": {"b": {"type": "string"}}},`
	}
	text := strings.Replace(strings.Replace(namesDoc, `"paths": {`, ops, 1), `"components": {"schemas": {`, schemas, 1)
	d, err := upstream.Parse([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func goNameOf(t *testing.T, spec []byte, schema string) any {
	t.Helper()
	_, schemas := parsed(t, spec)
	s, _ := schemas[schema].(map[string]any)
	if s == nil {
		t.Fatalf("%s is not in the spec", schema)
	}
	return s["x-go-name"]
}

// The Go names recorded in openapi.yaml are kept when a newer vendor
// document has another operation share an imported operation's request and
// answer schemas: re-importing, or importing that operation too, renames no
// Go type (api.CreateThingRequest stays).
func TestImportKeepsRecordedGoNames(t *testing.T) {
	first, err := Import(testSpec(t), namesVendor(t), []string{"creatething"}, Decisions{ReadsGiven: true})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"Thing_CreateThingWSRequest": "CreateThingRequest", "Thing_CreateThingWSResponse": "CreateThingResponse"}
	for n, g := range want {
		if got := goNameOf(t, first.YAML, n); got != g {
			t.Fatalf("first import: %s has x-go-name %v, want %s", n, got, g)
		}
	}
	t.Run("re-import", func(t *testing.T) {
		again, err := Import(first.YAML, sharingDoc(t, false), nil, Decisions{})
		if err != nil {
			t.Fatal(err)
		}
		for n, g := range want {
			if got := goNameOf(t, again.YAML, n); got != g {
				t.Errorf("%s: x-go-name %v after re-import, want %s kept", n, got, g)
			}
		}
		if string(again.YAML) != string(first.YAML) {
			t.Errorf("re-importing creatething from a document that only adds an operation changed openapi.yaml")
		}
	})
	t.Run("import the sharing operation", func(t *testing.T) {
		both, err := Import(first.YAML, sharingDoc(t, false), []string{"createThingV2"}, Decisions{ReadsGiven: true})
		if err != nil {
			t.Fatal(err)
		}
		for n, g := range want {
			if got := goNameOf(t, both.YAML, n); got != g {
				t.Errorf("%s: x-go-name %v after importing createThingV2, want %s kept", n, got, g)
			}
		}
		paths, _ := parsed(t, both.YAML)
		if got := postOf(t, paths, "/api/thing/createV2")["x-go-name"]; got != "CreateThingV2" {
			t.Errorf("createThingV2: x-go-name %v, want CreateThingV2", got)
		}
		if got := postOf(t, paths, "/api/thing/create")["x-go-name"]; got != "CreateThing" {
			t.Errorf("creatething: x-go-name %v, want CreateThing", got)
		}
	})
	t.Run("unimport the first keeps no name for it", func(t *testing.T) {
		both, err := Import(first.YAML, sharingDoc(t, false), []string{"createThingV2"}, Decisions{ReadsGiven: true})
		if err != nil {
			t.Fatal(err)
		}
		rest, err := Unimport(both.YAML, sharingDoc(t, false), []string{"creatething"})
		if err != nil {
			t.Fatal(err)
		}
		for n := range want {
			if got := goNameOf(t, rest.YAML, n); got != nil {
				t.Errorf("%s: x-go-name %v once creatething is removed; the shared schema keeps the vendor's name", n, got)
			}
		}
	})
}

// Keeping a recorded Go name that another schema would take too is
// refused, naming both schemas and the kept name.
func TestImportRefusesKeptGoNameCollision(t *testing.T) {
	first, err := Import(testSpec(t), namesVendor(t), []string{"creatething"}, Decisions{ReadsGiven: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Import(first.YAML, sharingDoc(t, true), []string{"createThingV2", "otherThing"}, Decisions{ReadsGiven: true})
	var re *RefusedError
	if !errors.As(err, &re) {
		t.Fatalf("want a refusal, got %v", err)
	}
	want := "schemas CreateThingRequest, Thing_CreateThingWSRequest would have one Go type name, createthingrequest (CreateThingRequest is recorded in openapi.yaml and kept"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("the refusal does not name both and the kept name:\n%v\nwant it to contain %q", err, want)
	}
}

// An operation's recorded method name is kept too when the vendor's
// document respells the schemas it was read from.
func TestImportKeepsRecordedMethodName(t *testing.T) {
	first, err := Import(testSpec(t), namesVendor(t), []string{"creatething"}, Decisions{ReadsGiven: true})
	if err != nil {
		t.Fatal(err)
	}
	respelt, err := upstream.Parse([]byte(strings.ReplaceAll(namesDoc, "Thing_CreateThingWS", "Thing_CreatethingWS")))
	if err != nil {
		t.Fatal(err)
	}
	again, err := Import(first.YAML, respelt, nil, Decisions{})
	if err != nil {
		t.Fatal(err)
	}
	paths, _ := parsed(t, again.YAML)
	if got := postOf(t, paths, "/api/thing/create")["x-go-name"]; got != "CreateThing" {
		t.Errorf("creatething: x-go-name %v after re-import, want CreateThing kept", got)
	}
	if got := goNameOf(t, again.YAML, "Thing_CreatethingWSRequest"); got != "CreateThingRequest" {
		t.Errorf("Thing_CreatethingWSRequest: x-go-name %v, want CreateThingRequest", got)
	}
	if !slices.ContainsFunc(again.Notes, func(n string) bool { return strings.Contains(n, "creatething: keeps its recorded Go name CreateThing") }) {
		t.Errorf("the kept name is not noted: %q", again.Notes)
	}
}
