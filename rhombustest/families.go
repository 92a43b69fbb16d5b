package rhombustest

import (
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/rhombuskit/rhombus-go/ruuid"
)

// extResource marks the operations of a resource family (internal/upstream
// infers it for the whole API: family, role, id, object, items, key).
const extResource = "x-rhombus-resource"

// familyOp is one operation's part in a family.
type familyOp struct {
	family, role string
	id           string // create: the answer's property for the new RUUID; else the request's naming the entity
	object       string // create, update: the request's wrapping property; get: the answer's
	items        string // list: the answer's array
	key          string // the entity's own RUUID property
}

// families are the stateful families of a spec: those with a create and
// a list or a get, so that what is created can be seen.
type families struct {
	byOp  map[string]*familyOp
	names []string
}

// Families reports the resource families the server keeps state for and
// how many operations they span: a created entity comes back from its
// family's list and get, an update changes it, a delete removes it.
func (s *Server) Families() (names []string, operations int) {
	if s.spec == nil {
		return nil, 0
	}
	return slices.Clone(s.spec.families.names), len(s.spec.families.byOp)
}

func readFamilies(ops map[string]*operation, raw map[string]*openapi3.Operation) families {
	all := map[string]*familyOp{}
	roles := map[string]map[string]bool{}
	for id, op := range raw {
		m, ok := op.Extensions[extResource].(map[string]any)
		if !ok || ops[id] == nil {
			continue
		}
		str := func(k string) string { v, _ := m[k].(string); return v }
		f := &familyOp{family: str("family"), role: str("role"), id: str("id"), object: str("object"), items: str("items"), key: str("key")}
		if f.family == "" || f.key == "" {
			continue
		}
		all[id] = f
		if roles[f.family] == nil {
			roles[f.family] = map[string]bool{}
		}
		roles[f.family][f.role] = true
	}
	out := families{byOp: map[string]*familyOp{}}
	for id, f := range all {
		r := roles[f.family]
		if r["create"] && (r["list"] || r["get"]) {
			out.byOp[id] = f
		}
	}
	for name, r := range roles {
		if r["create"] && (r["list"] || r["get"]) {
			out.names = append(out.names, name)
		}
	}
	sort.Strings(out.names)
	return out
}

// entities is the state of the families: per family, per organisation,
// the entities in the order they were created, each as its JSON fields.
type entities struct {
	mu   sync.Mutex
	byFO map[string]map[ruuid.RUUID]*entityList
	// listed counts the entities shaped into list answers, so a test can
	// see that a page costs its own entities, not the whole list's.
	listed int
}

// list is the family's entities of an organisation; the caller holds mu.
func (st *entities) list(family string, org ruuid.RUUID) *entityList {
	if st.byFO == nil {
		st.byFO = map[string]map[ruuid.RUUID]*entityList{}
	}
	if st.byFO[family] == nil {
		st.byFO[family] = map[ruuid.RUUID]*entityList{}
	}
	l := st.byFO[family][org]
	if l == nil {
		l = &entityList{}
		st.byFO[family][org] = l
	}
	return l
}

// entityList is a family's entities in the order they were created, with
// an index from an entity's RUUID to its position, so that a get, an
// update or a page after a lastUuid cursor finds its entity without
// walking the list.
type entityList struct {
	items []map[string]any
	at    map[string]int // nil until needed, and again after a delete moves the entities after it
}

// position is where the entity whose key field is id stands: the first
// one, as a walk of the list would find.
func (l *entityList) position(key, id string) (int, bool) {
	if id == "" {
		return -1, false
	}
	if l.at == nil {
		l.at = make(map[string]int, len(l.items))
		for i, e := range l.items {
			l.index(key, e, i)
		}
	}
	i, ok := l.at[id]
	if !ok {
		return -1, false
	}
	return i, true
}

func (l *entityList) index(key string, e map[string]any, i int) {
	if k, ok := e[key].(string); ok {
		if _, dup := l.at[k]; !dup {
			l.at[k] = i
		}
	}
}

func (l *entityList) add(key string, e map[string]any) {
	if l.at != nil {
		l.index(key, e, len(l.items))
	}
	l.items = append(l.items, e)
}

func (l *entityList) remove(i int) {
	l.items = slices.Delete(l.items, i, i+1)
	l.at = nil
}

