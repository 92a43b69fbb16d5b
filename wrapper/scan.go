package rhombus

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// The envelope every answer shares (error, errorMsg, warningMsg,
// responseStatus) and an operation's own failure property sit at the top
// level of the body. scanTop finds them by skipping over every other value
// without decoding it, so that the body is decoded once, into the
// operation's result type, however large it is.

var errScan = errors.New("malformed JSON")

// scanTop calls r.found with the raw value of each top-level property of
// the JSON object body whose name r.keep accepts. (r is a concrete type so
// that it stays on the caller's stack.) It checks the structure it
// skips (strings, brackets) but not the literals inside nested values;
// the typed decode, or json.Valid, does that.
func scanTop(body []byte, r *envelopeReader) error {
	i := skipSpace(body, 0)
	if i >= len(body) || body[i] != '{' {
		return errScan
	}
	i = skipSpace(body, i+1)
	if i < len(body) && body[i] == '}' {
		return trailing(body, i+1)
	}
	for {
		if i >= len(body) || body[i] != '"' {
			return errScan
		}
		end, err := skipString(body, i)
		if err != nil {
			return err
		}
		quoted := body[i:end]
		name := quoted[1 : len(quoted)-1]
		i = skipSpace(body, end)
		if i >= len(body) || body[i] != ':' {
			return errScan
		}
		start := skipSpace(body, i+1)
		end, err = skipValue(body, start)
		if err != nil {
			return err
		}
		if bytes.IndexByte(name, '\\') >= 0 {
			// A name with escapes: rare enough to decode properly.
			var s string
			if json.Unmarshal(quoted, &s) == nil {
				name = []byte(s)
			}
		}
		if r.keep(name) {
			r.found(name, body[start:end])
		}
		i = skipSpace(body, end)
		if i >= len(body) {
			return errScan
		}
		switch body[i] {
		case ',':
			i = skipSpace(body, i+1)
		case '}':
			return trailing(body, i+1)
		default:
			return errScan
		}
	}
}

func trailing(body []byte, i int) error {
	if skipSpace(body, i) != len(body) {
		return errScan
	}
	return nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the index after the string starting at b[i] == '"'.
func skipString(b []byte, i int) (int, error) {
	i++
	for {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return 0, errScan
		}
		i += j
		// The quote ends the string unless an odd number of backslashes
		// escapes it.
		k := i - 1
		for k >= 0 && b[k] == '\\' {
			k--
		}
		i++
		if (i-2-k)%2 == 0 {
			return i, nil
		}
	}
}

// skipValue returns the index after the value starting at b[i].
func skipValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errScan
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				end, err := skipString(b, i)
				if err != nil {
					return 0, err
				}
				i = end
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1, nil
				}
			}
			i++
		}
		return 0, errScan
	}
	// A number or a literal: up to the next delimiter.
	start := i
	for i < len(b) {
		switch b[i] {
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			if i == start {
				return 0, errScan
			}
			return i, nil
		}
		i++
	}
	if i == start {
		return 0, errScan
	}
	return i, nil
}

// Decoding can cost far more memory than the bytes decoded: "{}," is three
// bytes and a DeviceLicense of some 300, and a value in an `any` field
// becomes maps and boxed numbers. So before the one decode, decodeCost
// walks the body once, guided by the result's type the way encoding/json
// is, and adds up what decoding will allocate, garbage included: each list
// at its Go size with the arrays it outgrows as it is filled, each
// pointer's target, the bytes of each string, each map entry and each
// value decoded into `any`. A walk over budget, or one deeper than
// maxDecodeDepth, refuses the answer before anything is decoded, so what a
// decode allocates stays within the budget whenever the collector runs.
// The walk allocates nothing per value: the plans it follows are made once
// per type.

// decodeBudgetFactor is how many times an answer's byte cap decoding it
// may allocate, as decodeCost estimates it. The vendor's answers take
// about as much room decoded as their JSON (a license of some 600 bytes
// allocates about 650), so only a hostile or degenerate answer comes near
// it.
const decodeBudgetFactor = 4

