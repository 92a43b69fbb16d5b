package rhombustest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Handler answers one operation for a test: it gets the request body,
// already validated against the spec and its credentials checked, and
// returns the value to send as the 200 answer (encoded as JSON; a
// json.RawMessage is sent as it is; for an operation whose answer is not
// JSON, such as a CSV export, a []byte is sent as it is with the answer's
// content type). An upload's body is the multipart form as it was sent. A non-nil error is sent as the
// envelope failure every Rhombus answer can carry, {"error": true,
// "errorMsg": err.Error()}. The answer is checked against the spec like
// any other, so a handler cannot drift from it unnoticed.
type Handler func(body []byte) (any, error)

// Handle makes h answer every later call of the operation op (its
// operationId), in place of the fake's own answer: the state of the three
// modelled operations, or the answer built from the spec for the others.
// A nil h restores the fake's own answer. Scripted faults (Fail), the rate
// limit and request validation still come first. An operation the spec
// does not have fails the test.
func (s *Server) Handle(op string, h Handler) {
	if s.spec == nil || s.spec.ops[op] == nil {
		s.reportf("Handle(%q): no such operation in the spec", op)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if h == nil {
		delete(s.handlers, op)
		return
	}
	if s.handlers == nil {
		s.handlers = make(map[string]Handler)
	}
	s.handlers[op] = h
}

func (s *Server) handler(op string) Handler {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.handlers[op]
}

// runHandler sends what a test's handler returned.
func (s *Server) runHandler(h Handler, op string, body []byte, warning *string) answer {
	v, err := h(body)
	if err != nil {
		return s.jsonAnswer(http.StatusOK, failed(err.Error()))
	}
	// An export's answer is sent as it is, with its declared content type.
	if raw, ok := v.([]byte); ok {
		if o := s.spec.ops[op]; o != nil && o.rawType != "" {
			return newAnswer(http.StatusOK, o.rawType, raw)
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		s.reportf("the handler of %s returned a value that cannot be encoded: %v", op, err)
		return s.jsonAnswer(http.StatusInternalServerError, map[string]string{"error": "Internal Server Error", "msg": "the handler's answer could not be encoded"})
	}
	return newAnswer(http.StatusOK, contentJSON, withWarning(b, warning))
}

// specAnswer answers an operation the fake has no state for: the example
// the spec gives its 200 answer, else one built from the answer's schema.
// It is built once per operation.
func (s *Server) specAnswer(op *operation, warning *string) answer {
	if op.rawType != "" {
		return newAnswer(http.StatusOK, op.rawType, op.rawBody())
	}
	body := op.answer(s.spec, s.notef)
	return newAnswer(http.StatusOK, contentJSON, withWarning(body, warning))
}

// withWarning adds warningMsg to a JSON object answer (the Warning fault).
func withWarning(body []byte, warning *string) []byte {
	if warning == nil {
		return body
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil || m == nil {
		return body
	}
	w, _ := json.Marshal(*warning)
	m["warningMsg"] = w
	out, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return out
}

// answer returns the operation's built answer, building it on first use.
// A spec example that its own schema refuses is reported once, through
// note, and replaced by a built answer: a mistake in the spec never stops
// the fake from answering.
func (o *operation) answer(sp *spec, note func(format string, args ...any)) []byte {
	o.answerOnce.Do(func() {
		o.answerBody = []byte(`{"error":false}`)
		if o.answerSchema == nil {
			return
		}
		if ex, where, ok := o.example(); ok {
			err := o.answerSchema.Value.VisitJSON(ex, append(sp.schemaOptions(), openapi3.VisitAsResponse())...)
			if err == nil {
				if b, err := json.Marshal(ex); err == nil {
					o.answerBody = b
					return
				}
			}
			note("the spec's example %s of %s does not match its schema (%s); answering with one built from the schema instead", where, o.id, schemaReason(err))
		}
		b := &builder{sp: sp, op: o, note: note}
		v := b.build(o.answerSchema, "", 0, true)
		body, err := json.Marshal(v)
		if err != nil {
			note("cannot encode the answer built for %s: %v", o.id, err)
			return
		}
		if err := o.answerSchema.Value.VisitJSON(jsonValue(body), append(sp.schemaOptions(), openapi3.VisitAsResponse())...); err != nil {
			note("the answer built for %s does not match its schema: %s", o.id, schemaReason(err))
		}
		o.answerBody = body
	})
	return o.answerBody
}

// example is the example the spec gives the 200 answer, if any, decoded
// from JSON as the schema validator expects it.
func (o *operation) example() (any, string, bool) {
	mt := o.answerMedia
	switch {
	case mt.Example != nil:
		return jsonValue(mustJSON(mt.Example)), "of the answer", true
	case len(mt.Examples) > 0:
		names := make([]string, 0, len(mt.Examples))
		for n := range mt.Examples {
			names = append(names, n)
		}
		sort.Strings(names)
		if ex := mt.Examples[names[0]]; ex != nil && ex.Value != nil && ex.Value.Value != nil {
			return jsonValue(mustJSON(ex.Value.Value)), fmt.Sprintf("%q of the answer", names[0]), true
		}
	case o.answerSchema.Value.Example != nil:
		return jsonValue(mustJSON(o.answerSchema.Value.Example)), "of the answer's schema", true
	}
	return nil, "", false
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// jsonValue decodes JSON the way the schema validator expects values.
func jsonValue(b []byte) any {
	var v any
	_ = json.Unmarshal(b, &v)
	return v
}

// envelopeOnly are the properties of the envelope every answer shares that
// a success leaves out: a built answer with a warningMsg or an errorMsg
// would read as a warning or a failure.
var envelopeOnly = map[string]bool{"errorMsg": true, "warningMsg": true}

// The limits of a built answer, so that recursive or very wide schemas
// give a small answer.
const (
	maxDepth = 6
	maxItems = 1
)

// builder builds a value that matches a schema, deterministically: the
// same spec gives the same answer, so tests can rely on it.
type builder struct {
	sp    *spec
	op    *operation
	note  func(format string, args ...any)
	stack []*openapi3.Schema
	// requiredOnly builds the required properties of objects only: a
	// minimal request.
	requiredOnly bool
}

func (b *builder) build(ref *openapi3.SchemaRef, at string, depth int, top bool) any {
	if ref == nil || ref.Value == nil {
		return nil
	}
	s := ref.Value
	for _, seen := range b.stack {
		if seen == s {
			return nil // recursive: the caller leaves it out
		}
	}
	b.stack = append(b.stack, s)
	defer func() { b.stack = b.stack[:len(b.stack)-1] }()

	if len(s.AllOf) > 0 {
		return b.allOf(ref, at, depth, top)
	}
	if len(s.OneOf) > 0 {
		return b.oneOf(s, at, depth)
	}
	if len(s.AnyOf) > 0 {
		return b.build(s.AnyOf[0], at, depth, false)
	}
	if len(s.Enum) > 0 {
		return b.enum(s, at, top)
	}
	if s.Example != nil {
		if err := s.VisitJSON(jsonValue(mustJSON(s.Example)), b.sp.schemaOptions()...); err == nil {
			return s.Example
		}
	}
	switch {
	case s.Type.Is("object") || (s.Type == nil && len(s.Properties) > 0):
		return b.object(s, at, depth, top)
	case s.Type.Is("array"):
		return b.array(s, at, depth)
	case s.Type.Is("string"):
		return b.str(s, at)
	case s.Type.Is("integer"):
		return int64(b.number(s))
	case s.Type.Is("number"):
		return b.number(s)
	case s.Type.Is("boolean"):
		return false
	}
	return nil
}

func (b *builder) allOf(ref *openapi3.SchemaRef, at string, depth int, top bool) any {
	merged := map[string]any{}
	for _, part := range ref.Value.AllOf {
		if m, ok := b.build(part, at, depth, top).(map[string]any); ok {
			for k, v := range m {
				merged[k] = v
			}
		}
	}
	if len(ref.Value.Properties) > 0 {
		cp := *ref.Value
		cp.AllOf = nil
		if m, ok := b.object(&cp, at, depth, top).(map[string]any); ok {
			for k, v := range m {
				merged[k] = v
			}
		}
	}
	return merged
}

// oneOf builds the first alternative; with a discriminator mapping, the
// first mapped one, with the discriminator set to its value, so that the
// answer matches exactly one alternative.
func (b *builder) oneOf(s *openapi3.Schema, at string, depth int) any {
	alt, key := s.OneOf[0], ""
	if d := s.Discriminator; d != nil && len(d.Mapping) > 0 {
		keys := make([]string, 0, len(d.Mapping))
		for k := range d.Mapping {
			keys = append(keys, k)
		}
		sort.Strings(keys)
	pick:
		for _, a := range s.OneOf {
			for _, k := range keys {
				if d.Mapping[k].Ref == a.Ref {
					alt, key = a, k
					break pick
				}
			}
		}
	}
	v := b.build(alt, at, depth, false)
	if m, ok := v.(map[string]any); ok && key != "" {
		m[s.Discriminator.PropertyName] = key
	}
	return v
}

// enum picks the first value, except that the property an operation uses
// to report failure (x-rhombus-failure) gets a value that is not failure.
func (b *builder) enum(s *openapi3.Schema, at string, top bool) any {
	if f := b.op.failure; f != nil && at == f.property {
		for _, v := range s.Enum {
			if v != f.equals {
				return v
			}
		}
	}
	return s.Enum[0]
}

func (b *builder) object(s *openapi3.Schema, at string, depth int, top bool) any {
	m := map[string]any{}
	deep := depth >= maxDepth // past the limit, required properties only
	names := make([]string, 0, len(s.Properties))
	for n := range s.Properties {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		required := slices.Contains(s.Required, n)
		if p := s.Properties[n]; p != nil && p.Value != nil && p.Value.WriteOnly && !b.requiredOnly {
			// An answer never carries what the document says is only
			// written (a secret the client sends); a minimal request
			// builds required properties only.
			continue
		}
		if (top && envelopeOnly[n] || deep || b.requiredOnly) && !required {
			continue
		}
		v := b.build(s.Properties[n], joinField(at, n), depth+1, false)
		if v == nil && !required {
			continue // recursive, or a schema with no type: leave it out
		}
		m[n] = v
	}
	return m
}

func (b *builder) array(s *openapi3.Schema, at string, depth int) any {
	n := maxItems
	if int(s.MinItems) > n {
		n = int(s.MinItems)
	}
	items := make([]any, 0, n)
	if depth >= maxDepth {
		return items
	}
	for i := 0; i < n; i++ {
		v := b.build(s.Items, fmt.Sprintf("%s[%d]", at, i), depth+1, false)
		if v == nil {
			return []any{}
		}
		items = append(items, v)
	}
	return items
}

func (b *builder) str(s *openapi3.Schema, at string) any {
	switch s.Format {
	case "RUUID":
		// Distinct per field, the same on every run.
		sum := sha256.Sum256([]byte(b.op.id + "/" + at))
		return base64.RawURLEncoding.EncodeToString(sum[:16])
	case "date-time":
		return "2024-01-01T00:00:00Z"
	case "date":
		return "2024-01-01"
	case "uuid":
		return "123e4567-e89b-12d3-a456-426614174000"
	case "email":
		return "user@example.com"
	case "uri", "url":
		return "https://example.com/"
	case "byte":
		return ""
	}
	v := ""
	if s.MinLength > 0 {
		v = strings.Repeat("x", int(s.MinLength))
	}
	return v
}

func (b *builder) number(s *openapi3.Schema) float64 {
	v := 0.0
	if s.Min != nil {
		v = *s.Min
		if s.ExclusiveMin.IsTrue() {
			v = math.Floor(v) + 1
		}
	}
	if s.Max != nil && v > *s.Max {
		v = *s.Max
	}
	return v
}

func joinField(at, name string) string {
	if at == "" {
		return name
	}
	return at + "." + name
}
