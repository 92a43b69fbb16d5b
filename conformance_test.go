package openapi

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/internal/upstream"
)

// allowance is one deliberate difference between openapi.yaml and the
// vendor's document: a pattern over the reported line ("path: message",
// where * stands for any text) and why the difference is wanted.
type allowance struct {
	match, reason string
	// imports marks a rule the importer follows: it may match nothing,
	// since which operations are imported may change.
	imports bool
}

// conformanceAllowList holds every deliberate difference between
// openapi.yaml and the vendor's document. An entry that matches no
// difference is itself reported, so the list cannot go stale.
//
// What is not a difference at all: component names and allOf layout (the
// comparison follows each operation through its $refs and merges allOf
// members), a vendor format nobody defines, which is compared as the
// importer maps it (upstream.Formats), a default answer where no 200 is
// declared, which is compared as the 200, and documentation (description,
// example, title, x-go-name).
var conformanceAllowList = []allowance{
	{match: "* 400: ours has this response, the vendor's lacks it",
		reason: "the vendor's document gives the 200 answer alone; every operation here declares the error answers the API gives (README: errors)"},
	{match: "* 401: ours has this response, the vendor's lacks it", reason: "as 400"},
	{match: "* 403: ours has this response, the vendor's lacks it", reason: "as 400"},
	{match: "* 429: ours has this response, the vendor's lacks it", reason: "as 400; TestSpecOperations requires its Retry-After header"},
	{match: "* 500: ours has this response, the vendor's lacks it", reason: "as 400"},
	{match: "*: pattern: the vendor's none, ours " + ruuidPattern,
		reason: "a RUUID is the RUUID schema, whose pattern spells out the syntax the vendor's format RUUID only names"},
	{match: "*: maxLength: the vendor's none, ours 22", reason: "as the RUUID pattern: a RUUID is 22 characters"},
	{match: "*: minLength: the vendor's none, ours 22", reason: "as maxLength"},
	{match: "*: nullable: the vendor's false, ours true",
		reason: "the hand-written schemas let every field be null (info.description); the vendor's enum and object schemas, reached by $ref, do not say so"},

	// What the importer does to every operation it imports.
	{match: "*{}: nullable: the vendor's true, ours false", imports: true,
		reason: "a nullable array as a map value would be *[]T in Go, and a nil slice is absent already (upstream.RepairForGo)"},
	{match: "* request application/json: ours has this body, the vendor's lacks it", imports: true,
		reason: "every operation here is a POST with a JSON body, {} when no field is set (info.description)"},
	{match: "* request multipart/form-data $*", imports: true,
		reason: "the vendor's document describes the server's Jersey classes (FormDataMultiPart), not the form; the importer writes the form's fields"},
	{match: "* 200 text/csv; charset=UTF-8 $: type: the vendor's [object], ours [string]", imports: true,
		reason: "an export is a stream of bytes with its content type, not a JSON object"},
	{match: "* 200 text/csv; charset=UTF-8 $: format: the vendor's \"\", ours \"binary\"", imports: true, reason: "as type"},
	{match: "* 200 text/csv; charset=UTF-8 $: nullable: the vendor's true, ours false", imports: true, reason: "as type"},
	{match: "* 200 application/zip $: type: the vendor's [object], ours [string]", imports: true, reason: "as for text/csv"},
	{match: "* 200 application/zip $: format: the vendor's \"\", ours \"binary\"", imports: true, reason: "as type"},
	{match: "* 200 application/zip $: nullable: the vendor's true, ours false", imports: true, reason: "as type"},

	// The x-auth-scheme values of the hand-written operations are those of
	// their seed pages (testdata/seed-*.txt); the vendor's document gives
	// every operation one parameter of 9 characters, api-token alone.
	{match: "createPendingRegistration parameter header x-auth-scheme $: enum: ours has [api-token api partner-api-token partner-api], the vendor's lacks them",
		reason: "the seed page lists these four schemes"},
	{match: "createPendingRegistration parameter header x-auth-scheme $: maxLength: the vendor's 9, ours none", reason: "the seed page's schemes are longer"},
	{match: "createPendingRegistration parameter header x-auth-scheme $: minLength: the vendor's 9, ours none", reason: "as maxLength"},
	{match: "getDeviceLicensesForOrg parameter header x-auth-scheme $: enum: ours has [api-token api partner-api-token partner-api], the vendor's lacks them",
		reason: "the seed page lists these four schemes"},
	{match: "getDeviceLicensesForOrg parameter header x-auth-scheme $: maxLength: the vendor's 9, ours none", reason: "the seed page's schemes are longer"},
	{match: "getDeviceLicensesForOrg parameter header x-auth-scheme $: minLength: the vendor's 9, ours none", reason: "as maxLength"},
	{match: "createUser parameter header x-auth-scheme $: enum: ours has [api-token], the vendor's lacks them",
		reason: "the seed page lists api-token alone, which the vendor's 9 characters allow without naming it"},

	// The hand-written schemas.
	{match: "createPendingRegistration request application/json $.wifiPsk[]: nullable: the vendor's true, ours false",
		reason: "a null key has no meaning, and non-null items give Go [][]byte rather than []*[]byte"},
	{match: "getDeviceLicensesForOrg 200 application/json $.error: ours has it (boolean), the vendor's lacks it",
		reason: "part of every Rhombus answer's envelope, though neither the seed page nor the vendor's document shows it for this operation"},
	{match: "getDeviceLicensesForOrg 200 application/json $.errorMsg: ours has it (string), the vendor's lacks it", reason: "as error"},
	{match: "getDeviceLicensesForOrg 200 application/json $.warningMsg: ours has it (string), the vendor's lacks it", reason: "as error"},
}

