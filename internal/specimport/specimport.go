// Package specimport copies operations, and every schema they reach, from
// the vendor's pinned document into openapi.yaml in this project's
// conventions. It owns one region of openapi.yaml for paths and one for
// schemas, between marker comments, and rewrites them whole on every
// import, so importing is idempotent and the hand-written rest of the file
// is never touched. The decisions a person must make (whether an operation
// is safe to resend, which fields identify what a write creates) are kept
// in openapi.yaml itself, the one reviewed place, and never guessed.
package specimport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v3"

	"github.com/rhombuskit/rhombus-go/internal/upstream"
)

// The marker comments around the regions the importer owns.
const (
	pathsBegin   = "  # --- imported paths: written by `make import` from upstream/openapi.json; edit only the x-rhombus-* decisions ---"
	pathsEnd     = "  # --- end of imported paths ---"
	schemasBegin = "    # --- imported schemas: written by `make import` from upstream/openapi.json ---"
	schemasEnd   = "    # --- end of imported schemas ---"
)

// The operation extensions the importer writes.
const (
	extImported    = "x-rhombus-imported"
	extIdempotent  = "x-rhombus-idempotent"
	extIdentifying = "x-rhombus-identifying-fields"
	extAuthScheme  = "x-rhombus-auth-scheme"
	extFailure     = "x-rhombus-failure"
)

// Decisions are what the command line says about the operations it names.
type Decisions struct {
	// ReadsGiven says whether Reads was given at all: then every named
	// operation not in Reads is a write.
	ReadsGiven bool
	Reads      []string
	// Identifying lists, per write, the request fields that identify what
	// it creates or changes.
	Identifying map[string][]string
}

// Result is what an import did.
type Result struct {
	YAML     []byte   // the new openapi.yaml
	Imported []string // operationIds now in the imported region
	Repairs  []string // what was repaired in the vendor's text, per operation
	Notes    []string // decisions recorded, and what a person may want to review
}

// RefusedError names the operations that could not be imported and why;
// nothing was written.
type RefusedError struct{ Reasons []string }

func (e *RefusedError) Error() string {
	return "import refused (openapi.yaml is unchanged):\n  " + strings.Join(e.Reasons, "\n  ")
}

type imported struct {
	id, path    string
	op          map[string]any // the vendor's operation
	idempotent  bool
	identifying []string
	schemas     []string // the component schemas it reaches
}

