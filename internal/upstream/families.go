package upstream

import (
	"fmt"
	"path"
	"sort"
	"strings"
)

// ExtResource marks an operation of a resource family: the operations
// that create, get, list, update and delete one kind of entity identified
// by a RUUID. Its value is an object:
//
//	family  the entity's name (user, location, permissionGroup)
//	role    create, get, list, update or delete
//	id      create: the answer's property with the new RUUID; get, update,
//	        delete: the request's property naming the entity (a dotted path
//	        into a wrapped entity, location.uuid)
//	object  create, update: the request's property wrapping the entity ("":
//	        the request's own fields); get: the answer's property holding it
//	items   list: the answer's array of entities
//	key     the entity's own RUUID property (uuid)
//
// The fake keeps state for the families it names. An operation that
// carries the extension already keeps it, so a hand-written one overrides
// the inference, and ResourceOverrides does so for the pinned document.
const ExtResource = "x-rhombus-resource"

// ResourceOverrides are hand decisions on the inference, by operationId:
// an extension value to use as it is, or false to leave the operation out
// of every family.
var ResourceOverrides = map[string]any{}

// envelopeProps are the properties every answer shares.
var envelopeProps = map[string]bool{"error": true, "errorMsg": true, "warningMsg": true}

type docOp struct {
	id, dir string
	op      map[string]any
	req     map[string]any // the JSON request's schema, resolved
	ans     map[string]any // the 200 answer's JSON schema, resolved
}

// InferResources writes ExtResource on the operations of every resource
// family the document's paths, names and schemas show: a create
// operation (createX) whose answer holds the new entity's RUUID, with a
// list (an answer's array named Xs of objects with a RUUID) or a get
// (getX) in the same folder, and the update (updateX) and delete
// (deleteX) next to them. It returns the number of families and of
// operations marked, and reports them with the repairs.
func (d *Doc) InferResources() (families, ops int) {
	if d.resourced {
		return d.countResources()
	}
	d.resourced = true
	byDir := map[string][]*docOp{}
	var all []*docOp
	paths, _ := d.Root["paths"].(map[string]any)
	for _, p := range sortedKeys(paths) {
		item, _ := paths[p].(map[string]any)
		for _, m := range sortedKeys(item) {
			op, _ := item[m].(map[string]any)
			id, _ := op["operationId"].(string)
			if id == "" {
				continue
			}
			o := &docOp{id: id, dir: path.Dir(p), op: op, req: d.Resolve(d.jsonSchemaAt(op, "requestBody")), ans: d.Resolve(d.jsonSchemaAt(op, "200"))}
			byDir[o.dir] = append(byDir[o.dir], o)
			all = append(all, o)
		}
	}
	marked := map[string]map[string]any{}
	for _, o := range all {
		if v, ok := ResourceOverrides[o.id]; ok {
			if m, ok := v.(map[string]any); ok {
				marked[o.id] = m
			}
			continue
		}
		if m, ok := o.op[ExtResource].(map[string]any); ok {
			marked[o.id] = m
		}
	}
	for _, c := range all {
		noun, ok := cutFold(c.id, "create")
		if !ok || noun == "" || marked[c.id] != nil || ResourceOverrides[c.id] != nil {
			continue
		}
		newID := d.singleRUUID(c.ans, envelopeProps)
		if newID == "" {
			// The answer may hold the created entity itself (person).
			if prop, obj := d.propFold(c.ans, noun); obj != nil {
				if key := d.keyOf(obj, noun); key != "" {
					newID = prop + "." + key
				}
			}
		}
		if newID == "" {
			continue
		}
		family := lowerFirst(noun)
		found := map[string]map[string]any{}
		foundOp := map[string]*docOp{}
		var entity map[string]any
		for _, o := range byDir[c.dir] {
			if marked[o.id] != nil || ResourceOverrides[o.id] != nil || o == c {
				continue
			}
			rest, isGet := cutFold(o.id, "get")
			if !isGet {
				rest, isGet = cutFold(o.id, "find")
			}
			switch {
			case isGet && (found["list"] == nil || listScore(o.id, noun) > listScore(foundOp["list"].id, noun)) &&
				d.hasEntityArray(o.ans, d.arrayName(o, noun)) && len(d.required(o.req)) == 0:
				if items, item := d.entityArray(o.ans, d.arrayName(o, noun)); items != "" {
					found["list"] = map[string]any{"family": family, "role": "list", "items": items}
					foundOp["list"], entity = o, item
				}
			case isGet && strings.EqualFold(rest, noun) && found["get"] == nil:
				prop, obj := d.propFold(o.ans, noun)
				if id := d.idOf(o.req, noun); obj != nil && id != "" {
					found["get"] = map[string]any{"family": family, "role": "get", "id": id, "object": prop}
					foundOp["get"] = o
					if entity == nil {
						entity = obj
					}
				}
			case equalFoldAny(o.id, "update"+noun, "update"+plural(noun)) && found["update"] == nil:
				if prop, obj := d.propFold(o.req, noun); obj != nil {
					if key := d.keyOf(obj, noun); key != "" {
						found["update"] = map[string]any{"family": family, "role": "update", "id": prop + "." + key, "object": prop}
						foundOp["update"] = o
					}
				} else if id := d.idOf(o.req, noun); id != "" {
					found["update"] = map[string]any{"family": family, "role": "update", "id": id, "object": ""}
					foundOp["update"] = o
				}
			case strings.EqualFold(o.id, "delete"+noun) && found["delete"] == nil:
				if id := d.idOf(o.req, noun); id != "" {
					found["delete"] = map[string]any{"family": family, "role": "delete", "id": id}
					foundOp["delete"] = o
				}
			}
		}
		if found["list"] == nil && found["get"] == nil {
			continue // nothing would show what was created
		}
		key := d.keyOf(entity, noun)
		if key == "" {
			continue
		}
		object := ""
		if prop, obj := d.propFold(c.req, noun); obj != nil {
			object = prop
		}
		found["create"] = map[string]any{"family": family, "role": "create", "id": newID, "object": object}
		foundOp["create"] = c
		for role, ext := range found {
			ext["key"] = key
			marked[foundOp[role].id] = ext
		}
	}
	// Write the extension, count families and operations.
	names := map[string]bool{}
	for _, o := range all {
		ext := marked[o.id]
		if ext == nil {
			continue
		}
		o.op[ExtResource] = ext
		names[fmt.Sprint(ext["family"])] = true
		ops++
	}
	families = len(names)
	list := make([]string, 0, len(names))
	for n := range names {
		list = append(list, n)
	}
	sort.Strings(list)
	d.Repairs = append(d.Repairs, fmt.Sprintf("%s: %d resource families over %d operations inferred from paths, names and schemas (%s)", ExtResource, families, ops, strings.Join(list, ", ")))
	return families, ops
}

