package rhombus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"reflect"
	"strings"
)

// Pagination (x-rhombus-pagination) is how an operation's list comes in
// pages: the request's Cursor field says where a page starts, and the
// answer's Next field where the next one does; in the lastUuid style Next
// is empty and the ItemCursor field of the page's last item is the next
// cursor. Items names the answer's list, PageSize the request's page size
// field ("" when it has none). The fields are named as in JSON.
type Pagination struct {
	Cursor, Next, ItemCursor, Items, PageSize string
}

// ErrCursorRepeated is the error ending a walk over pages when the server
// gives a cursor it gave before (or the one just sent): following it would
// never end.
var ErrCursorRepeated = errors.New("the server sent a cursor it had already sent; stopping, as following it would never end")

// Pages walks the pages of a paginated operation (op.Pagination set, as in
// the operation tables): each page is one call, as a typed method makes it
// (RUUID checks, rate limiter, retries, the error model), starting at the
// cursor req carries (none: the first page). The walk ends after the last
// page (no next cursor, or an empty page), or with one error as the last
// value: a page's call failing (a cancelled context among them), or
// [ErrCursorRepeated]. Stopping the loop stops the walk; no request is
// sent for a page that is not asked for.
//
// Req and Resp are the operation's request and answer types; for a walk
// by JSON field names, Req may be a map[string]any or
// map[string]json.RawMessage and Resp a map[string]json.RawMessage. The
// generated XPages methods call it.
func Pages[Resp, Req any](ctx context.Context, c *Client, op Operation, req Req) iter.Seq2[*Resp, error] {
	return func(yield func(*Resp, error) bool) {
		p := op.Pagination
		if p == nil || p.Cursor == "" || p.Items == "" || (p.Next == "") == (p.ItemCursor == "") {
			yield(nil, &RequestError{Operation: op.ID, Err: errors.New("the operation has no usable x-rhombus-pagination (cursor, items, and one of next and itemCursor)")})
			return
		}
		if c == nil {
			yield(nil, &RequestError{Operation: op.ID, Err: errors.New("nil client")})
			return
		}
		rv := reflect.ValueOf(&req).Elem()
		seen := map[string]int{} // cursor -> the page it was sent for
		if cur, err := pageString(rv, p.Cursor); err != nil {
			yield(nil, &RequestError{Operation: op.ID, Err: err})
			return
		} else if cur != "" {
			seen[cur] = 1
		}
		size := 0
		if p.PageSize != "" {
			size = pageInt(rv, p.PageSize)
		}
		for page := 1; ; page++ {
			resp, err := call[Resp](ctx, c, op.ID, op.Path, req)
			if err != nil {
				yield(nil, err)
				return
			}
			next, err := nextCursor(reflect.ValueOf(resp).Elem(), p, size)
			if err != nil {
				yield(nil, c.scrubErr(&DecodeError{Operation: op.ID, StatusCode: 200, ContentType: "application/json", Err: err}))
				return
			}
			if !yield(resp, nil) || next == "" {
				return
			}
			if at, ok := seen[next]; ok {
				yield(nil, fmt.Errorf("rhombus: %s: page %d gave the cursor of page %d: %w", op.ID, page, at, ErrCursorRepeated))
				return
			}
			seen[next] = page + 1
			if err := setPageString(rv, p.Cursor, next); err != nil {
				yield(nil, &RequestError{Operation: op.ID, Err: err})
				return
			}
		}
	}
}

// Items walks the items of a paginated operation's pages, in order, as
// Pages walks the pages; the errors are Pages'. Item is the type of the
// answer's list items (json.RawMessage for a walk by field names).
func Items[Item, Resp, Req any](ctx context.Context, c *Client, op Operation, req Req) iter.Seq2[Item, error] {
	return func(yield func(Item, error) bool) {
		var zero Item
		for page, err := range Pages[Resp](ctx, c, op, req) {
			if err != nil {
				yield(zero, err)
				return
			}
			items, err := itemsOf[Item](reflect.ValueOf(page).Elem(), op.Pagination.Items)
			if err != nil {
				yield(zero, &DecodeError{Operation: op.ID, StatusCode: 200, ContentType: "application/json", Err: err})
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
		}
	}
}

// nextCursor is the cursor of the page after resp; "" when resp is the
// last page.
func nextCursor(resp reflect.Value, p *Pagination, size int) (string, error) {
	if p.Next != "" {
		return pageString(resp, p.Next)
	}
	items, err := itemsOf[any](resp, p.Items)
	if err != nil {
		return "", err
	}
	// A short page is the last: the lastUuid style has no other sign.
	if len(items) == 0 || (size > 0 && len(items) < size) {
		return "", nil
	}
	last := reflect.ValueOf(items[len(items)-1])
	if raw, ok := items[len(items)-1].(json.RawMessage); ok {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			return "", fmt.Errorf("the last item of %s is not an object", p.Items)
		}
		last = reflect.ValueOf(m)
	}
	cur, err := pageString(last, p.ItemCursor)
	if err == nil && cur == "" {
		err = fmt.Errorf("the last item of %s has no %s, the next page's cursor", p.Items, p.ItemCursor)
	}
	return cur, err
}

