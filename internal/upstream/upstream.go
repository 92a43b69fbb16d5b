// Package upstream reads the vendor's pinned OpenAPI document
// (upstream/openapi.json) and repairs its known mistakes in memory, so the
// importer, the conformance test and the whole-API generator all see the
// same repaired document. The pinned file itself is never changed.
package upstream

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// File is the pinned document, relative to the module root.
const File = "upstream/openapi.json"

// Formats maps each format the vendor uses but no standard or this project
// defines to what the project uses instead: "" drops the format (the value
// stays a plain string or object).
var Formats = map[string]string{
	"DeviceFacetUuid":          "", // a RUUID with a facet suffix; no fixed syntax is documented
	"DeviceFacet":              "",
	"SubLocationsHierarchyKey": "", // on an object: not a string format at all
	"url":                      "uri",
}

// Doc is the vendor's document as generic JSON values (numbers kept as
// json.Number), after the repairs, with the list of repairs made.
type Doc struct {
	Root    map[string]any
	Repairs []string

	goRepaired bool // RepairForGo ran: a second run would list its repairs twice
	resourced  bool // InferResources ran
}

// Read reads and repairs the pinned document at path.
func Read(path string) (*Doc, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(b)
}

// Parse repairs a vendor document given as JSON.
func Parse(b []byte) (*Doc, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var root map[string]any
	if err := dec.Decode(&root); err != nil {
		return nil, fmt.Errorf("upstream: %w", err)
	}
	d := &Doc{Root: root}
	d.repairDanglingRefs()
	d.repairDiscriminators()
	return d, nil
}

// repairDiscriminators gives a mapping to a oneOf discriminator that has
// none, where the document's names make it plain: an alternative whose
// name holds, case and underscores aside, a value of the discriminator's
// enum (SUCCESS in ...SuccessWSResponse, STANDARD_CSN in StandardCsnType;
// the longest one if several) is mapped from it. Without a mapping the
// alternatives, which allow any properties, all match any answer, so a
// validator refuses every answer as ambiguous. Alternatives no value names
// stay unmapped.
func (d *Doc) repairDiscriminators() {
	schemas := d.Schemas()
	for _, name := range sortedKeys(schemas) {
		s, _ := schemas[name].(map[string]any)
		disc, _ := s["discriminator"].(map[string]any)
		oneOf, _ := s["oneOf"].([]any)
		prop, _ := disc["propertyName"].(string)
		if prop == "" || disc["mapping"] != nil || len(oneOf) == 0 {
			continue
		}
		props, _ := s["properties"].(map[string]any)
		enum, _ := d.Resolve(props[prop])["enum"].([]any)
		mapping := map[string]any{}
		for _, alt := range oneOf {
			ref, _ := alt.(map[string]any)["$ref"].(string)
			alias := squash(path.Base(ref))
			// The longest value the name holds: RhombusOsdpDoorReaderType
			// is RhombusOsdpDoorReader, not OsdpDoorReader.
			value, tie := "", false
			for _, v := range enum {
				vs, _ := v.(string)
				if vs == "" || !strings.Contains(alias, squash(vs)) {
					continue
				}
				switch {
				case len(vs) > len(value):
					value, tie = vs, false
				case len(vs) == len(value):
					tie = true
				}
			}
			if value != "" && !tie && mapping[value] == nil {
				mapping[value] = ref
			}
		}
		if len(mapping) > 0 {
			disc["mapping"] = mapping
			d.Repairs = append(d.Repairs, fmt.Sprintf("#/components/schemas/%s/discriminator: mapping added from the alternatives' names", name))
		}
	}
}

// squash is s in lower case without underscores, for matching an enum
// value (STANDARD_CSN) with a schema name (StandardCsnType).
func squash(s string) string { return strings.ToLower(strings.ReplaceAll(s, "_", "")) }

// Resolve follows schema $refs within the document (a chain of them, up to
// ten) and returns the schema object they lead to.
func (d *Doc) Resolve(v any) map[string]any {
	m, _ := v.(map[string]any)
	for range 10 {
		ref, ok := m["$ref"].(string)
		if !ok {
			break
		}
		m, _ = d.Schemas()[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any)
	}
	return m
}

// Schemas is components.schemas.
func (d *Doc) Schemas() map[string]any {
	c, _ := d.Root["components"].(map[string]any)
	s, _ := c["schemas"].(map[string]any)
	return s
}

// Operation finds an operation by its operationId.
func (d *Doc) Operation(id string) (path, method string, op map[string]any, ok bool) {
	paths, _ := d.Root["paths"].(map[string]any)
	for _, p := range sortedKeys(paths) {
		item, _ := paths[p].(map[string]any)
		for _, m := range sortedKeys(item) {
			o, _ := item[m].(map[string]any)
			if o != nil && o["operationId"] == id {
				return p, m, o, true
			}
		}
	}
	return "", "", nil, false
}

// repairDanglingRefs replaces every schema $ref to a component the document
// lacks by an unconstrained schema, so the document loads; the value is
// then decoded as whatever JSON it is.
func (d *Doc) repairDanglingRefs() {
	schemas := d.Schemas()
	eachObject(d.Root, "#", func(v map[string]any, where string) {
		if ref, ok := v["$ref"].(string); ok {
			if name, ok := strings.CutPrefix(ref, "#/components/schemas/"); ok && schemas[name] == nil {
				delete(v, "$ref")
				v["description"] = "Any JSON value: the vendor's document refers to " + name + ", which it does not define."
				d.Repairs = append(d.Repairs, fmt.Sprintf("%s: dangling $ref %s replaced by an unconstrained schema", where, ref))
			}
		}
	})
}

