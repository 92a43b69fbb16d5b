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
	"maps"
	"slices"
	"sort"
	"strings"
	"unicode"

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
	extGoName      = "x-go-name"
	extPagination  = "x-rhombus-pagination"
	// extInferred lists the extensions of an operation that the importer
	// inferred from the vendor's shapes (x-rhombus-pagination,
	// x-rhombus-resource), as opposed to decided: an inferred one is
	// inferred again on every import, so a newer vendor document refreshes
	// it; a decided one (given on the command line, or written by hand) is
	// kept.
	extInferred = "x-rhombus-inferred"
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
	// Pagination decides, per operation, how its list comes in pages
	// (PAGINATION="op=cursor,next,items[,pageSize]", read by
	// upstream.ParsePaginationFlag): recorded as decided, it wins over
	// what the shapes infer and is kept by later imports.
	Pagination map[string]*upstream.Pagination
}

// Result is what an import did.
type Result struct {
	YAML     []byte   // the new openapi.yaml
	Imported []string // operationIds now in the imported region
	Repairs  []string // what was repaired in the vendor's text, per operation
	Notes    []string // decisions recorded, and what a person may want to review
	Changes  []string // recorded decisions this command changed: "getX: write -> read"
	Removed  []string // operationIds removed by Unimport
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
	kept        map[string]any // x-rhombus-* keys written by hand (an answer cap), kept as they are
	goName      string         // the Go name of its method, and of its request and answer types
	schemas     []string       // the vendor schemas it reaches, by their names in the vendor's document
}

// Import adds the operations ids of doc to spec (openapi.yaml's text) and
// re-imports those imported before, keeping their decisions unless dec
// changes them; every change is listed in Result.Changes.
func Import(spec []byte, doc *upstream.Doc, ids []string, dec Decisions) (*Result, error) {
	prev, err := previousImports(spec)
	if err != nil {
		return nil, err
	}
	return build(spec, doc, prev, ids, dec)
}

// Unimport removes the imported operations ids from spec: the result is
// byte for byte the spec as if they had never been imported (the schemas
// only they reached go too). A hand-written operation, or one not
// imported, is refused.
func Unimport(spec []byte, doc *upstream.Doc, ids []string) (*Result, error) {
	prev, err := previousImports(spec)
	if err != nil {
		return nil, err
	}
	hand, err := handWritten(spec)
	if err != nil {
		return nil, err
	}
	var refused []string
	for _, id := range ids {
		switch _, ok := prev[id]; {
		case hand.ops[id]:
			refused = append(refused, fmt.Sprintf("%s: hand-written in openapi.yaml; only imported operations are removed", id))
		case !ok:
			refused = append(refused, fmt.Sprintf("%s: not imported, so there is nothing to remove", id))
		}
	}
	if len(refused) > 0 {
		return nil, &RefusedError{Reasons: refused}
	}
	for _, id := range ids {
		delete(prev, id)
	}
	res, err := build(spec, doc, prev, nil, Decisions{})
	if err != nil {
		return nil, err
	}
	res.Removed = slices.Sorted(slices.Values(ids))
	return res, nil
}

