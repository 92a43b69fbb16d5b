package rhombustest_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/fullapi/fullops"
	"github.com/rhombuskit/rhombus-go/rhombustest"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// contentSpec has an upload and two exports, as the importer writes them.
const contentSpec = `openapi: 3.0.3
info: {title: t, version: "1"}
components:
  schemas:
    RUUID: {type: string, format: RUUID, pattern: "^[A-Za-z0-9_-]{22}$"}
  securitySchemes:
    ApiKey: {type: apiKey, in: header, name: x-auth-apikey}
security: [{ApiKey: []}]
paths:
  /api/upload/floorplan:
    post:
      operationId: uploadNewFloorPlan
      x-rhombus-auth-scheme: {type: string, enum: [api-token], default: api-token}
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [file]
              properties:
                file: {type: string, format: binary}
                locationUuid: {$ref: "#/components/schemas/RUUID"}
              additionalProperties: true
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema: {type: object, properties: {error: {type: boolean}}}
        "400": {description: Bad request, content: {application/json: {schema: {type: object}}}}
  /api/export/users:
    post:
      operationId: exportUsers
      x-rhombus-auth-scheme: {type: string, enum: [api-token], default: api-token}
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, properties: {orgUuid: {$ref: "#/components/schemas/RUUID"}}}
      responses:
        "200":
          description: OK
          content:
            text/csv; charset=UTF-8:
              schema: {type: string, format: binary}
  /api/export/uptime:
    post:
      operationId: exportUptime
      x-rhombus-auth-scheme: {type: string, enum: [api-token], default: api-token}
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object}
      responses:
        "200":
          description: OK
          content:
            application/zip:
              schema: {type: string, format: binary}
`

func contentFake(t *testing.T) (*rhombustest.Server, *rhombus.Client, *recordingTB) {
	tb := &recordingTB{TB: t}
	s := rhombustest.NewServer(tb, rhombustest.WithSpec([]byte(contentSpec)), rhombustest.WithoutDefaults())
	key := s.AddAPIKey(s.AddOrg("Plans Inc"), rhombustest.OrgAPIToken)
	c, err := rhombus.New(rhombus.WithEndpoint(s.URL), rhombus.WithHTTPClient(s.HTTPClient()), rhombus.WithCredential(rhombus.APIToken(key)),
		rhombus.WithRetryPolicy(rhombus.RetryPolicy{MaxAttempts: 1}),
		// The client reads an answer as JSON unless it knows otherwise.
		rhombus.WithOperations(
			rhombus.Operation{ID: "uploadNewFloorPlan", Path: "/api/upload/floorplan", RequestContentType: "multipart/form-data"},
			rhombus.Operation{ID: "exportUsers", Path: "/api/export/users", Idempotent: true, ResponseContentType: "text/csv; charset=UTF-8"},
			rhombus.Operation{ID: "exportUptime", Path: "/api/export/uptime", Idempotent: true, ResponseContentType: "application/zip"}))
	require.NoError(t, err)
	return s, c, tb
}

func postVia(t *testing.T, c *rhombus.Client, path, contentType string, body []byte) (*http.Response, []byte, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, c.BaseURL()+path, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", contentType)
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func uploadForm(t *testing.T, fields map[string]string, file []byte) ([]byte, string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		require.NoError(t, w.WriteField(k, v))
	}
	if file != nil {
		fw, err := w.CreateFormFile("file", "plan.png")
		require.NoError(t, err)
		_, _ = fw.Write(file)
	}
	require.NoError(t, w.Close())
	return b.Bytes(), w.FormDataContentType()
}