// TestVendorConformance compares every operation of openapi.yaml with the
// vendor's pinned document, both ways and at every schema position, and
// requires every difference to be in conformanceAllowList.
func TestVendorConformance(t *testing.T) {
	vendor := loadUpstream(t)
	ours := loadSpec(t, specPath)

	c := compareSpecs(vendor, ours)
	for _, p := range applyAllowList(c.diffs, conformanceAllowList) {
		t.Error(p)
	}
	t.Logf("vendor properties matched in openapi.yaml, per operation: %v", c.matched)
	t.Logf("schema positions compared: %d", len(c.visits))
	for _, path := range sortedKeys(ours.Paths.Map()) {
		op, vItem := ours.Paths.Value(path).Post, vendor.Paths.Value(path)
		if op != nil && vItem != nil && vItem.Post != nil {
			assert.False(t, c.vacuous(op.OperationID, vItem.Post), "%s: the vendor's operation has properties and none was compared; the check would pass vacuously", op.OperationID)
		}
	}
}

// vacuous says whether the vendor's operation has properties or items at
// the top of its bodies and the comparison reached none of them, agreeing
// or not. One the vendor declares with empty schemas alone
// (deleteLocationAccessRevocation's answer) offers nothing to compare, and
// one whose only property differs as the allow-list allows (a RUUID) was
// compared: neither is vacuous.
func (c *comparison) vacuous(op string, vendor *openapi3.Operation) bool {
	return declared(vendor) > 0 && c.offered[op] == 0
}

// declared counts the properties and items at the top of an operation's
// request and answer bodies, allOf members and alternatives included, read
// from the document alone rather than from the comparison.
func declared(op *openapi3.Operation) int {
	var contents []openapi3.Content
	if rb := op.RequestBody; rb != nil && rb.Value != nil {
		contents = append(contents, rb.Value.Content)
	}
	for _, r := range responseMap(op) {
		contents = append(contents, r.Content)
	}
	var count func(s *openapi3.SchemaRef, depth int) int
	count = func(s *openapi3.SchemaRef, depth int) int {
		if s == nil || s.Value == nil || depth > 8 {
			return 0
		}
		n := len(s.Value.Properties)
		if s.Value.Items != nil {
			n++
		}
		for _, m := range slices.Concat(s.Value.AllOf, s.Value.OneOf, s.Value.AnyOf) {
			n += count(m, depth+1)
		}
		return n
	}
	n := 0
	for _, content := range contents {
		for _, mt := range content {
			if mt != nil {
				n += count(mt.Schema, 0)
			}
		}
	}
	return n
}

