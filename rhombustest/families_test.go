package rhombustest_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/fullapi/fullops"
	"github.com/rhombuskit/rhombus-go/rhombustest"
)

// wholePaths maps the whole API's operationIds to their paths.
func wholePaths(t *testing.T) map[string]string {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string `json:"operationId"`
		} `json:"paths"`
	}
	require.NoError(t, json.Unmarshal(fullops.Spec, &doc))
	out := map[string]string{}
	for p, item := range doc.Paths {
		for _, op := range item {
			out[op.OperationID] = p
		}
	}
	return out
}

// familyCase drives one resource family of the whole API through its
// create, list, get, update and delete.
type familyCase struct {
	family                 string
	create                 string
	createBody             string
	newID                  func(m map[string]any) string // the new entity's RUUID in the create answer
	list, items            string
	get, getObject         string
	getBody                func(id string) string
	update                 string
	updateBody             func(id string) string
	delete                 string
	deleteBody             func(id string) string
	field, before, changed string // a field the update changes
	// noEnvelope: the family's answers have no error envelope, so an
	// unknown RUUID is answered without the entity.
	noEnvelope bool
}

func field(m map[string]any, keys ...string) any {
	var v any = m
	for _, k := range keys {
		mm, _ := v.(map[string]any)
		v = mm[k]
	}
	return v
}

var familyCases = []familyCase{
	{
		family: "user", create: "createUser", createBody: `{"email":"family@example.com","name":"Before"}`,
		newID: func(m map[string]any) string { s, _ := m["userUuid"].(string); return s },
		list:  "getUsersInOrg", items: "users",
		update: "updateUser", updateBody: func(id string) string { return `{"userUuid":"` + id + `","name":"After"}` },
		delete: "deleteUser", deleteBody: func(id string) string { return `{"userUuid":"` + id + `"}` },
		field: "name", before: "Before", changed: "After",
	},
	{
		family: "location", create: "createlocation", createBody: `{"location":{"name":"Before"}}`,
		newID: func(m map[string]any) string { s, _ := m["uuid"].(string); return s },
		list:  "getLocations", items: "locations",
		get: "getLocation", getObject: "location", getBody: func(id string) string { return `{"locationUuid":"` + id + `"}` },
		update: "updateLocation", updateBody: func(id string) string { return `{"location":{"uuid":"` + id + `","name":"After"}}` },
		delete: "deleteLocation", deleteBody: func(id string) string { return `{"uuid":"` + id + `"}` },
		field: "name", before: "Before", changed: "After",
	},
	{
		family: "permissionGroup", create: "createPermissionGroup", createBody: `{"userPermissionGroup":{"name":"Before"}}`,
		newID: func(m map[string]any) string { s, _ := m["uuid"].(string); return s },
		list:  "getPermissionGroups", items: "permissionGroups",
		update: "updatePermissionGroup", updateBody: func(id string) string { return `{"userPermissionGroup":{"uuid":"` + id + `","name":"After"}}` },
		delete: "deletePermissionGroup", deleteBody: func(id string) string { return `{"groupUuid":"` + id + `"}` },
		field: "name", before: "Before", changed: "After",
	},
	{
		family: "videoWall", create: "createVideoWall", createBody: `{"videoWall":{"displayName":"Before"}}`,
		newID: func(m map[string]any) string { s, _ := m["uuid"].(string); return s },
		list:  "getVideoWalls", items: "videoWalls",
		update: "updateVideoWalls", updateBody: func(id string) string { return `{"videoWall":{"uuid":"` + id + `","displayName":"After"}}` },
		delete: "deleteVideoWall", deleteBody: func(id string) string { return `{"uuid":"` + id + `"}` },
		field: "displayName", before: "Before", changed: "After",
	},
	{
		family: "promptConfiguration", create: "createPromptConfiguration", createBody: `{"promptConfiguration":{"name":"Before"}}`,
		newID: func(m map[string]any) string { s, _ := field(m, "promptConfiguration", "uuid").(string); return s },
		list:  "findAllPromptConfigurations", items: "promptConfigurations",
		get: "getPromptConfiguration", getObject: "promptConfiguration", getBody: func(id string) string { return `{"promptUuid":"` + id + `"}` },
		update: "updatePromptConfiguration", updateBody: func(id string) string { return `{"promptConfiguration":{"uuid":"` + id + `","name":"After"}}` },
		delete: "deletePromptConfiguration", deleteBody: func(id string) string { return `{"promptUuid":"` + id + `"}` },
		field: "name", before: "Before", changed: "After",
	},
	{
		family: "person", create: "createPerson", createBody: `{"name":"Before"}`,
		newID: func(m map[string]any) string { s, _ := field(m, "person", "uuid").(string); return s },
		get:   "getPerson", getObject: "person", getBody: func(id string) string { return `{"personUuid":"` + id + `"}` },
		delete: "deletePerson", deleteBody: func(id string) string { return `{"personUuid":"` + id + `"}` },
		field: "name", before: "Before", noEnvelope: true,
	},
}

