// Command operations writes the operation table of an OpenAPI spec as Go
// source: for each POST operation its operationId, path, the x-rhombus-*
// decisions recorded in the spec, the JSON paths of the RUUIDs in its
// request body, and the Go type of its 200 answer. The client reads this
// table instead of parsing the spec at run time. An operation of another
// method (the client sends JSON bodies with POST) is listed in a second
// table with -leftout, so that none is dropped without a word; without
// -leftout such an operation is an error.
//
// It is run by go generate; the output depends only on the spec, so
// regenerating reproduces it byte for byte.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"path"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/rhombuskit/rhombus-go/internal/upstream"
)

func main() {
	spec := flag.String("spec", "openapi.yaml", "the OpenAPI document to read")
	out := flag.String("out", "", "the Go file to write")
	pkg := flag.String("pkg", "", "the package of the Go file")
	name := flag.String("var", "operations", "the name of the variable holding the table")
	typesImport := flag.String("types", "", "import path of the package holding the models (empty: the output's package)")
	opImport := flag.String("op", "", "import path of the package defining Operation (empty: the output's package)")
	genFile := flag.String("gen", "", "the Go file oapi-codegen generated from the spec, read for the result types' Go names (none: the table has no result types)")
	methods := flag.String("methods", "", "also write the Client's typed method of every operation to this Go file")
	pages := flag.String("pages", "", "also write the paginators of every operation with x-rhombus-pagination to this Go file (needs -gen)")
	leftVar := flag.String("leftout", "", "the name of a variable listing the operations that are not POST (none: such an operation is an error)")
	flag.Parse()
	if (*out == "" && *pages == "" && *methods == "") || *pkg == "" || (*genFile == "" && (*methods != "" || *pages != "")) {
		fmt.Fprintln(os.Stderr, "operations: -pkg and one of -out, -methods and -pages are required, and -methods and -pages need -gen")
		os.Exit(2)
	}
	// The spec and the generated client are read once, for both files.
	ops, left, err := load(*spec, *genFile, *out == "" && *methods == "")
	var src []byte
	if err == nil {
		src, err = generate(ops, path.Base(*spec), *pkg, *name, *typesImport, *opImport)
	}
	if err == nil && *out != "" {
		src, err = appendLeftOut(src, left, path.Base(*spec), *name, *leftVar)
	}
	if err == nil && *out != "" {
		err = os.WriteFile(*out, src, 0o644)
	}
	if err == nil && *methods != "" {
		if src, err = generateMethods(ops, path.Base(*spec), *pkg, *typesImport); err == nil {
			err = os.WriteFile(*methods, src, 0o644)
		}
	}
	if err == nil && *pages != "" {
		if src, err = generatePages(ops, path.Base(*spec), *pkg, *typesImport, *opImport); err == nil {
			err = os.WriteFile(*pages, src, 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "operations:", err)
		os.Exit(1)
	}
}

type operation struct {
	id, path    string
	idempotent  bool
	identifying []string
	ruuids      []string
	result      string // Go type name of the 200 answer, "" when it has none
	failure     *failure
	maxBytes    int64 // x-rhombus-max-response-bytes; 0: none
	pagination  *upstream.Pagination
	stream      string     // x-rhombus-stream: the answer's list, read item by item
	item        *ast.Ident // the Go type of the paginated list's items; nil when unknown

	// For the typed methods: the generated client's method name, the Go
	// type of the request body ("" when there is none), the Go type of the
	// query and header parameters ("" when there are none: the generated
	// client's XParams), and the words of the spec that document the
	// operation.
	method, request, params string
	summary, description    string
	deprecated              bool

	// Content types other than JSON: the request's (multipart/form-data,
	// with the form's fields) and the 200 answer's (text/csv,
	// application/zip). Empty: JSON.
	requestType, responseType string
	form                      []formField
	formExtra                 bool // the form takes fields it does not declare
}

// formField is a field of a multipart form, from its schema's properties.
type formField struct {
	name     string // as sent
	goName   string
	kind     string // file, files, ruuid, string, int, number, bool
	required bool
}

// failure is x-rhombus-failure: a 200 answer whose property equals a value
// reports a failure, with its reason in other properties.
type failure struct {
	property, equals string
	reason           []string
}

// leftOut is an operation the table leaves out: one that is not a POST.
type leftOut struct{ id, method, path string }

// load reads the spec's operations, with the Go names the generated client
// gives them when genFile is set, and the operations left out. Without the
// generated client the table has no result types: enough for a program
// that must know the operations without compiling them.
func load(specPath, genFile string, pagesOnly bool) ([]operation, []leftOut, error) {
	doc, err := openapi3.NewLoader().LoadFromFile(specPath)
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", specPath, err)
	}
	gen := &generated{}
	if genFile != "" {
		if gen, err = readGenerated(genFile); err != nil {
			return nil, nil, err
		}
		gen.pagesOnly = pagesOnly
	}
	ops, err := operationsOf(doc, gen)
	return ops, leftOutOf(doc), err
}