// maxDecodeDepth is the deepest nesting of arrays and objects an answer
// may have; the vendor's nest fewer than ten levels.
const maxDecodeDepth = 256

var (
	errTooDeep   = fmt.Errorf("the answer nests deeper than %d levels", maxDecodeDepth)
	errOverSpend = errors.New("over budget")
)

// costError is an answer refused because decoding it would cost more than
// its budget.
type costError struct {
	budget int64 // bytes
	limit  int64 // the byte cap the budget is a multiple of
	from   string
}

func (e *costError) Error() string {
	return fmt.Sprintf("decoding it would take more than %d bytes of memory, %d times the limit of %d bytes (%s)",
		e.budget, decodeBudgetFactor, e.limit, e.from)
}

type planKind uint8

const (
	planInline    planKind = iota // a number or a bool: no room beyond its own
	planString                    // a string: its bytes
	planAny                       // an empty interface: maps, slices, boxed values
	planPtr                       // a pointer: its target
	planSlice                     // a slice: its elements
	planArray                     // an array: its elements, in place
	planMap                       // a map: its entries
	planStruct                    // a struct: its fields, in place
	planUnmarshal                 // a json.Unmarshaler: as `any`, plus a copy of the text
	planRaw                       // json.RawMessage: a copy of the text
	planTime                      // time.Time: in place; an offset may make a zone
	planText                      // an encoding.TextUnmarshaler: from a string only
)

// plan is what decoding a JSON value into one Go type allocates.
type plan struct {
	kind  planKind
	size  int64 // the type's own size, where it is stored
	elem  *plan // pointer target, slice, array or map element
	entry int64 // a map's room per entry past its first group
	group int64 // a map's first group: eight entries' room
	bytes bool  // a []byte, which a JSON string fills (base64)
	// A struct's fields by JSON name, and by name folded as encoding/json
	// folds it for its case-insensitive match.
	exact, folded map[string]structField
}

// structField is a struct's field: its plan, and its index when it is the
// struct's own (not an embedded struct's), so that a list in it can be
// made at its final size before decoding.
type structField struct {
	p     *plan
	index int // -1: a field of an embedded struct
}

// mapRoom is what a map allocates with slot bytes an entry: its first
// group of eight slots (and their control bytes), with the first entry,
// and past eight entries up to 32/7 slots an entry: a Swiss table keeps at
// most 7 entries in 8 slots and doubles as it grows, and the tables it
// outgrew add up to the last one's size.
func mapRoom(slot int64) (group, entry int64) {
	return 8 * (slot + 1), (slot + 1) * 32 / 7
}

// nextCap is the capacity a slice of capacity c grows to when one more
// element is appended, as the runtime grows it (before rounding up to a
// size class): doubling up to 256 elements, then by about a quarter.
func nextCap(c int64) int64 {
	if c == 0 {
		return 1
	}
	if c < 256 {
		return 2 * c
	}
	return c + (c+3*256)>>2
}

// A map or a slice decoded into `any`: map[string]any and []any.
var anyGroup, anyEntry = mapRoom(32)

var (
	plans           sync.Map // reflect.Type → *plan
	anyPlan         = &plan{kind: planAny, size: 16, group: anyGroup, entry: anyEntry}
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textType        = reflect.TypeFor[encoding.TextUnmarshaler]()
	timeType        = reflect.TypeFor[time.Time]()
	rawType         = reflect.TypeFor[json.RawMessage]()
)

func init() { anyPlan.elem = anyPlan } // the values in an `any` are `any`

// planFor returns the plan of t, made once.
func planFor(t reflect.Type) *plan {
	if p, ok := plans.Load(t); ok {
		return p.(*plan)
	}
	p := makePlan(t, map[reflect.Type]*plan{})
	plans.Store(t, p)
	return p
}