// Import adds the operations ids of doc to spec (openapi.yaml's text) and
// re-imports those imported before, keeping their decisions.
func Import(spec []byte, doc *upstream.Doc, ids []string, dec Decisions) (*Result, error) {
	prev, err := previousImports(spec)
	if err != nil {
		return nil, err
	}
	hand, err := handWritten(spec)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	var refused []string
	byID := map[string]*imported{}
	order := slices.Sorted(func(yield func(string) bool) {
		seen := map[string]bool{}
		for _, id := range append(slices.Collect(keysOf(prev)), ids...) {
			if !seen[id] {
				seen[id] = true
				if !yield(id) {
					return
				}
			}
		}
	})
	named := map[string]bool{}
	for _, id := range ids {
		named[id] = true
	}
	for _, id := range order {
		if hand.ops[id] {
			refused = append(refused, fmt.Sprintf("%s: hand-written in openapi.yaml; it is not re-imported", id))
			continue
		}
		path, method, op, ok := doc.Operation(id)
		if !ok {
			refused = append(refused, fmt.Sprintf("%s: no such operationId in %s", id, upstream.File))
			continue
		}
		if method != "post" {
			refused = append(refused, fmt.Sprintf("%s: %s %s; every operation here is a POST with a JSON body", id, strings.ToUpper(method), path))
			continue
		}
		im := &imported{id: id, path: path, op: op}
		if d, ok := prev[id]; ok && !(named[id] && dec.ReadsGiven) {
			im.idempotent, im.identifying = d.idempotent, d.identifying
		} else if named[id] && dec.ReadsGiven {
			im.idempotent = slices.Contains(dec.Reads, id)
			if !im.idempotent {
				im.identifying = dec.Identifying[id]
				if im.identifying == nil {
					im.identifying = []string{}
					res.Notes = append(res.Notes, fmt.Sprintf("%s: a write with no identifying fields: an unknown outcome will name none (give IDENTIFYING=\"%s=field,...\" to record some)", id, id))
				}
			}
		} else {
			refused = append(refused, fmt.Sprintf("%s: undecided: is it safe to resend? Name it in READS=\"...\" if it only reads; "+
				"every other operation named in OPS is then recorded as a write (and IDENTIFYING=\"%s=field,...\" names what it creates). "+
				"The decision is recorded in openapi.yaml as %s", id, id, extIdempotent))
			continue
		}
		for _, f := range im.identifying {
			if !requestHasField(doc, op, f) {
				refused = append(refused, fmt.Sprintf("%s: identifying field %q is not a top-level field of its request", id, f))
				im = nil
				break
			}
		}
		if im == nil {
			continue
		}
		reached, dangling := reachedSchemas(doc, op)
		if len(dangling) > 0 {
			refused = append(refused, fmt.Sprintf("%s: refers to schemas the vendor's document lacks: %s", id, strings.Join(dangling, ", ")))
			continue
		}
		if clash := slices.DeleteFunc(slices.Clone(reached), func(n string) bool { return !hand.schemas[n] }); len(clash) > 0 {
			refused = append(refused, fmt.Sprintf("%s: its schemas %s have the names of hand-written schemas", id, strings.Join(clash, ", ")))
			continue
		}
		im.schemas = reached
		byID[id] = im
	}
	if len(refused) > 0 {
		return nil, &RefusedError{Reasons: refused}
	}

	// The schemas, converted, then their examples checked.
	names := map[string]bool{}
	for _, im := range byID {
		for _, n := range im.schemas {
			names[n] = true
		}
	}
	// The document's own repairs (dangling $refs) that these schemas carry.
	for _, r := range doc.Repairs {
		for n := range names {
			if strings.HasPrefix(r, "#/components/schemas/"+n+"/") {
				res.Repairs = append(res.Repairs, r)
			}
		}
	}
	schemas := map[string]any{}
	for n := range names {
		s := deepCopy(doc.Schemas()[n])
		convert(s, "#/components/schemas/"+n, &res.Repairs)
		schemas[n] = s
	}
	if err := repairExamples(spec, schemas, &res.Repairs); err != nil {
		return nil, err
	}

	paths := map[string]any{}
	for _, id := range slices.Sorted(keysOf(byID)) {
		im := byID[id]
		paths[im.path] = map[string]any{"post": operation(doc, im)}
		res.Imported = append(res.Imported, id)
	}
	out, err := splice(spec, paths, schemas)
	if err != nil {
		return nil, err
	}
	if err := validate(out); err != nil {
		return nil, err
	}
	res.YAML = out
	sort.Strings(res.Repairs)
	return res, nil
}

// operation is the imported operation in the project's conventions.
func operation(doc *upstream.Doc, im *imported) map[string]any {
	v := im.op
	op := map[string]any{
		"operationId":  im.id,
		extImported:    true,
		extIdempotent:  im.idempotent,
		extAuthScheme:  authScheme(doc, v),
		"security":     []any{map[string]any{"AuthScheme": []any{}, "ApiKey": []any{}}, map[string]any{"AuthScheme": []any{}, "AccessToken": []any{}}},
		"requestBody":  map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": requestSchema(v)}}},
		"responses":    responses(v),
		"x-rhombus-op": nil,
	}
	delete(op, "x-rhombus-op")
	if !im.idempotent {
		op[extIdentifying] = toAny(im.identifying)
	}
	for _, k := range []string{"summary", "description", "tags", "deprecated"} {
		if x, ok := v[k]; ok {
			op[k] = x
		}
	}
	if f := failureShape(doc, v); f != nil {
		op[extFailure] = f
	}
	return op
}

// authScheme is the schema of the vendor's x-auth-scheme parameter: the
// values an API key may send with this operation.
func authScheme(doc *upstream.Doc, op map[string]any) any {
	params, _ := op["parameters"].([]any)
	comps, _ := doc.Root["components"].(map[string]any)
	all, _ := comps["parameters"].(map[string]any)
	for _, p := range params {
		pm, _ := p.(map[string]any)
		if ref, ok := pm["$ref"].(string); ok {
			pm, _ = all[strings.TrimPrefix(ref, "#/components/parameters/")].(map[string]any)
		}
		if pm["in"] == "header" && strings.EqualFold(fmt.Sprint(pm["name"]), "x-auth-scheme") {
			if s, ok := pm["schema"]; ok {
				return deepCopy(s)
			}
		}
	}
	// Without the parameter, the organisation API token alone.
	return map[string]any{"type": "string", "enum": []any{"api-token"}, "default": "api-token"}
}