// build writes the imported regions for the operations of prev, with their
// recorded decisions, and ids, with dec's.
func build(spec []byte, doc *upstream.Doc, prev map[string]decision, ids []string, dec Decisions) (*Result, error) {
	// The repairs fullapi's generator needs are needed here too: the
	// imported schemas are compiled by the same generator.
	doc.RepairForGo()
	hand, err := handWritten(spec)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	var refused []string
	byID := map[string]*imported{}
	named := map[string]bool{}
	for _, id := range ids {
		named[id] = true
	}
	for _, id := range slices.Sorted(keysOf(dec.Identifying)) {
		if !named[id] {
			refused = append(refused, fmt.Sprintf("%s: IDENTIFYING names it, but OPS does not", id))
		}
	}
	for _, id := range dec.Reads {
		if !named[id] {
			refused = append(refused, fmt.Sprintf("%s: READS names it, but OPS does not", id))
		}
	}
	for _, id := range slices.Sorted(keysOf(dec.Pagination)) {
		if !named[id] {
			refused = append(refused, fmt.Sprintf("%s: PAGINATION names it, but OPS does not", id))
		}
	}
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
		fields, fieldsGiven := dec.Identifying[id]
		d, had := prev[id]
		switch {
		case had:
			// A recorded decision stays unless this command changes it.
			im.idempotent, im.identifying, im.kept = d.idempotent, d.identifying, d.kept
			if named[id] && dec.ReadsGiven {
				if read := slices.Contains(dec.Reads, id); read != d.idempotent {
					res.Changes = append(res.Changes, fmt.Sprintf("%s: %s -> %s", id, kind(d.idempotent), kind(read)))
					im.idempotent, im.identifying = read, nil
					if !read {
						im.identifying = []string{}
						if !fieldsGiven {
							res.Notes = append(res.Notes, noIdentifying(id))
						}
					}
				}
			}
		case named[id] && dec.ReadsGiven:
			im.idempotent = slices.Contains(dec.Reads, id)
			if !im.idempotent {
				im.identifying = []string{}
				if !fieldsGiven {
					res.Notes = append(res.Notes, noIdentifying(id))
				}
			}
		default:
			refused = append(refused, fmt.Sprintf("%s: undecided: is it safe to resend? Name it in READS=\"...\" if it only reads; "+
				"every other operation named in OPS is then recorded as a write (and IDENTIFYING=\"%s=field,...\" names what it creates). "+
				"The decision is recorded in openapi.yaml as %s", id, id, extIdempotent))
			continue
		}
		if fieldsGiven {
			if im.idempotent {
				refused = append(refused, fmt.Sprintf("%s: IDENTIFYING names fields of a read; only a write has identifying fields", id))
				continue
			}
			if had && !d.idempotent && !slices.Equal(fields, d.identifying) {
				res.Changes = append(res.Changes, fmt.Sprintf("%s: identifying fields [%s] -> [%s]", id, strings.Join(d.identifying, " "), strings.Join(fields, " ")))
			}
			im.identifying = slices.Clone(fields)
		}
		bad := false
		for _, f := range im.identifying {
			if !requestHasField(doc, op, f) {
				refused = append(refused, fmt.Sprintf("%s: identifying field %q is not a top-level field of its request", id, f))
				bad = true
			}
		}
		if p := dec.Pagination[id]; p != nil {
			for _, why := range paginationMismatch(doc, op, p) {
				refused = append(refused, fmt.Sprintf("%s: PAGINATION: %s", id, why))
				bad = true
			}
		}
		if bad {
			continue
		}
		im.goName = goName(id, op)
		// A Go name recorded in openapi.yaml is kept: users' code calls it,
		// and a newer vendor document must not rename it.
		if had && d.goName != "" && d.goName != im.goName {
			res.Notes = append(res.Notes, fmt.Sprintf("%s: keeps its recorded Go name %s (the vendor's document now reads %s)", id, d.goName, im.goName))
			im.goName = d.goName
		}
		byID[id] = im
	}

	// The schemas each operation reaches. A vendor schema with the name of
	// a hand-written one is the hand-written one when their shapes agree,
	// and is imported under another name when they do not.
	nm := newNaming(doc, hand)
	for _, id := range slices.Sorted(keysOf(byID)) {
		im := byID[id]
		reached, dangling := reachedSchemas(doc, im.op, nm.reused)
		if len(dangling) > 0 {
			refused = append(refused, fmt.Sprintf("%s: refers to schemas the vendor's document lacks: %s", id, strings.Join(dangling, ", ")))
			delete(byID, id)
			continue
		}
		im.schemas = reached
	}

	names := map[string]bool{}
	for _, im := range byID {
		for _, n := range im.schemas {
			names[n] = true
		}
	}
	// The document's own repairs (dangling $refs, Go names) that these
	// schemas carry.
	for _, r := range doc.Repairs {
		for n := range names {
			if strings.HasPrefix(r, "#/components/schemas/"+n+"/") {
				res.Repairs = append(res.Repairs, r)
			}
		}
	}
	schemas := map[string]any{}
	for _, n := range slices.Sorted(keysOf(names)) {
		to := nm.target(n)
		if to != n {
			res.Notes = append(res.Notes, fmt.Sprintf("the vendor's schema %s differs from the hand-written %s: imported as %s", n, n, to))
		}
		s := deepCopy(doc.Schemas()[n])
		convert(s, "#/components/schemas/"+to, &res.Repairs)
		schemas[to] = s
	}
	// An operation's own request and answer schemas (no other operation of
	// the vendor's document uses them) take its Go name. One it was given
	// before keeps it while the operation still uses that schema, even once
	// other operations share it: a newer vendor document adding an operation
	// must not rename a Go type users' code names.
	own := ownSchemas(doc)
	recorded, err := recordedTypeNames(spec, hand)
	if err != nil {
		return nil, err
	}
	kept := map[string]bool{}
	for _, id := range slices.Sorted(keysOf(byID)) {
		im := byID[id]
		for _, suffix := range []string{"Request", "Response"} {
			n := bodyRef(im.op["requestBody"])
			if suffix == "Response" {
				n = answerRef(im.op)
			}
			s, ok := schemas[nm.target(n)].(map[string]any)
			switch g := im.goName + suffix; {
			case !ok:
			case own[n] == im.id:
				s["x-go-name"] = g
			case recorded[nm.target(n)] == g:
				s["x-go-name"] = g
				kept[g] = true
				res.Notes = append(res.Notes, fmt.Sprintf("%s: its %s schema %s keeps its recorded Go name %s, though other operations of the vendor's document use it too",
					id, strings.ToLower(suffix), nm.target(n), g))
			}
		}
	}
	renameRefs(schemas, nm.renamed)
	// Every reason at once: Go names that would collide too.
	if refused = append(refused, goNameClashes(hand, byID, schemas, kept)...); len(refused) > 0 {
		return nil, &RefusedError{Reasons: refused}
	}
	if err := repairExamples(spec, schemas, &res.Repairs); err != nil {
		return nil, err
	}

	paths := map[string]any{}
	doc.InferResources() // once per document; see below
	for _, id := range slices.Sorted(keysOf(byID)) {
		im := byID[id]
		op := operation(doc, im)
		d, had := prev[id]
		var inferred []string
		// Its resource family, as the whole API infers it, inferred again
		// on every import; one decided in openapi.yaml (written there by
		// hand) wins.
		if _, decided := op[upstream.ExtResource]; !decided {
			if ext, ok := im.op[upstream.ExtResource]; ok {
				op[upstream.ExtResource] = ext
				inferred = append(inferred, upstream.ExtResource)
			}
			if had {
				if before, now := resourceState(d.inferred[upstream.ExtResource]), resourceState(op[upstream.ExtResource]); before != now {
					res.Changes = append(res.Changes, fmt.Sprintf("%s: resource %s -> %s", id, before, now))
				}
			}
		}
		// Paging: as PAGINATION decides it; else as decided before (kept in
		// openapi.yaml); else as its shapes read (upstream.InferPagination,
		// as for the whole API), inferred again on every import.
		before := pagingState(d, had)
		switch p, given := dec.Pagination[id]; {
		case given:
			op[extPagination] = p.Extension()
		case op[extPagination] != nil: // decided before
		default:
			switch p, why := doc.InferPagination(im.op); {
			case p != nil:
				op[extPagination] = p.Extension()
				inferred = append(inferred, extPagination)
			case why != "":
				res.Notes = append(res.Notes, fmt.Sprintf("%s: paging undecided: it %s; decide it with PAGINATION=\"%s=cursor,next,items[,pageSize]\" (next may be items[-1].field), which every later import keeps, to have its paginators", id, why, id))
			}
		}
		if now := pagingValue(op[extPagination], slices.Contains(inferred, extPagination)); had && before != now {
			res.Changes = append(res.Changes, fmt.Sprintf("%s: pagination %s -> %s", id, before, now))
		}
		if len(inferred) > 0 {
			slices.Sort(inferred)
			op[extInferred] = toAny(inferred)
		}
		renameRefs(op, nm.renamed)
		paths[im.path] = map[string]any{"post": op}
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

func kind(idempotent bool) string {
	if idempotent {
		return "read"
	}
	return "write"
}

func noIdentifying(id string) string {
	return fmt.Sprintf("%s: a write with no identifying fields: an unknown outcome will name none (give IDENTIFYING=\"%s=field,...\" to record some)", id, id)
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
		"requestBody":  map[string]any{"required": true, "content": requestContent(v)},
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
	op[extGoName] = im.goName
	if ps := otherParameters(doc, v); len(ps) > 0 {
		op["parameters"] = ps
	}
	for k, x := range im.kept {
		op[k] = x
	}
	return op
}

// otherParameters are the operation's parameters other than x-auth-scheme
// (a query or header parameter a few operations take), resolved, so the
// spec says all the vendor's does; the typed method and c.API() take them.
// An optional one is a pointer in Go (x-go-type-skip-optional-pointer:
// false), so that one left nil is not sent: as a plain value the generated
// client would send its zero value ("transaction=", an empty header),
// which the server reads as given.
func otherParameters(doc *upstream.Doc, op map[string]any) []any {
	params, _ := op["parameters"].([]any)
	comps, _ := doc.Root["components"].(map[string]any)
	all, _ := comps["parameters"].(map[string]any)
	var out []any
	for _, p := range params {
		pm, _ := p.(map[string]any)
		if ref, ok := pm["$ref"].(string); ok {
			pm, _ = all[strings.TrimPrefix(ref, "#/components/parameters/")].(map[string]any)
		}
		if pm == nil || (pm["in"] == "header" && strings.EqualFold(fmt.Sprint(pm["name"]), "x-auth-scheme")) {
			continue
		}
		c := deepCopy(pm).(map[string]any)
		var ignored []string
		convert(c, "", &ignored)
		if c["required"] != true {
			c["x-go-type-skip-optional-pointer"] = false
		}
		out = append(out, c)
	}
	return out
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

// requestContent is the imported request body's content, by content type:
// JSON as the vendor's document has it; a multipart/form-data upload as a
// form (see formSchema). A body of neither kind is sent as JSON.
func requestContent(op map[string]any) map[string]any {
	rb, _ := op["requestBody"].(map[string]any)
	c, _ := rb["content"].(map[string]any)
	if _, json := c["application/json"]; !json {
		if _, form := c["multipart/form-data"]; form {
			return map[string]any{"multipart/form-data": map[string]any{"schema": requestSchema(op)}}
		}
	}
	return map[string]any{"application/json": map[string]any{"schema": requestSchema(op)}}
}

// requestSchema is the schema of the imported request body.
func requestSchema(op map[string]any) any {
	rb, _ := op["requestBody"].(map[string]any)
	c, _ := rb["content"].(map[string]any)
	j, _ := c["application/json"].(map[string]any)
	if s, ok := j["schema"]; ok {
		return deepCopy(s)
	}
	if f, ok := c["multipart/form-data"].(map[string]any); ok {
		return formSchema(f["schema"])
	}
	return map[string]any{"type": "object"}
}

// formSchema is the schema of a multipart form. The vendor's document
// describes its uploads by the server's own class (Jersey's
// FormDataMultiPart: body parts, headers, providers), which says nothing
// of the fields sent; its descriptions name the file's field "file". Such
// a form is written as a file field "file" and any other text fields
// (createTicketWithFile's "request"); a form whose schema lists its
// fields is kept as it is.
func formSchema(s any) any {
	if m, ok := s.(map[string]any); ok {
		if ref, _ := m["$ref"].(string); ref != "" && !strings.HasSuffix(ref, "/FormDataMultiPart") {
			return deepCopy(s)
		}
		if _, ok := m["properties"]; ok {
			return deepCopy(s)
		}
	}
	return map[string]any{
		"type":       "object",
		"properties": map[string]any{"file": map[string]any{"type": "string", "format": "binary"}},
		// true, not {type: string}: validators (kin-openapi's among them)
		// read a schema here as the shape of one part, not of every other.
		"additionalProperties": true,
	}
}

// answerContent is the content of a 200 answer: JSON as the vendor's
// document has it; another type (text/csv, application/zip) with the
// schema of bytes, in place of the server's class (StreamingOutput),
// which describes no content.
func answerContent(c map[string]any) map[string]any {
	out := map[string]any{}
	for ct, v := range c {
		mt := strings.ToLower(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0]))
		if mt == "application/json" || strings.HasSuffix(mt, "+json") {
			out[ct] = deepCopy(v)
			continue
		}
		out[ct] = map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}
	}
	return out
}