// jsonSchemaAt is the application/json schema of the request body
// ("requestBody") or of an answer by status.
func (d *Doc) jsonSchemaAt(op map[string]any, which string) any {
	var holder map[string]any
	if which == "requestBody" {
		holder, _ = op["requestBody"].(map[string]any)
	} else {
		res, _ := op["responses"].(map[string]any)
		holder, _ = res[which].(map[string]any)
	}
	content, _ := holder["content"].(map[string]any)
	mt, _ := content["application/json"].(map[string]any)
	return mt["schema"]
}

func props(s map[string]any) map[string]any {
	p, _ := s["properties"].(map[string]any)
	return p
}

// singleRUUID is the one property of s, outside skip, that is a RUUID
// string, or "" if there is not exactly one.
func (d *Doc) singleRUUID(s map[string]any, skip map[string]bool) string {
	found := ""
	for _, n := range sortedKeys(props(s)) {
		if skip[n] {
			continue
		}
		p := d.Resolve(props(s)[n])
		if p["type"] == "string" && p["format"] == "RUUID" {
			if found != "" {
				return ""
			}
			found = n
		}
	}
	return found
}

// entityArray finds the property of s named name (case aside) that is an
// array of objects, and returns its name and item schema.
func (d *Doc) entityArray(s map[string]any, name string) (string, map[string]any) {
	for _, n := range sortedKeys(props(s)) {
		if !strings.EqualFold(n, name) {
			continue
		}
		p := d.Resolve(props(s)[n])
		if p["type"] != "array" {
			return "", nil
		}
		item := d.Resolve(p["items"])
		if props(item) == nil {
			return "", nil
		}
		return n, item
	}
	return "", nil
}

// propFold is the object property of s named name, case aside, else one
// whose name ends with it (userPermissionGroup for PermissionGroup).
func (d *Doc) propFold(s map[string]any, name string) (string, map[string]any) {
	lname := strings.ToLower(name)
	for pass := range 3 {
		for _, n := range sortedKeys(props(s)) {
			ln := strings.ToLower(n)
			// The name itself, then a name ending with it, then the
			// name's last word (policy for CameraPolicy).
			if pass == 0 && ln == lname || pass == 1 && strings.HasSuffix(ln, lname) ||
				pass == 2 && ln == strings.ToLower(lastWord(name)) {
				if p := d.Resolve(props(s)[n]); props(p) != nil {
					return n, p
				}
			}
		}
	}
	return "", nil
}

