package openapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/internal/specimport"
	"github.com/rhombuskit/rhombus-go/internal/upstream"
)

// TestVendorConformanceMutations changes an imported operation, on our side
// and on the vendor's, at each kind of schema position, and requires the
// comparison to report exactly that change, at every place the changed
// schema is reached and nowhere else. The operations are found at run time
// in the vendor's document: one already in openapi.yaml when there is one,
// and always one imported now, in memory, so the test holds whatever
// openapi.yaml imports.
func TestVendorConformanceMutations(t *testing.T) {
	doc, err := upstream.Read(upstream.File)
	require.NoError(t, err)
	vendor, err := doc.Load()
	require.NoError(t, err)
	spec, err := os.ReadFile(specPath)
	require.NoError(t, err)
	m := &mutations{doc: doc, vendor: vendor, spec: spec}

	for _, tc := range []struct {
		name string
		want func(conformanceVisit) bool
	}{
		{posMapValue, func(v conformanceVisit) bool { return v.kind == posMapValue }},
		{"map value of objects", func(v conformanceVisit) bool {
			return v.kind == posMapValue && len(v.ours.Properties) > 0 && len(v.ours.Required) > 0
		}},
		{posItem, func(v conformanceVisit) bool { return v.kind == posItem }},
		{"oneOf alternative", func(v conformanceVisit) bool { return v.kind == posVariant && strings.Contains(v.path, ".oneOf[") }},
		{posParameter, func(v conformanceVisit) bool { return v.kind == posParameter }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, fresh := range []bool{false, true} {
				ours, at, ok := m.find(t, fresh, tc.want)
				if !ok {
					continue // none in openapi.yaml: the import below stands for it
				}
				t.Logf("%s: %s", map[bool]string{false: "in openapi.yaml", true: "imported now"}[fresh], at.path)
				m.typeChanged(t, ours, at)
				if at.kind != posParameter {
					m.propertyRemoved(t, ours, at)
					m.requiredDropped(t, ours, at)
				}
			}
		})
	}

	t.Run("enum value only ours has", func(t *testing.T) {
		for _, fresh := range []bool{false, true} {
			ours, at, ok := m.find(t, fresh, func(v conformanceVisit) bool {
				return v.kind != posParameter && len(v.ours.Enum) > 0
			})
			if !ok {
				continue
			}
			t.Logf("%s: %s", map[bool]string{false: "in openapi.yaml", true: "imported now"}[fresh], at.path)
			m.check(t, ours, at, true, func(s *openapi3.Schema) {
				s.Enum = append(slices.Clone(s.Enum), "ONLY_OURS")
			}, func(conformanceVisit) []string {
				return []string{"enum: ours has [ONLY_OURS], the vendor's lacks them"}
			})
			m.check(t, ours, at, false, func(s *openapi3.Schema) {
				s.Enum = append(slices.Clone(s.Enum), "ONLY_THE_VENDORS")
			}, func(conformanceVisit) []string {
				return []string{"enum: the vendor's has [ONLY_THE_VENDORS], ours lacks them"}
			})
			// A value renamed is one lacking and one extra.
			m.check(t, ours, at, true, func(s *openapi3.Schema) {
				s.Enum = slices.Clone(s.Enum)
				s.Enum[0] = fmt.Sprint(s.Enum[0]) + "_RENAMED"
			}, func(v conformanceVisit) []string {
				return []string{
					fmt.Sprintf("enum: the vendor's has [%v], ours lacks them", v.ours.Enum[0]),
					fmt.Sprintf("enum: ours has [%v_RENAMED], the vendor's lacks them", v.ours.Enum[0]),
				}
			})
		}
	})

	// The vendor's document declares no response header, so a header is
	// added to both sides of an imported operation's 200 answer, then
	// changed on one.
	t.Run(posHeader, func(t *testing.T) {
		ours, body, ok := m.find(t, true, func(v conformanceVisit) bool {
			return v.kind == posBody && strings.Contains(v.path, " 200 ")
		})
		require.True(t, ok, "no operation could be imported")
		op := body.op
		vr, or := response200(t, vendor, op), response200(t, ours, op)
		header := func() *openapi3.HeaderRef {
			return &openapi3.HeaderRef{Value: &openapi3.Header{Parameter: openapi3.Parameter{
				Schema: openapi3.NewStringSchema().NewRef(),
			}}}
		}
		vr.Headers, or.Headers = openapi3.Headers{"X-Probe": header()}, openapi3.Headers{"X-Probe": header()}
		defer func() { vr.Headers, or.Headers = nil, nil }()

		var at conformanceVisit
		for _, v := range compareSpecs(vendor, ours).visits {
			if v.kind == posHeader && v.op == op {
				at = v
			}
		}
		require.Equal(t, op+" 200 header x-probe $", at.path, "the header was not compared")
		m.typeChanged(t, ours, at)

		before := compareSpecs(vendor, ours).lines()
		or.Headers = nil
		after := compareSpecs(vendor, ours).lines()
		or.Headers = openapi3.Headers{"X-Probe": header()}
		assert.Equal(t, []string{op + " 200 header x-probe: the vendor's has this header, ours lacks it"}, newLines(before, after))
		vr.Headers = nil
		after = compareSpecs(vendor, ours).lines()
		assert.Equal(t, []string{op + " 200 header x-probe: ours has this header, the vendor's lacks it"}, newLines(before, after))
	})
}