func requestSchema(op map[string]any) any {
	rb, _ := op["requestBody"].(map[string]any)
	c, _ := rb["content"].(map[string]any)
	j, _ := c["application/json"].(map[string]any)
	if s, ok := j["schema"]; ok {
		return deepCopy(s)
	}
	return map[string]any{"type": "object"}
}

func responses(op map[string]any) map[string]any {
	out := map[string]any{
		"400": map[string]any{"$ref": "#/components/responses/BadRequest"},
		"401": map[string]any{"$ref": "#/components/responses/Unauthorized"},
		"403": map[string]any{"$ref": "#/components/responses/Forbidden"},
		"429": map[string]any{"$ref": "#/components/responses/TooManyRequests"},
		"500": map[string]any{"$ref": "#/components/responses/ServerError"},
	}
	rs, _ := op["responses"].(map[string]any)
	ok, _ := rs["200"].(map[string]any)
	r := map[string]any{"description": "OK"}
	if c, has := ok["content"]; has {
		r["content"] = deepCopy(c)
	} else {
		r["content"] = map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}
	}
	out["200"] = r
	return out
}

// failureShape finds an answer that reports failure in its own shape: a
// discriminated union whose discriminator can be "ERROR". It names the
// property, the value, and the variant's other fields, which carry the
// reason (for example errorType).
func failureShape(doc *upstream.Doc, op map[string]any) map[string]any {
	rs, _ := op["responses"].(map[string]any)
	ok, _ := rs["200"].(map[string]any)
	c, _ := ok["content"].(map[string]any)
	j, _ := c["application/json"].(map[string]any)
	s := doc.Resolve(j["schema"])
	d, _ := s["discriminator"].(map[string]any)
	prop, _ := d["propertyName"].(string)
	if prop == "" {
		return nil
	}
	props, _ := s["properties"].(map[string]any)
	enum, _ := doc.Resolve(props[prop])["enum"].([]any)
	if !slices.Contains(enum, any("ERROR")) {
		return nil
	}
	var reasons []string
	oneOf, _ := s["oneOf"].([]any)
	for _, v := range oneOf {
		vs := doc.Resolve(v)
		ref, _ := v.(map[string]any)["$ref"].(string)
		if !strings.Contains(strings.ToLower(ref), "error") {
			continue
		}
		for name := range allProperties(doc, vs) {
			if name != prop {
				reasons = append(reasons, name)
			}
		}
	}
	sort.Strings(reasons)
	return map[string]any{"property": prop, "equals": "ERROR", "reason": toAny(reasons)}
}

func allProperties(doc *upstream.Doc, s map[string]any) map[string]bool {
	out := map[string]bool{}
	props, _ := s["properties"].(map[string]any)
	for k := range props {
		out[k] = true
	}
	all, _ := s["allOf"].([]any)
	for _, m := range all {
		for k := range allProperties(doc, doc.Resolve(m)) {
			out[k] = true
		}
	}
	return out
}

func requestHasField(doc *upstream.Doc, op map[string]any, field string) bool {
	return allProperties(doc, doc.Resolve(requestSchema(op)))[field]
}

// reachedSchemas lists every component schema the operation's request and
// 200 answer reach, and those it refers to but the document lacks.
func reachedSchemas(doc *upstream.Doc, op map[string]any) (reached, dangling []string) {
	seen := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				if name, ok := strings.CutPrefix(ref, "#/components/schemas/"); ok && !seen[name] {
					seen[name] = true
					s, exists := doc.Schemas()[name]
					if !exists {
						dangling = append(dangling, name)
					} else {
						reached = append(reached, name)
						walk(s)
					}
				}
			}
			for _, k := range slices.Sorted(keysOf(v)) {
				walk(v[k])
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(op["requestBody"])
	rs, _ := op["responses"].(map[string]any)
	walk(rs["200"])
	sort.Strings(reached)
	sort.Strings(dangling)
	return reached, dangling
}

