package rhombus_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
	"github.com/rhombuskit/rhombus-go/wrapper/internal/testapi"
	"github.com/rhombuskit/rhombus-go/wrapper/internal/testapi/testops"
)

// seen is what a loopback server received: each request's query and
// headers.
type seen struct {
	mu     sync.Mutex
	query  []url.Values
	header []http.Header
}

func (s *seen) last(t *testing.T) (url.Values, http.Header) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	require.NotEmpty(t, s.query, "no request reached the server")
	return s.query[len(s.query)-1], s.header[len(s.header)-1]
}

// paramsServer answers every request with body as contentType, recording
// what it received.
func paramsServer(t *testing.T, contentType, body string) (*rhombus.Client, *testapi.ClientWithResponses, *seen) {
	t.Helper()
	rec := &seen{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		rec.mu.Lock()
		rec.query = append(rec.query, r.URL.Query())
		rec.header = append(rec.header, r.Header.Clone())
		rec.mu.Unlock()
		w.Header().Set("Content-Type", contentType)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	c, err := rhombus.New(rhombus.WithEndpoint(srv.URL), rhombus.WithCredential(rhombus.APIToken(testKey)),
		rhombus.WithHTTPClient(srv.Client()), rhombus.WithLimiter(nil), rhombus.WithOperations(testops.Operations...))
	require.NoError(t, err)
	gen, err := testapi.NewClientWithResponses(c.BaseURL(), testapi.WithHTTPClient(c))
	require.NoError(t, err)
	return c, gen, rec
}

func ptr[T any](v T) *T { return &v }

// TestTypedMethodsSendQueryAndHeaderParameters: an operation's query and
// header parameters (findThings of the test-only spec: a string, an
// integer and an array in the query, a header) are sent by its typed
// method as the generated client sends them; a parameter left nil, or nil
// params, sends nothing for it, not an empty value; the body and the
// credentials go as always.
func TestTypedMethodsSendQueryAndHeaderParameters(t *testing.T) {
	c, gen, rec := paramsServer(t, "application/json", `{"resolution":"4K"}`)
	ctx := context.Background()
	req := testapi.ExportUsersRequest{OrgUUID: rhombus.MustParseRUUID("AAAAAAAAAAAAAAAAAAAAAA")}
	params := &testapi.FindThingsParams{Transaction: ptr("tx 1&2"), Limit: ptr(int32(0)), Tags: &[]string{"a", "b c"}, RHOMBUSMYIP: ptr("192.0.2.7")}

	res, err := c.TestSpecFindThings(ctx, params, req)
	require.NoError(t, err)
	assert.Equal(t, "4K", res.Resolution)
	typedQ, typedH := rec.last(t)
	assert.Equal(t, url.Values{"transaction": {"tx 1&2"}, "limit": {"0"}, "tags": {"a", "b c"}}, typedQ)
	assert.Equal(t, "192.0.2.7", typedH.Get("RHOMBUS_MY_IP"))
	assert.Equal(t, testKey, typedH.Get("x-auth-apikey"), "the credential is sent with the parameters")

	// The generated client sends the same.
	_, err = gen.FindThingsWithResponse(ctx, params, req)
	require.NoError(t, err)
	genQ, genH := rec.last(t)
	assert.Equal(t, genQ, typedQ)
	assert.Equal(t, genH.Values("RHOMBUS_MY_IP"), typedH.Values("RHOMBUS_MY_IP"))

	// Unset parameters are not sent.
	_, err = c.TestSpecFindThings(ctx, &testapi.FindThingsParams{Limit: ptr(int32(5))}, req)
	require.NoError(t, err)
	q, h := rec.last(t)
	assert.Equal(t, url.Values{"limit": {"5"}}, q)
	assert.NotContains(t, h, "Rhombus_my_ip")
	_, err = c.TestSpecFindThings(ctx, nil, req)
	require.NoError(t, err)
	q, h = rec.last(t)
	assert.Empty(t, q)
	assert.NotContains(t, h, "Rhombus_my_ip")

	// The RUUIDs of the body are checked as for any operation.
	_, err = c.TestSpecFindThings(ctx, params, testapi.ExportUsersRequest{OrgUUID: "not-a-ruuid"})
	assert.ErrorIs(t, err, rhombus.ErrInvalidRequest)
}

// TestUploadsAndExportsSendTheirParameters: an upload's query parameters
// and an export's header parameter are sent by their typed methods too.
func TestUploadsAndExportsSendTheirParameters(t *testing.T) {
	t.Run("upload", func(t *testing.T) {
		c, _, rec := paramsServer(t, "application/json", `{"url":"https://example.com/plan.png"}`)
		form := rhombus.TestSpecUploadNewFloorPlanForm{File: rhombus.File{Name: "plan.png", Body: strings.NewReader("png")}}
		res, err := c.TestSpecUploadNewFloorPlan(context.Background(), &testapi.UploadNewFloorPlanParams{CreatePersonIfNotFound: ptr(false)}, form)
		require.NoError(t, err)
		assert.Equal(t, "https://example.com/plan.png", res.URL)
		q, h := rec.last(t)
		assert.Equal(t, url.Values{"createPersonIfNotFound": {"false"}}, q, "false is a value, sent")
		assert.True(t, strings.HasPrefix(h.Get("Content-Type"), "multipart/form-data; boundary="), "the form's content type stays: %q", h.Get("Content-Type"))
	})
	t.Run("export", func(t *testing.T) {
		c, _, rec := paramsServer(t, "text/csv; charset=UTF-8", "email\njane@example.com\n")
		s, err := c.TestSpecExportUsers(context.Background(), &testapi.ExportUsersParams{RHOMBUSMYIP: ptr("192.0.2.8")}, testapi.ExportUsersRequest{})
		require.NoError(t, err)
		body, err := io.ReadAll(s)
		require.NoError(t, err)
		require.NoError(t, s.Close())
		assert.Equal(t, "email\njane@example.com\n", string(body))
		q, h := rec.last(t)
		assert.Empty(t, q)
		assert.Equal(t, "192.0.2.8", h.Get("RHOMBUS_MY_IP"))
		assert.Equal(t, "application/json", h.Get("Content-Type"))
	})
}
