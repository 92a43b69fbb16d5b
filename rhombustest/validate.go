package rhombustest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	openapi "github.com/rhombuskit/rhombus-go"
)

// Extension names in openapi.yaml that the fake obeys.
const (
	extAuthScheme = "x-rhombus-auth-scheme"
	extFailure    = "x-rhombus-failure"
	schemeAccess  = "AccessToken" // the security scheme of OAuth tokens
)

// spec is the embedded OpenAPI document, prepared once per process: it is
// read-only afterwards, so every server shares it.
type spec struct {
	doc    *openapi3.T
	router routers.Router
	ops    map[string]*operation // by operationId
	// families are the operations of the resource families the fake
	// keeps state for (families.go).
	families families
	ruuid    *openapi3.Schema // components.schemas.RUUID, for x-auth-org
}

// operation is what the fake needs to know about one operation beyond what
// openapi3filter checks by itself.
type operation struct {
	id string
	// authScheme is the x-rhombus-auth-scheme schema: the x-auth-scheme
	// values accepted with an API key. nil accepts none.
	authScheme *openapi3.Schema
	// accessToken says whether a security alternative uses AccessToken,
	// which is what allows x-auth-scheme: api-oauth-token.
	accessToken bool
	// failure is x-rhombus-failure: the property whose value equals says an
	// answer is a failure, so a built answer avoids that value.
	failure *failureShape

	// The 200 answer's JSON media and schema, and the answer built from
	// them on first use (see answer).
	answerMedia  *openapi3.MediaType
	answerSchema *openapi3.SchemaRef
	answerOnce   sync.Once
	answerBody   []byte

	// The 200 answer's content type and media when it is not JSON (an
	// export: text/csv, application/zip); see content.go.
	rawType  string
	rawMedia *openapi3.MediaType

	// defaultOnly: the operation declares no status, only a default
	// answer, which then describes every answer, refusals included.
	defaultOnly bool
}

type failureShape struct{ property, equals string }

// loadSpec prepares the module's spec, openapi.yaml, once per process.
var loadSpec = sync.OnceValues(func() (*spec, error) { return parseSpec(openapi.Spec, "openapi.yaml", nil) })

// parseSpec prepares an OpenAPI document (YAML or JSON) for serving. ruuid
// is the RUUID schema to use if the document defines none.
func parseSpec(data []byte, name string, ruuid *openapi3.Schema) (*spec, error) {
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", name, err)
	}
	// The router would otherwise match only the vendor's hosts.
	doc.Servers = nil
	formsAsSent(doc)
	// The RUUID format is checked with the pattern the spec itself gives
	// components.schemas.RUUID, so the two cannot drift apart.
	rs := doc.Components.Schemas["RUUID"]
	if (rs == nil || rs.Value == nil) && ruuid != nil {
		// The vendor's document writes format: RUUID on plain strings and
		// defines no schema for it.
		rs = &openapi3.SchemaRef{Value: ruuid}
	}
	if rs == nil || rs.Value == nil || rs.Value.Pattern == "" {
		return nil, fmt.Errorf("%s has no components.schemas.RUUID with a pattern", name)
	}
	doc.SetStringFormatValidator("RUUID", openapi3.NewRegexpFormatValidator(rs.Value.Pattern))
	// Examples are not checked here: a bad one is reported when it is
	// first needed and replaced, rather than refusing the whole spec.
	router, err := legacy.NewRouter(doc, openapi3.DisableExamplesValidation())
	if err != nil {
		return nil, fmt.Errorf("routing %s: %w", name, err)
	}
	sp := &spec{doc: doc, router: router, ops: make(map[string]*operation)}
	sp.ruuid = rs.Value
	raw := map[string]*openapi3.Operation{}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			o, err := newOperation(op)
			if err != nil {
				return nil, err
			}
			sp.ops[o.id] = o
			raw[o.id] = op
		}
	}
	sp.families = readFamilies(sp.ops, raw)
	return sp, nil
}