func TestConformanceVacuity(t *testing.T) {
	str := &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}}}
	num := &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeInteger}}}
	op := func(props openapi3.Schemas) *openapi3.Operation {
		if props == nil {
			return &openapi3.Operation{}
		}
		body := &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeObject}, Properties: props}}
		return &openapi3.Operation{RequestBody: &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithJSONSchemaRef(body)}}
	}
	for _, tc := range []struct {
		name         string
		vendor, ours openapi3.Schemas
		want         bool
	}{
		{"empty on both sides", openapi3.Schemas{}, openapi3.Schemas{}, false},
		{"a property agrees", openapi3.Schemas{"a": str}, openapi3.Schemas{"a": str}, false},
		{"the only property differs", openapi3.Schemas{"a": str}, openapi3.Schemas{"a": num}, false},
		{"ours has no body, so nothing was compared", openapi3.Schemas{"a": str}, nil, true},
	} {
		vop := op(tc.vendor)
		c := compareOperation("op", vop, op(tc.ours))
		assert.Equal(t, tc.want, c.vacuous("op", vop), "%s: vacuous (declared %d, compared %d)", tc.name, declared(vop), c.offered["op"])
	}
}

// TestVendorConformanceHandWritten changes the hand-written part of
// openapi.yaml, found by its place in an operation rather than by schema
// name, and requires each change to be reported at that place.
func TestVendorConformanceHandWritten(t *testing.T) {
	vendor := loadUpstream(t)

	tests := []struct {
		name string
		at   string // the place, as the comparison names it, whose schema is changed
		// change changes our schema at the place.
		change func(s *openapi3.Schema)
		want   string // a difference reported must be this
	}{
		{
			name:   "DeviceLicense.licenseFamily removed",
			at:     "getDeviceLicensesForOrg 200 application/json $.deviceLicenses[]",
			change: func(s *openapi3.Schema) { deleteProperty(s, "licenseFamily") },
			want:   "getDeviceLicensesForOrg 200 application/json $.deviceLicenses[].licenseFamily: the vendor's has it (string), ours lacks it",
		},
		{
			name:   "provisioner variant value removed",
			at:     "createUser request application/json $.rhombusKeySettings.credentialProvisioningRules.startDateProvisioner.oneOf[StaticEpochSecondsProvisioner]",
			change: func(s *openapi3.Schema) { deleteProperty(s, "value") },
			want:   "createUser request application/json $.rhombusKeySettings.credentialProvisioningRules.startDateProvisioner.oneOf[StaticEpochSecondsProvisioner].value: the vendor's has it (integer/int64), ours lacks it",
		},
		{
			name:   "maxMobileCredsAllowed format changed",
			at:     "createUser request application/json $.rhombusKeySettings.credentialProvisioningRules.maxMobileCredsAllowed",
			change: func(s *openapi3.Schema) { s.Format = "int64" },
			want:   `createUser request application/json $.rhombusKeySettings.credentialProvisioningRules.maxMobileCredsAllowed: format: the vendor's "int32", ours "int64"`,
		},
		{
			name: "enum value dropped from an array item",
			at:   "createUser request application/json $.accessibleRhombusApps[]",
			change: func(s *openapi3.Schema) {
				s.Enum = slices.DeleteFunc(slices.Clone(s.Enum), func(v any) bool { return v == "RHOMBUS_KEY" })
			},
			want: "createUser request application/json $.accessibleRhombusApps[]: enum: the vendor's has [RHOMBUS_KEY], ours lacks them",
		},
		{
			name:   "required field dropped",
			at:     "createUser request application/json $.rhombusKeySettings.credentialProvisioningRules.endDateProvisioner",
			change: func(s *openapi3.Schema) { s.Required = nil },
			want:   "createUser request application/json $.rhombusKeySettings.credentialProvisioningRules.endDateProvisioner: required: the vendor's has [type], ours lacks them",
		},
		{
			name:   "type changed",
			at:     "createUser 200 application/json $.error",
			change: func(s *openapi3.Schema) { s.Type = &openapi3.Types{openapi3.TypeString} },
			want:   "createUser 200 application/json $.error: type: the vendor's [boolean], ours [string]",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ours := loadSpec(t, specPath)
			s := oursAt(t, vendor, ours, tc.at)
			before := compareSpecs(vendor, ours).lines()
			tc.change(s)
			after := compareSpecs(vendor, ours).lines()
			assert.Contains(t, newLines(before, after), tc.want, "the change went unnoticed or was reported elsewhere")
		})
	}
}

// oursAt is our schema at a place the comparison visits, named as the
// comparison names it ("createUser 200 application/json .error").
func oursAt(t *testing.T, vendor, ours *openapi3.T, place string) *openapi3.Schema {
	t.Helper()
	for _, v := range compareSpecs(vendor, ours).visits {
		if v.path == place {
			return v.ours
		}
	}
	require.FailNow(t, "no such place", "the comparison visits no %q", place)
	return nil
}

