package rhombustest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/rhombuskit/rhombus-go/internal/upstream"
	"github.com/rhombuskit/rhombus-go/ruuid"
)

// DefaultPagedItems is how many items, built from the spec, the fake
// serves in pages for an operation with x-rhombus-pagination that has no
// ServePages.
const DefaultPagedItems = 250

// A page is defaultPageSize items long when the request names no page
// size, and at most maxPageSize.
const (
	defaultPageSize = 100
	maxPageSize     = 1000
)

// ServePages makes the fake answer op, an operation with
// x-rhombus-pagination, with items (each a JSON object) in pages: the
// request's page size field sets the page's length (100 when it names
// none, at most 1000), and the answer's cursor (or, in the lastUuid style,
// the last item's field) where the next page starts. A cursor the fake did not give is refused as Rhombus
// refuses a bad request. Without ServePages such an operation is served
// the same way from DefaultPagedItems items built from the spec.
func (s *Server) ServePages(op string, items []json.RawMessage) {
	p := s.pagination(op)
	if p == nil {
		s.reportf("ServePages(%q): the operation has no x-rhombus-pagination in the spec", op)
		return
	}
	at := itemCursorIndex(p, items)
	s.Handle(op, func(body []byte) (any, error) {
		b, err := page(p, items, body, at)
		if err != nil {
			return nil, err
		}
		return json.RawMessage(b), nil
	})
}

// pagedAnswer answers a paginated operation that has no handler from
// items built from the spec; false when op does not page.
func (s *Server) pagedAnswer(op string, body []byte, warning *string) (answer, bool) {
	p := s.pagination(op)
	o := s.spec.ops[op]
	if p == nil || o == nil || o.answerSchema == nil {
		return answer{}, false
	}
	var built map[string]json.RawMessage
	if json.Unmarshal(o.answer(s.spec, s.notef), &built) != nil {
		return answer{}, false
	}
	var template []map[string]any
	_ = json.Unmarshal(built[p.Items], &template)
	items := make([]json.RawMessage, DefaultPagedItems)
	for i := range items {
		item := map[string]any{}
		if len(template) > 0 {
			for k, v := range template[0] {
				item[k] = v
			}
		}
		// Every item its own identity, a RUUID where the item has one.
		id := ruuidOf(i)
		for _, k := range []string{"uuid", p.ItemCursor} {
			if _, ok := item[k]; ok || k == p.ItemCursor && k != "" {
				item[k] = id
			}
		}
		items[i], _ = json.Marshal(item)
	}
	b, err := page(p, items, body, nil)
	if err != nil {
		return s.jsonAnswer(http.StatusOK, failed(err.Error())), true
	}
	// The rest of the built answer stays (its envelope, other fields).
	var m map[string]json.RawMessage
	_ = json.Unmarshal(b, &m)
	for k, v := range built {
		if _, ok := m[k]; !ok && k != p.Next {
			m[k] = v
		}
	}
	out, _ := json.Marshal(m)
	return newAnswer(http.StatusOK, contentJSON, withWarning(out, warning)), true
}

// ruuidOf is a RUUID made from i, the same for the same i.
func ruuidOf(i int) string {
	var b [16]byte
	copy(b[:], "fake-paged-item.")
	b[12], b[13], b[14], b[15] = byte(i>>24), byte(i>>16), byte(i>>8), byte(i)
	return string(ruuid.FromBytes(b))
}

// pagination is op's x-rhombus-pagination in the fake's spec; nil when it
// has none.
func (s *Server) pagination(op string) *upstream.Pagination {
	if s.spec == nil || s.spec.doc == nil || s.spec.doc.Paths == nil {
		return nil
	}
	for _, item := range s.spec.doc.Paths.Map() {
		for _, o := range item.Operations() {
			if o.OperationID == op {
				p, err := upstream.ParsePagination(o.Extensions["x-rhombus-pagination"])
				if err != nil {
					s.notef("%s: %v", op, err)
				}
				return p
			}
		}
	}
	return nil
}

// page is the answer holding the page of items the request asks for; at
// finds where the page after a lastUuid cursor starts (nil: by reading the
// items).
func page(p *upstream.Pagination, items []json.RawMessage, body []byte, at func(cursor string) (int, bool)) ([]byte, error) {
	if at == nil {
		at = func(cursor string) (int, bool) { return itemCursorStart(p, items, cursor) }
	}
	w, err := pageWindow(p, body, len(items), at)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"error": false, p.Items: items[w.start:w.end]}
	if w.next != "" {
		out[p.Next] = w.next
	}
	return json.Marshal(out)
}

