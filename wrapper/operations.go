package rhombus

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"
)

//go:generate go run ../internal/gen/operations -spec ../openapi.yaml -gen ../api/api.gen.go -out operations.gen.go -methods calls.gen.go -pages pages.gen.go -pkg rhombus -var defaultOperations -types github.com/rhombuskit/rhombus-go/api

// Operation is what the client knows of one operation, generated from the
// spec's x-rhombus-* extensions (see internal/gen/operations) so that
// nothing about an operation is written twice. The client knows the
// operations of openapi.yaml; [WithOperations] adds others.
type Operation struct {
	ID   string // the operationId, which names the operation in errors
	Path string // the request path, for example /api/user/createUser
	// Idempotent (x-rhombus-idempotent): resending the request cannot change
	// state twice, so it is resent after a network failure or a 5xx.
	Idempotent bool
	// IdentifyingFields (x-rhombus-identifying-fields): the request fields
	// that identify what a write creates, reported in *OutcomeUnknownError.
	IdentifyingFields []string
	// RUUIDFields are the JSON paths of the RUUIDs of the request body
	// ("orgUuid", "devices[].uuid"); each is checked before sending.
	RUUIDFields []string
	// NewResult returns a new value of the type a 200 answer decodes into,
	// so an answer that cannot be read into it is reported as such (for a
	// write: as *OutcomeUnknownError). nil when the answer has no type.
	NewResult func() any
	// MaxResponseBytes (x-rhombus-max-response-bytes) caps the operation's
	// answer in place of DefaultMaxResponseBytes, for operations whose
	// answers grow with the organisation; 0: the default.
	MaxResponseBytes int64
	// RequestContentType is the media type of the request body when it is
	// not JSON: "multipart/form-data" for an upload. Empty: JSON.
	RequestContentType string
	// ResponseContentType is the media type of the 200 answer when it is
	// not JSON, for example "text/csv; charset=UTF-8" or "application/zip":
	// the answer is not decoded (a typed method returns it as a *Stream,
	// Do as the body read). Empty: JSON.
	ResponseContentType string
	// Failure (x-rhombus-failure) is how the operation's 200 answer reports
	// a failure in its own shape, beyond the envelope every answer shares;
	// nil when it has none.
	Failure *Failure
	// Pagination (x-rhombus-pagination) is how the operation's list comes
	// in pages, for [Pages] and [Items]; nil when it does not page.
	Pagination *Pagination
}

// Failure is a 200 answer that reports a failure in its own shape: the
// top-level Property equals Equals (for example "type": "ERROR"), and the
// Reason properties (for example errorType) say why. The client returns it
// as an *APIError whose ResponseStatus is the first reason's value.
type Failure struct {
	Property, Equals string
	Reason           []string
}

// operations maps request paths to operations.
type operations struct {
	byPath map[string]Operation
}

// Operations returns the operations of openapi.yaml that the client
// knows, in path order: a copy, so the caller may change it.
func Operations() []Operation {
	out := make([]Operation, len(defaultOperations))
	copy(out, defaultOperations)
	return out
}

func newOperations(extra []Operation) (*operations, error) {
	m := make(map[string]Operation, len(defaultOperations)+len(extra))
	for _, op := range extra {
		if op.ID == "" || !strings.HasPrefix(op.Path, "/") {
			return nil, fmt.Errorf("rhombus: WithOperations: an operation needs an ID and a path starting with /, got ID %q, path %q", op.ID, op.Path)
		}
		m[op.Path] = op
	}
	// The spec's own operations win: their decisions (resending,
	// identifying fields, failure shape) were made for them.
	for _, op := range defaultOperations {
		m[op.Path] = op
	}
	return &operations{byPath: m}, nil
}

// lookup finds the operation of a request path, whatever base path the
// endpoint has. An unknown path is named by its last segment (Rhombus paths
// end in the operationId) and treated as not idempotent.
func (o *operations) lookup(urlPath string) Operation {
	for p := urlPath; p != "" && p != "/"; {
		if op, ok := o.byPath[p]; ok {
			return op
		}
		i := strings.Index(p[1:], "/")
		if i < 0 {
			break
		}
		p = p[i+1:]
	}
	return Operation{ID: path.Base(urlPath), Path: urlPath}
}

// validateBody checks every RUUID of a JSON request body at the operation's
// RUUID paths. A body that is not JSON is left to the server.
func validateBody(op Operation, body []byte, redact func(string) string) error {
	if len(op.RUUIDFields) == 0 || len(body) == 0 {
		return nil
	}
	var doc any
	if json.Unmarshal(body, &doc) != nil {
		return nil
	}
	for _, p := range op.RUUIDFields {
		if err := checkPath(op.ID, doc, strings.Split(p, "."), "", redact); err != nil {
			return err
		}
	}
	return nil
}

// checkPath follows the path segments in v; "x[]" is every item of list x.
func checkPath(op string, v any, segs []string, at string, redact func(string) string) error {
	if len(segs) == 0 {
		s, ok := v.(string)
		if !ok {
			return nil // null or absent; another type is the server's to refuse
		}
		return checkRUUID(op, RUUID(s), at, redact)
	}
	seg := segs[0]
	name, lists := seg, 0
	for strings.HasSuffix(name, "[]") {
		name, lists = strings.TrimSuffix(name, "[]"), lists+1
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	child, ok := obj[name]
	if !ok {
		return nil
	}
	return checkItems(op, child, lists, segs[1:], joinPath(at, name), redact)
}

func checkItems(op string, v any, lists int, rest []string, at string, redact func(string) string) error {
	if lists == 0 {
		return checkPath(op, v, rest, at, redact)
	}
	items, ok := v.([]any)
	if !ok {
		return nil
	}
	for i, it := range items {
		if err := checkItems(op, it, lists-1, rest, fmt.Sprintf("%s[%d]", at, i), redact); err != nil {
			return err
		}
	}
	return nil
}