func deleteProperty(s *openapi3.Schema, name string) {
	s.Properties = maps.Clone(s.Properties)
	delete(s.Properties, name)
}

// newLines is what after reports that before does not, each line as many
// times as it is new.
func newLines(before, after []string) []string {
	count := map[string]int{}
	for _, l := range before {
		count[l]++
	}
	var out []string
	for _, l := range after {
		if count[l] > 0 {
			count[l]--
			continue
		}
		out = append(out, l)
	}
	return out
}

func TestConformanceAllowList(t *testing.T) {
	diffs := []conformanceDiff{
		{path: "op request application/json .a", msg: "the vendor's has it (string), ours lacks it"},
		{path: "op 429", msg: "ours has this response, the vendor's lacks it"},
	}

	problems := applyAllowList(diffs, []allowance{
		{match: "op request application/json .a: the vendor's has it (string), ours lacks it", reason: "deliberate"},
		{match: "* 429: ours has this response, *", reason: "a rule"},
	})
	assert.Empty(t, problems, "an allowed difference is still reported")

	problems = applyAllowList(diffs, []allowance{
		{match: "op request * .b: *", reason: "no longer differs"},
		{match: "* 400: *", reason: "a rule of the importer's, which may match nothing", imports: true},
	})
	assert.Equal(t, []string{
		"op request application/json .a: the vendor's has it (string), ours lacks it",
		"op 429: ours has this response, the vendor's lacks it",
		`allow-list entry "op request * .b: *" (no longer differs) matches no difference: remove it`,
	}, problems)

	// A pattern matches the whole line, not a part of it.
	problems = applyAllowList(diffs[:1], []allowance{{match: "op request application/json .a", reason: "prefix only"}})
	assert.Len(t, problems, 2, "a pattern matched a line it is only the start of")
}

func TestGlobMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"abc", "abc", true},
		{"abc", "abcd", false},
		{"*", "", true},
		{"* 429: x", "op 429: x", true},
		{"* 429: x", "op 4290: x", false},
		{"a*b*c", "a-b-b-c", true},
		{"a*b*c", "a-c-b", false},
		{"*x", "xyx", true},
	} {
		assert.Equal(t, tc.want, globMatch(tc.pattern, tc.s), "globMatch(%q, %q)", tc.pattern, tc.s)
	}
}

type conformanceDiff struct {
	path, msg string
}

func (d conformanceDiff) String() string { return d.path + ": " + d.msg }

// applyAllowList drops allowed differences and reports allow-list entries
// that match none.
func applyAllowList(diffs []conformanceDiff, allow []allowance) []string {
	used := make([]bool, len(allow))
	var problems []string
	for _, d := range diffs {
		line, allowed := d.String(), false
		for i, a := range allow {
			if globMatch(a.match, line) {
				used[i], allowed = true, true
			}
		}
		if !allowed {
			problems = append(problems, line)
		}
	}
	for i, a := range allow {
		if !used[i] && !a.imports {
			problems = append(problems, fmt.Sprintf("allow-list entry %q (%s) matches no difference: remove it", a.match, a.reason))
		}
	}
	return problems
}

// globMatch reports whether s is pattern, where each * stands for any text.
func globMatch(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return s == pattern
	}
	rest, ok := strings.CutPrefix(s, parts[0])
	if !ok {
		return false
	}
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(rest, p)
		if i < 0 {
			return false
		}
		rest = rest[i+len(p):]
	}
	return strings.HasSuffix(rest, parts[len(parts)-1])
}

// A position is where a schema sits in an operation.
const (
	posBody      = "body"
	posProperty  = "property"
	posItem      = "array item"
	posMapValue  = "map value"
	posVariant   = "variant"
	posParameter = "parameter"
	posHeader    = "header"
)

// conformanceVisit is one schema position compared: its place, what kind
// of position it is, and the schema on each side.
type conformanceVisit struct {
	op, path, kind string
	vendor, ours   *openapi3.Schema
	// members are the schemas merged at this place on each side: the
	// schema and its allOf members, at any depth.
	vendorMembers, oursMembers []*openapi3.Schema
}

// comparison is the result of compareSpecs.
type comparison struct {
	diffs   []conformanceDiff
	visits  []conformanceVisit
	matched map[string]int // vendor properties and items whose own keywords agree, per operation
	offered map[string]int // vendor properties and items compared, agreeing or not, per operation

	op    string
	stack [][2]*openapi3.Schema // the schema pairs on the current path, against cycles
}

