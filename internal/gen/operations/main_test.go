package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGenerateFromTheTestSpec(t *testing.T) {
	out, err := generate(testOps(t), "openapi.yaml", "testapi", "Operations", "", "github.com/rhombuskit/rhombus-go/wrapper")
	if err != nil {
		t.Fatal(err)
	}
	got := string(out)
	for _, want := range []string{
		`var Operations = []rhombus.Operation{`,
		`ID:                "updateCameraConfig",`,
		`IdentifyingFields: []string{"cameraUuid"},`,
		`RUUIDFields:       []string{"cameraUuid", "neighbours[].uuid"},`,
		`NewResult:         func() any { return new(UpdateCameraConfigResponse) },`,
		`Idempotent:       true,`,
		`MaxResponseBytes: 2048,`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	again, err := generate(testOps(t), "openapi.yaml", "testapi", "Operations", "", "github.com/rhombuskit/rhombus-go/wrapper")
	if err != nil || string(again) != got {
		t.Errorf("a second run differs (%v): the output must be deterministic", err)
	}
}

func TestGenerateRefusesMalformedExtensions(t *testing.T) {
	for ext, want := range map[string]string{
		`x-rhombus-idempotent: "yes"`:            "x-rhombus-idempotent must be a boolean",
		`x-rhombus-identifying-fields: email`:    "x-rhombus-identifying-fields must be a list",
		`x-rhombus-identifying-fields: [1, two]`: "1 is not a field name",
		`x-rhombus-failure: nope`:                "x-rhombus-failure: must be an object",
		`x-rhombus-failure: {property: type}`:    "property and equals must be non-empty",
	} {
		spec := `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /api/x/doIt:
    post:
      operationId: doIt
      ` + ext + `
      responses:
        "200": {description: OK}
`
		path := filepath.Join(t.TempDir(), "spec.yaml")
		if err := os.WriteFile(path, []byte(spec), 0o644); err != nil {
			t.Fatal(err)
		}
		gen := filepath.Join(t.TempDir(), "p.gen.go")
		if err := os.WriteFile(gen, []byte("package p\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, _, err := load(path, gen, false)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want an error containing %q", ext, err, want)
		}
	}
}

func TestGenerateMethodsFromTheTestSpec(t *testing.T) {
	out, err := generateMethods(testOps(t), "openapi.yaml", "rhombus", "github.com/rhombuskit/rhombus-go/wrapper/internal/testapi")
	if err != nil {
		t.Fatal(err)
	}
	got := string(out)
	for _, want := range []string{
		`func (c *Client) TestSpecUpdateCameraConfig(ctx context.Context, req testapi.UpdateCameraConfigRequest) (*testapi.UpdateCameraConfigResponse, error) {`,
		`return call[testapi.UpdateCameraConfigResponse](ctx, c, "updateCameraConfig", "/api/test/updateCameraConfig", req)`,
		`*OutcomeUnknownError naming cameraUuid.`,
		`// The operation only reads, so it is resent after a network failure or a 5xx`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

// An operation with query or header parameters: its typed method takes the
// generated client's XParams before the body, and sends them through the
// generated client's request builder; one without takes none, and the
// table records x-rhombus-failure.
func TestGenerateMethodsWithParameters(t *testing.T) {
	ops := testOps(t)
	methods, err := generateMethods(ops, "openapi.yaml", "rhombus", "github.com/rhombuskit/rhombus-go/wrapper/internal/testapi")
	if err != nil {
		t.Fatal(err)
	}
	table, err := generate(ops, "openapi.yaml", "testops", "Operations", "github.com/rhombuskit/rhombus-go/wrapper/internal/testapi", "github.com/rhombuskit/rhombus-go/wrapper")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ in, want string }{
		{string(methods), "func (c *Client) TestSpecFindThings(ctx context.Context, params *testapi.FindThingsParams, req testapi.ExportUsersRequest) (*testapi.GetCameraConfigResponse, error) {"},
		{string(methods), `return call[testapi.GetCameraConfigResponse](ctx, c, "findThings", "/api/test/findThings", req, paramsOf(params, testapi.NewFindThingsRequestWithBody))`},
		{string(methods), "// params are the operation's query and header parameters"},
		{string(methods), "func (c *Client) TestSpecGetCameraConfig(ctx context.Context, req testapi.GetCameraConfigRequest) (*testapi.GetCameraConfigResponse, error) {"},
		{string(table), `Failure:           &rhombus.Failure{Property: "type", Equals: "ERROR", Reason: []string{"errorType"}},`},
	} {
		if !strings.Contains(c.in, c.want) {
			t.Errorf("output lacks %q:\n%s", c.want, c.in)
		}
	}
	again, err := generateMethods(testOps(t), "openapi.yaml", "rhombus", "github.com/rhombuskit/rhombus-go/wrapper/internal/testapi")
	if err != nil || string(again) != string(methods) {
		t.Errorf("a second run differs (%v): the output must be deterministic", err)
	}
}

// testOps are the operations of the test-only spec, with the Go names of
// its generated client.
func testOps(t *testing.T) []operation {
	t.Helper()
	ops, _, err := load("../../../wrapper/internal/testapi/openapi.yaml", "../../../wrapper/internal/testapi/testapi.gen.go", false)
	if err != nil {
		t.Fatal(err)
	}
	return ops
}

// An operation that is not a POST is listed in the second table, or, when
// no name is given for it, refused: it is never dropped without a word.
func TestOperationsNotPOSTAreListedOrRefused(t *testing.T) {
	spec := `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /api/x/doIt:
    post:
      operationId: doIt
      responses:
        "200": {description: OK}
  /api/oauth/authorize:
    get:
      operationId: authorize
      responses:
        "200": {description: OK}
`
	path := filepath.Join(t.TempDir(), "spec.yaml")
	if err := os.WriteFile(path, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	ops, left, err := load(path, "", false)
	if err != nil {
		t.Fatal(err)
	}
	src, err := generate(ops, "spec.yaml", "p", "Operations", "", "github.com/rhombuskit/rhombus-go/wrapper")
	if err != nil {
		t.Fatal(err)
	}
	out, err := appendLeftOut(src, left, "spec.yaml", "Operations", "OperationsLeftOut")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`ID:         "doIt",`,
		`var OperationsLeftOut = []LeftOut{`,
		`{ID: "authorize", Method: "GET", Path: "/api/oauth/authorize"},`,
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(strings.SplitN(string(out), "OperationsLeftOut", 2)[0], "authorize") {
		t.Errorf("authorize is in the POST table:\n%s", out)
	}
	_, err = appendLeftOut(src, left, "spec.yaml", "Operations", "")
	if err == nil || !strings.Contains(err.Error(), "GET /api/oauth/authorize (authorize) is not a POST") {
		t.Errorf("without -leftout: got %v, want the operation named", err)
	}
}