// leftOutOf lists the operations that are not POST, by path and method.
func leftOutOf(doc *openapi3.T) []leftOut {
	if doc.Paths == nil {
		return nil
	}
	var out []leftOut
	paths := doc.Paths.InMatchingOrder()
	sort.Strings(paths)
	for _, p := range paths {
		byMethod := doc.Paths.Value(p).Operations()
		methods := make([]string, 0, len(byMethod))
		for m := range byMethod {
			if m != "POST" {
				methods = append(methods, m)
			}
		}
		sort.Strings(methods)
		for _, m := range methods {
			id := byMethod[m].OperationID
			if id == "" {
				id = path.Base(p)
			}
			out = append(out, leftOut{id: id, method: m, path: p})
		}
	}
	return out
}

// appendLeftOut adds the table of the operations left out to src, under
// leftVar; with no leftVar, an operation left out is an error.
func appendLeftOut(src []byte, left []leftOut, specName, varName, leftVar string) ([]byte, error) {
	if leftVar == "" {
		if len(left) == 0 {
			return src, nil
		}
		l := left[0]
		return nil, fmt.Errorf("%s: %s %s (%s) is not a POST, and %d more are not; the table holds POST operations (the client sends a JSON body with POST): pass -leftout NAME to list them", specName, l.method, l.path, l.id, len(left)-1)
	}
	var b bytes.Buffer
	b.Write(src)
	fmt.Fprintf(&b, "\n// LeftOut is an operation of %s that %s leaves out.\n", specName, varName)
	b.WriteString("type LeftOut struct {\nID, Method, Path string\n}\n\n")
	fmt.Fprintf(&b, "// %s are the operations of %s that are not POST, and so are\n// not in %s: the client sends every request as a JSON body with POST.\n", leftVar, specName, varName)
	fmt.Fprintf(&b, "var %s = []LeftOut{\n", leftVar)
	for _, l := range left {
		fmt.Fprintf(&b, "{ID: %q, Method: %q, Path: %q},\n", l.id, l.method, l.path)
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}

// generate writes the operation table of ops, read from the spec specName.
func generate(ops []operation, specName, pkg, varName, typesImport, opImport string) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by internal/gen/operations from %s; DO NOT EDIT.\n\n", specName)
	fmt.Fprintf(&b, "package %s\n\n", pkg)
	typesQ, opQ := "", ""
	var imports []string
	if typesImport != "" {
		typesQ = path.Base(typesImport) + "."
		imports = append(imports, strconv.Quote(typesImport))
	}
	if opImport != "" {
		opQ = "rhombus."
		imports = append(imports, "rhombus "+strconv.Quote(opImport))
	}
	if len(imports) > 0 {
		fmt.Fprintf(&b, "import (\n%s\n)\n\n", strings.Join(imports, "\n"))
	}
	fmt.Fprintf(&b, "// %s are the operations of %s, read by the client instead of the spec.\n", varName, specName)
	fmt.Fprintf(&b, "var %s = []%sOperation{\n", varName, opQ)
	for _, op := range ops {
		fmt.Fprintf(&b, "{\nID: %q,\nPath: %q,\nIdempotent: %v,\n", op.id, op.path, op.idempotent)
		if len(op.identifying) > 0 {
			fmt.Fprintf(&b, "IdentifyingFields: %s,\n", stringList(op.identifying))
		}
		if len(op.ruuids) > 0 {
			fmt.Fprintf(&b, "RUUIDFields: %s,\n", stringList(op.ruuids))
		}
		if op.result != "" {
			fmt.Fprintf(&b, "NewResult: func() any { return new(%s%s) },\n", typesQ, op.result)
		}
		if op.maxBytes > 0 {
			fmt.Fprintf(&b, "MaxResponseBytes: %d,\n", op.maxBytes)
		}
		if op.requestType != "" {
			fmt.Fprintf(&b, "RequestContentType: %q,\n", op.requestType)
		}
		if op.responseType != "" {
			fmt.Fprintf(&b, "ResponseContentType: %q,\n", op.responseType)
		}
		if f := op.failure; f != nil {
			fmt.Fprintf(&b, "Failure: &%sFailure{Property: %q, Equals: %q, Reason: %s},\n", opQ, f.property, f.equals, stringList(f.reason))
		}
		if p := op.pagination; p != nil {
			fmt.Fprintf(&b, "Pagination: %s,\n", paginationLiteral(opQ, p))
		}
		if op.stream != "" {
			fmt.Fprintf(&b, "StreamItems: %q,\n", op.stream)
		}
		b.WriteString("},\n")
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}

func stringList(s []string) string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = strconv.Quote(v)
	}
	return "[]string{" + strings.Join(q, ", ") + "}"
}

