package rhombus

import (
	"errors"
	"fmt"
	"reflect"
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

var ruuidType = reflect.TypeFor[RUUID]()

// validateRUUIDs checks every RUUID in v, at any depth, and returns the first
// invalid one with its JSON path. It reads struct tags, so it works for every
// generated request type without code of its own. An empty RUUID is absent
// (the models leave it out of the JSON).
// redact rewrites a value that holds a secret, so the error cannot quote it.
func validateRUUIDs(op string, v any, redact func(string) string) error {
	var walk func(rv reflect.Value, path string) error
	walk = func(rv reflect.Value, path string) error {
		switch rv.Kind() {
		case reflect.Pointer, reflect.Interface:
			if rv.IsNil() {
				return nil
			}
			return walk(rv.Elem(), path)
		case reflect.Struct:
			t := rv.Type()
			for i := 0; i < t.NumField(); i++ {
				f := t.Field(i)
				if !f.IsExported() {
					continue
				}
				if err := walk(rv.Field(i), joinPath(path, jsonName(f))); err != nil {
					return err
				}
			}
		case reflect.Slice, reflect.Array:
			if rv.Type().Elem().Kind() == reflect.Uint8 {
				return nil // []byte is data, not a list of values
			}
			for i := 0; i < rv.Len(); i++ {
				if err := walk(rv.Index(i), path+"["+strconv.Itoa(i)+"]"); err != nil {
					return err
				}
			}
		case reflect.Map:
			iter := rv.MapRange()
			for iter.Next() {
				if err := walk(iter.Value(), path+"["+fmt.Sprint(iter.Key())+"]"); err != nil {
					return err
				}
			}
		case reflect.String:
			if rv.Type() == ruuidType && rv.Len() > 0 {
				return checkRUUID(op, RUUID(rv.String()), path, redact)
			}
		}
		return nil
	}
	return walk(reflect.ValueOf(v), "")
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