// makePlan makes the plan of t; seen holds the plans being made, so that
// a recursive type refers to its own.
func makePlan(t reflect.Type, seen map[reflect.Type]*plan) *plan {
	if p, ok := seen[t]; ok {
		return p
	}
	p := &plan{size: int64(t.Size())}
	seen[t] = p
	pt := reflect.PointerTo(t)
	switch {
	case t == timeType:
		p.kind = planTime
		return p
	case t == rawType:
		p.kind = planRaw
		return p
	case t.Kind() != reflect.Pointer && pt.Implements(unmarshalerType):
		p.kind = planUnmarshal
		return p
	case t.Kind() != reflect.Pointer && pt.Implements(textType):
		p.kind = planText
		return p
	}
	switch t.Kind() {
	case reflect.String:
		p.kind = planString
	case reflect.Interface:
		if t.NumMethod() == 0 {
			seen[t] = anyPlan
			return anyPlan
		} else {
			p.kind = planInline // encoding/json cannot fill it: an error, nothing decoded
		}
	case reflect.Pointer:
		p.kind, p.elem = planPtr, makePlan(t.Elem(), seen)
	case reflect.Slice:
		p.kind, p.elem = planSlice, makePlan(t.Elem(), seen)
		p.bytes = t.Elem().Kind() == reflect.Uint8
	case reflect.Array:
		p.kind, p.elem = planArray, makePlan(t.Elem(), seen)
	case reflect.Map:
		p.kind, p.elem = planMap, makePlan(t.Elem(), seen)
		p.group, p.entry = mapRoom(int64(t.Key().Size() + t.Elem().Size()))
	case reflect.Struct:
		p.kind = planStruct
		p.exact, p.folded = map[string]structField{}, map[string]structField{}
		addFields(p, t, seen, 0)
	default:
		p.kind = planInline
	}
	return p
}

// addFields adds the fields encoding/json decodes into t's values to p,
// those of embedded structs after t's own (the shallower name wins).
func addFields(p *plan, t reflect.Type, seen map[reflect.Type]*plan, depth int) {
	var embedded []reflect.Type
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				embedded = append(embedded, ft)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if _, ok := p.exact[name]; ok {
			continue
		}
		fp := structField{p: makePlan(f.Type, seen), index: -1}
		if depth == 0 {
			fp.index = i
		}
		p.exact[name] = fp
		folded := string(foldName(nil, []byte(name)))
		if _, ok := p.folded[folded]; !ok {
			p.folded[folded] = fp
		}
	}
	if depth < 8 {
		for _, et := range embedded {
			addFields(p, et, seen, depth+1)
		}
	}
}