func operationsOf(doc *openapi3.T, gen *generated) ([]operation, error) {
	var ops []operation
	if doc.Paths == nil {
		return nil, nil
	}
	paths := doc.Paths.InMatchingOrder()
	sort.Strings(paths)
	for _, p := range paths {
		item := doc.Paths.Value(p)
		if item.Post == nil {
			continue
		}
		o := item.Post
		op := operation{id: o.OperationID, path: p, method: gen.method[p],
			summary: o.Summary, description: o.Description, deprecated: o.Deprecated}
		op.request = gen.request[op.method]
		op.params = gen.params[op.method]
		// The typed method is named by the operation's x-go-name where the
		// spec gives one (the importer writes it: CreateLocation for
		// createlocation); oapi-codegen names its own method from the
		// operationId alone.
		if v, ok := o.Extensions["x-go-name"]; ok && gen.method[p] != "" {
			name, ok := v.(string)
			if !ok || !token.IsIdentifier(name) || !token.IsExported(name) {
				return nil, fmt.Errorf("%s: x-go-name must be an exported Go identifier, got %v", op.id, v)
			}
			op.method = name
		}
		if op.id == "" {
			op.id = path.Base(p)
		}
		if v, ok := o.Extensions["x-rhombus-idempotent"]; ok {
			b, ok := v.(bool)
			if !ok {
				return nil, fmt.Errorf("%s: x-rhombus-idempotent must be a boolean, got %v", op.id, v)
			}
			op.idempotent = b
		}
		if v, ok := o.Extensions["x-rhombus-identifying-fields"]; ok {
			list, ok := v.([]any)
			if !ok {
				return nil, fmt.Errorf("%s: x-rhombus-identifying-fields must be a list of field names", op.id)
			}
			for _, f := range list {
				s, ok := f.(string)
				if !ok {
					return nil, fmt.Errorf("%s: x-rhombus-identifying-fields: %v is not a field name", op.id, f)
				}
				op.identifying = append(op.identifying, s)
			}
		}
		if v, ok := o.Extensions["x-rhombus-max-response-bytes"]; ok {
			n, ok := v.(float64) // JSON numbers, as the loader reads them
			if !ok || n < 1 || n != float64(int64(n)) {
				return nil, fmt.Errorf("%s: x-rhombus-max-response-bytes must be a positive whole number of bytes, got %v", op.id, v)
			}
			op.maxBytes = int64(n)
		}
		if v, ok := o.Extensions["x-rhombus-failure"]; ok {
			f, err := failureOf(v)
			if err != nil {
				return nil, fmt.Errorf("%s: x-rhombus-failure: %w", op.id, err)
			}
			op.failure = f
		}
		if v, ok := o.Extensions["x-rhombus-pagination"]; ok {
			p, err := upstream.ParsePagination(v)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", op.id, err)
			}
			op.pagination = p
		}
		if v, ok := o.Extensions["x-rhombus-stream"]; ok {
			name, ok := v.(string)
			if !ok || name == "" {
				return nil, fmt.Errorf("%s: x-rhombus-stream must name the answer's list, got %v", op.id, v)
			}
			if op.pagination != nil {
				return nil, fmt.Errorf("%s: x-rhombus-stream and x-rhombus-pagination together: an operation's list is paged or streamed, not both", op.id)
			}
			op.stream = name
		}
		if o.RequestBody != nil && o.RequestBody.Value != nil {
			if mt := o.RequestBody.Value.Content.Get("application/json"); mt != nil {
				op.ruuids = ruuidPaths(mt.Schema, "", nil)
			} else if mt, ok := o.RequestBody.Value.Content["multipart/form-data"]; ok {
				op.requestType = "multipart/form-data"
				op.form, op.formExtra = formOf(mt.Schema)
			} else if len(o.RequestBody.Value.Content) > 0 {
				return nil, fmt.Errorf("%s: request content %s is neither application/json nor multipart/form-data", op.id, strings.Join(sortedKeys(o.RequestBody.Value.Content), ", "))
			}
		}
		if r := o.Responses.Status(200); r != nil && r.Value != nil && r.Value.Content.Get("application/json") == nil {
			if keys := sortedKeys(r.Value.Content); len(keys) > 0 {
				op.responseType = keys[0]
			}
		}
		if r := o.Responses.Status(200); r != nil && r.Value != nil {
			if mt := r.Value.Content.Get("application/json"); gen.result != nil && mt != nil && mt.Schema != nil && mt.Schema.Ref != "" {
				name, ok := gen.result[p]
				if !ok && gen.pagesOnly && op.pagination == nil {
					// Only the paginators are written: another operation's
					// answer type does not matter.
				} else if !ok {
					return nil, fmt.Errorf("%s: the generated client has no typed 200 answer for %s", op.id, p)
				}
				op.result = name
			}
		}
		if op.pagination != nil && op.result != "" {
			op.item = itemType(gen.fields[op.result][op.pagination.Items])
		}
		if op.stream != "" && gen.fields != nil {
			if op.item = itemType(gen.fields[op.result][op.stream]); op.item == nil {
				return nil, fmt.Errorf("%s: x-rhombus-stream: the answer %s has no list %s of a named type", op.id, op.result, op.stream)
			}
		}
		ops = append(ops, op)
	}
	return ops, nil
}

