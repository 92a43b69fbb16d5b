package rhombus_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/api"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
	"github.com/rhombuskit/rhombus-go/wrapper/internal/testapi"
	"github.com/rhombuskit/rhombus-go/wrapper/internal/testapi/testops"
)

// licensesAnswer is a getDeviceLicensesForOrg answer with n licenses, each
// with every field of the vendor's example (about 600 bytes).
func licensesAnswer(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"error":false,"deviceLicenses":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"claimKeyUuid":"AAAAAAAAAAAAAAAAAAAAAA","createdOn":"2023-11-07T05:31:56Z","deviceType":"CAMERA","deviceUuid":"AAAAAAAAAAAAAAAAAAAAAA","features":[{"enabled":true,"name":"CLOUD_ARCHIVING"}],"firstAssignedDate":"2023-11-07T05:31:56Z","licenseFamily":"CAMERA","licenseToUnassignEmailState":"NONE","licenseType":"ENTERPRISE","maxDeleteDate":"2023-11-07T05:31:56Z","orgUuid":"AAAAAAAAAAAAAAAAAAAAAA","priorClaimKeyUuid":"AAAAAAAAAAAAAAAAAAAAAA","productCode":"R400-%06d","state":"CLAIMED","trial":false,"updatedOn":"2023-11-07T05:31:56Z","uuid":"AAAAAAAAAAAAAAAAAAAAAA"}`, i)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

// serveBody starts a loopback server answering every request with body,
// for benchmarks that call it through the default client (answering
// builds its client on the server's own).
func serveBody(t testing.TB, body []byte) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// A partner with more licenses than the default cap allows lists them with
// default settings: the operation carries its own cap in the spec. The
// default still guards the other operations, and WithMaxResponseBytes sets
// one cap for all; each refusal names the limit and how to raise it.
func TestAnswerCapsPerOperation(t *testing.T) {
	ctx := context.Background()
	org := api.GetDeviceLicensesForOrgRequest{OrgUUID: rhombus.MustParseRUUID("AAAAAAAAAAAAAAAAAAAAAA")}
	big := licensesAnswer(20000)
	require.Greater(t, int64(len(big)), int64(rhombus.DefaultMaxResponseBytes))

	c, _ := answering(t, jsonAnswer(200, string(big)))
	res, err := c.GetDeviceLicensesForOrg(ctx, org)
	require.NoError(t, err)
	assert.Len(t, res.DeviceLicenses, 20000)

	// createUser has no cap of its own: the default applies.
	_, err = c.CreateUser(ctx, api.CreateUserRequest{Email: "a@example.com"})
	require.ErrorIs(t, err, rhombus.ErrDecode)
	assert.Contains(t, err.Error(), fmt.Sprintf("body exceeds the limit of %d bytes (DefaultMaxResponseBytes; raise it with WithMaxResponseBytes)", rhombus.DefaultMaxResponseBytes))

	// WithMaxResponseBytes wins over the operation's own cap.
	small, _ := answering(t, jsonAnswer(200, string(big)), rhombus.WithMaxResponseBytes(1<<20))
	_, err = small.GetDeviceLicensesForOrg(ctx, org)
	require.ErrorIs(t, err, rhombus.ErrDecode)
	// The refusal of an answer that can be streamed names the way to.
	assert.Contains(t, err.Error(), "body exceeds the limit of 1048576 bytes (set by WithMaxResponseBytes; GetDeviceLicensesForOrgItems reads its deviceLicenses one at a time, uncapped)")

	// An operation's own cap can be lower than the default too, and its
	// refusal says where the limit comes from.
	tc, _ := answering(t, jsonAnswer(200, `{"error":false,"resolution":"`+strings.Repeat("x", 4096)+`"}`), rhombus.WithOperations(testops.Operations...))
	gen, err := testapi.NewClientWithResponses(tc.BaseURL(), testapi.WithHTTPClient(tc))
	require.NoError(t, err)
	_, err = gen.GetCameraConfigWithResponse(ctx, testapi.GetCameraConfigRequest{CameraUUID: rhombus.MustParseRUUID("AAAAAAAAAAAAAAAAAAAAAA")})
	require.ErrorIs(t, err, rhombus.ErrDecode)
	assert.Contains(t, err.Error(), "body exceeds the limit of 2048 bytes (the operation's x-rhombus-max-response-bytes; raise it with WithMaxResponseBytes)")
}
