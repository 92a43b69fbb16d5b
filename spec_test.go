package openapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/ruuid"
)

func TestSpecValidates(t *testing.T) {
	doc := loadSpec(t, specPath)

	// Format validation makes an unregistered format (RUUID) an error, so
	// this also proves the registration in helpers_test.go took effect.
	err := doc.Validate(context.Background(),
		openapi3.EnableSchemaFormatValidation(),
		openapi3.EnableExamplesValidation(),
	)
	require.NoError(t, err, "openapi.yaml does not validate")

	rs := doc.Components.Schemas["RUUID"]
	require.NotNil(t, rs, "components/schemas/RUUID is missing")
	assert.Equal(t, ruuidPattern, rs.Value.Pattern,
		"the RUUID pattern in openapi.yaml differs from the format registered for the tests")

	// A schema with the format alone (no pattern, no lengths) must reject
	// what package ruuid rejects: the format itself is checked.
	formatOnly := &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}, Format: "RUUID"}
	for _, tc := range []struct {
		value string
		valid bool
	}{
		{"AAAAAAAAAAAAAAAAAAAAAA", true},
		{"abcdefghijklmnopqrs-_w", true},
		{"AAAAAAAAAAAAAAAAAAAAAB", false}, // last character not canonical
		{"AAAAAAAAAAAAAAAAAAAAA", false},  // 21 characters
		{"AAAAAAAAAAAAAAAAAAAAAA==", false},
		{"AAAAAAAAAAAAAAAAAAAA+A", false}, // standard, not url-safe, base64
		{"00000000-0000-0000-0000-000000000000", false},
		{"", false},
	} {
		err := formatOnly.VisitJSON(tc.value)
		if tc.valid {
			assert.NoError(t, err, "format RUUID rejects %q", tc.value)
		} else {
			assert.Error(t, err, "format RUUID accepts %q", tc.value)
		}
		assert.Equal(t, tc.valid, ruuid.RUUID(tc.value).Validate() == nil,
			"format RUUID and package ruuid disagree on %q", tc.value)
	}
}

func TestSpecExamplesValidate(t *testing.T) {
	doc := loadSpec(t, specPath)

	var w exampleWalker
	w.document(doc)
	for _, f := range w.failures {
		t.Error(f)
	}
	t.Logf("checked %d examples", w.checked)
	// The walk must not silently visit nothing.
	assert.Greater(t, w.checked, 10, "too few examples checked")

	// The walker must report a bad example by its JSON path.
	t.Run("reports a bad example", func(t *testing.T) {
		bad := loadSpec(t, specPath)
		bad.Components.Schemas["CreatePendingRegistrationRequest"].Value.
			Properties["wifiPsk"].Value.Example = []any{"not base64!"}
		var w exampleWalker
		w.document(bad)
		require.Len(t, w.failures, 1)
		assert.True(t, strings.HasPrefix(w.failures[0],
			"#/components/schemas/CreatePendingRegistrationRequest/properties/wifiPsk/example: "),
			"failure does not name the example's path: %s", w.failures[0])
	})
}

// exampleWalker checks every example of a document against the schema it
// belongs to. Paths are JSON pointers into the document.
type exampleWalker struct {
	checked  int
	failures []string
}

func (w *exampleWalker) check(path string, schema *openapi3.SchemaRef, value any) {
	w.checked++
	if schema == nil || schema.Value == nil {
		w.failures = append(w.failures, path+": example has no schema to be checked against")
		return
	}
	if err := schema.Value.VisitJSON(value, openapi3.MultiErrors()); err != nil {
		w.failures = append(w.failures, fmt.Sprintf("%s: %v", path, err))
	}
}