func sortedKeys(c openapi3.Content) []string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// formOf reads the fields of a multipart form's schema, in name order: a
// string of format binary is a file, an array of them several; a field of
// another type is sent as text. additionalProperties (other than false)
// lets the form take fields it does not declare.
func formOf(ref *openapi3.SchemaRef) ([]formField, bool) {
	if ref == nil || ref.Value == nil {
		return nil, true
	}
	s := ref.Value
	required := map[string]bool{}
	for _, r := range s.Required {
		required[r] = true
	}
	names := make([]string, 0, len(s.Properties))
	for k := range s.Properties {
		names = append(names, k)
	}
	sort.Strings(names)
	var out []formField
	for _, k := range names {
		f := formField{name: k, goName: goName(k), kind: "string", required: required[k]}
		if v := s.Properties[k].Value; v != nil {
			switch {
			case v.Type.Is("string") && v.Format == "binary":
				f.kind = "file"
			case v.Type.Is("array") && v.Items != nil && v.Items.Value != nil && v.Items.Value.Format == "binary":
				f.kind = "files"
			case v.Format == "RUUID":
				f.kind = "ruuid"
			case v.Type.Is("integer"):
				f.kind = "int"
			case v.Type.Is("number"):
				f.kind = "number"
			case v.Type.Is("boolean"):
				f.kind = "bool"
			}
		}
		out = append(out, f)
	}
	extra := s.AdditionalProperties.Has == nil || *s.AdditionalProperties.Has || s.AdditionalProperties.Schema != nil
	if len(s.Properties) == 0 {
		extra = true
	}
	return out, extra
}

