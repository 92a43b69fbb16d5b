package openapi

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/internal/upstream"
)

// conformanceAllowList holds the deliberate differences between openapi.yaml
// and the vendor's document, keyed by the exact property path that
// conformanceProblems reports (for example
// "createUser.request.rhombusKeySettings.bypassSaml"), with the reason as
// value. An entry that matches no difference is itself reported, so the
// list cannot go stale.
//
// It is empty: the known deliberate differences are rules, not places.
// Nullability (non-nullable items of wifiPsk and accessibleRhombusApps) is
// not compared; component names and allOf layout are not seen; a vendor
// format nobody defines is compared as the importer maps it
// (upstream.Formats).
var conformanceAllowList = map[string]string{}

// TestVendorConformance compares every operation of openapi.yaml with the
// vendor's pinned document: same properties, types, formats, enums and
// required lists, at every depth.
func TestVendorConformance(t *testing.T) {
	vendor := loadUpstream(t)
	ours := loadSpec(t, specPath)

	matched, problems := conformanceProblems(vendor, ours)
	for _, p := range problems {
		t.Error(p)
	}
	t.Logf("vendor properties matched in openapi.yaml, per operation: %v", matched)
	for _, path := range sortedKeys(ours.Paths.Map()) {
		if op := ours.Paths.Value(path).Post; op != nil {
			assert.Positive(t, matched[op.OperationID], "%s: no vendor property was compared; the check would pass vacuously", op.OperationID)
		}
	}
}

func TestVendorConformanceDetectsRemoval(t *testing.T) {
	vendor := loadUpstream(t)

	tests := []struct {
		name   string
		change func(ours *openapi3.T)
		want   string // a problem reported must start with this
	}{
		{
			name: "DeviceLicense.licenseFamily removed",
			change: func(ours *openapi3.T) {
				delete(ours.Components.Schemas["DeviceLicense"].Value.Properties, "licenseFamily")
			},
			want: "getDeviceLicensesForOrg.response[200].deviceLicenses[].licenseFamily: missing",
		},
		{
			name: "provisioner variant value removed",
			change: func(ours *openapi3.T) {
				delete(ours.Components.Schemas["StaticEpochSecondsProvisioner"].Value.Properties, "value")
			},
			want: "createUser.request.rhombusKeySettings.credentialProvisioningRules.startDateProvisioner.oneOf[StaticEpochSecondsProvisioner].value: missing",
		},
		{
			name: "maxMobileCredsAllowed format changed",
			change: func(ours *openapi3.T) {
				ours.Components.Schemas["CredentialProvisioningRules"].Value.
					Properties["maxMobileCredsAllowed"].Value.Format = "int64"
			},
			want: `createUser.request.rhombusKeySettings.credentialProvisioningRules.maxMobileCredsAllowed: format: vendor "int32", ours "int64"`,
		},
		{
			name: "enum value dropped from an array item",
			change: func(ours *openapi3.T) {
				s := ours.Components.Schemas["RhombusApp"].Value
				s.Enum = slices.DeleteFunc(s.Enum, func(v any) bool { return v == "RHOMBUS_KEY" })
			},
			want: "createUser.request.accessibleRhombusApps[]: enum: ours lacks vendor values [RHOMBUS_KEY]",
		},
		{
			name: "imported property removed",
			change: func(ours *openapi3.T) {
				delete(ours.Components.Schemas["LocationType"].Value.Properties, "address1")
			},
			want: "createlocation.request.location.address1: missing",
		},
		{
			name: "required field dropped",
			change: func(ours *openapi3.T) {
				ours.Components.Schemas["EpochSecondsProvisioner"].Value.Required = nil
			},
			want: "createUser.request.rhombusKeySettings.credentialProvisioningRules.endDateProvisioner: required: ours lacks vendor's [type]",
		},
		{
			name: "type changed",
			change: func(ours *openapi3.T) {
				ours.Components.Schemas["CreateUserResponse"].Value.
					Properties["error"] = openapi3.NewStringSchema().NewRef()
			},
			want: "createUser.response[200].error: type: vendor [boolean], ours [string]",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ours := loadSpec(t, specPath)
			tc.change(ours)
			_, problems := conformanceProblems(vendor, ours)
			require.NotEmpty(t, problems, "the change went unnoticed")
			t.Logf("reported: %s", strings.Join(problems, "\n"))
			assert.True(t, slices.ContainsFunc(problems, func(p string) bool { return strings.HasPrefix(p, tc.want) }),
				"no problem starts with %q; got:\n%s", tc.want, strings.Join(problems, "\n"))
		})
	}
}