// familyAnswer answers an operation of a stateful family; ok is false for
// any other operation.
func (s *Server) familyAnswer(opID string, c *caller, body []byte, warning *string) (answer, bool) {
	f := s.spec.families.byOp[opID]
	op := s.spec.ops[opID]
	if f == nil || op == nil || op.answerSchema == nil {
		return answer{}, false
	}
	var req map[string]any
	_ = json.Unmarshal(body, &req) // validated already; a non-object body leaves req nil
	base, _ := jsonValue(op.answer(s.spec, s.notef)).(map[string]any)
	if base == nil {
		return answer{}, false
	}
	st := &s.entities
	st.mu.Lock()
	defer st.mu.Unlock()
	l := st.list(f.family, c.acting)
	list := l.items
	find := func() (int, bool) {
		id, _ := lookup(req, f.id).(string)
		return l.position(f.key, id)
	}
	notFound := func() (answer, bool) {
		return s.familyFailure(op, f.family+" not found", warning), true
	}
	props := op.answerSchema.Value.Properties
	switch f.role {
	case "create":
		e := fieldsOf(req, f.object)
		id := string(newRUUID())
		e[f.key] = id
		l.add(f.key, e)
		if head, _, nested := strings.Cut(f.id, "."); nested {
			// The answer holds the entity itself (person.uuid).
			if sc := props[head]; sc != nil {
				base[head] = s.shape(e, sc, opID)
			}
		} else {
			base[f.id] = id
		}
	case "get":
		i, ok := find()
		if !ok {
			return notFound()
		}
		if sc := props[f.object]; sc != nil {
			base[f.object] = s.shape(list[i], sc, opID)
		}
	case "list":
		sc := props[f.items]
		if sc == nil || sc.Value == nil || sc.Value.Items == nil {
			return answer{}, false
		}
		from, to := 0, len(list)
		if p := s.pagination(opID); p != nil && p.Items == f.items {
			// Only the requested page is shaped: a walk of the list in
			// pages costs the fake the list once, not once a page.
			w, err := pageWindow(p, body, len(list), func(cursor string) (int, bool) {
				if p.ItemCursor == f.key {
					i, ok := l.position(f.key, cursor)
					return i + 1, ok
				}
				// A cursor field other than the entity's RUUID: as the
				// answer shows it, entity by entity.
				for i, e := range list {
					m, _ := s.shape(e, sc.Value.Items, opID).(map[string]any)
					if m != nil && m[p.ItemCursor] == cursor {
						return i + 1, true
					}
				}
				return 0, false
			})
			if err != nil {
				return s.jsonAnswer(http.StatusOK, failed(err.Error())), true
			}
			from, to = w.start, w.end
			delete(base, p.Next)
			if w.next != "" {
				base[p.Next] = w.next
			}
			base["error"] = false
		}
		items := make([]any, 0, to-from)
		for _, e := range list[from:to] {
			items = append(items, s.shape(e, sc.Value.Items, opID))
		}
		st.listed += len(items)
		base[f.items] = items
	case "update":
		i, ok := find()
		if !ok {
			return notFound()
		}
		for k, v := range fieldsOf(req, f.object) {
			if k != f.key && v != nil {
				list[i][k] = v
			}
		}
	case "delete":
		i, ok := find()
		if !ok {
			return notFound()
		}
		l.remove(i)
	default:
		return answer{}, false
	}
	if _, ok := props["error"]; ok {
		base["error"] = false
	}
	out, err := json.Marshal(base)
	if err != nil {
		return answer{}, false
	}
	return newAnswer(http.StatusOK, contentJSON, withWarning(out, warning)), true
}

// familyFailure is how the document says an entity was not found: the
// envelope's failure, error true with errorMsg; for an answer without the
// envelope (getPerson's), an answer without the entity, {}, where the
// schema requires nothing.
func (s *Server) familyFailure(op *operation, msg string, warning *string) answer {
	sc := op.answerSchema.Value
	switch {
	case sc.Properties["error"] != nil && sc.Properties["errorMsg"] != nil:
		return s.jsonAnswer(http.StatusOK, failed(msg))
	case len(sc.Required) == 0:
		return newAnswer(http.StatusOK, contentJSON, []byte(`{}`))
	}
	return s.specAnswer(op, warning)
}

// fieldsOf is a copy of the entity's fields in a request: those of the
// wrapping property, else the request's own.
func fieldsOf(req map[string]any, object string) map[string]any {
	src := req
	if object != "" {
		src, _ = req[object].(map[string]any)
	}
	out := make(map[string]any, len(src))
	for k, v := range src {
		out[k] = v
	}
	return out
}

// lookup follows a dotted path (location.uuid) into a decoded object.
func lookup(v any, path string) any {
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// shape gives an entity the shape of the schema an answer wants: the
// value built from the schema, with each field of the entity the schema
// accepts laid over it. A field of another shape (the create request's
// and the answer's schemas differ) is left out, so the answer stays
// within the document.
func (s *Server) shape(e map[string]any, sc *openapi3.SchemaRef, opID string) any {
	b := &builder{sp: s.spec, op: &operation{id: opID}, note: func(string, ...any) {}}
	built, ok := b.build(sc, "", 1, false).(map[string]any)
	if !ok {
		return b.build(sc, "", 1, false)
	}
	props := sc.Value.Properties
	opts := append(s.spec.schemaOptions(), openapi3.VisitAsResponse())
	for k, v := range e {
		p := props[k]
		if p == nil || p.Value == nil || p.Value.WriteOnly {
			continue
		}
		if p.Value.VisitJSON(jsonValue(mustJSON(v)), opts...) == nil {
			built[k] = v
		}
	}
	return built
}

// recordCreated adds an entity a modelled operation (createUser) made to
// its family, when the spec has one, so the family's list and get show it.
func (s *Server) recordCreated(opID string, org ruuid.RUUID, body []byte, id ruuid.RUUID) {
	f := s.spec.families.byOp[opID]
	if f == nil || f.role != "create" {
		return
	}
	var req map[string]any
	_ = json.Unmarshal(body, &req)
	e := fieldsOf(req, f.object)
	e[f.key] = string(id)
	st := &s.entities
	st.mu.Lock()
	defer st.mu.Unlock()
	st.list(f.family, org).add(f.key, e)
}
