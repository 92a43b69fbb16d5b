package main

import (
	"encoding/json"
	"testing"

	"github.com/rhombuskit/rhombus-go/fullapi/fullops"
)

// rhombus operations --all lists every operation of the whole API, as many
// as its document has (authorize, a GET, included), and says which call
// cannot call and why; call refuses that one with the reason.
func TestOperationsAllListsEveryOperation(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string `json:"operationId"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(fullops.Spec, &doc); err != nil {
		t.Fatal(err)
	}
	inSpec := map[string]string{} // operationId -> method
	for _, item := range doc.Paths {
		for method, op := range item {
			if op.OperationID != "" {
				inSpec[op.OperationID] = method
			}
		}
	}
	if inSpec["authorize"] != "get" {
		t.Fatalf("the whole API's document has no GET authorize; the test must change with it")
	}

	o := runCLI(t, "", nil, "operations", "--all")
	wantCode(t, o, exitOK)
	var rows []struct {
		OperationID string `json:"operationId"`
		NotCallable string `json:"notCallable"`
	}
	if err := json.Unmarshal([]byte(o.stdout), &rows); err != nil {
		t.Fatalf("stdout is not JSON: %v", err)
	}
	listed := map[string]string{}
	for _, r := range rows {
		listed[r.OperationID] = r.NotCallable
	}
	if len(rows) != len(inSpec) || len(listed) != len(inSpec) {
		t.Errorf("listed %d operations (%d distinct), the document has %d", len(rows), len(listed), len(inSpec))
	}
	for id := range inSpec {
		if _, ok := listed[id]; !ok {
			t.Errorf("%s is not listed", id)
		}
	}
	if listed["authorize"] == "" || listed["getLocations"] != "" {
		t.Errorf("authorize must say why call cannot call it (got %q), getLocations must not (got %q)", listed["authorize"], listed["getLocations"])
	}
	wantContains(t, "stderr", o.stderr, "operations of the whole Rhombus API", "rhombus call cannot call authorize (GET /api/oauth/authorize")

	o = runCLI(t, "", nil, "--api-key", "k", "--endpoint-url", "http://127.0.0.1:1", "call", "authorize")
	wantCode(t, o, exitUsage)
	wantContains(t, "stderr", o.stderr, "authorize is GET /api/oauth/authorize", "sends only POST requests")
}