// pageField finds the JSON field name of v: a struct's field by its json tag,
// or a map's entry. The second result is false when v has no such field
// or it is nil.
func pageField(v reflect.Value, name string) (reflect.Value, bool) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return reflect.Value{}, false
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			tag, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			if tag == name {
				f := v.Field(i)
				for f.Kind() == reflect.Pointer || f.Kind() == reflect.Interface {
					if f.IsNil() {
						return f, false
					}
					f = f.Elem()
				}
				return f, true
			}
		}
	case reflect.Map:
		if v.Type().Key().Kind() == reflect.String {
			f := v.MapIndex(reflect.ValueOf(name).Convert(v.Type().Key()))
			if f.IsValid() && f.Kind() == reflect.Interface && !f.IsNil() {
				f = f.Elem()
			}
			return f, f.IsValid() && !(f.Kind() == reflect.Interface && f.IsNil())
		}
	}
	return reflect.Value{}, false
}

// pageString reads a string field ("" when absent or null).
func pageString(v reflect.Value, name string) (string, error) {
	f, ok := pageField(v, name)
	if !ok {
		return "", nil
	}
	if f.Type() == rawType {
		var s *string
		if err := json.Unmarshal(f.Bytes(), &s); err != nil {
			return "", fmt.Errorf("%s is not a string", name)
		}
		if s == nil {
			return "", nil
		}
		return *s, nil
	}
	if f.Kind() != reflect.String {
		return "", fmt.Errorf("%s is a %s, not a string", name, f.Type())
	}
	return f.String(), nil
}

// pageInt reads a whole number field (0 when absent or not a number).
func pageInt(v reflect.Value, name string) int {
	f, ok := pageField(v, name)
	if !ok {
		return 0
	}
	switch {
	case f.Type() == rawType:
		var n int
		if json.Unmarshal(f.Bytes(), &n) != nil {
			return 0
		}
		return n
	case f.CanInt():
		return int(f.Int())
	case f.Kind() == reflect.Float64:
		return int(f.Float())
	}
	return 0
}

// setPageString sets a request's string field, allocating where the
// field is a pointer.
func setPageString(v reflect.Value, name, s string) error {
	switch v.Kind() {
	case reflect.Map:
		if v.IsNil() {
			return fmt.Errorf("the request is a nil map: cannot set %s", name)
		}
		k := reflect.ValueOf(name).Convert(v.Type().Key())
		switch et := v.Type().Elem(); {
		case et == rawType:
			b, _ := json.Marshal(s)
			v.SetMapIndex(k, reflect.ValueOf(json.RawMessage(b)))
		case et.Kind() == reflect.Interface:
			v.SetMapIndex(k, reflect.ValueOf(s))
		default:
			return fmt.Errorf("the request's map holds %s: cannot set %s", et, name)
		}
		return nil
	case reflect.Pointer:
		if v.IsNil() {
			return fmt.Errorf("the request is a nil pointer: cannot set %s", name)
		}
		return setPageString(v.Elem(), name, s)
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			tag, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			if tag != name {
				continue
			}
			f := v.Field(i)
			if f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.String {
				p := reflect.New(f.Type().Elem())
				p.Elem().SetString(s)
				f.Set(p)
				return nil
			}
			if f.Kind() == reflect.String {
				f.SetString(s)
				return nil
			}
			return fmt.Errorf("the request's %s is a %s, not a string", name, f.Type())
		}
	}
	return fmt.Errorf("the request (%s) has no field %s", v.Type(), name)
}

// itemsOf is the answer's list: a slice of Item, or a JSON array when the
// answer is kept as JSON.
func itemsOf[Item any](v reflect.Value, name string) ([]Item, error) {
	f, ok := pageField(v, name)
	if !ok {
		return nil, nil
	}
	if f.Type() == rawType {
		var raw []json.RawMessage
		if err := json.Unmarshal(f.Bytes(), &raw); err != nil {
			return nil, fmt.Errorf("%s is not a list", name)
		}
		out := make([]Item, len(raw))
		for i, r := range raw {
			if err := json.Unmarshal(r, &out[i]); err != nil {
				return nil, fmt.Errorf("%s[%d]: %w", name, i, err)
			}
		}
		return out, nil
	}
	if f.Kind() != reflect.Slice {
		return nil, fmt.Errorf("%s is a %s, not a list", name, f.Type())
	}
	if s, ok := f.Interface().([]Item); ok {
		return s, nil
	}
	out := make([]Item, f.Len())
	for i := range out {
		it, ok := f.Index(i).Interface().(Item)
		if !ok {
			return nil, fmt.Errorf("%s holds %s, not %T", name, f.Type().Elem(), *new(Item))
		}
		out[i] = it
	}
	return out, nil
}
