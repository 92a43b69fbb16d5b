package main

import (
	"strings"
	"testing"
)

// The test spec's upload and export: the table records their content
// types, and their typed methods take a form and return a stream.
func TestGenerateUploadsAndExports(t *testing.T) {
	table, err := generate(testOps(t), "openapi.yaml", "testapi", "Operations", "", "github.com/rhombuskit/rhombus-go/wrapper")
	if err != nil {
		t.Fatal(err)
	}
	methods, err := generateMethods(testOps(t), "openapi.yaml", "rhombus", "github.com/rhombuskit/rhombus-go/wrapper/internal/testapi")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ in, want string }{
		{string(table), `RequestContentType: "multipart/form-data",`},
		{string(table), `ResponseContentType: "text/csv; charset=UTF-8",`},
		{string(methods), "type TestSpecUploadNewFloorPlanForm struct {"},
		{string(methods), "File         File  // file (required)"},
		{string(methods), "LocationUUID RUUID // locationUuid (optional)"},
		{string(methods), "Fields map[string]string"},
		{string(methods), `p = append(p, fileField("file", f.File, true))`},
		{string(methods), `p = append(p, ruuidField("locationUuid", f.LocationUUID, false))`},
		{string(methods), "func (c *Client) TestSpecUploadNewFloorPlan(ctx context.Context, params *testapi.UploadNewFloorPlanParams, form TestSpecUploadNewFloorPlanForm) (*testapi.UploadResponse, error) {"},
		{string(methods), `return upload[testapi.UploadResponse](ctx, c, "uploadNewFloorPlan", "/api/test/uploadFloorPlan", form.parts(), paramsOf(params, testapi.NewUploadNewFloorPlanRequestWithBody))`},
		{string(methods), "func (c *Client) TestSpecExportUsers(ctx context.Context, params *testapi.ExportUsersParams, req testapi.ExportUsersRequest) (*Stream, error) {"},
		{string(methods), `return download(ctx, c, "exportUsers", "/api/test/exportUsers", req, paramsOf(params, testapi.NewExportUsersRequestWithBody))`},
	} {
		if !strings.Contains(c.in, c.want) {
			t.Errorf("output lacks %q:\n%s", c.want, c.in)
		}
	}
	// JSON operations are as they were: no content type in the table.
	if i := strings.Index(string(table), `"getCameraConfig"`); i < 0 || strings.Contains(strings.SplitN(string(table)[i:], "},", 2)[0], "ContentType") {
		t.Errorf("a JSON operation has a content type in the table:\n%s", table)
	}
}

func TestGoNameOfFormFields(t *testing.T) {
	for in, want := range map[string]string{"file": "File", "locationUuid": "LocationUUID", "user_id": "UserID", "logo-url": "LogoURL", "1st": "F1st"} {
		if got := goName(in); got != want {
			t.Errorf("goName(%q) = %q, want %q", in, got, want)
		}
	}
}