// goName is the exported Go name of a form field: fileName is FileName,
// locationUuid LocationUUID.
func goName(name string) string {
	var b strings.Builder
	up := true
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			up = true
			continue
		}
		if up && r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		up = false
		b.WriteRune(r)
	}
	out := b.String()
	for _, in := range []string{"Uuid", "Id", "Url"} {
		if strings.HasSuffix(out, in) {
			out = strings.TrimSuffix(out, in) + strings.ToUpper(in)
		}
	}
	if out == "" || out[0] >= '0' && out[0] <= '9' {
		out = "F" + out
	}
	return out
}

// ruuidPaths lists the JSON paths of every RUUID under ref: "orgUuid",
// "devices[].uuid", "ids[]". seen guards against recursive schemas.
func ruuidPaths(ref *openapi3.SchemaRef, at string, seen []*openapi3.Schema) []string {
	if ref == nil || ref.Value == nil {
		return nil
	}
	s := ref.Value
	for _, p := range seen {
		if p == s {
			return nil
		}
	}
	seen = append(seen, s)
	if s.Format == "RUUID" {
		return []string{at}
	}
	var out []string
	if s.Items != nil {
		out = append(out, ruuidPaths(s.Items, at+"[]", seen)...)
	}
	props := map[string]*openapi3.SchemaRef{}
	for _, part := range append([]*openapi3.SchemaRef{ref}, s.AllOf...) {
		if part.Value == nil {
			continue
		}
		for k, v := range part.Value.Properties {
			props[k] = v
		}
	}
	names := make([]string, 0, len(props))
	for k := range props {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		child := k
		if at != "" {
			child = at + "." + k
		}
		out = append(out, ruuidPaths(props[k], child, seen)...)
	}
	return out
}

// generated is what the table and the typed methods need from the client
// oapi-codegen generated: the generator, not this program, decides Go names
// (Camera_GetX becomes CameraGetX), so they are read, never guessed.
type generated struct {
	method  map[string]string // path -> the client's method name X
	result  map[string]string // path -> Go type of the 200 answer
	request map[string]string // X -> Go type of the JSON request body
	params  map[string]string // X -> Go type of the query and header parameters
	// fields maps a struct type's JSON field names to their Go types, for
	// the paginators' item types.
	fields map[string]map[string]ast.Expr
	// pagesOnly: only the paginators are written, so only the paginated
	// operations need their answer types.
	pagesOnly bool
}