func TestConformanceAllowList(t *testing.T) {
	diffs := []conformanceDiff{{path: "op.request.a", msg: "missing in openapi.yaml"}}

	problems := applyAllowList(diffs, map[string]string{"op.request.a": "deliberate"})
	assert.Empty(t, problems, "an allowed difference is still reported")

	problems = applyAllowList(diffs, map[string]string{"op.request.b": "no longer differs"})
	assert.Equal(t, []string{
		"op.request.a: missing in openapi.yaml",
		`allow-list entry "op.request.b" (no longer differs) matches no difference: remove it`,
	}, problems)
}

// conformanceProblems compares, place by place, every property reachable
// from the vendor's operations (request bodies and declared responses,
// nested objects, array items, allOf, oneOf and anyOf variants) with
// openapi.yaml: the property must exist at the same place with the same type
// and format, and enum values that include the vendor's. Nullability is not
// compared. It returns the number of vendor properties and array items
// matched, and the differences not in conformanceAllowList.
func conformanceProblems(vendor, ours *openapi3.T) (matched map[string]int, problems []string) {
	c := &conformance{matched: map[string]int{}}
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
			c.op = name
			c.operation(name, vop, oop)
		}
	}
	return c.matched, applyAllowList(c.diffs, conformanceAllowList)
}

type conformanceDiff struct {
	path, msg string
}

// applyAllowList drops allowed differences and reports allow-list entries
// that match none.
func applyAllowList(diffs []conformanceDiff, allow map[string]string) []string {
	used := make(map[string]bool)
	var problems []string
	for _, d := range diffs {
		if _, ok := allow[d.path]; ok {
			used[d.path] = true
			continue
		}
		problems = append(problems, d.path+": "+d.msg)
	}
	for _, path := range sortedKeys(allow) {
		if !used[path] {
			problems = append(problems, fmt.Sprintf("allow-list entry %q (%s) matches no difference: remove it", path, allow[path]))
		}
	}
	return problems
}

type conformance struct {
	op      string         // the operation being compared
	matched map[string]int // vendor properties matched, per operation
	diffs   []conformanceDiff
	stack   []*openapi3.Schema // vendor schemas on the current path, against cycles
}

func (c *conformance) report(path, format string, args ...any) {
	c.diffs = append(c.diffs, conformanceDiff{path: path, msg: fmt.Sprintf(format, args...)})
}

func (c *conformance) operation(name string, vop, oop *openapi3.Operation) {
	if rb := vop.RequestBody; rb != nil && rb.Value != nil {
		var ours openapi3.Content
		if oop.RequestBody != nil && oop.RequestBody.Value != nil {
			ours = oop.RequestBody.Value.Content
		}
		c.content(name+".request", rb.Value.Content, ours)
	}
	if vop.Responses == nil {
		return
	}
	for _, code := range sortedKeys(vop.Responses.Map()) {
		vr := vop.Responses.Value(code)
		if vr.Value == nil {
			continue
		}
		place := fmt.Sprintf("%s.response[%s]", name, code)
		var ours openapi3.Content
		if or := oop.Responses.Value(code); or != nil && or.Value != nil {
			ours = or.Value.Content
		} else {
			c.report(place, "openapi.yaml declares no response %s", code)
			continue
		}
		c.content(place, vr.Value.Content, ours)
	}
}

func (c *conformance) content(place string, vendor, ours openapi3.Content) {
	for _, mt := range sortedKeys(vendor) {
		path := place
		if mt != "application/json" {
			path += "(" + mt + ")"
		}
		vs := vendor[mt].Schema
		if vs == nil || vs.Value == nil {
			continue
		}
		om := ours[mt]
		if om == nil || om.Schema == nil || om.Schema.Value == nil {
			c.report(path, "openapi.yaml has no %s body schema", mt)
			continue
		}
		c.schema(path, vs.Value, om.Schema.Value)
	}
}

// property compares one vendor property or array item and counts it when
// its own type, format and enum agree.
func (c *conformance) property(path string, vendor, ours *openapi3.SchemaRef) {
	if vendor == nil || vendor.Value == nil {
		return
	}
	if ours == nil || ours.Value == nil {
		c.report(path, "missing in openapi.yaml (vendor: %s)", describeSchema(vendor.Value))
		return
	}
	if c.schema(path, vendor.Value, ours.Value) {
		c.matched[c.op]++
	}
}