// refused says the answer reports the entity unknown: the envelope's
// failure, or for a family without the envelope no entity at all.
func (fc familyCase) refused(m map[string]any) bool {
	if fc.noEnvelope {
		_, has := m[fc.getObject]
		return !has && m["error"] == nil
	}
	return m["error"] == true
}

// findIn returns the entity with uuid id in the list answer's items.
func findIn(m map[string]any, items, id string) map[string]any {
	list, _ := m[items].([]any)
	for _, e := range list {
		if em, ok := e.(map[string]any); ok && em["uuid"] == id {
			return em
		}
	}
	return nil
}

// A test per family kind, on several families of the whole API: what
// create makes comes back from list and get, update changes what they
// return, delete removes it, and a get, update or delete of an unknown
// RUUID answers with the envelope's failure.
func TestResourceFamiliesOfTheWholeAPIKeepState(t *testing.T) {
	s := rhombustest.NewServer(t, rhombustest.WithSpec(fullops.Spec))
	names, ops := s.Families()
	t.Logf("%d stateful families over %d operations: %v", len(names), ops, names)
	require.GreaterOrEqual(t, len(names), 10)
	paths := wholePaths(t)
	h := headers(s.Credential(rhombustest.OrgAPIToken))
	call := func(op, body string) map[string]any {
		t.Helper()
		r := post(t, s, paths[op], h, body)
		require.Equal(t, http.StatusOK, r.status, "%s: %s", op, r.body)
		return r.json(t)
	}
	const unknown = "AAAAAAAAAAAAAAAAAAAAAA"
	for _, fc := range familyCases {
		t.Run(fc.family, func(t *testing.T) {
			require.Contains(t, names, fc.family)
			// list, before: the entity is not there.
			created := call(fc.create, fc.createBody)
			require.NotEqual(t, true, created["error"], "create: %v", created)
			id := fc.newID(created)
			require.NotEmpty(t, id, "create answers no RUUID: %v", created)
			if fc.list != "" {
				t.Run("create then list", func(t *testing.T) {
					e := findIn(call(fc.list, `{}`), fc.items, id)
					require.NotNil(t, e, "%s does not list the created %s", fc.list, id)
					assert.Equal(t, fc.before, e[fc.field])
				})
			}
			if fc.get != "" {
				t.Run("get", func(t *testing.T) {
					got := call(fc.get, fc.getBody(id))
					assert.Equal(t, id, field(got, fc.getObject, "uuid"))
					assert.Equal(t, fc.before, field(got, fc.getObject, fc.field))
					missing := call(fc.get, fc.getBody(unknown))
					assert.True(t, fc.refused(missing), "get of an unknown RUUID: %v", missing)
				})
			}
			t.Run("update", func(t *testing.T) {
				if fc.update == "" {
					return // the family has no update
				}
				up := call(fc.update, fc.updateBody(id))
				assert.Equal(t, false, up["error"], "%v", up)
				e := findIn(call(fc.list, `{}`), fc.items, id)
				require.NotNil(t, e)
				assert.Equal(t, fc.changed, e[fc.field])
				if fc.get != "" {
					assert.Equal(t, fc.changed, field(call(fc.get, fc.getBody(id)), fc.getObject, fc.field))
				}
				assert.Equal(t, true, call(fc.update, fc.updateBody(unknown))["error"], "update of an unknown RUUID")
			})
			t.Run("delete", func(t *testing.T) {
				del := call(fc.delete, fc.deleteBody(id))
				assert.NotEqual(t, true, del["error"], "%v", del)
				if fc.list != "" {
					assert.Nil(t, findIn(call(fc.list, `{}`), fc.items, id), "deleted, still listed")
				}
				if fc.get != "" {
					got := call(fc.get, fc.getBody(id))
					assert.True(t, fc.refused(got), "deleted, still got: %v", got)
				}
				if !fc.noEnvelope {
					assert.Equal(t, true, call(fc.delete, fc.deleteBody(id))["error"], "a second delete")
				}
			})
		})
	}
}