type mutations struct {
	doc    *upstream.Doc
	vendor *openapi3.T
	spec   []byte // openapi.yaml as it is
}

// find returns our spec and a schema position in an imported operation
// that satisfies want. Without fresh, it looks in openapi.yaml as it is;
// with fresh, it imports, in memory, an operation openapi.yaml lacks that
// reaches such a position. The position's schemas, on each side, are
// reached only as themselves (never as an allOf member), so a change to
// one shows exactly where they are reached.
func (m *mutations) find(t *testing.T, fresh bool, want func(conformanceVisit) bool) (*openapi3.T, conformanceVisit, bool) {
	t.Helper()
	if !fresh {
		ours, err := loadSpecData(m.spec)
		require.NoError(t, err)
		at, ok := m.position(ours, imported(ours), want)
		return ours, at, ok
	}
	have, wasImported := map[string]bool{}, map[string]bool{}
	if ours, err := loadSpecData(m.spec); assert.NoError(t, err) {
		for _, op := range operationsOf(ours) {
			have[op.OperationID] = true
		}
		wasImported = imported(ours)
	}
	// First an operation openapi.yaml lacks; when it has every one that
	// would do, an imported one, removed and imported again in memory.
	var refusals []string
	for _, again := range []bool{false, true} {
		for _, path := range sortedKeys(m.vendor.Paths.Map()) {
			vop := m.vendor.Paths.Value(path).Post
			if vop == nil || have[vop.OperationID] != again || again && !wasImported[vop.OperationID] ||
				!slices.ContainsFunc(compareOperation(vop.OperationID, vop, vop).visits, want) {
				continue
			}
			base := m.spec
			if again {
				u, err := specimport.Unimport(m.spec, m.doc, []string{vop.OperationID})
				require.NoError(t, err, "removing %s to import it again", vop.OperationID)
				base = u.YAML
			}
			res, err := specimport.Import(base, m.doc, []string{vop.OperationID},
				specimport.Decisions{ReadsGiven: true, Reads: []string{vop.OperationID}})
			var refused *specimport.RefusedError
			if errors.As(err, &refused) {
				refusals = append(refusals, err.Error())
				if len(refusals) < 20 {
					continue // another operation will do
				}
			}
			require.NoError(t, err, "importing %s", vop.OperationID)
			ours, err := loadSpecData(res.YAML)
			require.NoError(t, err, "loading openapi.yaml with %s imported", vop.OperationID)
			if at, ok := m.position(ours, map[string]bool{vop.OperationID: true}, want); ok {
				return ours, at, true
			}
		}
	}
	require.Fail(t, "no operation of the vendor's document reaches such a position and can be imported", "refusals: %v", refusals)
	return nil, conformanceVisit{}, false
}

// position is the first position of one of the operations ops that
// satisfies want, where nothing differs yet, and whose schemas are reached
// only as themselves.
func (m *mutations) position(ours *openapi3.T, ops map[string]bool, want func(conformanceVisit) bool) (conformanceVisit, bool) {
	c := compareSpecs(m.vendor, ours)
	visits := c.visits
	differs := map[string]bool{}
	for _, d := range c.diffs {
		differs[d.path] = true
	}
	for _, v := range visits {
		if ops[v.op] && want(v) && !differs[v.path] && onlyDirect(visits, v.vendor, true) && onlyDirect(visits, v.ours, false) {
			return v, true
		}
	}
	return conformanceVisit{}, false
}

// onlyDirect reports whether s is never an allOf member where it is
// reached.
func onlyDirect(visits []conformanceVisit, s *openapi3.Schema, vendor bool) bool {
	for _, v := range visits {
		direct, members := v.ours, v.oursMembers
		if vendor {
			direct, members = v.vendor, v.vendorMembers
		}
		if slices.Contains(members, s) && direct != s {
			return false
		}
	}
	return true
}