func (w *exampleWalker) document(doc *openapi3.T) {
	if c := doc.Components; c != nil {
		for _, name := range sortedKeys(c.Schemas) {
			w.schema(pointer("#/components/schemas", name), c.Schemas[name])
		}
		for _, name := range sortedKeys(c.Parameters) {
			if p := c.Parameters[name]; p.Value != nil {
				w.parameter(pointer("#/components/parameters", name), p.Value)
			}
		}
		for _, name := range sortedKeys(c.Headers) {
			if h := c.Headers[name]; h.Value != nil {
				w.parameter(pointer("#/components/headers", name), &h.Value.Parameter)
			}
		}
		for _, name := range sortedKeys(c.RequestBodies) {
			if rb := c.RequestBodies[name]; rb.Value != nil {
				w.content(pointer("#/components/requestBodies", name, "content"), rb.Value.Content)
			}
		}
		for _, name := range sortedKeys(c.Responses) {
			if r := c.Responses[name]; r.Value != nil {
				w.response(pointer("#/components/responses", name), r.Value)
			}
		}
	}
	if doc.Paths == nil {
		return
	}
	for _, path := range sortedKeys(doc.Paths.Map()) {
		item := doc.Paths.Value(path)
		base := pointer("#/paths", path)
		w.parameters(pointer(base, "parameters"), item.Parameters)
		ops := item.Operations()
		for _, method := range sortedKeys(ops) {
			op := ops[method]
			opPath := pointer(base, strings.ToLower(method))
			w.parameters(pointer(opPath, "parameters"), op.Parameters)
			// Referenced request bodies and responses are walked under components.
			if rb := op.RequestBody; rb != nil && rb.Ref == "" && rb.Value != nil {
				w.content(pointer(opPath, "requestBody", "content"), rb.Value.Content)
			}
			if op.Responses != nil {
				for _, code := range sortedKeys(op.Responses.Map()) {
					if r := op.Responses.Value(code); r != nil && r.Ref == "" && r.Value != nil {
						w.response(pointer(opPath, "responses", code), r.Value)
					}
				}
			}
		}
	}
}

func (w *exampleWalker) parameters(path string, params openapi3.Parameters) {
	for i, p := range params {
		if p.Ref == "" && p.Value != nil {
			w.parameter(pointer(path, fmt.Sprint(i)), p.Value)
		}
	}
}

// parameter also serves headers, which kin-openapi models as parameters.
func (w *exampleWalker) parameter(path string, p *openapi3.Parameter) {
	w.schema(pointer(path, "schema"), p.Schema)
	if p.Example != nil {
		w.check(pointer(path, "example"), p.Schema, p.Example)
	}
	w.examples(pointer(path, "examples"), p.Schema, p.Examples)
	w.content(pointer(path, "content"), p.Content)
}

func (w *exampleWalker) response(path string, r *openapi3.Response) {
	for _, name := range sortedKeys(r.Headers) {
		if h := r.Headers[name]; h.Ref == "" && h.Value != nil {
			w.parameter(pointer(path, "headers", name), &h.Value.Parameter)
		}
	}
	w.content(pointer(path, "content"), r.Content)
}

func (w *exampleWalker) content(path string, content openapi3.Content) {
	for _, mt := range sortedKeys(content) {
		m := content[mt]
		p := pointer(path, mt)
		w.schema(pointer(p, "schema"), m.Schema)
		if m.Example != nil {
			w.check(pointer(p, "example"), m.Schema, m.Example)
		}
		w.examples(pointer(p, "examples"), m.Schema, m.Examples)
	}
}

// examples checks named examples at their place of use: the same example
// object may be referenced under different schemas.
func (w *exampleWalker) examples(path string, schema *openapi3.SchemaRef, examples openapi3.Examples) {
	for _, name := range sortedKeys(examples) {
		if e := examples[name]; e.Value != nil && e.Value.Value != nil {
			w.check(pointer(path, name, "value"), schema, e.Value.Value)
		}
	}
}