// foldName appends name folded as encoding/json folds names to match
// them without regard to case: ASCII letters upper-cased, any other rune
// replaced by the smallest of its case-fold set.
func foldName(dst, name []byte) []byte {
	for i := 0; i < len(name); {
		if c := name[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(name[i:])
		for {
			r2 := unicode.SimpleFold(r)
			if r2 <= r {
				r = r2
				break
			}
			r = r2
		}
		dst = utf8.AppendRune(dst, r)
		i += n
	}
	return dst
}

// decodeCost estimates the bytes of memory that decoding the JSON body
// into (a pointer) allocates, stopping early once the estimate passes
// budget (errOverSpend) or the nesting passes maxDecodeDepth (errTooDeep).
// A body that is not JSON gives errScan; encoding/json says what is wrong.
// Within budget, it makes the lists at the top level of into at their
// final size, empty, for encoding/json to fill.
func decodeCost(body []byte, into any, budget int64) (int64, error) {
	t := reflect.TypeOf(into)
	if t == nil || t.Kind() != reflect.Pointer {
		return 0, nil
	}
	w := costWalker{b: body, budget: budget}
	if err := w.value(planFor(t.Elem()), 0); err != nil {
		return w.cost, err
	}
	if trailing(body, w.i) != nil {
		return w.cost, errScan
	}
	// Make the result's top-level lists at their final size: decoding
	// fills them in place, where growing them an element at a time would
	// leave garbage of some three times their size behind.
	if v := reflect.ValueOf(into).Elem(); v.Kind() == reflect.Struct {
		for i, l := range w.lists {
			for _, again := range w.lists[i+1:] { // a name given twice fills one list
				if again.field == l.field {
					l.n = max(l.n, again.n)
				}
			}
			if f := v.Field(l.field); f.IsNil() && l.n > 0 {
				f.Set(reflect.MakeSlice(f.Type(), 0, l.n))
			}
		}
	}
	return w.cost, nil
}

type costWalker struct {
	b      []byte
	i      int
	cost   int64
	budget int64
	count  int // the elements of the array walked last
	// presized: the array walked next is a top-level list, which
	// decodeCost makes at its final size.
	presized bool
	lists    []listSize // the lists at the top level of the result
}

// listSize is the length of a list in a field of the result.
type listSize struct{ field, n int }

func (w *costWalker) add(n int64) error {
	w.cost += n
	if w.cost > w.budget {
		return errOverSpend
	}
	return nil
}

// value walks the value at w.i, which decodes into p (nil: it is skipped,
// as an unknown field or a value of the wrong type is), at depth.
func (w *costWalker) value(p *plan, depth int) error {
	w.i = skipSpace(w.b, w.i)
	if w.i >= len(w.b) {
		return errScan
	}
	c := w.b[w.i]
	if c == 'n' { // null: nothing is allocated
		return w.literal()
	}
	if p == nil {
		return w.skip(depth)
	}
	switch p.kind {
	case planPtr:
		if err := w.add(p.elem.size); err != nil {
			return err
		}
		return w.value(p.elem, depth)
	case planTime:
		start := w.i
		if err := w.skip(depth); err != nil {
			return err
		}
		// A time with an offset other than Z may have a zone made for it.
		if w.i-start > 2 && w.b[w.i-2] != 'Z' {
			return w.add(160)
		}
		return nil
	case planRaw:
		start := w.i
		if err := w.skip(depth); err != nil {
			return err
		}
		return w.add(int64(w.i - start))
	case planUnmarshal:
		// Its own code decodes the text, typically into a map or an
		// interface first: count it as `any`, and the copy it may keep.
		start := w.i
		if err := w.value(anyPlan, depth); err != nil {
			return err
		}
		return w.add(int64(w.i - start))
	}
	switch c {
	case '"':
		start := w.i
		end, err := skipString(w.b, w.i)
		if err != nil {
			return err
		}
		w.i = end
		n := stringCost(w.b[start+1 : end-1])
		switch {
		case p.kind == planString, p.kind == planSlice && p.bytes:
			return w.add(n)
		case p.kind == planText:
			return w.add(2 * n)
		case p.kind == planAny:
			return w.add(16 + n)
		}
		return nil
	case '{':
		return w.object(p, depth+1)
	case '[':
		return w.array(p, depth+1)
	}
	if err := w.literal(); err != nil {
		return err
	}
	if p.kind == planAny && c != 't' && c != 'f' {
		return w.add(8) // a boxed float64
	}
	return nil
}

// stringCost is the most bytes the string's raw text decodes into: each
// byte of invalid UTF-8 becomes a three-byte U+FFFD.
func stringCost(raw []byte) int64 {
	for _, c := range raw {
		if c >= utf8.RuneSelf {
			if !utf8.Valid(raw) {
				return 3 * int64(len(raw))
			}
			break
		}
	}
	return int64(len(raw))
}

// literal skips a number, true, false or null.
func (w *costWalker) literal() error {
	start := w.i
	for w.i < len(w.b) {
		switch w.b[w.i] {
		case ',', '}', ']', ' ', '\t', '\r', '\n', ':', '"', '{', '[':
			if w.i == start {
				return errScan
			}
			return nil
		}
		w.i++
	}
	if w.i == start {
		return errScan
	}
	return nil
}

// skip walks a value that decodes into nothing, checking only its depth.
func (w *costWalker) skip(depth int) error {
	switch w.b[w.i] {
	case '"':
		end, err := skipString(w.b, w.i)
		w.i = end
		return err
	case '{':
		return w.object(nil, depth+1)
	case '[':
		return w.array(nil, depth+1)
	}
	return w.literal()
}

// object walks an object decoding into p (a struct, a map or `any`;
// anything else skips it).
func (w *costWalker) object(p *plan, depth int) error {
	if depth > maxDecodeDepth {
		return errTooDeep
	}
	if p != nil {
		switch p.kind {
		case planStruct:
		case planMap, planAny:
			if err := w.add(48); err != nil { // the map's header
				return err
			}
		default:
			p = nil
		}
	}
	w.i = skipSpace(w.b, w.i+1)
	if w.i < len(w.b) && w.b[w.i] == '}' {
		w.i++
		return nil
	}
	var fold [64]byte
	for entries := int64(0); ; entries++ {
		if w.i >= len(w.b) || w.b[w.i] != '"' {
			return errScan
		}
		end, err := skipString(w.b, w.i)
		if err != nil {
			return err
		}
		key := w.b[w.i+1 : end-1]
		w.i = skipSpace(w.b, end)
		if w.i >= len(w.b) || w.b[w.i] != ':' {
			return errScan
		}
		w.i++
		var vp *plan
		list := -1 // the index of a top-level field holding a list
		if p != nil {
			switch p.kind {
			case planStruct:
				if bytes.IndexByte(key, '\\') >= 0 {
					var s string
					if json.Unmarshal(w.b[end-len(key)-2:end], &s) == nil {
						key = []byte(s)
					}
				}
				f, ok := p.exact[string(key)]
				if !ok {
					f = p.folded[string(foldName(fold[:0], key))]
				}
				vp = f.p
				if depth == 1 && f.index >= 0 && vp != nil && vp.kind == planSlice {
					list = f.index
				}
			case planMap, planAny:
				// The entry's room, and its key's bytes.
				vp = p.elem
				room := p.entry
				if entries == 0 {
					room = p.group
				} else if entries < 8 {
					room = 0
				}
				err = w.add(room + int64(len(key)))
			}
			if err != nil {
				return err
			}
		}
		w.i = skipSpace(w.b, w.i)
		isList := w.i < len(w.b) && w.b[w.i] == '['
		w.presized = list >= 0 && isList
		if err := w.value(vp, depth); err != nil {
			return err
		}
		if list >= 0 && isList {
			w.lists = append(w.lists, listSize{field: list, n: w.count})
		}
		w.i = skipSpace(w.b, w.i)
		if w.i >= len(w.b) {
			return errScan
		}
		switch w.b[w.i] {
		case ',':
			w.i = skipSpace(w.b, w.i+1)
		case '}':
			w.i++
			return nil
		default:
			return errScan
		}
	}
}

// array walks an array decoding into p (a slice, an array or `any`;
// anything else skips it).
func (w *costWalker) array(p *plan, depth int) error {
	if depth > maxDecodeDepth {
		return errTooDeep
	}
	// A slice made at its final size (a top-level list, see decodeCost)
	// costs its elements; any other grows as encoding/json appends to it,
	// and each array it outgrows counts too.
	presized := w.presized
	w.presized = false
	var size int64
	var ep *plan
	if p != nil {
		switch p.kind {
		case planSlice, planAny:
			size, ep = p.elem.size, p.elem
		case planArray:
			ep = p.elem
		}
	}
	w.i = skipSpace(w.b, w.i+1)
	if w.i < len(w.b) && w.b[w.i] == ']' {
		w.i++
		w.count = 0
		return nil
	}
	var room int64 // the elements the slice has room for
	for n := int64(1); ; n++ {
		var grow int64
		switch {
		case presized:
			grow = size
		case n > room:
			room = nextCap(room)
			grow = room * size
		}
		if err := w.add(grow); err != nil {
			return err
		}
		if err := w.value(ep, depth); err != nil {
			return err
		}
		w.i = skipSpace(w.b, w.i)
		if w.i >= len(w.b) {
			return errScan
		}
		switch w.b[w.i] {
		case ',':
			w.i++
		case ']':
			w.i++
			w.count = int(n)
			return nil
		default:
			return errScan
		}
	}
}
