package upstream

import (
	"fmt"
	"slices"
	"strings"
)

// Pagination is x-rhombus-pagination: how an operation's list comes in
// pages. The request's Cursor field carries where the next page starts;
// the answer's Next field holds it, or, when Next is empty, the
// ItemCursor field of the page's last item does (the lastUuid style).
// Items is the answer's list, PageSize the request's page size field ("":
// none).
type Pagination struct {
	Cursor, Next, ItemCursor, Items, PageSize string
}

// Extension is the value written as x-rhombus-pagination.
func (p *Pagination) Extension() map[string]any {
	m := map[string]any{"cursor": p.Cursor, "items": p.Items}
	if p.Next != "" {
		m["next"] = p.Next
	}
	if p.ItemCursor != "" {
		m["itemCursor"] = p.ItemCursor
	}
	if p.PageSize != "" {
		m["pageSize"] = p.PageSize
	}
	return m
}

// ParsePagination reads an x-rhombus-pagination value; nil, nil when v is
// absent.
func ParsePagination(v any) (*Pagination, error) {
	if v == nil {
		return nil, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("x-rhombus-pagination: want an object, got %T", v)
	}
	var p Pagination
	for k, f := range map[string]*string{"cursor": &p.Cursor, "next": &p.Next, "itemCursor": &p.ItemCursor, "items": &p.Items, "pageSize": &p.PageSize} {
		if m[k] == nil {
			continue
		}
		s, ok := m[k].(string)
		if !ok {
			return nil, fmt.Errorf("x-rhombus-pagination: %s: want a field name, got %T", k, m[k])
		}
		*f = s
	}
	for k := range m {
		if !slices.Contains([]string{"cursor", "next", "itemCursor", "items", "pageSize"}, k) {
			return nil, fmt.Errorf("x-rhombus-pagination: unknown key %q (cursor, next, itemCursor, items, pageSize)", k)
		}
	}
	switch {
	case p.Cursor == "" || p.Items == "":
		return nil, fmt.Errorf("x-rhombus-pagination: cursor and items are required")
	case (p.Next == "") == (p.ItemCursor == ""):
		return nil, fmt.Errorf("x-rhombus-pagination: exactly one of next (the answer's cursor field) and itemCursor (the last item's) is required")
	}
	return &p, nil
}

// ParsePaginationFlag reads a decision as the importer takes it,
// "op=cursor,next,items[,pageSize]", where next is "items[-1].field" for
// the lastUuid style.
func ParsePaginationFlag(s string) (op string, p *Pagination, err error) {
	op, rest, ok := strings.Cut(s, "=")
	parts := strings.Split(rest, ",")
	if !ok || op == "" || len(parts) < 3 || len(parts) > 4 {
		return "", nil, fmt.Errorf("pagination %q: want op=cursor,next,items[,pageSize] (next may be items[-1].field)", s)
	}
	p = &Pagination{Cursor: parts[0], Items: parts[2]}
	if f, ok := strings.CutPrefix(parts[1], "items[-1]."); ok {
		p.ItemCursor = f
	} else {
		p.Next = parts[1]
	}
	if len(parts) == 4 {
		p.PageSize = parts[3]
	}
	if _, err := ParsePagination(p.Extension()); err != nil {
		return "", nil, fmt.Errorf("pagination %q: %w", s, err)
	}
	return op, p, nil
}

// The field names that carry a cursor in requests, and a page size; the
// document uses these and no others for paging.
var (
	cursorFields   = []string{"lastEvaluatedKey", "pageToken", "nextPageToken", "lastUuid", "cursor"}
	pageSizeFields = []string{"maxPageSize", "pageSize", "maxResults"}
)

