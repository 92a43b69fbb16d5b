package rhombus

import (
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
	// StreamItems (x-rhombus-stream) names the list that makes up most of
	// the operation's answer, which [StreamItems] decodes one item at a
	// time; "" when the answer is not streamed.
	StreamItems string
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