func (c *comparison) lines() []string {
	out := make([]string, len(c.diffs))
	for i, d := range c.diffs {
		out[i] = d.String()
	}
	return out
}

// compareSpecs compares every operation of ours with the vendor's operation
// at the same path and method, both ways: request and answer bodies per
// media type, every response, parameters (our x-rhombus-auth-scheme is the
// vendor's x-auth-scheme header) and response headers, and at every schema
// position below them (properties, array items, map values, oneOf and anyOf
// alternatives, allOf members merged), following $refs on both sides. It
// compares types, formats, nullability, enums, required lists,
// discriminators, map values' presence and the validation keywords, by
// structure: the names of the schemas play no part.
func compareSpecs(vendor, ours *openapi3.T) *comparison {
	c := &comparison{matched: map[string]int{}, offered: map[string]int{}}
	for _, path := range sortedKeys(ours.Paths.Map()) {
		oItem := ours.Paths.Value(path)
		vItem := vendor.Paths.Value(path)
		oOps := oItem.Operations()
		for _, method := range sortedKeys(oOps) {
			oop := oOps[method]
			name := oop.OperationID
			if name == "" {
				name = method + " " + path
			}
			var vop *openapi3.Operation
			if vItem != nil {
				vop = vItem.GetOperation(method)
			}
			if vop == nil {
				c.report(name, "the vendor's document has no %s %s", method, path)
				continue
			}
			c.operation(name, vop, vItem.Parameters, oop, oItem.Parameters)
		}
	}
	return c
}

// compareOperation compares one operation pair alone.
func compareOperation(name string, vop, oop *openapi3.Operation) *comparison {
	c := &comparison{matched: map[string]int{}, offered: map[string]int{}}
	c.operation(name, vop, nil, oop, nil)
	return c
}

func (c *comparison) report(path, format string, args ...any) {
	c.diffs = append(c.diffs, conformanceDiff{path: path, msg: fmt.Sprintf(format, args...)})
}

func (c *comparison) operation(name string, vop *openapi3.Operation, vItemParams openapi3.Parameters, oop *openapi3.Operation, oItemParams openapi3.Parameters) {
	c.op = name
	c.parameters(name, operationParameters(vItemParams, vop, false), operationParameters(oItemParams, oop, true))

	var vBody, oBody openapi3.Content
	if rb := vop.RequestBody; rb != nil && rb.Value != nil {
		vBody = rb.Value.Content
	}
	if rb := oop.RequestBody; rb != nil && rb.Value != nil {
		oBody = rb.Value.Content
	}
	c.content(name+" request", vBody, oBody)

	vResp, oResp := responseMap(vop), responseMap(oop)
	for _, code := range sortedKeys(union(vResp, oResp)) {
		place := name + " " + code
		vr, or := vResp[code], oResp[code]
		switch {
		case or == nil:
			c.report(place, "the vendor's has this response, ours lacks it")
		case vr == nil:
			c.report(place, "ours has this response, the vendor's lacks it")
		default:
			c.headers(place, vr.Headers, or.Headers)
			c.content(place, vr.Content, or.Content)
		}
	}
}

// responseMap is an operation's answers by status code. A default answer
// where no 200 is declared is the 200: it is the only answer documented.
func responseMap(op *openapi3.Operation) map[string]*openapi3.Response {
	out := map[string]*openapi3.Response{}
	if op.Responses == nil {
		return out
	}
	for code, r := range op.Responses.Map() {
		if r != nil && r.Value != nil {
			out[code] = r.Value
		}
	}
	if d := out["default"]; d != nil && out["200"] == nil {
		out["200"] = d
		delete(out, "default")
	}
	return out
}

// operationParameters are an operation's parameters, the path item's
// included, keyed by "in name" (a header's name in lower case). In
// openapi.yaml the x-auth-scheme header is a security scheme, and the values
// an operation accepts are its x-rhombus-auth-scheme extension, which stands
// for the vendor's parameter.
func operationParameters(itemParams openapi3.Parameters, op *openapi3.Operation, ours bool) map[string]*openapi3.Parameter {
	out := map[string]*openapi3.Parameter{}
	for _, p := range append(slices.Clone(itemParams), op.Parameters...) {
		if p != nil && p.Value != nil {
			name := p.Value.Name
			if p.Value.In == openapi3.ParameterInHeader {
				name = strings.ToLower(name) // a header's name has no case
			}
			out[p.Value.In+" "+name] = p.Value
		}
	}
	if ext, ok := op.Extensions["x-rhombus-auth-scheme"]; ours && ok {
		p := &openapi3.Parameter{In: openapi3.ParameterInHeader, Name: "x-auth-scheme", Required: true}
		var s openapi3.Schema
		if raw, err := json.Marshal(ext); err == nil && json.Unmarshal(raw, &s) == nil {
			p.Schema = &openapi3.SchemaRef{Value: &s}
		}
		out["header x-auth-scheme"] = p
	}
	return out
}