// convert puts a vendor schema in the project's conventions: a RUUID is the
// RUUID schema; formats nobody defines are mapped or dropped.
func convert(v any, where string, repairs *[]string) {
	switch m := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(keysOf(m)) {
			child, ok := m[k].(map[string]any)
			if !ok {
				convert(m[k], where+"/"+k, repairs)
				continue
			}
			if child["format"] == "RUUID" && child["type"] == "string" {
				m[k] = map[string]any{"$ref": "#/components/schemas/RUUID"}
				continue
			}
			convert(child, where+"/"+k, repairs)
		}
		if f, ok := m["format"].(string); ok {
			if to, mapped := upstream.MapFormat(f); mapped {
				if to == "" {
					delete(m, "format")
				} else {
					m["format"] = to
				}
				*repairs = append(*repairs, fmt.Sprintf("%s: format %q, which nothing defines, %s", where, f, map[bool]string{true: "dropped", false: "mapped to " + to}[to == ""]))
			}
		}
	case []any:
		for i, e := range m {
			if child, ok := e.(map[string]any); ok && child["format"] == "RUUID" && child["type"] == "string" {
				m[i] = map[string]any{"$ref": "#/components/schemas/RUUID"}
				continue
			}
			convert(e, fmt.Sprintf("%s/%d", where, i), repairs)
		}
	}
}

// repairExamples drops every example that contradicts its own schema, with
// the spec's components (RUUID among them) in scope.
func repairExamples(spec []byte, schemas map[string]any, repairs *[]string) error {
	var base map[string]any
	if err := yaml.Unmarshal(spec, &base); err != nil {
		return fmt.Errorf("openapi.yaml: %w", err)
	}
	comps, _ := base["components"].(map[string]any)
	all := map[string]any{}
	if cs, ok := comps["schemas"].(map[string]any); ok {
		for k, v := range cs {
			all[k] = v
		}
	}
	for k, v := range schemas {
		all[k] = v
	}
	docJSON, err := json.Marshal(map[string]any{
		"openapi": "3.0.3", "info": map[string]any{"title": "examples", "version": "1"}, "paths": map[string]any{},
		"components": map[string]any{"schemas": all},
	})
	if err != nil {
		return err
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(docJSON)
	if err != nil {
		return fmt.Errorf("checking examples: %w", err)
	}
	opts := []openapi3.SchemaValidationOption{openapi3.MultiErrors()}
	for _, name := range slices.Sorted(keysOf(schemas)) {
		ref := doc.Components.Schemas[name]
		if ref == nil || ref.Value == nil {
			continue
		}
		dropBadExamples(schemas[name].(map[string]any), ref.Value, "#/components/schemas/"+name, opts, repairs, 0)
	}
	return nil
}

// dropBadExamples walks a raw schema and its loaded twin in step, through
// inline schemas only (a $ref is a component of its own, checked there).
func dropBadExamples(raw map[string]any, s *openapi3.Schema, where string, opts []openapi3.SchemaValidationOption, repairs *[]string, depth int) {
	if raw == nil || s == nil || depth > 32 {
		return
	}
	if ex, ok := raw["example"]; ok {
		if err := s.VisitJSON(jsonValue(ex), opts...); err != nil {
			delete(raw, "example")
			*repairs = append(*repairs, fmt.Sprintf("%s: example %s contradicts its schema; dropped", where, compact(ex)))
		}
	}
	inline := func(rawChild any, ref *openapi3.SchemaRef, at string) {
		rc, ok := rawChild.(map[string]any)
		if !ok || ref == nil || ref.Value == nil {
			return
		}
		if _, isRef := rc["$ref"]; isRef {
			return
		}
		dropBadExamples(rc, ref.Value, at, opts, repairs, depth+1)
	}
	if props, ok := raw["properties"].(map[string]any); ok {
		for _, k := range slices.Sorted(keysOf(props)) {
			inline(props[k], s.Properties[k], where+"/properties/"+k)
		}
	}
	inline(raw["items"], s.Items, where+"/items")
	if ap, ok := raw["additionalProperties"].(map[string]any); ok && s.AdditionalProperties.Schema != nil {
		inline(ap, s.AdditionalProperties.Schema, where+"/additionalProperties")
	}
	for kw, refs := range map[string]openapi3.SchemaRefs{"allOf": s.AllOf, "oneOf": s.OneOf, "anyOf": s.AnyOf} {
		list, _ := raw[kw].([]any)
		for i := range min(len(list), len(refs)) {
			inline(list[i], refs[i], fmt.Sprintf("%s/%s/%d", where, kw, i))
		}
	}
}

// jsonValue turns json.Number and yaml's ints into what kin-openapi checks.
func jsonValue(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if json.Unmarshal(b, &out) != nil {
		return v
	}
	return out
}

func compact(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 60 {
		return string(b[:57]) + "..."
	}
	return string(b)
}

// splice writes the regions into the spec text, replacing earlier ones.
func splice(spec []byte, paths, schemas map[string]any) ([]byte, error) {
	text := string(spec)
	text = removeRegion(text, pathsBegin, pathsEnd)
	text = removeRegion(text, schemasBegin, schemasEnd)
	pathsYAML, err := region(paths, 2, pathsBegin, pathsEnd)
	if err != nil {
		return nil, err
	}
	schemasYAML, err := region(schemas, 4, schemasBegin, schemasEnd)
	if err != nil {
		return nil, err
	}
	// Imported paths go at the end of the paths section, just before
	// the top-level components key.
	i := strings.Index(text, "\ncomponents:\n")
	if i < 0 {
		return nil, errors.New("openapi.yaml: no top-level components: section")
	}
	text = strings.TrimRight(text[:i], "\n") + "\n" + pathsYAML + "\n" + text[i+1:]
	// Imported schemas go at the end of components.schemas, the file's last section.
	if !strings.Contains(text, "\n  schemas:\n") {
		return nil, errors.New("openapi.yaml: no components.schemas section")
	}
	text = strings.TrimRight(text, "\n") + "\n" + schemasYAML
	return []byte(text), nil
}

func removeRegion(text, begin, end string) string {
	i := strings.Index(text, "\n"+begin+"\n")
	j := strings.Index(text, "\n"+end+"\n")
	if i < 0 || j < i {
		return text
	}
	before := strings.TrimRight(text[:i], "\n")
	after := text[j+len(end)+2:]
	if strings.HasPrefix(after, "\n") || after == "" {
		return before + "\n" + after
	}
	return before + "\n\n" + after
}

// region renders m as YAML indented by indent spaces between the markers,
// or "" when m is empty.
func region(m map[string]any, indent int, begin, end string) (string, error) {
	if len(m) == 0 {
		return "", nil
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(yamlValue(m)); err != nil {
		return "", err
	}
	pad := strings.Repeat(" ", indent)
	var out strings.Builder
	out.WriteString("\n" + begin + "\n")
	for _, line := range strings.Split(strings.TrimRight(buf.String(), "\n"), "\n") {
		if line == "" {
			out.WriteString("\n")
			continue
		}
		out.WriteString(pad + line + "\n")
	}
	out.WriteString(end + "\n")
	return out.String(), nil
}

// yamlValue turns json.Number into int64 or float64 so YAML writes numbers.
func yamlValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = yamlValue(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = yamlValue(e)
		}
		return out
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return i
		}
		f, _ := v.Float64()
		return f
	}
	return v
}

