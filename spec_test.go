package openapi

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
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

func TestSpecOperations(t *testing.T) {
	ours := loadSpec(t, specPath)
	vendor := loadSpec(t, vendorPath)

	require.Len(t, ours.Servers, 2, "servers: want the US host, then the EU host")
	assert.Equal(t, "https://api2.rhombussystems.com", ours.Servers[0].URL, "first server must be the US host")
	assert.Equal(t, "https://api2.eu.rhombussystems.com", ours.Servers[1].URL, "second server must be the EU host")

	tests := []struct {
		path        string
		operationID string
		deprecated  bool
		idempotent  bool
		authDefault string // x-auth-scheme default on the seed page
	}{
		{"/api/org/createPendingRegistration", "createPendingRegistration", false, false, "api-token"},
		{"/api/user/createUser", "createUser", false, false, "api-token"},
		{"/api/partner/getDeviceLicensesForOrg", "getDeviceLicensesForOrg", true, true, "partner-api-token"},
	}
	for _, tc := range tests {
		t.Run(tc.operationID, func(t *testing.T) {
			vItem := vendor.Paths.Value(tc.path)
			require.NotNil(t, vItem, "vendor document has no path %s", tc.path)
			require.NotNil(t, vItem.Post, "vendor document has no POST %s", tc.path)
			vop := vItem.Post

			item := ours.Paths.Value(tc.path)
			require.NotNil(t, item, "openapi.yaml has no path %s", tc.path)
			assert.Equal(t, []string{"POST"}, sortedKeys(item.Operations()),
				"%s: every operation is a POST, and only a POST", tc.path)
			op := item.Post
			require.NotNil(t, op, "openapi.yaml has no POST %s", tc.path)

			assert.Equal(t, tc.operationID, vop.OperationID, "vendor operationId")
			assert.Equal(t, vop.OperationID, op.OperationID, "operationId differs from the vendor's")
			assert.Equal(t, vop.Summary, op.Summary, "summary differs from the vendor's")
			assert.Equal(t, vop.Description, op.Description, "description differs from the vendor's")
			assert.Equal(t, vop.Deprecated, op.Deprecated, "deprecated differs from the vendor's")
			assert.Equal(t, tc.deprecated, op.Deprecated, "deprecated")

			idem, ok := op.Extensions["x-rhombus-idempotent"]
			if assert.True(t, ok, "x-rhombus-idempotent is missing") {
				assert.Equal(t, tc.idempotent, idem, "x-rhombus-idempotent")
			}
			checkAuthSchemeExtension(t, op, tc.authDefault)
			checkResponses(t, op)
		})
	}
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
	assert.Equal(t, wantDefault, s.Default, "x-rhombus-auth-scheme default")
	assert.NoError(t, s.VisitJSON(s.Default), "x-rhombus-auth-scheme rejects its own default")
	assert.Error(t, s.VisitJSON("api-oauth-token"),
		"x-rhombus-auth-scheme is for API-key credentials, but accepts api-oauth-token")
}

func checkResponses(t *testing.T, op *openapi3.Operation) {
	t.Helper()
	require.NotNil(t, op.Responses, "no responses")
	// The vendor documents no status codes beyond these.
	assert.Equal(t, []string{"200", "400", "401", "403", "429", "500"}, sortedKeys(op.Responses.Map()),
		"declared responses")

	if r200 := op.Responses.Value("200"); assert.NotNil(t, r200, "response 200") {
		assert.NotNil(t, r200.Value.Content.Get("application/json"), "response 200 has no application/json body")
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