func newOperation(op *openapi3.Operation) (*operation, error) {
	o := &operation{id: op.OperationID, defaultOnly: defaultOnly(op)}
	if r := successOf(op); r != nil && r.Value != nil {
		if mt := r.Value.Content.Get(contentJSON); mt != nil && mt.Schema != nil {
			o.answerMedia, o.answerSchema = mt, mt.Schema
		}
		o.rawType, o.rawMedia = rawAnswerOf(r.Value.Content)
	}
	if f, ok := op.Extensions[extFailure].(map[string]any); ok {
		p, _ := f["property"].(string)
		e, _ := f["equals"].(string)
		o.failure = &failureShape{property: p, equals: e}
	}
	if op.Security != nil {
		for _, req := range *op.Security {
			if _, ok := req[schemeAccess]; ok {
				o.accessToken = true
			}
		}
	}
	raw, ok := op.Extensions[extAuthScheme]
	if !ok {
		// The vendor's document gives the accepted values as the schema of
		// an x-auth-scheme header parameter instead.
		for _, p := range op.Parameters {
			if p.Value != nil && p.Value.In == openapi3.ParameterInHeader && strings.EqualFold(p.Value.Name, headerAuthScheme) && p.Value.Schema != nil {
				o.authScheme = p.Value.Schema.Value
			}
		}
		return o, nil
	}
	// The extension is plain JSON to the loader; make it a schema so that
	// kin-openapi checks the header exactly as the spec states it.
	b, err := json.Marshal(raw)
	if err != nil {
		return nil, fmt.Errorf("%s of %s: %w", extAuthScheme, o.id, err)
	}
	var sc openapi3.Schema
	if err := json.Unmarshal(b, &sc); err != nil {
		return nil, fmt.Errorf("%s of %s: %w", extAuthScheme, o.id, err)
	}
	if err := sc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("%s of %s: %w", extAuthScheme, o.id, err)
	}
	o.authScheme = &sc
	return o, nil
}

// schemaOptions are used for every schema check: the document's RUUID
// format, and no values in messages (they may hold Wi-Fi keys).
func (sp *spec) schemaOptions() []openapi3.SchemaValidationOption {
	return append(sp.doc.GetSchemaValidationOptions(), openapi3.DisableSchemaErrorDetails())
}

// options are per request because the authentication function holds the
// request's own state.
func (sp *spec) options(auth openapi3filter.AuthenticationFunc) *openapi3filter.Options {
	return &openapi3filter.Options{
		AuthenticationFunc:      auth,
		SkipSettingDefaults:     true, // the body the handler reads is the body the client sent
		IncludeResponseStatus:   true, // an undeclared status is a contract violation
		SchemaValidationOptions: sp.schemaOptions(),
	}
}

// checkValue validates a header value against a schema from the spec and
// returns the reason it fails, or "".
func (sp *spec) checkValue(sc *openapi3.Schema, v string) string {
	if sc == nil {
		return "no value is accepted"
	}
	if err := sc.VisitJSON(v, sp.schemaOptions()...); err != nil {
		return schemaReason(err)
	}
	return ""
}

// badRequestMsg turns a request validation error into the msg of a 400,
// naming the field and the rule, never the value.
func badRequestMsg(err error, contentType string) string {
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		if field := fieldName(se.JSONPointer()); field != "" {
			return fmt.Sprintf("Invalid value for field: %s: %s", field, schemaReason(se))
		}
		return "Invalid request body: " + schemaReason(se)
	}
	var re *openapi3filter.RequestError
	if errors.As(err, &re) {
		var pe *openapi3filter.ParseError
		switch {
		case errors.Is(re.Err, openapi3filter.ErrInvalidRequired):
			return "Missing request body: send {} when no field is set"
		case strings.HasPrefix(re.Reason, "header Content-Type has unexpected value"):
			return fmt.Sprintf("Unsupported Content-Type %q: the body must be application/json", contentType)
		case errors.As(re.Err, &pe):
			return "Malformed JSON request body"
		case re.Reason != "":
			return "Invalid request: " + re.Reason
		}
	}
	return "Invalid request"
}

// schemaReason is the reason of the first schema error in err.
func schemaReason(err error) string {
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		if se.Reason != "" {
			return se.Reason
		}
		return fmt.Sprintf("does not match %q", se.SchemaField)
	}
	var me openapi3.MultiError
	if errors.As(err, &me) && len(me) > 0 {
		return schemaReason(me[0])
	}
	return "invalid value"
}

// fieldName renders a JSON pointer as a field path: a.b[0].c.
func fieldName(ptr []string) string {
	var b strings.Builder
	for _, p := range ptr {
		if _, err := strconv.Atoi(p); err == nil && b.Len() > 0 {
			b.WriteString("[" + p + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}