// schema walks a schema in place; a $ref is not followed, because its
// target is walked where it is defined.
func (w *exampleWalker) schema(path string, ref *openapi3.SchemaRef) {
	if ref == nil || ref.Ref != "" || ref.Value == nil {
		return
	}
	s := ref.Value
	if s.Example != nil {
		w.check(pointer(path, "example"), ref, s.Example)
	}
	for _, name := range sortedKeys(s.Properties) {
		w.schema(pointer(path, "properties", name), s.Properties[name])
	}
	w.schema(pointer(path, "items"), s.Items)
	w.schema(pointer(path, "not"), s.Not)
	w.schema(pointer(path, "additionalProperties"), s.AdditionalProperties.Schema)
	for _, group := range []struct {
		keyword string
		refs    openapi3.SchemaRefs
	}{{"allOf", s.AllOf}, {"oneOf", s.OneOf}, {"anyOf", s.AnyOf}} {
		for i, sub := range group.refs {
			w.schema(pointer(path, group.keyword, fmt.Sprint(i)), sub)
		}
	}
}

// TestSpecOperations requires every operation of openapi.yaml, hand-written
// or imported, to match the vendor's pinned document where the two must
// agree and to carry the decisions the client relies on.
func TestSpecOperations(t *testing.T) {
	ours := loadSpec(t, specPath)
	vendor := loadUpstream(t)

	require.Len(t, ours.Servers, 2, "servers: want the US host, then the EU host")
	assert.Equal(t, "https://api2.rhombussystems.com", ours.Servers[0].URL, "first server must be the US host")
	assert.Equal(t, "https://api2.eu.rhombussystems.com", ours.Servers[1].URL, "second server must be the EU host")

	paths := sortedKeys(ours.Paths.Map())
	require.NotEmpty(t, paths, "openapi.yaml has no operation")
	for _, path := range paths {
		item := ours.Paths.Value(path)
		assert.Equal(t, []string{"POST"}, sortedKeys(item.Operations()),
			"%s: every operation is a POST, and only a POST", path)
		op := item.Post
		if op == nil {
			continue
		}
		t.Run(op.OperationID, func(t *testing.T) {
			vItem := vendor.Paths.Value(path)
			require.NotNil(t, vItem, "the vendor's document has no path %s", path)
			require.NotNil(t, vItem.Post, "the vendor's document has no POST %s", path)
			vop := vItem.Post
			assert.Equal(t, vop.OperationID, op.OperationID, "operationId differs from the vendor's")
			assert.Equal(t, vop.Summary, op.Summary, "summary differs from the vendor's")
			assert.Equal(t, vop.Description, op.Description, "description differs from the vendor's")
			assert.Equal(t, vop.Deprecated, op.Deprecated, "deprecated differs from the vendor's")

			idem, ok := op.Extensions["x-rhombus-idempotent"].(bool)
			if !assert.True(t, ok, "x-rhombus-idempotent is missing or not a boolean: whether the operation may be resent must be decided") {
				return
			}
			if !idem {
				checkIdentifyingFields(t, op)
			}
			checkAuthSchemeExtension(t, op, seedAuthDefault(t, op.OperationID))
			checkResponses(t, op)
		})
	}
}

// checkIdentifyingFields: a write names the request fields that identify
// what it creates (possibly none, as a recorded decision), each a top-level
// field of its request.
func checkIdentifyingFields(t *testing.T, op *openapi3.Operation) {
	t.Helper()
	raw, ok := op.Extensions["x-rhombus-identifying-fields"]
	if !assert.True(t, ok, "a write must carry x-rhombus-identifying-fields (an empty list is a decision too)") {
		return
	}
	list, ok := raw.([]any)
	if !assert.True(t, ok, "x-rhombus-identifying-fields must be a list, got %v", raw) {
		return
	}
	var props map[string]*openapi3.SchemaRef
	if rb := op.RequestBody; rb != nil && rb.Value != nil {
		if mt := rb.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil && mt.Schema.Value != nil {
			props = mt.Schema.Value.Properties
		}
	}
	for _, f := range list {
		name, _ := f.(string)
		assert.Contains(t, props, name, "identifying field %v is not a field of the request", f)
	}
}

