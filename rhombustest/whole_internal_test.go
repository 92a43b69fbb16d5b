package rhombustest

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestAnswersBuiltForTheWholeAPIMatchTheirSchemas builds the answer of
// every operation of the vendor's whole document (as repaired for
// package fullapi) and checks it against the operation's schema: the
// builder handles every shape the API uses, not just openapi.yaml's.
func TestAnswersBuiltForTheWholeAPIMatchTheirSchemas(t *testing.T) {
	data, err := os.ReadFile("../fullapi/fullops/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		t.Fatal(err)
	}
	// The vendor's RUUIDs are the same 22 base64url characters.
	doc.SetStringFormatValidator("RUUID", openapi3.NewRegexpFormatValidator(`^[A-Za-z0-9_-]{21}[AQgw]$`))
	sp := &spec{doc: doc}
	var ops []*openapi3.Operation
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			ops = append(ops, op)
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].OperationID < ops[j].OperationID })
	built := 0
	var unsatisfiable []string
	for _, op := range ops {
		o, err := newOperation(op)
		if err != nil {
			t.Fatal(err)
		}
		if o.answerSchema == nil {
			continue
		}
		var notes []string
		body := o.answer(sp, func(format string, args ...any) { notes = append(notes, fmt.Sprintf(format, args...)) })
		err = o.answerSchema.Value.VisitJSON(jsonValue(body), sp.schemaOptions()...)
		switch {
		case errors.Is(err, openapi3.ErrOneOfConflict):
			// A oneOf whose alternatives all accept any object, with no
			// discriminator mapping to choose: no answer can match it.
			unsatisfiable = append(unsatisfiable, o.id)
		case err != nil:
			t.Errorf("%s: the built answer does not match: %v", o.id, err)
		case len(notes) > 0:
			t.Errorf("%s: %v", o.id, notes)
		}
		built++
	}
	if built < len(ops)/2 {
		t.Errorf("only %d of %d operations have a JSON answer to build", built, len(ops))
	}
	t.Logf("%d answers built and checked; the document's schemas allow no answer for %v", built, unsatisfiable)
	if len(unsatisfiable) > built/100 {
		t.Errorf("%d operations have answers no value can match: %v", len(unsatisfiable), unsatisfiable)
	}
}
