package rhombus

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

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

// validateBody checks every RUUID of a JSON request body at the
// operation's RUUID paths (the generated table's RUUIDFields:
// "orgUuid", "location.floorPlans[].mediaUuid"): the one check of typed
// and generated calls, on the bytes sent. It reads the JSON in place,
// decoding nothing, so a valid request costs no allocation. A null, an
// absent field or another type is left to the server, and so is a body
// that is not JSON.
// redact rewrites a value that holds a secret, so the error cannot quote it.
func validateBody(op Operation, body []byte, redact func(string) string) error {
	if len(op.RUUIDFields) == 0 || len(body) == 0 {
		return nil
	}
	w := jsonRUUIDs{op: op.ID, b: body, redact: redact}
	w.path = w.buf[:0]
	for _, p := range op.RUUIDFields {
		if err := w.value(0, 0, p); err != nil {
			if !json.Valid(body) {
				return nil
			}
			return err
		}
	}
	return nil
}

// jsonRUUIDs follows RUUID paths through a JSON body, keeping the path
// walked as a stack of steps, spelled out only for an error.
type jsonRUUIDs struct {
	op     string
	b      []byte
	redact func(string) string
	path   []step
	buf    [8]step
}

// value checks the value starting at or after b[i]: it descends lists
// levels of arrays first, then follows rest ("a.b[].c"); with nothing
// left, the value is a RUUID.
func (w *jsonRUUIDs) value(i, lists int, rest string) error {
	i = skipSpace(w.b, i)
	if i >= len(w.b) {
		return nil
	}
	switch {
	case lists > 0:
		if w.b[i] != '[' {
			return nil
		}
		return w.items(i, lists, rest)
	case rest == "":
		if w.b[i] != '"' {
			return nil
		}
		end, err := skipString(w.b, i)
		if err != nil || validRUUIDText(w.b[i+1:end-1]) {
			return nil
		}
		var text string
		if json.Unmarshal(w.b[i:end], &text) != nil {
			return nil
		}
		return checkRUUID(w.op, RUUID(text), spell(w.path), w.redact)
	}
	if w.b[i] != '{' {
		return nil
	}
	seg, after, _ := strings.Cut(rest, ".")
	name, inner := seg, 0
	for strings.HasSuffix(name, "[]") {
		name, inner = name[:len(name)-2], inner+1
	}
	i = skipSpace(w.b, i+1)
	for i < len(w.b) && w.b[i] == '"' {
		end, err := skipString(w.b, i)
		if err != nil {
			return nil
		}
		key := w.b[i+1 : end-1]
		i = skipSpace(w.b, end)
		if i >= len(w.b) || w.b[i] != ':' {
			return nil
		}
		i = skipSpace(w.b, i+1)
		if keyIs(key, name) {
			w.path = append(w.path, step{name: name})
			err := w.value(i, inner, after)
			w.path = w.path[:len(w.path)-1]
			if err != nil {
				return err
			}
		}
		if i, err = skipValue(w.b, i); err != nil {
			return nil
		}
		i = skipSpace(w.b, i)
		if i >= len(w.b) || w.b[i] != ',' {
			return nil
		}
		i = skipSpace(w.b, i+1)
	}
	return nil
}

// items checks each item of the array starting at b[i].
func (w *jsonRUUIDs) items(i, lists int, rest string) error {
	i = skipSpace(w.b, i+1)
	for n := 0; i < len(w.b) && w.b[i] != ']'; n++ {
		w.path = append(w.path, step{index: n, isIndex: true})
		err := w.value(i, lists-1, rest)
		w.path = w.path[:len(w.path)-1]
		if err != nil {
			return err
		}
		if i, err = skipValue(w.b, i); err != nil {
			return nil
		}
		i = skipSpace(w.b, i)
		if i >= len(w.b) || w.b[i] != ',' {
			return nil
		}
		i = skipSpace(w.b, i+1)
	}
	return nil
}

// keyIs reports whether the JSON key (its text between the quotes) is
// name; a key with escapes is decoded first.
func keyIs(key []byte, name string) bool {
	if bytes.IndexByte(key, '\\') < 0 {
		return string(key) == name
	}
	var k string
	q := make([]byte, 0, len(key)+2)
	q = append(append(append(q, '"'), key...), '"')
	return json.Unmarshal(q, &k) == nil && k == name
}

// validRUUIDText reports whether the text of a JSON string (without
// escapes) is a valid RUUID, without making a string of it; anything else
// goes to ruuid's check, which says what is wrong.
func validRUUIDText(b []byte) bool {
	if len(b) != ruuid.Len {
		return false
	}
	for _, c := range b {
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	// The last character's low 4 bits must be zero: A, Q, g or w.
	switch b[len(b)-1] {
	case 'A', 'Q', 'g', 'w':
		return true
	}
	return false
}

// step is one step of a JSON path: an object's field or a list index.
type step struct {
	name    string // a field's JSON name
	index   int
	isIndex bool
}

// spell writes a path the way errors name fields: a.b[0].c.
func spell(path []step) string {
	s := ""
	for _, st := range path {
		if st.isIndex {
			s += "[" + strconv.Itoa(st.index) + "]"
		} else {
			s = joinPath(s, st.name)
		}
	}
	return s
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