func responses(op map[string]any) map[string]any {
	out := map[string]any{
		"400": map[string]any{"$ref": "#/components/responses/BadRequest"},
		"401": map[string]any{"$ref": "#/components/responses/Unauthorized"},
		"403": map[string]any{"$ref": "#/components/responses/Forbidden"},
		"429": map[string]any{"$ref": "#/components/responses/TooManyRequests"},
		"500": map[string]any{"$ref": "#/components/responses/ServerError"},
	}
	ok, _ := vendorOK(op).(map[string]any)
	r := map[string]any{"description": "OK"}
	if c, has := ok["content"].(map[string]any); has && len(c) > 0 {
		r["content"] = answerContent(c)
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
	ok, _ := vendorOK(op).(map[string]any)
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
// 200 answer reach, and those it refers to but the document lacks. A schema
// reused (the hand-written one of the same name) is neither listed nor
// walked into: the hand-written one and what it reaches are used.
func reachedSchemas(doc *upstream.Doc, op map[string]any, reused func(string) bool) (reached, dangling []string) {
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
					} else if !reused(name) {
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
	// What is imported, not the vendor's text: a form or a CSV answer
	// reaches none of the server's classes that describe them.
	walk(requestContent(op))
	walk(responses(op)["200"])
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
	kept        map[string]any // decided: written by hand, or given on the command line
	inferred    map[string]any // the extensions inferred by the last import, as it wrote them
	goName      string         // its Go name as recorded (x-go-name), kept on re-import
}

// written lists the operation keys the importer writes; any other
// x-rhombus-* key of an imported operation was decided (on the command
// line, or by hand) and is kept, unless extInferred lists it.
var written = map[string]bool{extImported: true, extIdempotent: true, extIdentifying: true, extAuthScheme: true, extFailure: true, extInferred: true}

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
			d := decision{inferred: map[string]any{}}
			d.idempotent, _ = op[extIdempotent].(bool)
			d.goName, _ = op[extGoName].(string)
			list, _ := op[extInferred].([]any)
			for _, k := range list {
				if k, ok := k.(string); ok && op[k] != nil {
					d.inferred[k] = op[k]
				}
			}
			for k, v := range op {
				if _, inferred := d.inferred[k]; inferred {
					continue
				}
				if strings.HasPrefix(k, "x-rhombus-") && !written[k] {
					if d.kept == nil {
						d.kept = map[string]any{}
					}
					d.kept[k] = v
				}
			}
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

// recordedTypeNames are the Go names (x-go-name) openapi.yaml records for
// its imported schemas, by schema name.
func recordedTypeNames(spec []byte, hand *handSpec) (map[string]string, error) {
	var doc struct {
		Components struct {
			Schemas map[string]map[string]any `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(spec, &doc); err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	out := map[string]string{}
	for n, s := range doc.Components.Schemas {
		if _, isHand := hand.schemas[n]; isHand {
			continue
		}
		if g, ok := s[extGoName].(string); ok {
			out[n] = g
		}
	}
	return out, nil
}

type handSpec struct {
	ops     map[string]bool
	schemas map[string]any
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
	h := &handSpec{ops: map[string]bool{}, schemas: doc.Components.Schemas}
	for _, item := range doc.Paths {
		for _, op := range item {
			if id, ok := op["operationId"].(string); ok {
				h.ops[id] = true
			}
		}
	}
	if h.schemas == nil {
		h.schemas = map[string]any{}
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

// vendorSuffix is added to the name of a vendor schema that differs from the
// hand-written schema of the same name, as many times as needed to be free.
const vendorSuffix = "_Vendor"

// naming decides, for each vendor schema with the name of a hand-written
// one, whether it is that schema (their shapes agree: reused) or another
// (imported under a new name, with every $ref to it rewritten).
type naming struct {
	doc     *upstream.Doc
	hand    *handSpec
	same    map[string]bool   // decided names: true when reused
	renamed map[string]string // vendor name -> imported name
}

func newNaming(doc *upstream.Doc, hand *handSpec) *naming {
	return &naming{doc: doc, hand: hand, same: map[string]bool{}, renamed: map[string]string{}}
}

// reused says whether the vendor schema name is the hand-written one.
func (n *naming) reused(name string) bool {
	h, ok := n.hand.schemas[name]
	if !ok {
		return false
	}
	if same, done := n.same[name]; done {
		return same
	}
	v := deepCopy(n.doc.Schemas()[name])
	var ignored []string
	convert(v, "", &ignored)
	same := sameShape(h, v)
	n.same[name] = same
	if !same {
		to := name + vendorSuffix
		for n.hand.schemas[to] != nil || n.doc.Schemas()[to] != nil {
			to += vendorSuffix
		}
		n.renamed[name] = to
	}
	return same
}

// target is the name the vendor schema name is imported under.
func (n *naming) target(name string) string {
	n.reused(name)
	if to, ok := n.renamed[name]; ok {
		return to
	}
	return name
}

// sameShape compares two schemas as conformance does: types, formats,
// nullability, enums, properties (allOf members merged), required lists,
// items, map values and alternatives, with references compared by name;
// words, examples and discriminator mappings aside.
func sameShape(a, b any) bool {
	ja, errA := json.Marshal(shape(a))
	jb, errB := json.Marshal(shape(b))
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}

func shape(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return fmt.Sprint(v)
	}
	if ref, ok := m["$ref"].(string); ok {
		return "$ref " + ref[strings.LastIndex(ref, "/")+1:]
	}
	out := map[string]any{}
	for _, k := range []string{"type", "format"} {
		if x, ok := m[k]; ok {
			out[k] = fmt.Sprint(x)
		}
	}
	// Conformance compares nullability at every position of an imported
	// operation: a hand-written schema that lets null through where the
	// vendor's does not is another schema.
	if m["nullable"] == true {
		out["nullable"] = true
	}
	if e, ok := m["enum"].([]any); ok {
		var vals []string
		for _, x := range e {
			vals = append(vals, fmt.Sprint(x))
		}
		sort.Strings(vals)
		out["enum"] = vals
	}
	props, required := map[string]any{}, map[string]bool{}
	var refs []string
	var merge func(m map[string]any)
	merge = func(m map[string]any) {
		ps, _ := m["properties"].(map[string]any)
		for k, p := range ps {
			props[k] = shape(p)
		}
		rs, _ := m["required"].([]any)
		for _, r := range rs {
			required[fmt.Sprint(r)] = true
		}
		all, _ := m["allOf"].([]any)
		for _, a := range all {
			am, _ := a.(map[string]any)
			if ref, ok := am["$ref"].(string); ok {
				refs = append(refs, ref)
			} else if am != nil {
				merge(am)
			}
		}
	}
	merge(m)
	if len(props) > 0 {
		out["properties"] = props
	}
	if len(required) > 0 {
		out["required"] = slices.Sorted(keysOf(required))
	}
	if len(refs) > 0 {
		sort.Strings(refs)
		out["allOf"] = refs
	}
	for _, k := range []string{"items", "additionalProperties", "not"} {
		if x, ok := m[k]; ok {
			out[k] = shape(x)
		}
	}
	for _, k := range []string{"oneOf", "anyOf"} {
		if list, ok := m[k].([]any); ok {
			var alts []string
			for _, a := range list {
				b, _ := json.Marshal(shape(a))
				alts = append(alts, string(b))
			}
			sort.Strings(alts)
			out[k] = alts
		}
	}
	return out
}

// renameRefs rewrites every schema $ref under v to a renamed schema.
func renameRefs(v any, renamed map[string]string) {
	if len(renamed) == 0 {
		return
	}
	switch v := v.(type) {
	case map[string]any:
		if ref, ok := v["$ref"].(string); ok {
			if name, ok := strings.CutPrefix(ref, "#/components/schemas/"); ok && renamed[name] != "" {
				v["$ref"] = "#/components/schemas/" + renamed[name]
			}
		}
		for _, e := range v {
			renameRefs(e, renamed)
		}
	case []any:
		for _, e := range v {
			renameRefs(e, renamed)
		}
	}
}

// goName is the Go name of an operation: its operationId with the first
// letter of each part (split at anything not a letter or digit) in upper
// case, spelt as the vendor's own request or answer schema spells it where
// that schema's operation part is the same word case aside
// (Location_CreateLocationWSRequest makes createlocation CreateLocation).
// The typed method has this name, its own request and answer types the name
// with Request and Response added.
func goName(id string, op map[string]any) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(id, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	name := b.String()
	for _, ref := range []string{bodyRef(op["requestBody"]), answerRef(op)} {
		base := ref[strings.LastIndex(ref, "_")+1:]
		for _, suffix := range []string{"WSRequest", "WSResponse", "Request", "Response"} {
			base = strings.TrimSuffix(base, suffix)
		}
		if base != "" && strings.EqualFold(base, name) {
			name = strings.ToUpper(base[:1]) + base[1:]
			break
		}
	}
	if name == "" || !unicode.IsLetter(rune(name[0])) {
		name = "Op" + name
	}
	return name
}

// bodyRef is the component schema name of a request body or answer (the
// first content type's, in order), or "".
func bodyRef(body any) string {
	m, _ := body.(map[string]any)
	c, _ := m["content"].(map[string]any)
	for _, ct := range slices.Sorted(keysOf(c)) {
		mt, _ := c[ct].(map[string]any)
		s, _ := mt["schema"].(map[string]any)
		if ref, ok := s["$ref"].(string); ok {
			if name, ok := strings.CutPrefix(ref, "#/components/schemas/"); ok {
				return name
			}
		}
	}
	return ""
}

func answerRef(op map[string]any) string {
	return bodyRef(vendorOK(op))
}

// vendorOK is the vendor's answer to a call that succeeds: its 200, or
// where it declares none, its default answer, the only one it documents
// (revertToDefaults); it is imported as the 200.
func vendorOK(op map[string]any) any {
	rs, _ := op["responses"].(map[string]any)
	if ok, has := rs["200"]; has {
		return ok
	}
	return rs["default"]
}

// ownSchemas maps each schema that exactly one operation of the vendor's
// document uses as its request or its answer, and nothing else, to that
// operation.
func ownSchemas(doc *upstream.Doc) map[string]string {
	users := map[string][]string{}
	paths, _ := doc.Root["paths"].(map[string]any)
	for _, p := range slices.Sorted(keysOf(paths)) {
		item, _ := paths[p].(map[string]any)
		for _, m := range slices.Sorted(keysOf(item)) {
			op, _ := item[m].(map[string]any)
			id, _ := op["operationId"].(string)
			for _, n := range []string{bodyRef(op["requestBody"]), answerRef(op)} {
				if n != "" {
					users[n] = append(users[n], id)
				}
			}
		}
	}
	own := map[string]string{}
	for n, ids := range users {
		if len(ids) == 1 {
			own[n] = ids[0]
		}
	}
	return own
}

// goNameClashes lists the Go names two operations, or two schemas, would
// share: each is a refusal, for the generated code would not compile.
func goNameClashes(hand *handSpec, byID map[string]*imported, schemas map[string]any, kept map[string]bool) []string {
	var out []string
	key := func(s string) string {
		return strings.ToLower(strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return r
			}
			return -1
		}, s))
	}
	methods, shown := map[string][]string{}, map[string]string{}
	addMethod := func(id, name string) {
		methods[key(name)] = append(methods[key(name)], id)
		if shown[key(name)] == "" || name < shown[key(name)] {
			shown[key(name)] = name
		}
	}
	for id := range hand.ops {
		addMethod(id, goName(id, nil))
	}
	for id, im := range byID {
		addMethod(id, im.goName)
	}
	for _, k := range slices.Sorted(keysOf(methods)) {
		if ids := methods[k]; len(ids) > 1 {
			sort.Strings(ids)
			out = append(out, fmt.Sprintf("%s: the operations would have one Go method name, %s; import one of them only", strings.Join(ids, ", "), shown[k]))
		}
	}
	types, goNames := map[string][]string{}, map[string][]string{}
	add := func(name string, s any) {
		g := name
		if m, ok := s.(map[string]any); ok {
			if x, ok := m["x-go-name"].(string); ok {
				g = x
			}
		}
		types[key(g)] = append(types[key(g)], name)
		goNames[key(g)] = append(goNames[key(g)], g)
	}
	for n, s := range hand.schemas {
		add(n, s)
	}
	for n, s := range schemas {
		add(n, s)
	}
	for _, k := range slices.Sorted(keysOf(types)) {
		if names := types[k]; len(names) > 1 {
			sort.Strings(names)
			why := ""
			for _, g := range goNames[k] {
				if kept[g] {
					why = fmt.Sprintf(" (%s is recorded in openapi.yaml and kept, as users' code names it)", g)
				}
			}
			out = append(out, fmt.Sprintf("schemas %s would have one Go type name, %s%s", strings.Join(names, ", "), k, why))
		}
	}
	return out
}

// pagingState is how an operation imported before paged: "none", its
// decision in PAGINATION's form, or that followed by "(inferred)".
func pagingState(d decision, had bool) string {
	if !had {
		return ""
	}
	if v, ok := d.kept[extPagination]; ok {
		return pagingValue(v, false)
	}
	return pagingValue(d.inferred[extPagination], true)
}

func pagingValue(v any, inferred bool) string {
	if v == nil {
		return "none"
	}
	s := ""
	if p, err := upstream.ParsePagination(v); err == nil {
		s = paginationFlag(p)
	} else {
		b, _ := json.Marshal(v)
		s = string(b)
	}
	if inferred {
		s += " (inferred)"
	}
	return s
}

// paginationFlag writes p as PAGINATION takes it, less "op=".
func paginationFlag(p *upstream.Pagination) string {
	next := p.Next
	if p.ItemCursor != "" {
		next = "items[-1]." + p.ItemCursor
	}
	s := p.Cursor + "," + next + "," + p.Items
	if p.PageSize != "" {
		s += "," + p.PageSize
	}
	return s
}

func resourceState(v any) string {
	if v == nil {
		return "none"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// paginationMismatch lists what in p the operation's shapes do not have:
// the request's cursor and page size fields, the answer's list and its
// next-cursor field, or the field of the list's items.
func paginationMismatch(doc *upstream.Doc, op map[string]any, p *upstream.Pagination) []string {
	var out []string
	req := properties(doc, doc.Resolve(requestSchema(op)))
	ans := properties(doc, doc.Resolve(jsonBody(vendorOK(op))))
	if req[p.Cursor] == nil {
		out = append(out, fmt.Sprintf("cursor %q is not a top-level field of its request", p.Cursor))
	}
	if p.PageSize != "" && req[p.PageSize] == nil {
		out = append(out, fmt.Sprintf("pageSize %q is not a top-level field of its request", p.PageSize))
	}
	items := doc.Resolve(ans[p.Items])
	if t, _ := items["type"].(string); t != "array" {
		out = append(out, fmt.Sprintf("items %q is not a list at the top level of its answer", p.Items))
	}
	if p.Next != "" && ans[p.Next] == nil {
		out = append(out, fmt.Sprintf("next %q is not a top-level field of its answer", p.Next))
	}
	if p.ItemCursor != "" && items != nil && properties(doc, doc.Resolve(items["items"]))[p.ItemCursor] == nil {
		out = append(out, fmt.Sprintf("next items[-1].%s: the items of %s have no field %q", p.ItemCursor, p.Items, p.ItemCursor))
	}
	return out
}

// properties maps a schema's properties, those of its allOf included, to
// their schemas.
func properties(doc *upstream.Doc, s map[string]any) map[string]any {
	out := map[string]any{}
	all, _ := s["allOf"].([]any)
	for _, m := range all {
		maps.Copy(out, properties(doc, doc.Resolve(m)))
	}
	props, _ := s["properties"].(map[string]any)
	maps.Copy(out, props)
	return out
}

// jsonBody is the JSON schema of a request body or answer.
func jsonBody(body any) any {
	m, _ := body.(map[string]any)
	c, _ := m["content"].(map[string]any)
	j, _ := c["application/json"].(map[string]any)
	return j["schema"]
}