// hasEntityArray says whether s has an array of objects named name.
func (d *Doc) hasEntityArray(s map[string]any, name string) bool {
	n, _ := d.entityArray(s, name)
	return n != ""
}

// required lists the required properties of s.
func (d *Doc) required(s map[string]any) []any {
	r, _ := s["required"].([]any)
	return r
}

// idOf is the request's property naming the entity: nounUuid or uuid,
// else its only RUUID property.
func (d *Doc) idOf(s map[string]any, noun string) string {
	for _, n := range []string{lowerFirst(noun) + "Uuid", "uuid"} {
		if p := d.Resolve(props(s)[n]); p["type"] == "string" && p["format"] == "RUUID" {
			return n
		}
	}
	return d.singleRUUID(s, nil)
}

// keyOf is the entity's own RUUID property: uuid, else nounUuid.
func (d *Doc) keyOf(entity map[string]any, noun string) string {
	for _, n := range []string{"uuid", lowerFirst(noun) + "Uuid"} {
		if p := d.Resolve(props(entity)[n]); p["type"] == "string" && p["format"] == "RUUID" {
			return n
		}
	}
	return ""
}

func cutFold(s, prefix string) (string, bool) {
	if len(s) > len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return "", false
}

func equalFoldAny(s string, candidates ...string) bool {
	for _, c := range candidates {
		if strings.EqualFold(s, c) {
			return true
		}
	}
	return false
}

func plural(noun string) string {
	switch {
	case strings.HasSuffix(noun, "y") && !strings.HasSuffix(noun, "ay") && !strings.HasSuffix(noun, "ey"):
		return noun[:len(noun)-1] + "ies"
	case strings.HasSuffix(noun, "s"), strings.HasSuffix(noun, "x"), strings.HasSuffix(noun, "ch"):
		return noun + "es"
	}
	return noun + "s"
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// listNamed says whether id names the list of noun (getUsersInOrg for
// User), which is preferred to another answer with the same array.
func listNamed(id, noun string) bool {
	for _, verb := range []string{"get", "find"} {
		if rest, ok := cutFold(id, verb); ok && strings.HasPrefix(strings.ToLower(rest), strings.ToLower(plural(noun))) {
			return true
		}
	}
	return false
}

// arrayName is the name of the array a list of noun answers with: its
// plural, or for an operation named as the list (getCameraPolicies) the
// plural of the noun's last word (policies).
func (d *Doc) arrayName(o *docOp, noun string) string {
	if !d.hasEntityArray(o.ans, plural(noun)) && listNamed(o.id, noun) {
		return plural(lastWord(noun))
	}
	return plural(noun)
}

// lastWord is the last word of a camel-case name: Policy of CameraPolicy.
func lastWord(s string) string {
	for i := len(s) - 1; i > 0; i-- {
		if s[i] >= 'A' && s[i] <= 'Z' {
			return s[i:]
		}
	}
	return s
}

// countResources counts the families and operations already marked.
func (d *Doc) countResources() (families, ops int) {
	names := map[string]bool{}
	paths, _ := d.Root["paths"].(map[string]any)
	for _, p := range paths {
		item, _ := p.(map[string]any)
		for _, o := range item {
			op, _ := o.(map[string]any)
			if ext, ok := op[ExtResource].(map[string]any); ok {
				names[fmt.Sprint(ext["family"])] = true
				ops++
			}
		}
	}
	return len(names), ops
}

// listScore ranks the operations that answer with the entities' array:
// the plain list (getLocations), then the organisation's
// (findAccessControlGroupsByOrg, getUsersInOrg), then any named as a list
// of them (findAccessControlGroupsByNamePrefix), then any other. The
// fake's list answers every entity, so the least filtered one is chosen.
func listScore(id, noun string) int {
	for _, verb := range []string{"get", "find", "getAll", "findAll"} {
		rest, ok := cutFold(id, verb)
		if !ok {
			continue
		}
		lr, lp := strings.ToLower(rest), strings.ToLower(plural(noun))
		switch {
		case lr == lp:
			return 3
		case strings.HasPrefix(lr, lp) && strings.HasSuffix(lr, "org"):
			return 2
		}
	}
	if listNamed(id, noun) {
		return 1
	}
	return 0
}
