package rhombustest

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// The document's own rules that the fake obeys beyond what the validator
// checks of a request: writeOnly properties stay out of answers (see
// builder.object), and an operation that declares only a default answer
// gets every answer, refusals included, in that answer's shape.

// successOf is the answer that describes a success: the 200, else the
// default of an operation that declares no status at all.
func successOf(op *openapi3.Operation) *openapi3.ResponseRef {
	if r := op.Responses.Status(http.StatusOK); r != nil {
		return r
	}
	if defaultOnly(op) {
		return op.Responses.Default()
	}
	return nil
}

// defaultOnly says whether op declares a default answer and no status.
func defaultOnly(op *openapi3.Operation) bool {
	if op.Responses == nil || op.Responses.Default() == nil {
		return false
	}
	return op.Responses.Len() == 1
}

// asDefault gives a refusal (400, 401, 403, 429) of an operation that
// declares only a default answer the shape of that answer: the vendor's
// envelope, {"error": true, "errorMsg": why}, with the same status and
// headers (a 429 keeps its Retry-After). A body that already matches is
// sent as it is.
func (s *Server) asDefault(op *operation, a answer) answer {
	if a.status == http.StatusOK || op.answerSchema == nil {
		return a
	}
	if strings.HasPrefix(a.header.Get("Content-Type"), contentJSON) &&
		op.answerSchema.Value.VisitJSON(jsonValue(a.body), append(s.spec.schemaOptions(), openapi3.VisitAsResponse())...) == nil {
		return a
	}
	msg := string(a.body)
	var m map[string]any
	if json.Unmarshal(a.body, &m) == nil {
		switch {
		case m["msg"] != nil:
			msg, _ = m["msg"].(string)
		case m["authenticationFailed"] == true:
			msg = "Authentication failed"
		}
	}
	if msg == "" {
		msg = http.StatusText(a.status)
	}
	out := s.jsonAnswer(a.status, failed(msg))
	for k, v := range a.header {
		if k != "Content-Type" {
			out.header[k] = v
		}
	}
	return out
}
