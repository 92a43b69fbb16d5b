package rhombustest

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/rhombuskit/rhombus-go/fullapi/fullops"
)

// reportTB collects what the server reports instead of failing the test,
// so that the whole-API test can count and list the answers outside the
// document rather than stop at the first.
type reportTB struct {
	*testing.T
	mu      sync.Mutex
	reports []string
}

func (r *reportTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reports = append(r.reports, fmt.Sprintf(format, args...))
}

func (r *reportTB) Logf(string, ...any) {} // the notes of a spec's mistakes: too many to read

// wholeCall is one operation of the whole document, called once.
type wholeCall struct {
	id, path, method string
	op               *openapi3.Operation
}

// wholeCalls lists the operations of the served whole document.
func wholeCalls(s *Server) []wholeCall {
	var calls []wholeCall
	for p, item := range s.spec.doc.Paths.Map() {
		for m, op := range item.Operations() {
			calls = append(calls, wholeCall{id: op.OperationID, path: p, method: m, op: op})
		}
	}
	sort.Slice(calls, func(i, j int) bool { return calls[i].id < calls[j].id })
	return calls
}

// minimalRequest builds a request of call with its required fields only,
// each valid by its schema, and the organisation API token.
func minimalRequest(t *testing.T, s *Server, c wholeCall) *http.Request {
	t.Helper()
	b := &builder{sp: s.spec, op: &operation{id: c.id}, note: func(string, ...any) {}, requiredOnly: true}
	q := url.Values{}
	for _, p := range c.op.Parameters {
		if p.Value == nil || !p.Value.Required || p.Value.In != openapi3.ParameterInQuery {
			continue
		}
		q.Set(p.Value.Name, fmt.Sprint(b.build(p.Value.Schema, p.Value.Name, 0, false)))
	}
	var body io.Reader
	contentType := ""
	if rb := c.op.RequestBody; rb != nil && rb.Value != nil {
		if mt := rb.Value.Content.Get(contentJSON); mt != nil {
			v := b.build(mt.Schema, "", 0, false)
			if v == nil {
				v = map[string]any{}
			}
			body, contentType = bytes.NewReader(mustJSON(v)), contentJSON
		} else if rb.Value.Content.Get("multipart/form-data") != nil {
			var form bytes.Buffer
			w := multipart.NewWriter(&form)
			f, _ := w.CreateFormFile("file", "upload.bin")
			_, _ = f.Write([]byte("bytes"))
			_ = w.Close()
			body, contentType = &form, w.FormDataContentType()
		}
	}
	if body == nil {
		body = strings.NewReader("{}")
		contentType = contentJSON
	}
	u := s.URL + c.path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	if c.method == http.MethodGet {
		body = nil
	}
	req, err := http.NewRequest(c.method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Credential(OrgAPIToken).EditRequest(req.Context(), req); err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	return req
}

// jsonSchemaDoc is the served document as a JSON Schema resource for
// santhosh-tekuri/jsonschema: OpenAPI 3.0's nullable becomes a null type,
// its boolean exclusive bounds become numbers, and a $ref, whose siblings
// OpenAPI ignores, stands alone.
func jsonSchemaDoc(t *testing.T) any {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(fullops.Spec))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(v any) any
	walk = func(v any) any {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				if k != "example" && k != "examples" && k != "default" && k != "enum" {
					v[k] = walk(e)
				}
			}
			// An empty allOf, which the document writes where it means no
			// constraint, is not a valid JSON Schema.
			if all, ok := v["allOf"].([]any); ok && len(all) == 0 {
				delete(v, "allOf")
			}
			// OpenAPI lets a discriminator choose the alternative of a
			// oneOf, which JSON Schema ignores: the alternatives, open
			// objects, would all match. Its meaning is written out: the
			// value named by the mapping must match the alternative it
			// maps to, and at least one alternative must match.
			if d, ok := v["discriminator"].(map[string]any); ok {
				mapping, _ := d["mapping"].(map[string]any)
				prop, _ := d["propertyName"].(string)
				if alts, ok := v["oneOf"].([]any); ok && len(mapping) > 0 && prop != "" {
					delete(v, "oneOf")
					v["anyOf"] = alts
					all, _ := v["allOf"].([]any)
					for value, ref := range mapping {
						all = append(all, map[string]any{
							"if":   map[string]any{"properties": map[string]any{prop: map[string]any{"const": value}}, "required": []any{prop}},
							"then": map[string]any{"$ref": ref},
						})
					}
					v["allOf"] = all
				}
			}
			nullable := v["nullable"] == true
			delete(v, "nullable")
			if ref, ok := v["$ref"].(string); ok {
				one := map[string]any{"$ref": ref}
				if nullable {
					return map[string]any{"anyOf": []any{one, map[string]any{"type": "null"}}}
				}
				return one
			}
			for _, b := range [][2]string{{"exclusiveMinimum", "minimum"}, {"exclusiveMaximum", "maximum"}} {
				if x, ok := v[b[0]].(bool); ok {
					if x && v[b[1]] != nil {
						v[b[0]] = v[b[1]]
						delete(v, b[1])
					} else {
						delete(v, b[0])
					}
				}
			}
			if nullable {
				if typ, ok := v["type"].(string); ok {
					v["type"] = []any{typ, "null"}
				}
				if enum, ok := v["enum"].([]any); ok {
					v["enum"] = append(enum, nil)
				}
			}
			return v
		case []any:
			for i, e := range v {
				v[i] = walk(e)
			}
		}
		return v
	}
	return walk(doc)
}