// readGenerated reads the generated client. A request builder
// NewXRequestWithBody holds the path; the answer type XHTTPResponse (or any
// response-type-suffix) holds the JSON200 field; the alias
// XJSONRequestBody names the request type; the builder's params argument,
// *XParams, the parameters' type.
func readGenerated(genFile string) (*generated, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, genFile, nil, 0)
	if err != nil {
		return nil, fmt.Errorf("reading the generated client: %w", err)
	}
	pathOf := map[string]string{}   // X -> path
	json200 := map[string]string{}  // answer struct name -> JSON200 type
	requests := map[string]string{} // X -> request type
	params := map[string]string{}   // X -> parameters type
	fields := map[string]map[string]ast.Expr{}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			x, ok := strings.CutPrefix(d.Name.Name, "New")
			if !ok || d.Recv != nil || d.Body == nil {
				continue
			}
			if x, ok = strings.CutSuffix(x, "RequestWithBody"); !ok {
				continue
			}
			for _, f := range d.Type.Params.List {
				if star, ok := f.Type.(*ast.StarExpr); ok {
					if id, ok := star.X.(*ast.Ident); ok && id.Name == x+"Params" {
						params[x] = id.Name
					}
				}
			}
			ast.Inspect(d.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || len(call.Args) == 0 {
					return true
				}
				if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Sprintf" {
					if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						if v, err := strconv.Unquote(lit.Value); err == nil && strings.HasPrefix(v, "/") && pathOf[x] == "" {
							pathOf[x] = v
						}
					}
				}
				return true
			})
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				ts, ok := spec.(*ast.TypeSpec)
				if !ok {
					continue
				}
				if x, ok := strings.CutSuffix(ts.Name.Name, "JSONRequestBody"); ok && ts.Assign.IsValid() {
					if id, ok := ts.Type.(*ast.Ident); ok {
						requests[x] = id.Name
					}
				}
				st, ok := ts.Type.(*ast.StructType)
				if !ok {
					continue
				}
				for _, fld := range st.Fields.List {
					if fld.Tag != nil && len(fld.Names) == 1 {
						if tag, err := strconv.Unquote(fld.Tag.Value); err == nil {
							name, _, _ := strings.Cut(reflect.StructTag(tag).Get("json"), ",")
							if fields[ts.Name.Name] == nil {
								fields[ts.Name.Name] = map[string]ast.Expr{}
							}
							fields[ts.Name.Name][name] = fld.Type
						}
					}
					if len(fld.Names) == 1 && fld.Names[0].Name == "JSON200" {
						if star, ok := fld.Type.(*ast.StarExpr); ok {
							if id, ok := star.X.(*ast.Ident); ok {
								json200[ts.Name.Name] = id.Name
							}
						}
					}
				}
			}
		}
	}
	out := map[string]string{}
	methods := map[string]string{}
	for x, p := range pathOf {
		methods[p] = x
		// The answer struct is X plus the configured suffix; the longest
		// match avoids taking XV2's for X.
		best := ""
		for name := range json200 {
			if strings.HasPrefix(name, x) && !hasOtherOp(name, x, pathOf) && (best == "" || len(name) < len(best)) {
				best = name
			}
		}
		if best != "" {
			out[p] = json200[best]
		}
	}
	return &generated{method: methods, result: out, request: requests, params: params, fields: fields}, nil
}

// hasOtherOp reports whether name belongs to a longer operation name that
// starts with x (CreateUserV2HTTPResponse is not CreateUser's).
func hasOtherOp(name, x string, ops map[string]string) bool {
	for other := range ops {
		if len(other) > len(x) && strings.HasPrefix(other, x) && strings.HasPrefix(name, other) {
			return true
		}
	}
	return false
}

// failureOf reads x-rhombus-failure: {property, equals, reason: [...]}.
func failureOf(v any) (*failure, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("must be an object with property, equals and reason, got %v", v)
	}
	f := &failure{}
	f.property, _ = m["property"].(string)
	f.equals, _ = m["equals"].(string)
	if f.property == "" || f.equals == "" {
		return nil, fmt.Errorf("property and equals must be non-empty strings, got %v", v)
	}
	if list, ok := m["reason"].([]any); ok {
		for _, r := range list {
			s, ok := r.(string)
			if !ok {
				return nil, fmt.Errorf("reason: %v is not a property name", r)
			}
			f.reason = append(f.reason, s)
		}
	}
	return f, nil
}