// seedAuthDefault is the x-auth-scheme default the operation's seed page
// states, or "" when the operation has no seed page (then the vendor's
// parameter, copied by the importer, decides).
func seedAuthDefault(t *testing.T, opID string) string {
	t.Helper()
	page, err := os.ReadFile("testdata/seed-" + opID + ".txt")
	if errors.Is(err, os.ErrNotExist) {
		return ""
	}
	require.NoError(t, err)
	lines := strings.Split(string(page), "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) != "x-auth-scheme" {
			continue
		}
		for _, next := range lines[i+1 : min(i+5, len(lines))] {
			if d, ok := strings.CutPrefix(strings.TrimSpace(next), "default:"); ok {
				return d
			}
		}
	}
	t.Fatalf("the seed page of %s states no x-auth-scheme default", opID)
	return ""
}

// checkAuthSchemeExtension checks that x-rhombus-auth-scheme is a valid
// schema whose default is the seed page's and satisfies it.
func checkAuthSchemeExtension(t *testing.T, op *openapi3.Operation, wantDefault string) {
	t.Helper()
	ext, ok := op.Extensions["x-rhombus-auth-scheme"]
	if !assert.True(t, ok, "x-rhombus-auth-scheme is missing") {
		return
	}
	raw, err := json.Marshal(ext)
	require.NoError(t, err)
	var s openapi3.Schema
	require.NoError(t, json.Unmarshal(raw, &s), "x-rhombus-auth-scheme is not a schema: %s", raw)
	require.NoError(t, s.Validate(context.Background()), "x-rhombus-auth-scheme is not a valid schema: %s", raw)
	if wantDefault != "" {
		assert.Equal(t, wantDefault, s.Default, "x-rhombus-auth-scheme default")
	}
	assert.NotNil(t, s.Default, "x-rhombus-auth-scheme has no default")
	assert.NoError(t, s.VisitJSON(s.Default), "x-rhombus-auth-scheme rejects its own default")
	assert.Error(t, s.VisitJSON("api-oauth-token"),
		"x-rhombus-auth-scheme is for API-key credentials, but accepts api-oauth-token")
}

// exportContent is the content type of an answer that is not JSON, if the
// answer has no JSON content.
func exportContent(c openapi3.Content) string {
	if c.Get("application/json") != nil {
		return ""
	}
	for ct := range c {
		return ct
	}
	return ""
}

func checkResponses(t *testing.T, op *openapi3.Operation) {
	t.Helper()
	require.NotNil(t, op.Responses, "no responses")
	// The vendor documents no status codes beyond these.
	assert.Equal(t, []string{"200", "400", "401", "403", "429", "500"}, sortedKeys(op.Responses.Map()),
		"declared responses")

	if r200 := op.Responses.Value("200"); assert.NotNil(t, r200, "response 200") {
		if raw := exportContent(r200.Value.Content); raw != "" {
			// An export (a CSV or zip file) is bytes, as the importer writes it.
			s := r200.Value.Content[raw].Schema
			assert.True(t, s != nil && s.Value != nil && s.Value.Type.Is("string") && s.Value.Format == "binary",
				"response 200 (%s) must be type: string, format: binary", raw)
		} else {
			assert.NotNil(t, r200.Value.Content.Get("application/json"), "response 200 has no application/json body")
		}
	}

	r := op.Responses.Value("429")
	if !assert.NotNil(t, r, "response 429") || !assert.NotNil(t, r.Value) {
		return
	}
	var retryAfter *openapi3.HeaderRef
	for name, h := range r.Value.Headers {
		if strings.EqualFold(name, "Retry-After") {
			retryAfter = h
		}
	}
	if assert.NotNil(t, retryAfter, "response 429 has no Retry-After header") &&
		assert.NotNil(t, retryAfter.Value.Schema, "Retry-After has no schema") {
		assert.True(t, retryAfter.Value.Schema.Value.Type.Is(openapi3.TypeInteger),
			"Retry-After is whole seconds: want type integer, got %v", retryAfter.Value.Schema.Value.Type)
	}
	plain := r.Value.Content.Get("text/plain")
	if assert.NotNil(t, plain, "response 429 has no text/plain body") && assert.NotNil(t, plain.Schema) {
		assert.True(t, plain.Schema.Value.Type.Is(openapi3.TypeString),
			"429 text/plain body: want type string, got %v", plain.Schema.Value.Type)
	}
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	return slices.Sorted(maps.Keys(m))
}