// InferPagination is the one place that decides whether an operation is
// paginated, from its shapes. It returns the pagination when the shapes
// leave one reading (a request cursor field the answer echoes, or lastUuid
// with items that have a uuid; exactly one list in the answer), nil and
// "" when the operation does not page, and nil with the reason when it
// looks paginated but the shapes allow more than one reading: that
// operation needs a decision.
func (d *Doc) InferPagination(op map[string]any) (*Pagination, string) {
	req := d.Resolve(jsonSchema(op["requestBody"]))
	resp := d.Resolve(jsonSchema(answer200(op)))
	reqProps, _ := req["properties"].(map[string]any)
	respProps, _ := resp["properties"].(map[string]any)
	var cursors, sizes []string
	for _, f := range cursorFields {
		if typeOf(d, reqProps[f]) == "string" {
			cursors = append(cursors, f)
		}
	}
	for _, f := range pageSizeFields {
		if t := typeOf(d, reqProps[f]); t == "integer" || t == "number" {
			sizes = append(sizes, f)
		}
	}
	if len(cursors) == 0 {
		if len(sizes) > 0 {
			return nil, fmt.Sprintf("takes a page size (%s) but no cursor field (%s)", strings.Join(sizes, ", "), strings.Join(cursorFields, ", "))
		}
		return nil, ""
	}
	if len(cursors) > 1 {
		return nil, fmt.Sprintf("has more than one cursor field: %s", strings.Join(cursors, ", "))
	}
	if len(sizes) > 1 {
		return nil, fmt.Sprintf("has more than one page size field: %s", strings.Join(sizes, ", "))
	}
	var lists []string
	for _, name := range sortedKeys(respProps) {
		if typeOf(d, respProps[name]) == "array" {
			lists = append(lists, name)
		}
	}
	if len(lists) != 1 {
		return nil, fmt.Sprintf("takes a cursor (%s) but its answer has %d lists (%s), not one", cursors[0], len(lists), strings.Join(lists, ", "))
	}
	p := &Pagination{Cursor: cursors[0], Items: lists[0]}
	if len(sizes) == 1 {
		p.PageSize = sizes[0]
	}
	switch {
	case typeOf(d, respProps[p.Cursor]) == "string":
		p.Next = p.Cursor
	case p.Cursor == "pageToken" && typeOf(d, respProps["nextPageToken"]) == "string":
		p.Next = "nextPageToken"
	case p.Cursor == "lastUuid":
		item := d.Resolve(d.Resolve(respProps[p.Items])["items"])
		props, _ := item["properties"].(map[string]any)
		if typeOf(d, props["uuid"]) != "string" {
			return nil, fmt.Sprintf("takes lastUuid but the items of %s have no uuid", p.Items)
		}
		p.ItemCursor = "uuid"
	default:
		return nil, fmt.Sprintf("takes a cursor (%s) but its answer has no field for the next one", p.Cursor)
	}
	return p, ""
}

// MarkPagination writes x-rhombus-pagination on every operation whose
// pagination InferPagination reads from its shapes, and returns, for the
// others that look paginated, why they were left unmarked.
func (d *Doc) MarkPagination() (undecided []string) {
	paths, _ := d.Root["paths"].(map[string]any)
	for _, p := range sortedKeys(paths) {
		item, _ := paths[p].(map[string]any)
		for _, m := range sortedKeys(item) {
			op, _ := item[m].(map[string]any)
			if op == nil || op["x-rhombus-pagination"] != nil {
				continue
			}
			switch pg, why := d.InferPagination(op); {
			case pg != nil:
				op["x-rhombus-pagination"] = pg.Extension()
			case why != "":
				undecided = append(undecided, fmt.Sprintf("%v: %s", op["operationId"], why))
			}
		}
	}
	return undecided
}

func jsonSchema(v any) any {
	m, _ := v.(map[string]any)
	c, _ := m["content"].(map[string]any)
	j, _ := c["application/json"].(map[string]any)
	return j["schema"]
}

func answer200(op map[string]any) any {
	r, _ := op["responses"].(map[string]any)
	return r["200"]
}

func typeOf(d *Doc, v any) string {
	if v == nil {
		return ""
	}
	t, _ := d.Resolve(v)["type"].(string)
	return t
}
