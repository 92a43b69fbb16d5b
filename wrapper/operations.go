package rhombus

import (
	"fmt"
	"path"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/rhombuskit/rhombus-go/api"
)

// operation is what the client knows of an operation from the spec, so that
// nothing about an operation is written twice.
type operation struct {
	name       string // operationId
	idempotent bool   // x-rhombus-idempotent: resending cannot change state twice
	// x-rhombus-identifying-fields: what a write creates, for OutcomeUnknownError.
	identifying []string
}

// operations maps request paths to operations.
type operations struct {
	byPath map[string]operation
}

// specOperations reads the operations of the embedded openapi.yaml once.
var specOperations = sync.OnceValues(func() (map[string]operation, error) {
	doc, err := api.GetSpec()
	if err != nil {
		return nil, fmt.Errorf("rhombus: reading the embedded spec: %w", err)
	}
	return operationsOf(doc), nil
})

func loadOperations(extra ...*openapi3.T) (*operations, error) {
	base, err := specOperations()
	if err != nil {
		return nil, err
	}
	if len(extra) == 0 {
		return &operations{byPath: base}, nil
	}
	m := make(map[string]operation, len(base))
	for p, op := range base {
		m[p] = op
	}
	for _, doc := range extra {
		for p, op := range operationsOf(doc) {
			m[p] = op
		}
	}
	return &operations{byPath: m}, nil
}

func operationsOf(doc *openapi3.T) map[string]operation {
	m := make(map[string]operation)
	if doc.Paths == nil {
		return m
	}
	for p, item := range doc.Paths.Map() {
		op := item.Post
		if op == nil {
			continue
		}
		idem, _ := op.Extensions["x-rhombus-idempotent"].(bool)
		name := op.OperationID
		if name == "" {
			name = path.Base(p)
		}
		var ids []string
		if list, ok := op.Extensions["x-rhombus-identifying-fields"].([]any); ok {
			for _, f := range list {
				if s, ok := f.(string); ok {
					ids = append(ids, s)
				}
			}
		}
		m[p] = operation{name: name, idempotent: idem, identifying: ids}
	}
	return m
}

// lookup finds the operation of a request path, whatever base path the
// endpoint has. An unknown path is named by its last segment (Rhombus paths
// end in the operationId) and treated as not idempotent.
func (o *operations) lookup(urlPath string) operation {
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
	return operation{name: path.Base(urlPath)}
}