// documentFaults are the operations whose answer no value can match, with
// the fault of the document that makes it so.
var documentFaults = map[string]string{
	"getPolicyAlertDetails": "policyAlert is a oneOf of two alternatives that both accept any object, " +
		"with no discriminator mapping to tell them apart, so every value matches both",
}

func pointerPart(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// TestEveryOperationOfTheWholeAPIAnswersWithinItsSchema is the fake's
// check from outside: every operation of the whole document, called once
// with a minimal valid request, must answer 200 with a body that a JSON
// Schema validator other than the fake's own (kin-openapi) accepts
// against the document's schema for that answer, in the declared content
// type. The few that cannot are listed with the document fault.
func TestEveryOperationOfTheWholeAPIAnswersWithinItsSchema(t *testing.T) {
	rt := &reportTB{T: t}
	s := NewServer(rt, WithSpec(fullops.Spec))

	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	const docURL = "mem://whole.json"
	if err := c.AddResource(docURL, jsonSchemaDoc(t)); err != nil {
		t.Fatal(err)
	}

	calls := wholeCalls(s)
	valid := 0
	var invalid []string
	for _, call := range calls {
		req := minimalRequest(t, s, call)
		res, err := s.HTTPClient().Do(req)
		if err != nil {
			t.Fatalf("%s: %v", call.id, err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		fail := func(format string, args ...any) {
			invalid = append(invalid, call.id+": "+fmt.Sprintf(format, args...))
		}
		if res.StatusCode != http.StatusOK {
			fail("status %d: %.300s", res.StatusCode, body)
			continue
		}
		status := "200"
		if call.op.Responses.Status(http.StatusOK) == nil {
			status = "default"
		}
		ct, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type"))
		declared := call.op.Responses.Value(status).Value.Content
		declaredType := ""
		for d := range declared {
			if t, _, _ := mime.ParseMediaType(d); t == ct {
				declaredType = d
			}
		}
		if declaredType == "" {
			fail("answered %s, the document declares %v", ct, declared)
			continue
		}
		if ct != contentJSON {
			valid++ // an export's bytes; the document gives no schema of its own for them
			continue
		}
		ptr := fmt.Sprintf("%s#/paths/%s/%s/responses/%s/content/%s/schema", docURL, pointerPart(call.path), strings.ToLower(call.method), status, pointerPart(declaredType))
		sch, err := c.Compile(ptr)
		if err != nil {
			fail("the document's schema does not compile: %v", err)
			continue
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
		if err != nil {
			fail("not JSON: %v", err)
			continue
		}
		if err := sch.Validate(inst); err != nil {
			fail("%v", err)
			continue
		}
		valid++
	}
	t.Logf("%d of %d operations answered within their schema", valid, len(calls))
	for _, m := range invalid {
		id, _, _ := strings.Cut(m, ":")
		if fault, ok := documentFaults[id]; ok {
			t.Logf("outside, by the document's fault (%s): %.600s", fault, m)
			continue
		}
		t.Errorf("outside: %.600s", m)
	}
	rt.mu.Lock()
	for _, r := range rt.reports {
		known := false
		for id := range documentFaults {
			known = known || strings.Contains(r, " "+id+" ")
		}
		if !known {
			t.Errorf("reported by the fake: %.300s", r)
		}
	}
	rt.mu.Unlock()
	if valid*100 < len(calls)*99 {
		t.Errorf("%d of %d answers are within their schema; at least 99%% must be", valid, len(calls))
	}
}