// check changes one side's schema at the position, compares, and undoes the
// change. Every place the changed schema is reached must report exactly
// the lines want gives for it, and nothing else may change; want gets each
// such place's visit from before the change.
func (m *mutations) check(t *testing.T, ours *openapi3.T, at conformanceVisit, oursSide bool, change func(*openapi3.Schema), want func(conformanceVisit) []string) {
	t.Helper()
	target := at.vendor
	if oursSide {
		target = at.ours
	}
	before := compareSpecs(m.vendor, ours)
	var expected []string
	for _, v := range before.visits {
		if reaches(v, at, oursSide, target) {
			for _, msg := range want(v) {
				expected = append(expected, v.path+": "+msg)
			}
		}
	}
	restore := m.mutate(t, ours, at, oursSide, target, change)
	after := compareSpecs(m.vendor, ours)
	restore()

	side := map[bool]string{true: "ours", false: "the vendor's"}[oursSide]
	slices.Sort(expected)
	got := newLines(before.lines(), after.lines())
	slices.Sort(got)
	assert.Equal(t, expected, got, "%s changed at %s: the differences reported", side, at.path)
	assert.Empty(t, newLines(after.lines(), before.lines()), "%s changed at %s: differences no longer reported", side, at.path)
	assert.Equal(t, before.lines(), compareSpecs(m.vendor, ours).lines(), "the change was not undone")
}

// mutate applies change to the target schema and returns what undoes it.
// Our side of a parameter is the operation's x-rhombus-auth-scheme, made
// into a schema at each comparison, so the change goes to the extension.
func (m *mutations) mutate(t *testing.T, ours *openapi3.T, at conformanceVisit, oursSide bool, target *openapi3.Schema, change func(*openapi3.Schema)) func() {
	t.Helper()
	if oursSide && at.kind == posParameter {
		op := operationsOf(ours)[at.op]
		saved := op.Extensions
		s := *target
		change(&s)
		ext, err := schemaJSON(&s)
		require.NoError(t, err)
		op.Extensions = maps.Clone(saved)
		op.Extensions["x-rhombus-auth-scheme"] = ext
		return func() { op.Extensions = saved }
	}
	saved := *target
	change(target)
	return func() { *target = saved }
}

// reaches reports whether the changed schema is at v. Our side of a
// parameter is made anew at each comparison: it is the parameter's place.
func reaches(v, at conformanceVisit, oursSide bool, target *openapi3.Schema) bool {
	switch {
	case oursSide && at.kind == posParameter:
		return v.path == at.path
	case oursSide:
		return v.ours == target
	}
	return v.vendor == target
}

// typeChanged changes the type at the position, on each side.
func (m *mutations) typeChanged(t *testing.T, ours *openapi3.T, at conformanceVisit) {
	t.Helper()
	other := func(s *openapi3.Schema) string {
		if s.Type.Is(openapi3.TypeInteger) {
			return openapi3.TypeBoolean
		}
		return openapi3.TypeInteger
	}
	oursType, vendorType := other(at.ours), other(at.vendor)
	m.check(t, ours, at, true, func(s *openapi3.Schema) { s.Type = &openapi3.Types{oursType} },
		func(v conformanceVisit) []string {
			return []string{fmt.Sprintf("type: the vendor's %v, ours [%s]", flatten(v.vendor).types, oursType)}
		})
	m.check(t, ours, at, false, func(s *openapi3.Schema) { s.Type = &openapi3.Types{vendorType} },
		func(v conformanceVisit) []string {
			return []string{fmt.Sprintf("type: the vendor's [%s], ours %v", vendorType, flatten(v.ours).types)}
		})
}

// propertyRemoved removes a property the position's schema declares, on
// each side, when it declares one that no other member merged with it does.
func (m *mutations) propertyRemoved(t *testing.T, ours *openapi3.T, at conformanceVisit) {
	t.Helper()
	for _, name := range sortedKeys(at.ours.Properties) {
		if at.vendor.Properties[name] == nil || declares(at.oursMembers[1:], name) || declares(at.vendorMembers[1:], name) {
			continue
		}
		t.Logf("removing property %s", name)
		// What lay below the property is compared no more: only its own
		// line is new.
		m.checkRemoval(t, ours, at, true, name, func(v conformanceVisit) string {
			return fmt.Sprintf("the vendor's has it (%s), ours lacks it", describeSchema(flatten(v.vendor).properties[name].Value))
		})
		m.checkRemoval(t, ours, at, false, name, func(v conformanceVisit) string {
			return fmt.Sprintf("ours has it (%s), the vendor's lacks it", describeSchema(flatten(v.ours).properties[name].Value))
		})
		return
	}
}