// schema compares a vendor schema with ours at the same place and descends
// into it. It reports whether the schema's own keywords agree.
func (c *conformance) schema(path string, vendor, ours *openapi3.Schema) bool {
	if slices.Contains(c.stack, vendor) {
		return true // a recursive schema: already being compared above
	}
	c.stack = append(c.stack, vendor)
	defer func() { c.stack = c.stack[:len(c.stack)-1] }()

	ok := true
	if vt, ot := sortedTypes(vendor), sortedTypes(ours); len(vt) > 0 && !slices.Equal(vt, ot) {
		c.report(path, "type: vendor %v, ours %v", vt, ot)
		ok = false
	}
	if vf, _ := upstream.MapFormat(vendor.Format); vf != ours.Format {
		c.report(path, "format: vendor %q, ours %q", vendor.Format, ours.Format)
		ok = false
	}
	var missing []string
	for _, r := range vendor.Required {
		if !slices.Contains(ours.Required, r) {
			missing = append(missing, r)
		}
	}
	if len(missing) > 0 {
		c.report(path, "required: ours lacks vendor's %v", missing)
		ok = false
	}
	var lacking []any
	for _, v := range vendor.Enum {
		if !slices.Contains(ours.Enum, v) {
			lacking = append(lacking, v)
		}
	}
	if len(lacking) > 0 {
		c.report(path, "enum: ours lacks vendor values %v", lacking)
		ok = false
	}
	if d := vendor.Discriminator; d != nil {
		if ours.Discriminator == nil || ours.Discriminator.PropertyName != d.PropertyName {
			c.report(path, "discriminator: vendor property %q, ours %v", d.PropertyName, ours.Discriminator)
			ok = false
		}
	}

	oProps := flatProperties(ours)
	vProps := flatProperties(vendor)
	for _, name := range sortedKeys(vProps) {
		c.property(path+"."+name, vProps[name], oProps[name])
	}
	if vendor.Items != nil {
		c.property(path+"[]", vendor.Items, ours.Items)
	}
	oVariants := variantsByKey(ours)
	for _, v := range variants(vendor) {
		vpath := fmt.Sprintf("%s.%s[%s]", path, v.keyword, v.key)
		o := oVariants[v.keyword+"/"+v.key]
		if o == nil {
			c.report(vpath, "variant missing in openapi.yaml")
			continue
		}
		c.schema(vpath, v.schema, o)
	}
	return ok
}

// flatProperties returns a schema's properties merged with those of its
// allOf members, at any depth: where a property is declared does not change
// the JSON object.
func flatProperties(s *openapi3.Schema) map[string]*openapi3.SchemaRef {
	props := make(map[string]*openapi3.SchemaRef)
	var walk func(s *openapi3.Schema, seen []*openapi3.Schema)
	walk = func(s *openapi3.Schema, seen []*openapi3.Schema) {
		if s == nil || slices.Contains(seen, s) {
			return
		}
		for name, p := range s.Properties {
			if _, dup := props[name]; !dup {
				props[name] = p
			}
		}
		for _, m := range s.AllOf {
			if m != nil {
				walk(m.Value, append(seen, s))
			}
		}
	}
	walk(s, nil)
	return props
}

type variant struct {
	keyword, key string // "oneOf", and the discriminator value or the index
	schema       *openapi3.Schema
}

// variants returns the oneOf and anyOf variants of a schema and of its allOf
// members. A variant is identified by its discriminator value, which is what
// the wire carries (an explicit mapping, or by default the component name),
// and otherwise by its position.
func variants(s *openapi3.Schema) []variant {
	var out []variant
	for _, m := range append([]*openapi3.SchemaRef{{Value: s}}, s.AllOf...) {
		if m == nil || m.Value == nil {
			continue
		}
		for kw, refs := range map[string]openapi3.SchemaRefs{"oneOf": m.Value.OneOf, "anyOf": m.Value.AnyOf} {
			for i, r := range refs {
				if r == nil || r.Value == nil {
					continue
				}
				out = append(out, variant{keyword: kw, key: variantKey(m.Value.Discriminator, r, i), schema: r.Value})
			}
		}
	}
	slices.SortFunc(out, func(a, b variant) int {
		return strings.Compare(a.keyword+"/"+a.key, b.keyword+"/"+b.key)
	})
	return out
}

func variantsByKey(s *openapi3.Schema) map[string]*openapi3.Schema {
	m := make(map[string]*openapi3.Schema)
	for _, v := range variants(s) {
		m[v.keyword+"/"+v.key] = v.schema
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

func sortedTypes(s *openapi3.Schema) []string {
	return slices.Sorted(slices.Values(s.Type.Slice()))
}

func describeSchema(s *openapi3.Schema) string {
	d := strings.Join(s.Type.Slice(), "|")
	if s.Format != "" {
		d += "/" + s.Format
	}
	if d == "" {
		d = "untyped"
	}
	return d
}