// The fake takes an upload's form, checks its fields against the form's
// schema, and hands the form to a test's handler as it was sent.
func TestFakeAcceptsAndChecksMultipartUploads(t *testing.T) {
	s, c, tb := contentFake(t)
	body, ct := uploadForm(t, map[string]string{"locationUuid": "AAAAAAAAAAAAAAAAAAAAAA", "note": "ground"}, []byte("PNG"))
	_, got, err := postVia(t, c, "/api/upload/floorplan", ct, body)
	require.NoError(t, err)
	assert.JSONEq(t, `{"error":false}`, string(got))

	body, ct = uploadForm(t, map[string]string{"locationUuid": "not a RUUID"}, []byte("PNG"))
	_, _, err = postVia(t, c, "/api/upload/floorplan", ct, body)
	var ae *rhombus.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusBadRequest, ae.StatusCode)
	assert.Contains(t, ae.Message, "locationUuid")

	body, ct = uploadForm(t, nil, nil)
	_, _, err = postVia(t, c, "/api/upload/floorplan", ct, body)
	require.ErrorAs(t, err, &ae, "a form without its required file is refused")
	assert.Equal(t, http.StatusBadRequest, ae.StatusCode)

	var seen []byte
	s.Handle("uploadNewFloorPlan", func(b []byte) (any, error) { seen = b; return map[string]any{"error": false}, nil })
	body, ct = uploadForm(t, map[string]string{"note": "x"}, []byte("PNG-2"))
	_, _, err = postVia(t, c, "/api/upload/floorplan", ct, body)
	require.NoError(t, err)
	assert.Equal(t, body, seen, "the handler gets the form as sent")
	assert.Empty(t, tb.reports())
}

// An export is answered with its content type: a CSV with a header row,
// or a zip file holding one; a handler's bytes are sent as they are.
func TestFakeAnswersExportsWithTheirContentType(t *testing.T) {
	s, c, tb := contentFake(t)
	resp, got, err := postVia(t, c, "/api/export/users", "application/json", []byte(`{}`))
	require.NoError(t, err)
	assert.Equal(t, "text/csv; charset=UTF-8", resp.Header.Get("Content-Type"))
	rows, err := csv.NewReader(bytes.NewReader(got)).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 2)
	assert.Equal(t, []string{"uuid", "name"}, rows[0])
	assert.NoError(t, rhombus.RUUID(rows[1][0]).Validate())

	resp, got, err = postVia(t, c, "/api/export/uptime", "application/json", []byte(`{}`))
	require.NoError(t, err)
	assert.Equal(t, "application/zip", resp.Header.Get("Content-Type"))
	zr, err := zip.NewReader(bytes.NewReader(got), int64(len(got)))
	require.NoError(t, err)
	require.Len(t, zr.File, 1)
	assert.True(t, strings.HasSuffix(zr.File[0].Name, ".csv"))

	s.Handle("exportUsers", func(b []byte) (any, error) {
		var req struct{ OrgUUID string }
		_ = json.Unmarshal(b, &req)
		return []byte("email\r\na@example.com\r\n"), nil
	})
	_, got, err = postVia(t, c, "/api/export/users", "application/json", []byte(`{}`))
	require.NoError(t, err)
	assert.Equal(t, "email\r\na@example.com\r\n", string(got))
	assert.Empty(t, tb.reports(), "every answer is within the spec")
}

// The whole API's exports are answered with their content type too, and
// its uploads, which it describes by the server's class, are taken as they
// are sent: a file and text fields. Every answer passes the contract check.
func TestFakeOfTheWholeAPIServesExportsAndUploads(t *testing.T) {
	tb := &recordingTB{TB: t}
	s := rhombustest.NewServer(tb, rhombustest.WithSpec(fullops.Spec))
	key := s.AddAPIKey(s.AddOrg("Whole Inc"), rhombustest.OrgAPIToken)
	var op rhombus.Operation
	for _, o := range fullops.Operations {
		if o.ID == "exportUsers" {
			op = o
		}
	}
	require.Equal(t, "exportUsers", op.ID)
	c, err := rhombus.New(rhombus.WithEndpoint(s.URL), rhombus.WithHTTPClient(s.HTTPClient()), rhombus.WithCredential(rhombus.APIToken(key)), rhombus.WithOperations(op))
	require.NoError(t, err)
	resp, got, err := postVia(t, c, op.Path, "application/json", []byte(`{}`))
	require.NoError(t, err)
	assert.Equal(t, op.ResponseContentType, resp.Header.Get("Content-Type"))
	assert.True(t, strings.HasPrefix(string(got), "uuid,name\r\n"), "a CSV with a header row: %q", got)

	body, ct := uploadForm(t, map[string]string{"locationUuid": "AAAAAAAAAAAAAAAAAAAAAA"}, []byte("PNG"))
	_, _, err = postVia(t, c, "/api/upload/floorplan", ct, body)
	require.NoError(t, err)
	assert.Empty(t, tb.reports())
}
