// Package docchange makes modified copies of the vendor's pinned document
// (upstream/openapi.json), one change per kind the upstream command's
// report tells apart. The command's tests feed them to it, and
// scripts/upstream-e2e.sh runs `make upstream` on them in a scratch clone.
// Each change names the place of today's pin it changes; on a document
// without that place it is an error saying which, never a copy that
// silently changes nothing. What a change adds takes a name the document
// does not have yet (wanLiveAv1Uri, else wanLiveAv1Uri2, ...), so it adds
// to a pin that is already such a copy too.
package docchange

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// changes are the changes by name, each with the operation of openapi.yaml
// whose report shows it.
var changes = map[string]func(root map[string]any) error{
	// getCameraMediaUris: breaking, a property its answer had is gone.
	"response-property-removed": func(root map[string]any) error {
		props, err := object(root, "components", "schemas", "Camera_GetMediaUrisWSResponse", "properties")
		if err != nil {
			return err
		}
		if _, ok := props["wanLiveH264Uri"]; !ok {
			return fmt.Errorf("Camera_GetMediaUrisWSResponse has no property wanLiveH264Uri")
		}
		delete(props, "wanLiveH264Uri")
		return nil
	},
	// getMinimalCameraStateList: breaking, a request field's type changed.
	"request-type-changed": func(root map[string]any) error {
		p, err := object(root, "components", "schemas", "Camera_GetMinimalCameraStateListWSRequest", "properties", "includeMummified")
		if err != nil {
			return err
		}
		p["type"] = "string"
		return nil
	},
	// getCameraMediaUris: breaking, the request has a new required field.
	"required-request-field": func(root map[string]any) error {
		s, err := object(root, "components", "schemas", "Camera_GetMediaUrisWSRequest")
		if err != nil {
			return err
		}
		props, err := object(s, "properties")
		if err != nil {
			return err
		}
		props["region"] = map[string]any{"type": "string"}
		s["required"] = []any{"region"}
		return nil
	},
	// createUser: breaking, a value it may send left an enum.
	"enum-value-removed": func(root map[string]any) error {
		s, err := object(root, "components", "schemas", "RhombusAppEnum")
		if err != nil {
			return err
		}
		values, _ := s["enum"].([]any)
		if !slices.Contains(values, any("UNKNOWN")) {
			return fmt.Errorf("RhombusAppEnum has no value UNKNOWN")
		}
		s["enum"] = slices.DeleteFunc(values, func(v any) bool { return v == "UNKNOWN" })
		return nil
	},
	// getMinimalDoorStateList: gone from the document.
	"operation-removed": func(root map[string]any) error {
		paths, err := object(root, "paths")
		if err != nil {
			return err
		}
		if _, ok := paths["/api/door/getMinimalDoorStateList"]; !ok {
			return fmt.Errorf("paths has no /api/door/getMinimalDoorStateList")
		}
		delete(paths, "/api/door/getMinimalDoorStateList")
		return nil
	},
	// createUser, hand-written: gone from the document.
	"hand-written-operation-removed": func(root map[string]any) error {
		paths, err := object(root, "paths")
		if err != nil {
			return err
		}
		if _, ok := paths["/api/user/createUser"]; !ok {
			return fmt.Errorf("paths has no /api/user/createUser")
		}
		delete(paths, "/api/user/createUser")
		return nil
	},
	// getCameraMediaUris: additive, its answer has a new optional property,
	// wanLiveAv1Uri; and a new operation, getCameraMediaUrisV2, in the rest
	// of the document, with request and answer schemas of its own.
	"additive": func(root map[string]any) error {
		if err := newProperty(root); err != nil {
			return err
		}
		return newOperation(root, true)
	},
	// getCameraMediaUris: an addition: a new operation shares its request
	// and answer schemas, which keep their recorded Go names (the import
	// keeps them, and the update checks no type of api/ is renamed).
	"operation-sharing-schemas": func(root map[string]any) error {
		return newOperation(root, false)
	},
	// createPendingRegistration: the vendor now says what the conformance
	// allow-list allowed a difference from (wifiPsk's items are not null),
	// so the entry matches no difference any more. Breaking for a request.
	"allow-list-difference-gone": func(root map[string]any) error {
		items, err := object(root, "components", "schemas", "Org_CreatePendingRegistrationRequest", "properties", "wifiPsk", "items")
		if err != nil {
			return err
		}
		if _, ok := items["nullable"]; !ok {
			return fmt.Errorf("Org_CreatePendingRegistrationRequest's wifiPsk items are not nullable")
		}
		delete(items, "nullable")
		return nil
	},
}