func (c *comparison) parameters(op string, vendor, ours map[string]*openapi3.Parameter) {
	for _, key := range sortedKeys(union(vendor, ours)) {
		place := op + " parameter " + key
		vp, opar := vendor[key], ours[key]
		switch {
		case opar == nil:
			c.report(place, "the vendor's has this parameter, ours lacks it")
		case vp == nil:
			c.report(place, "ours has this parameter, the vendor's lacks it")
		default:
			if vp.Required != opar.Required {
				c.report(place, "required: the vendor's %t, ours %t", vp.Required, opar.Required)
			}
			c.position(place+" $", posParameter, vp.Schema, opar.Schema)
		}
	}
}

func (c *comparison) headers(place string, vendor, ours openapi3.Headers) {
	key := func(h openapi3.Headers) map[string]*openapi3.Header {
		out := map[string]*openapi3.Header{}
		for name, r := range h {
			if r != nil && r.Value != nil {
				out[strings.ToLower(name)] = r.Value
			}
		}
		return out
	}
	vh, oh := key(vendor), key(ours)
	for _, name := range sortedKeys(union(vh, oh)) {
		hplace := place + " header " + name
		switch {
		case oh[name] == nil:
			c.report(hplace, "the vendor's has this header, ours lacks it")
		case vh[name] == nil:
			c.report(hplace, "ours has this header, the vendor's lacks it")
		default:
			if vh[name].Required != oh[name].Required {
				c.report(hplace, "required: the vendor's %t, ours %t", vh[name].Required, oh[name].Required)
			}
			c.position(hplace+" $", posHeader, vh[name].Schema, oh[name].Schema)
		}
	}
}

func (c *comparison) content(place string, vendor, ours openapi3.Content) {
	for _, mt := range sortedKeys(union(vendor, ours)) {
		path := place + " " + mt
		switch {
		case ours[mt] == nil:
			c.report(path, "the vendor's has this body, ours lacks it")
		case vendor[mt] == nil:
			c.report(path, "ours has this body, the vendor's lacks it")
		default:
			c.position(path+" $", posBody, vendor[mt].Schema, ours[mt].Schema)
		}
	}
}

// position compares the schemas at one place, either of which may be
// absent.
func (c *comparison) position(path, kind string, vendor, ours *openapi3.SchemaRef) {
	vs, os := schemaOf(vendor), schemaOf(ours)
	if vs != nil && (kind == posProperty || kind == posItem || kind == posMapValue) {
		c.offered[c.op]++
	}
	switch {
	case vs == nil && os == nil:
	case os == nil:
		c.report(path, "the vendor's has it (%s), ours lacks it", describeSchema(vs))
	case vs == nil:
		c.report(path, "ours has it (%s), the vendor's lacks it", describeSchema(os))
	default:
		if c.schema(path, kind, vs, os) && (kind == posProperty || kind == posItem || kind == posMapValue) {
			c.matched[c.op]++
		}
	}
}

func schemaOf(r *openapi3.SchemaRef) *openapi3.Schema {
	if r == nil {
		return nil
	}
	return r.Value
}