// window is the part of a list a page holds, items [start, end), and the
// cursor of the page after it ("" when it is the last, or the style is
// lastUuid's).
type window struct {
	start, end int
	next       string
}

// pageWindow is the page a request asks for of a list of n items. at is
// where the page after a lastUuid cursor starts, false when the cursor
// names no item; it is asked only in that style, so the list is not read
// to cut a page out of it.
func pageWindow(p *upstream.Pagination, body []byte, n int, at func(cursor string) (int, bool)) (window, error) {
	var req map[string]json.RawMessage
	if err := json.Unmarshal(body, &req); err != nil {
		return window{}, fmt.Errorf("the request is not a JSON object")
	}
	size := defaultPageSize
	if raw, ok := req[p.PageSize]; ok && p.PageSize != "" && string(raw) != "null" {
		n, err := strconv.Atoi(string(raw))
		if err != nil || n < 1 {
			return window{}, fmt.Errorf("%s must be a positive whole number", p.PageSize)
		}
		size = min(n, maxPageSize)
	}
	var cursor string
	if raw, ok := req[p.Cursor]; ok && string(raw) != "null" {
		if json.Unmarshal(raw, &cursor) != nil {
			return window{}, fmt.Errorf("%s must be a string", p.Cursor)
		}
	}
	start := 0
	if cursor != "" {
		var ok bool
		if p.Next != "" {
			start, ok = nextCursorStart(cursor, n)
		} else {
			start, ok = at(cursor)
		}
		if !ok {
			return window{}, fmt.Errorf("%s: not a cursor this server gave", p.Cursor)
		}
	}
	w := window{start: start, end: min(start+size, n)}
	if p.Next != "" && w.end < n {
		w.next = "page:" + base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(w.end)))
	}
	return w, nil
}

// nextCursorStart is where the page after a cursor the fake gave in an
// answer's next field starts, in a list of n items.
func nextCursorStart(cursor string, n int) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(cursor, "page:"))
	i, err2 := strconv.Atoi(string(b))
	return i, err == nil && err2 == nil && strings.HasPrefix(cursor, "page:") && i > 0 && i <= n
}

// itemCursorStart is where the page after a lastUuid cursor starts: after
// the first item whose cursor field holds it.
func itemCursorStart(p *upstream.Pagination, items []json.RawMessage, cursor string) (int, bool) {
	for i, it := range items {
		var m map[string]any
		if json.Unmarshal(it, &m) == nil && m[p.ItemCursor] == cursor {
			return i + 1, true
		}
	}
	return 0, false
}

// itemCursorIndex is itemCursorStart for a list that does not change (a
// ServePages list): each item read once, not once a page.
func itemCursorIndex(p *upstream.Pagination, items []json.RawMessage) func(cursor string) (int, bool) {
	if p.Next != "" {
		return nil // not asked: the cursor is the answer's own
	}
	at := map[string]int{}
	for i, it := range items {
		var m map[string]any
		if json.Unmarshal(it, &m) != nil {
			continue
		}
		if c, ok := m[p.ItemCursor].(string); ok {
			if _, dup := at[c]; !dup {
				at[c] = i + 1
			}
		}
	}
	return func(cursor string) (int, bool) {
		i, ok := at[cursor]
		return i, ok
	}
}

// pageFamily hands out a resource family's list (families.go) in pages,
// as the operation's x-rhombus-pagination says; any other answer as it is.
// A list whose pages are its family's items is paged already, by
// familyAnswer, which shapes only the page's entities.
func (s *Server) pageFamily(op string, a answer, body []byte) answer {
	p := s.pagination(op)
	if p == nil || a.status != http.StatusOK {
		return a
	}
	if f := s.spec.families.byOp[op]; f != nil && f.role == "list" && f.items == p.Items {
		return a
	}
	var m map[string]json.RawMessage
	var items []json.RawMessage
	if json.Unmarshal(a.body, &m) != nil || json.Unmarshal(m[p.Items], &items) != nil {
		return a
	}
	b, err := page(p, items, body, nil)
	if err != nil {
		return s.jsonAnswer(http.StatusOK, failed(err.Error()))
	}
	var pg map[string]json.RawMessage
	_ = json.Unmarshal(b, &pg)
	for k, v := range m {
		if _, ok := pg[k]; !ok && k != p.Next {
			pg[k] = v
		}
	}
	out, err := json.Marshal(pg)
	if err != nil {
		return a
	}
	return answer{status: a.status, header: a.header, body: out}
}