// newProperty adds an optional property to getCameraMediaUris's answer.
func newProperty(root map[string]any) error {
	props, err := object(root, "components", "schemas", "Camera_GetMediaUrisWSResponse", "properties")
	if err != nil {
		return err
	}
	props[fresh(props, "wanLiveAv1Uri")] = map[string]any{"type": "string", "nullable": true}
	return nil
}

// fresh is the first of name, name+"2", name+"3", ... that m lacks.
func fresh(m map[string]any, name string) string {
	n := name
	for i := 2; ; i++ {
		if _, ok := m[n]; !ok {
			return n
		}
		n = name + strconv.Itoa(i)
	}
}

// newOperation adds getCameraMediaUrisV2, a copy of getCameraMediaUris at
// another path: with copies of its request and answer schemas if own, else
// with the same ones.
func newOperation(root map[string]any, own bool) error {
	op, err := object(root, "paths", "/api/camera/getMediaUris", "post")
	if err != nil {
		return err
	}
	schemas, err := object(root, "components", "schemas")
	if err != nil {
		return err
	}
	paths, err := object(root, "paths")
	if err != nil {
		return err
	}
	// V2, or the first version after it that is free.
	var v, path string
	for i := 2; ; i++ {
		v = "V" + strconv.Itoa(i)
		if path = "/api/camera/getMediaUris" + v; paths[path] == nil {
			break
		}
	}
	v2 := deepCopy(op).(map[string]any)
	v2["operationId"] = "getCameraMediaUris" + v
	if own {
		for _, n := range []string{"Camera_GetMediaUrisWSRequest", "Camera_GetMediaUrisWSResponse"} {
			s, ok := schemas[n]
			if !ok {
				return fmt.Errorf("components/schemas has no %s", n)
			}
			v2n := strings.Replace(n, "GetMediaUris", "GetMediaUris"+v, 1)
			schemas[v2n] = deepCopy(s)
			if replaceRef(v2, "#/components/schemas/"+n, "#/components/schemas/"+v2n) == 0 {
				return fmt.Errorf("getCameraMediaUris does not refer to %s", n)
			}
		}
	}
	paths[path] = map[string]any{"post": v2}
	return nil
}

func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[k] = deepCopy(x)
		}
		return m
	case []any:
		l := make([]any, len(v))
		for i, x := range v {
			l[i] = deepCopy(x)
		}
		return l
	}
	return v
}

// replaceRef replaces the $ref from by to under v and says how many times.
func replaceRef(v any, from, to string) int {
	n := 0
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if k == "$ref" && x == from {
				v[k] = to
				n++
				continue
			}
			n += replaceRef(x, from, to)
		}
	case []any:
		for _, x := range v {
			n += replaceRef(x, from, to)
		}
	}
	return n
}

// Names lists the changes, sorted.
func Names() []string {
	names := make([]string, 0, len(changes))
	for n := range changes {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Apply returns a copy of the document pinned with the named changes made,
// in order, as indented JSON.
func Apply(pinned []byte, names ...string) ([]byte, error) {
	if len(names) == 0 {
		return nil, fmt.Errorf("name a change: %s", strings.Join(Names(), ", "))
	}
	dec := json.NewDecoder(bytes.NewReader(pinned))
	// Numbers as written: a copy differs from the pin only where changed.
	dec.UseNumber()
	var root map[string]any
	if err := dec.Decode(&root); err != nil {
		return nil, fmt.Errorf("reading the document: %w", err)
	}
	for _, n := range names {
		change, ok := changes[n]
		if !ok {
			return nil, fmt.Errorf("no change %q: the changes are %s", n, strings.Join(Names(), ", "))
		}
		if err := change(root); err != nil {
			return nil, fmt.Errorf("change %s: %w", n, err)
		}
	}
	return json.MarshalIndent(root, "", "  ")
}

// object walks the document by object keys.
func object(v any, keys ...string) (map[string]any, error) {
	for i, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s is not an object", strings.Join(keys[:i], "/"))
		}
		v = m[k]
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s is not an object in the document", strings.Join(keys, "/"))
	}
	return m, nil
}