// schema compares a vendor schema with ours at the same place and descends
// into it. It reports whether the schemas' own keywords agree.
func (c *comparison) schema(path, kind string, vendor, ours *openapi3.Schema) bool {
	pair := [2]*openapi3.Schema{vendor, ours}
	if slices.Contains(c.stack, pair) {
		return true // a recursive schema: already being compared above
	}
	c.stack = append(c.stack, pair)
	defer func() { c.stack = c.stack[:len(c.stack)-1] }()

	v, o := flatten(vendor), flatten(ours)
	c.visits = append(c.visits, conformanceVisit{
		op: c.op, path: path, kind: kind, vendor: vendor, ours: ours,
		vendorMembers: v.members, oursMembers: o.members,
	})

	n := len(c.diffs)
	if !slices.Equal(v.types, o.types) {
		c.report(path, "type: the vendor's %v, ours %v", v.types, o.types)
	}
	if vf, _ := upstream.MapFormat(v.format); vf != o.format {
		c.report(path, "format: the vendor's %q, ours %q", v.format, o.format)
	}
	if v.nullable != o.nullable {
		c.report(path, "nullable: the vendor's %t, ours %t", v.nullable, o.nullable)
	}
	c.both(path, "required", toAnys(v.required), toAnys(o.required))
	c.both(path, "enum", v.enum, o.enum)
	for _, k := range sortedKeys(union(v.keywords, o.keywords)) {
		if vk, ok := v.keywords[k], o.keywords[k]; vk != ok {
			c.report(path, "%s: the vendor's %s, ours %s", k, orNone(vk), orNone(ok))
		}
	}
	// The mapping is compared through the alternatives it names.
	if vd, od := discriminatorOf(v.discriminator), discriminatorOf(o.discriminator); vd != od {
		c.report(path, "discriminator: the vendor's %s, ours %s", vd, od)
	}
	if v.mapValues != o.mapValues {
		c.report(path, "additionalProperties: the vendor's %s, ours %s", v.mapValues, o.mapValues)
	}
	own := len(c.diffs) == n

	for _, name := range sortedKeys(union(v.properties, o.properties)) {
		c.position(path+"."+name, posProperty, v.properties[name], o.properties[name])
	}
	c.position(path+"[]", posItem, v.items, o.items)
	if v.mapValues == "a schema" && o.mapValues == "a schema" {
		c.position(path+"{}", posMapValue, v.mapValue, o.mapValue)
	}
	c.position(path+".not", posVariant, v.not, o.not)
	vv, ov := variantsByKey(v.variants), variantsByKey(o.variants)
	for _, key := range sortedKeys(union(vv, ov)) {
		kw, k, _ := strings.Cut(key, "/")
		vpath := fmt.Sprintf("%s.%s[%s]", path, kw, k)
		switch {
		case ov[key] == nil:
			c.report(vpath, "the vendor's has this alternative, ours lacks it")
		case vv[key] == nil:
			c.report(vpath, "ours has this alternative, the vendor's lacks it")
		default:
			c.schema(vpath, posVariant, vv[key], ov[key])
		}
	}
	return own
}

// both reports the values one side has and the other lacks.
func (c *comparison) both(path, keyword string, vendor, ours []any) {
	if lacking := missingFrom(vendor, ours); len(lacking) > 0 {
		c.report(path, "%s: the vendor's has %v, ours lacks them", keyword, lacking)
	}
	if extra := missingFrom(ours, vendor); len(extra) > 0 {
		c.report(path, "%s: ours has %v, the vendor's lacks them", keyword, extra)
	}
}