// requiredDropped drops, on each side, the required fields the position's
// schema declares and no other member merged with it does.
func (m *mutations) requiredDropped(t *testing.T, ours *openapi3.T, at conformanceVisit) {
	t.Helper()
	var names []any
	for _, r := range at.ours.Required {
		if slices.Contains(at.vendor.Required, r) && !requires(at.oursMembers[1:], r) && !requires(at.vendorMembers[1:], r) {
			names = append(names, r)
		}
	}
	if len(names) == 0 {
		return
	}
	slices.SortFunc(names, func(a, b any) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
	t.Logf("dropping required %v", names)
	drop := func(s *openapi3.Schema) {
		s.Required = slices.DeleteFunc(slices.Clone(s.Required), func(r string) bool { return slices.Contains(names, any(r)) })
	}
	m.check(t, ours, at, true, drop, func(conformanceVisit) []string {
		return []string{fmt.Sprintf("required: the vendor's has %v, ours lacks them", names)}
	})
	m.check(t, ours, at, false, drop, func(conformanceVisit) []string {
		return []string{fmt.Sprintf("required: ours has %v, the vendor's lacks them", names)}
	})
}

func requires(members []*openapi3.Schema, name string) bool {
	return slices.ContainsFunc(members, func(s *openapi3.Schema) bool { return slices.Contains(s.Required, name) })
}

func (m *mutations) checkRemoval(t *testing.T, ours *openapi3.T, at conformanceVisit, oursSide bool, name string, want func(conformanceVisit) string) {
	t.Helper()
	target := at.vendor
	if oursSide {
		target = at.ours
	}
	before := compareSpecs(m.vendor, ours)
	var expected, below []string
	for _, v := range before.visits {
		if reaches(v, at, oursSide, target) {
			expected = append(expected, v.path+"."+name+": "+want(v))
			below = append(below, v.path+"."+name)
		}
	}
	restore := m.mutate(t, ours, at, oursSide, target, func(s *openapi3.Schema) { deleteProperty(s, name) })
	after := compareSpecs(m.vendor, ours)
	restore()

	side := map[bool]string{true: "ours", false: "the vendor's"}[oursSide]
	slices.Sort(expected)
	got := newLines(before.lines(), after.lines())
	slices.Sort(got)
	assert.Equal(t, expected, got, "%s lost %s at %s: the differences reported", side, name, at.path)
	for _, l := range newLines(after.lines(), before.lines()) {
		assert.True(t, slices.ContainsFunc(below, func(p string) bool {
			return strings.HasPrefix(l, p+".") || strings.HasPrefix(l, p+"[") || strings.HasPrefix(l, p+"{") || strings.HasPrefix(l, p+":")
		}), "%s lost %s at %s: a difference elsewhere is no longer reported: %s", side, name, at.path, l)
	}
}

// declares reports whether one of the schemas declares the property.
func declares(members []*openapi3.Schema, name string) bool {
	return slices.ContainsFunc(members, func(s *openapi3.Schema) bool { return s.Properties[name] != nil })
}

// imported is the set of operations of ours that the importer wrote.
func imported(ours *openapi3.T) map[string]bool {
	out := map[string]bool{}
	for id, op := range operationsOf(ours) {
		if op.Extensions["x-rhombus-imported"] == true {
			out[id] = true
		}
	}
	return out
}

func operationsOf(doc *openapi3.T) map[string]*openapi3.Operation {
	out := map[string]*openapi3.Operation{}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			out[op.OperationID] = op
		}
	}
	return out
}

func response200(t *testing.T, doc *openapi3.T, opID string) *openapi3.Response {
	t.Helper()
	op := operationsOf(doc)[opID]
	require.NotNil(t, op, "no operation %s", opID)
	r := op.Responses.Value("200")
	require.NotNil(t, r, "%s has no 200 answer", opID)
	require.NotNil(t, r.Value)
	return r.Value
}

func loadSpecData(b []byte) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	return loader.LoadFromData(b)
}

// schemaJSON is a schema as the generic value an extension holds.
func schemaJSON(s *openapi3.Schema) (map[string]any, error) {
	b, err := s.MarshalJSON()
	if err != nil {
		return nil, err
	}
	var out map[string]any
	return out, json.Unmarshal(b, &out)
}
