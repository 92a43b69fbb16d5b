package rhombus

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/rhombuskit/rhombus-go/ruuid"
)

// RUUID is a Rhombus identifier: 16 bytes in unpadded base64url, 22
// characters. It is the type the generated models use.
type RUUID = ruuid.RUUID

// ParseRUUID returns s as a RUUID, or an error naming the rule it breaks.
func ParseRUUID(s string) (RUUID, error) { return ruuid.Parse(s) }

// MustParseRUUID is ParseRUUID for text known to be valid; it panics otherwise.
func MustParseRUUID(s string) RUUID { return ruuid.MustParse(s) }

// RUUIDFromUUID converts a UUID in its standard form
// (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx) to a RUUID.
func RUUIDFromUUID(s string) (RUUID, error) { return ruuid.FromUUIDString(s) }

// ValidationError is a request refused before it was sent: Field is the
// JSON path of the offending value (for example
// "rhombusKeySettings.credentialProvisioningRules" or "wifiPsk[2]").
type ValidationError struct {
	Operation string
	Field     string
	Err       error // the rule broken
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("rhombus: %s: field %s: %v", e.Operation, e.Field, e.Err)
}

// Unwrap returns the rule broken, for example a *ruuid.Error.
func (e *ValidationError) Unwrap() error { return e.Err }

// Is matches ErrInvalidRequest.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalidRequest }

var ruuidType = reflect.TypeFor[RUUID]()

// validateRUUIDs checks every RUUID in v, at any depth, and returns the first
// invalid one with its JSON path. It reads struct tags, so it works for every
// generated request type without code of its own. An empty RUUID is absent
// (the models leave it out of the JSON).
// redact rewrites a value that holds a secret, so the error cannot quote it.
func validateRUUIDs(op string, v any, redact func(string) string) error {
	w := ruuidWalker{op: op, redact: redact}
	w.path = w.buf[:0]
	return w.walk(reflect.ValueOf(v))
}

// ruuidWalker keeps the JSON path as a stack of steps, spelled out only for
// an error, so that a valid request costs no strings.
type ruuidWalker struct {
	op     string
	redact func(string) string
	path   []step
	buf    [8]step
}

func (w *ruuidWalker) walk(rv reflect.Value) error {
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return nil
		}
		return w.walk(rv.Elem())
	case reflect.Struct:
		for _, f := range fieldsWithRUUIDs(rv.Type()) {
			if err := w.in(step{name: f.name}, rv.Field(f.index)); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return nil // []byte is data, not a list of values
		}
		for i := 0; i < rv.Len(); i++ {
			if err := w.in(step{index: i, isIndex: true}, rv.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		iter := rv.MapRange()
		for iter.Next() {
			if err := w.in(step{key: fmt.Sprint(iter.Key()), isKey: true}, iter.Value()); err != nil {
				return err
			}
		}
	case reflect.String:
		if rv.Type() == ruuidType && rv.Len() > 0 {
			r := RUUID(rv.String())
			if r.Validate() != nil {
				return checkRUUID(w.op, r, spell(w.path), w.redact)
			}
		}
	}
	return nil
}

// in walks v one step further down the path.
func (w *ruuidWalker) in(s step, v reflect.Value) error {
	w.path = append(w.path, s)
	err := w.walk(v)
	w.path = w.path[:len(w.path)-1]
	return err
}

// field is an exported struct field that can hold a RUUID.
type field struct {
	index int
	name  string // its JSON name
}

// structFields caches fieldsWithRUUIDs per struct type: the walk then
// visits only the fields that can hold a RUUID, without reflecting on the
// others on every call.
var structFields sync.Map // reflect.Type -> []field

func fieldsWithRUUIDs(t reflect.Type) []field {
	if v, ok := structFields.Load(t); ok {
		return v.([]field)
	}
	var out []field
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.IsExported() && mayHoldRUUID(f.Type, map[reflect.Type]bool{}) {
			out = append(out, field{index: i, name: jsonName(f)})
		}
	}
	structFields.Store(t, out)
	return out
}

// mayHoldRUUID reports whether a value of type t can hold a RUUID at any
// depth; an interface can hold anything.
func mayHoldRUUID(t reflect.Type, seen map[reflect.Type]bool) bool {
	if t == ruuidType {
		return true
	}
	if seen[t] {
		return false // already being looked at, higher up
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Interface:
		return true
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		return mayHoldRUUID(t.Elem(), seen)
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if f := t.Field(i); f.IsExported() && mayHoldRUUID(f.Type, seen) {
				return true
			}
		}
	}
	return false
}

// step is one step of a JSON path: a struct field, a list index or a map key.
type step struct {
	name           string // a field's JSON name
	index          int
	key            string
	isIndex, isKey bool
}

// spell writes a path the way errors name fields: a.b[0].c.
func spell(path []step) string {
	s := ""
	for _, st := range path {
		switch {
		case st.isIndex:
			s += "[" + strconv.Itoa(st.index) + "]"
		case st.isKey:
			s += "[" + st.key + "]"
		default:
			s = joinPath(s, st.name)
		}
	}
	return s
}

func jsonName(f reflect.StructField) string {
	tag := f.Tag.Get("json")
	if name, _, _ := strings.Cut(tag, ","); name != "" && name != "-" {
		return name
	}
	return f.Name
}

func joinPath(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

// checkRUUID validates one RUUID of a request.
func checkRUUID(op string, r RUUID, path string, redact func(string) string) error {
	err := r.Validate()
	if err == nil {
		return nil
	}
	if path == "" {
		path = "(request)"
	}
	var re *ruuid.Error
	if errors.As(err, &re) && redact(string(r)) != string(r) {
		re.Value = "[REDACTED]"
	}
	return &ValidationError{Operation: op, Field: path, Err: err}
}
