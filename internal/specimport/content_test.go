package specimport

import (
	"strings"
	"testing"

	"github.com/rhombuskit/rhombus-go/internal/upstream"
)

// contentDoc has an upload and an export as the vendor's document writes
// them: the form as the server's class FormDataMultiPart, the CSV answer
// as StreamingOutput.
const contentDoc = `{
 "openapi": "3.0.1", "info": {"title": "v", "version": "1"},
 "components": {"schemas": {
   "FormDataMultiPart": {"type": "object", "nullable": true, "properties": {
     "bodyParts": {"type": "array", "items": {"$ref": "#/components/schemas/BodyPart"}}}},
   "BodyPart": {"type": "object", "properties": {"headers": {"type": "object",
     "additionalProperties": {"type": "array", "items": {"type": "string", "nullable": true}, "nullable": true}}}},
   "StreamingOutput": {"type": "object", "nullable": true},
   "Export_UsersWSRequest": {"type": "object", "properties": {"orgUuid": {"type": "string", "format": "RUUID"}}},
   "Response": {"type": "object", "properties": {"error": {"type": "boolean"}}}
 }},
 "paths": {
  "/api/upload/floorplan": {"post": {"operationId": "uploadNewFloorPlan",
    "requestBody": {"content": {"multipart/form-data": {"schema": {"$ref": "#/components/schemas/FormDataMultiPart"}}}},
    "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Response"}}}}}}},
  "/api/export/users": {"post": {"operationId": "exportUsers",
    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Export_UsersWSRequest"}}}},
    "responses": {"200": {"description": "OK", "content": {"text/csv; charset=UTF-8": {"schema": {"$ref": "#/components/schemas/StreamingOutput"}}}}}}}
 }
}`

// An upload keeps its multipart/form-data body, written as a form with a
// file, and an export its text/csv answer, as bytes: neither becomes JSON,
// and the server's classes that describe them are not imported.
func TestImportKeepsContentTypes(t *testing.T) {
	doc, err := upstream.Parse([]byte(contentDoc))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Import(testSpec(t), doc, []string{"uploadNewFloorPlan", "exportUsers"},
		Decisions{ReadsGiven: true, Reads: []string{"exportUsers"}, Identifying: map[string][]string{"uploadNewFloorPlan": {}}})
	if err != nil {
		t.Fatal(err)
	}
	out := string(res.YAML)
	upload := section(out, "/api/upload/floorplan:")
	export := section(out, "/api/export/users:")
	for _, c := range []struct{ in, want string }{
		{upload, "multipart/form-data:"},
		{upload, "file:\n"},
		{upload, "format: binary"},
		{export, "text/csv; charset=UTF-8:"},
		{export, "format: binary"},
		{export, "application/json:"}, // the request is still JSON
	} {
		if !strings.Contains(c.in, c.want) {
			t.Errorf("the import lacks %q in:\n%s", c.want, c.in)
		}
	}
	if strings.Contains(upload, "application/json:\n            schema:\n              type: object\n") && !strings.Contains(upload, "multipart") {
		t.Error("the upload's form became JSON")
	}
	for _, name := range []string{"FormDataMultiPart:", "BodyPart:", "StreamingOutput:"} {
		if strings.Contains(out, "\n    "+name) {
			t.Errorf("the server's class %s was imported", name)
		}
	}
	again, err := Import(res.YAML, doc, nil, Decisions{})
	if err != nil || string(again.YAML) != out {
		t.Errorf("a re-import changed the spec (%v)", err)
	}
}

// section is the text of out from the line holding key to the next path.
func section(out, key string) string {
	i := strings.Index(out, key)
	if i < 0 {
		return ""
	}
	rest := out[i+len(key):]
	if j := strings.Index(rest, "\n  /api/"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}