// eachObject calls f with every JSON object under v, parents first, in a
// fixed order, with its JSON pointer.
func eachObject(v any, where string, f func(m map[string]any, where string)) {
	switch v := v.(type) {
	case map[string]any:
		f(v, where)
		for _, k := range sortedKeys(v) {
			eachObject(v[k], where+"/"+k, f)
		}
	case []any:
		for i, e := range v {
			eachObject(e, fmt.Sprintf("%s/%d", where, i), f)
		}
	}
}

// JSON returns the repaired document as JSON.
func (d *Doc) JSON() ([]byte, error) { return json.Marshal(d.Root) }

// Load returns the repaired document loaded by kin-openapi, with the
// vendor's undefined formats mapped, for code that compares schemas.
func (d *Doc) Load() (*openapi3.T, error) {
	b, err := d.JSON()
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromData(b)
	if err != nil {
		return nil, fmt.Errorf("upstream: loading the repaired document: %w", err)
	}
	return doc, nil
}

// MapFormat is what the project uses for a vendor format, and whether it
// differs.
func MapFormat(f string) (string, bool) {
	if to, ok := Formats[f]; ok {
		return to, true
	}
	return f, false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return slices.Clip(keys)
}

// RepairForGo applies the repairs the Go generator needs on top of Parse's,
// each reported: a nullable array as a map value (which would be *[]T in
// Go, though a nil slice already says "absent"), two properties whose
// Go names collide (ownedBy and owned_by both become OwnedBy), and an
// optional parameter as a pointer. The importer applies them too, so an
// imported operation builds as fullapi does; a second call does nothing.
func (d *Doc) RepairForGo() {
	if d.goRepaired {
		return
	}
	d.goRepaired = true
	d.optionalParametersAsPointers()
	eachObject(d.Root, "#", func(v map[string]any, where string) {
		if ap, ok := v["additionalProperties"].(map[string]any); ok && ap["type"] == "array" && ap["nullable"] == true {
			delete(ap, "nullable")
			d.Repairs = append(d.Repairs, where+"/additionalProperties: nullable array as a map value made non-nullable (a nil slice is absent already)")
		}
		if props, ok := v["properties"].(map[string]any); ok {
			d.renameCollisions(props, where+"/properties")
		}
	})
}

// optionalParametersAsPointers makes every optional parameter a pointer
// in Go (x-go-type-skip-optional-pointer: false): the generators skip
// optional pointers, and as a plain value a parameter left unset would be
// sent as its zero value ("transaction=", an empty header), which the
// server reads as given; nil is not sent.
func (d *Doc) optionalParametersAsPointers() {
	mark := func(p map[string]any, where string) {
		if _, set := p["x-go-type-skip-optional-pointer"]; p["required"] == true || set || p["in"] == nil {
			return
		}
		p["x-go-type-skip-optional-pointer"] = false
		d.Repairs = append(d.Repairs, fmt.Sprintf("%s: optional %s parameter %v made a pointer, so that one left unset is not sent", where, p["in"], p["name"]))
	}
	if comps, ok := d.Root["components"].(map[string]any); ok {
		params, _ := comps["parameters"].(map[string]any)
		for _, name := range sortedKeys(params) {
			if p, ok := params[name].(map[string]any); ok {
				mark(p, "#/components/parameters/"+name)
			}
		}
	}
	paths, _ := d.Root["paths"].(map[string]any)
	for _, path := range sortedKeys(paths) {
		item, _ := paths[path].(map[string]any)
		for _, method := range sortedKeys(item) {
			op, _ := item[method].(map[string]any)
			params, _ := op["parameters"].([]any)
			for i, p := range params {
				if pm, ok := p.(map[string]any); ok && pm["$ref"] == nil {
					mark(pm, fmt.Sprintf("#/paths/%s/%s/parameters/%d", pointerEscape(path), method, i))
				}
			}
		}
	}
}

// renameCollisions gives an x-go-name to every property whose Go name
// (camel case, underscores dropped) another property of the object has.
func (d *Doc) renameCollisions(props map[string]any, where string) {
	byGo := map[string][]string{}
	for _, name := range sortedKeys(props) {
		g := strings.ToLower(strings.ReplaceAll(name, "_", ""))
		byGo[g] = append(byGo[g], name)
	}
	for _, g := range sortedKeys(byGo) {
		names := byGo[g]
		for _, name := range names[1:] {
			p, ok := props[name].(map[string]any)
			if !ok {
				continue
			}
			goName := goIdent(name)
			p["x-go-name"] = goName
			d.Repairs = append(d.Repairs, fmt.Sprintf("%s/%s: Go name collides with %s; named %s", where, name, names[0], goName))
		}
	}
}

// goIdent is the generator's Go name for a JSON name with a 2 added: the
// generator normalises the spelling of x-go-name too, so only a suffix keeps
// the two fields apart (owned_by becomes OwnedBy2 next to ownedBy's OwnedBy).
func goIdent(name string) string {
	var b strings.Builder
	up := true
	for _, r := range name {
		if r == '_' {
			up = true
			continue
		}
		if up {
			b.WriteString(strings.ToUpper(string(r)))
			up = false
			continue
		}
		b.WriteRune(r)
	}
	if b.Len() == 0 {
		b.WriteString("X")
	}
	return b.String() + "2"
}

// pointerEscape is s as one token of a JSON pointer (RFC 6901).
func pointerEscape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}
