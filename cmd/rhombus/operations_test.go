package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/rhombuskit/rhombus-go/fullapi/fullops"
)

// rhombus operations --all lists every operation of the whole API, as many
// as its document has (authorize, a GET, included), and says which call
// cannot call and why; call refuses that one with the reason.
func TestOperationsAllListsEveryOperation(t *testing.T) {
	t.Parallel()
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

// `rhombus operations` lists openapi.yaml's operations; --all the whole
// API's, which `rhombus call` also reaches.
func TestOperationsLists(t *testing.T) {
	t.Parallel()
	c := newCLI(t, nil)
	var ops, all []struct {
		OperationID string `json:"operationId"`
		Path        string `json:"path"`
	}
	o := c.runRaw("operations")
	if o.code != 0 || json.Unmarshal([]byte(o.stdout), &ops) != nil {
		t.Fatalf("%s", o)
	}
	o = c.runRaw("operations", "--all")
	if o.code != 0 || json.Unmarshal([]byte(o.stdout), &all) != nil {
		t.Fatalf("%s", o)
	}
	if len(ops) < 3 || len(all) < 800 {
		t.Errorf("%d operations, %d with --all", len(ops), len(all))
	}
	has := func(list []struct {
		OperationID string `json:"operationId"`
		Path        string `json:"path"`
	}, id string) bool {
		for _, op := range list {
			if op.OperationID == id {
				return true
			}
		}
		return false
	}
	if !has(ops, "createUser") || !has(all, "createUser") {
		t.Errorf("createUser is hand-written: in the spec's list and the whole API's")
	}
	for _, op := range ops {
		if !has(all, op.OperationID) {
			t.Errorf("%s is in the spec's list, not in the whole API's", op.OperationID)
		}
	}
	o = c.runRaw("--api-key", "k", "--endpoint-url", "http://127.0.0.1:1", "call", "noSuchOperation")
	if o.code != exitUsage || !strings.Contains(o.stderr, `unknown operation "noSuchOperation"`) {
		t.Errorf("%s", o)
	}
	for data, want := range map[string]string{
		"{not json":                "--data: not valid JSON at byte 2",
		"[1]":                      "--data: must be a JSON object",
		"@" + c.dir + "/none.json": "--data: cannot read",
	} {
		o = c.runRaw("--api-key", "k", "--endpoint-url", "http://127.0.0.1:1", "call", "getDeviceLicensesForOrg", "--data", data)
		if o.code != exitUsage || !strings.Contains(o.stderr, want) {
			t.Errorf("--data %s: want exit 2 and %q: %s", data, want, o)
		}
	}
}

// opRow is an operation as `rhombus operations` lists it.
type opRow struct {
	OperationID string `json:"operationId"`
	Path        string `json:"path"`
	NotCallable string `json:"notCallable"`
}

// notInSpec is up to n operations of the whole API, in its order, that
// openapi.yaml does not carry and `rhombus call` can call: derived from the
// two lists, so no test depends on which operations are imported.
func notInSpec(t *testing.T, c *cli, n int) []opRow {
	t.Helper()
	var ops []opRow
	if o := c.runRaw("operations"); o.code != 0 || json.Unmarshal([]byte(o.stdout), &ops) != nil {
		t.Fatalf("operations: %s", o)
	}
	all := wholeAPI(t, c)
	in := map[string]bool{}
	for _, op := range ops {
		in[op.OperationID] = true
	}
	var out []opRow
	for _, op := range all {
		if !in[op.OperationID] && op.NotCallable == "" && len(out) < n {
			out = append(out, op)
		}
	}
	return out
}

// wholeAPI is `rhombus operations --all`.
func wholeAPI(t *testing.T, c *cli) []opRow {
	t.Helper()
	var all []opRow
	if o := c.runRaw("operations", "--all"); o.code != 0 || json.Unmarshal([]byte(o.stdout), &all) != nil {
		t.Fatalf("operations --all: %s", o)
	}
	return all
}