// validate loads the new spec as the tests and the fake do.
func validate(spec []byte) error {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(spec)
	if err != nil {
		return fmt.Errorf("the imported openapi.yaml does not load: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return fmt.Errorf("the imported openapi.yaml does not validate: %w", err)
	}
	return nil
}

type decision struct {
	idempotent  bool
	identifying []string
}

// previousImports reads the decisions of the operations imported before.
func previousImports(spec []byte) (map[string]decision, error) {
	var doc struct {
		Paths map[string]map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(spec, &doc); err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	out := map[string]decision{}
	for _, item := range doc.Paths {
		for _, op := range item {
			if op[extImported] != true {
				continue
			}
			id, _ := op["operationId"].(string)
			d := decision{}
			d.idempotent, _ = op[extIdempotent].(bool)
			if list, ok := op[extIdentifying].([]any); ok {
				d.identifying = []string{}
				for _, f := range list {
					d.identifying = append(d.identifying, fmt.Sprint(f))
				}
			}
			out[id] = d
		}
	}
	return out, nil
}

type handSpec struct {
	ops, schemas map[string]bool
}

// handWritten lists the operations and schemas outside the imported regions.
func handWritten(spec []byte) (*handSpec, error) {
	text := removeRegion(removeRegion(string(spec), pathsBegin, pathsEnd), schemasBegin, schemasEnd)
	var doc struct {
		Paths      map[string]map[string]map[string]any `yaml:"paths"`
		Components struct {
			Schemas map[string]any `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	h := &handSpec{ops: map[string]bool{}, schemas: map[string]bool{}}
	for _, item := range doc.Paths {
		for _, op := range item {
			if id, ok := op["operationId"].(string); ok {
				h.ops[id] = true
			}
		}
	}
	for name := range doc.Components.Schemas {
		h.schemas[name] = true
	}
	return h, nil
}

func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func keysOf[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
