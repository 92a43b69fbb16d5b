package rhombus_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/api"
	"github.com/rhombuskit/rhombus-go/rhombustest"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
	"github.com/rhombuskit/rhombus-go/wrapper/internal/testapi"
	"github.com/rhombuskit/rhombus-go/wrapper/internal/testapi/testops"
)

// TestFourthOperationNeedsNoWrapperCode calls an operation that openapi.yaml
// does not have, generated from a test-only spec into package testapi, with
// the client as its HTTP doer: credentials, the error model and warnings
// apply with no code written for the operation.
func TestFourthOperationNeedsNoWrapperCode(t *testing.T) {
	var gotHeader http.Header
	var answer string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotHeader = r.Header.Clone()
		assert.Equal(t, "/api/test/getCameraConfig", r.URL.Path)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(answer))
	}))
	t.Cleanup(srv.Close)

	var warnings []rhombus.Warning
	c, err := rhombus.New(
		rhombus.WithEndpoint(srv.URL),
		rhombus.WithCredential(rhombus.APIToken(testKey)),
		rhombus.WithHTTPClient(srv.Client()),
		rhombus.WithOperations(testops.Operations...),
		rhombus.WithWarningHandler(func(_ context.Context, w rhombus.Warning) { warnings = append(warnings, w) }),
	)
	require.NoError(t, err)
	cam, err := testapi.NewClientWithResponses(c.BaseURL(), testapi.WithHTTPClient(c))
	require.NoError(t, err)
	ctx := context.Background()
	req := testapi.GetCameraConfigRequest{CameraUUID: rhombus.MustParseRUUID("AAAAAAAAAAAAAAAAAAAAAA")}

	// Success with a warning: credentials sent, warning delivered, body parsed.
	answer = `{"error":false,"resolution":"4K","warningMsg":"firmware out of date"}`
	res, err := cam.GetCameraConfigWithResponse(ctx, req)
	require.NoError(t, err)
	require.NotNil(t, res.JSON200)
	assert.Equal(t, "4K", res.JSON200.Resolution)
	assert.Equal(t, testKey, gotHeader.Get("x-auth-apikey"))
	assert.Equal(t, "api-token", gotHeader.Get("x-auth-scheme"))
	assert.Equal(t, rhombus.DefaultUserAgent, gotHeader.Get("User-Agent"))
	assert.Equal(t, []rhombus.Warning{{Operation: "getCameraConfig", Message: "firmware out of date"}}, warnings)

	// A 200 with "error": true is an *APIError named after the new operation.
	answer = `{"error":true,"errorMsg":"camera offline"}`
	_, err = cam.GetCameraConfigWithResponse(ctx, req)
	var apiErr *rhombus.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "rhombus: getCameraConfig: HTTP 200 error: camera offline", apiErr.Error())
	assert.ErrorIs(t, err, rhombus.ErrRefused)

	// A malformed answer is a *DecodeError.
	answer = `{"error":fal`
	_, err = cam.GetCameraConfigWithResponse(ctx, req)
	assert.ErrorIs(t, err, rhombus.ErrDecode)
	var decErr *rhombus.DecodeError
	require.True(t, errors.As(err, &decErr))
	assert.Equal(t, "getCameraConfig", decErr.Operation)
}

// TestAPIServesEveryOperation calls the module's own generated client
// through Client.API, the way an operation added to openapi.yaml is called
// before it has a typed method: the same error model applies.
func TestAPIServesEveryOperation(t *testing.T) {
	s := rhombustest.NewServer(t)
	s.Fail(rhombustest.OpCreatePendingRegistration, rhombustest.ErrorEnvelope("duplicate serial"))
	c := s.Client()
	res, err := c.API().CreatePendingRegistrationWithResponse(context.Background(),
		api.CreatePendingRegistrationRequest{SerialNumber: "RH1"})
	assert.Nil(t, res)
	assert.EqualError(t, err, "rhombus: createPendingRegistration: HTTP 200 error: duplicate serial")
	assert.ErrorIs(t, err, rhombus.ErrRefused)

	ok, err := c.API().CreatePendingRegistrationWithResponse(context.Background(),
		api.CreatePendingRegistrationRequest{SerialNumber: "RH1"})
	require.NoError(t, err)
	require.NotNil(t, ok.JSON200, "the generated parser reads the body Do kept")
	assert.Len(t, s.Registrations(s.DefaultOrg()), 1)
}