// missingFrom is the values of a that b lacks, in a's order.
func missingFrom(a, b []any) []any {
	var out []any
	for _, v := range a {
		if !slices.Contains(b, v) {
			out = append(out, v)
		}
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func discriminatorOf(d *openapi3.Discriminator) string {
	if d == nil {
		return "none"
	}
	return fmt.Sprintf("%q", d.PropertyName)
}

// flatSchema is a schema with its allOf members merged in: what the JSON
// value must satisfy, whichever member says it.
type flatSchema struct {
	members       []*openapi3.Schema
	types         []string
	format        string
	nullable      bool
	required      []string
	enum          []any
	keywords      map[string]string // validation keywords, rendered
	discriminator *openapi3.Discriminator
	properties    map[string]*openapi3.SchemaRef
	items, not    *openapi3.SchemaRef
	mapValues     string // "any", "none" or "a schema"
	mapValue      *openapi3.SchemaRef
	variants      []variant
}

// flatten merges a schema with its allOf members, at any depth: the first
// to say a keyword wins, required lists and properties add up.
func flatten(s *openapi3.Schema) flatSchema {
	f := flatSchema{keywords: map[string]string{}, properties: map[string]*openapi3.SchemaRef{}, mapValues: "any"}
	var walk func(s *openapi3.Schema)
	walk = func(s *openapi3.Schema) {
		if s == nil || slices.Contains(f.members, s) {
			return
		}
		f.members = append(f.members, s)
		if f.types == nil && len(s.Type.Slice()) > 0 {
			f.types = slices.Sorted(slices.Values(s.Type.Slice()))
		}
		if f.format == "" {
			f.format = s.Format
		}
		f.nullable = f.nullable || s.Nullable
		for _, r := range s.Required {
			if !slices.Contains(f.required, r) {
				f.required = append(f.required, r)
			}
		}
		if f.enum == nil {
			f.enum = s.Enum
		}
		for k, v := range validationKeywords(s) {
			if _, ok := f.keywords[k]; !ok {
				f.keywords[k] = v
			}
		}
		if f.discriminator == nil {
			f.discriminator = s.Discriminator
		}
		for name, p := range s.Properties {
			if _, dup := f.properties[name]; !dup {
				f.properties[name] = p
			}
		}
		if f.items == nil {
			f.items = s.Items
		}
		if f.not == nil {
			f.not = s.Not
		}
		if f.mapValues == "any" {
			switch ap := s.AdditionalProperties; {
			case ap.Schema != nil:
				f.mapValues, f.mapValue = "a schema", ap.Schema
			case ap.Has != nil && !*ap.Has:
				f.mapValues = "none"
			}
		}
		f.variants = append(f.variants, variants(s)...)
		for _, m := range s.AllOf {
			if m != nil {
				walk(m.Value)
			}
		}
	}
	walk(s)
	slices.Sort(f.required)
	if len(f.types) == 0 {
		f.types = nil
	}
	return f
}

// validationKeywords renders the keywords that constrain a value, beyond
// type, format, enum and required.
func validationKeywords(s *openapi3.Schema) map[string]string {
	out := map[string]string{}
	num := func(k string, p *float64) {
		if p != nil {
			out[k] = fmt.Sprint(*p)
		}
	}
	count := func(k string, n uint64, set bool) {
		if set {
			out[k] = fmt.Sprint(n)
		}
	}
	num("minimum", s.Min)
	num("maximum", s.Max)
	num("multipleOf", s.MultipleOf)
	count("minLength", s.MinLength, s.MinLength > 0)
	if s.MaxLength != nil {
		out["maxLength"] = fmt.Sprint(*s.MaxLength)
	}
	count("minItems", s.MinItems, s.MinItems > 0)
	if s.MaxItems != nil {
		out["maxItems"] = fmt.Sprint(*s.MaxItems)
	}
	if s.Pattern != "" {
		out["pattern"] = s.Pattern
	}
	for k, b := range map[string]bool{
		"uniqueItems": s.UniqueItems, "exclusiveMinimum": s.ExclusiveMin.IsTrue(), "exclusiveMaximum": s.ExclusiveMax.IsTrue(),
		"readOnly": s.ReadOnly, "writeOnly": s.WriteOnly,
	} {
		if b {
			out[k] = "true"
		}
	}
	return out
}

type variant struct {
	keyword, key string // "oneOf", and the discriminator value or the index
	schema       *openapi3.Schema
}

// variants returns the oneOf and anyOf alternatives of a schema. An
// alternative is identified by its discriminator value, which is what the
// wire carries (an explicit mapping, or by default the component name),
// and otherwise by its position.
func variants(s *openapi3.Schema) []variant {
	var out []variant
	for _, g := range []struct {
		kw   string
		refs openapi3.SchemaRefs
	}{{"oneOf", s.OneOf}, {"anyOf", s.AnyOf}} {
		for i, r := range g.refs {
			if r != nil && r.Value != nil {
				out = append(out, variant{keyword: g.kw, key: variantKey(s.Discriminator, r, i), schema: r.Value})
			}
		}
	}
	return out
}

func variantsByKey(vs []variant) map[string]*openapi3.Schema {
	m := make(map[string]*openapi3.Schema)
	for _, v := range vs {
		if _, dup := m[v.keyword+"/"+v.key]; !dup {
			m[v.keyword+"/"+v.key] = v.schema
		}
	}
	return m
}

func variantKey(d *openapi3.Discriminator, r *openapi3.SchemaRef, i int) string {
	if d == nil || r.Ref == "" {
		return fmt.Sprint(i)
	}
	for _, value := range sortedKeys(d.Mapping) {
		if d.Mapping[value].Ref == r.Ref {
			return value
		}
	}
	return r.Ref[strings.LastIndex(r.Ref, "/")+1:]
}

func describeSchema(s *openapi3.Schema) string {
	f := flatten(s)
	d := strings.Join(f.types, "|")
	if f.format != "" {
		d += "/" + f.format
	}
	if d == "" {
		d = "untyped"
	}
	return d
}

func toAnys(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func union[V any](a, b map[string]V) map[string]bool {
	out := make(map[string]bool, len(a)+len(b))
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}
