package rhombustest_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/api"
	"github.com/rhombuskit/rhombus-go/rhombustest"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// Requests the spec forbids get the real API's answer, name the reason,
// and change nothing.
func TestRefusedRequests(t *testing.T) {
	s := rhombustest.NewServer(t)
	org := headers(s.Credential(rhombustest.OrgAPIToken))
	partner := headers(s.Credential(rhombustest.PartnerAPIToken))
	stranger := s.AddOrg("Stranger")
	good := userBody("jane@example.com")

	for _, tc := range []struct {
		name   string
		path   string
		header http.Header
		body   string
		status int
		msg    []string // substrings of msg (400, 403)
	}{
		{"missing x-auth-scheme", pathUser, http.Header{"X-Auth-Apikey": {s.Key(rhombustest.OrgAPIToken)}}, good, 401, nil},
		{"missing key", pathUser, http.Header{"X-Auth-Scheme": {"api-token"}}, good, 401, nil},
		{"unknown key", pathUser, headers(rhombus.APIToken("not-a-key")), good, 401, nil},
		{"org key under a partner scheme", pathRegistration, headers(rhombus.PartnerAPIToken(s.Key(rhombustest.OrgAPIToken))), `{"serialNumber":"X"}`, 401, nil},
		{"OAuth token in x-auth-apikey", pathUser, headers(rhombus.APIToken(s.Key(rhombustest.OAuthAccessToken))), good, 401, nil},
		{"x-auth-scheme not a scheme", pathUser, with(org, "X-Auth-Scheme", "basic"), good, 400, []string{"x-auth-scheme"}},
		{"partner scheme on createUser", pathUser, partner, good, 403, []string{"Access Denied", "partner-api-token", "createUser"}},
		{"partner certificate scheme on createUser", pathUser, headers(s.Credential(rhombustest.PartnerCertificateKey)), good, 403, []string{"partner-api", "createUser"}},
		{"certificate scheme on createUser", pathUser, headers(s.Credential(rhombustest.OrgCertificateKey)), good, 403, []string{`"api"`, "createUser"}},
		{"x-auth-org with an org key", pathRegistration, with(org, "X-Auth-Org", string(s.DefaultOrg())), `{"serialNumber":"X"}`, 403, []string{"x-auth-org"}},
		{"x-auth-org not managed", pathRegistration, with(partner, "X-Auth-Org", string(stranger)), `{"serialNumber":"X"}`, 403, []string{"not managed"}},
		{"x-auth-org not a RUUID", pathRegistration, with(partner, "X-Auth-Org", "acme"), `{"serialNumber":"X"}`, 400, []string{"x-auth-org"}},
		{"invalid RUUID (length)", pathUser, org, `{"email":"a@b.c","name":"A","permissionGroupUuid":"abc"}`, 400, []string{"permissionGroupUuid"}},
		{"invalid RUUID (last character)", pathUser, org, `{"email":"a@b.c","name":"A","permissionGroupUuid":"AAAAAAAAAAAAAAAAAAAAAB"}`, 400, []string{"permissionGroupUuid"}},
		{"invalid RUUID (alphabet)", pathRegistration, org, `{"serialNumber":"X","locationUuid":"AAAAAAAAAAAAAAAAAAAA+A"}`, 400, []string{"locationUuid"}},
		{"unknown enum value", pathUser, org, `{"email":"a@b.c","name":"A","accessibleRhombusApps":["CONSOLE","DOORMAN"]}`, 400, []string{"accessibleRhombusApps[1]", "allowed values"}},
		{"repeated set item", pathUser, org, `{"email":"a@b.c","name":"A","accessibleRhombusApps":["CONSOLE","CONSOLE"]}`, 400, []string{"accessibleRhombusApps"}},
		{"wrong type", pathUser, org, `{"email":5,"name":"A"}`, 400, []string{"email"}},
		{"nested wrong type", pathUser, org, `{"email":"a@b.c","name":"A","rhombusKeySettings":{"credentialProvisioningRules":{"maxMobileCredsAllowed":"three"}}}`, 400, []string{"rhombusKeySettings.credentialProvisioningRules.maxMobileCredsAllowed"}},
		{"wifiPsk not base64", pathRegistration, org, `{"serialNumber":"X","wifiPsk":["not base64!"]}`, 400, []string{"wifiPsk[0]"}},
		{"wrong content type", pathUser, with(org, "Content-Type", "text/plain"), good, 400, []string{"Content-Type", "application/json"}},
		{"form content type", pathUser, with(org, "Content-Type", "application/x-www-form-urlencoded"), "email=a", 400, []string{"Content-Type"}},
		{"empty body", pathUser, org, "", 400, []string{"{}"}},
		{"malformed JSON", pathUser, org, `{"email":`, 400, []string{"Malformed JSON"}},
		{"body not an object", pathUser, org, `["a@b.c"]`, 400, nil},
		{"null body", pathUser, org, `null`, 400, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := post(t, s, tc.path, tc.header, tc.body)
			require.Equal(t, tc.status, r.status, "%s", r.body)
			body := r.json(t)
			switch tc.status {
			case 400:
				assert.Equal(t, "Bad Request", body["error"])
			case 401:
				assert.Equal(t, map[string]any{"authenticationFailed": true}, body)
				assert.True(t, strings.HasPrefix(r.header.Get("WWW-Authenticate"), `Bearer resource_metadata="`), r.header.Get("WWW-Authenticate"))
			case 403:
				assert.Equal(t, "Forbidden", body["error"])
				assert.EqualValues(t, 403, body["status"])
				assert.IsType(t, float64(0), body["timestamp"])
			}
			for _, want := range tc.msg {
				assert.Contains(t, body["msg"], want)
			}
			for _, kind := range rhombustest.Kinds() {
				assert.NotContains(t, string(r.body), s.Key(kind), "an answer must not echo a key")
			}
		})
	}
	assert.Empty(t, s.Users(s.DefaultOrg()), "refused requests change nothing")
	assert.Empty(t, s.Registrations(s.DefaultOrg()))
	assert.Empty(t, s.Registrations(stranger))
}

// The same refusals through the generated client's raw-body methods, the
// way a caller that bypasses the typed models would hit them.
func TestRefusedThroughGeneratedClient(t *testing.T) {
	s := rhombustest.NewServer(t)
	ctx := context.Background()

	res, err := client(t, s, rhombustest.OrgAPIToken).CreateUserWithBodyWithResponse(ctx, "application/json",
		strings.NewReader(`{"email":"a@b.c","name":"A","permissionGroupUuid":"not-a-ruuid"}`))
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, res.StatusCode())
	assert.Contains(t, res.JSON400.Msg, "permissionGroupUuid")

	res, err = client(t, s, rhombustest.PartnerAPIToken).CreateUserWithResponse(ctx, api.CreateUserRequest{})
	require.NoError(t, err)
	require.Equal(t, http.StatusForbidden, res.StatusCode())
	assert.Contains(t, res.JSON403.Msg, "partner-api-token")

	noAuth, err := api.NewClientWithResponses(s.URL, api.WithHTTPClient(s.HTTPClient()))
	require.NoError(t, err)
	res, err = noAuth.CreateUserWithResponse(ctx, api.CreateUserRequest{})
	require.NoError(t, err)
	require.Equal(t, http.StatusUnauthorized, res.StatusCode())
	assert.True(t, *res.JSON401.AuthenticationFailed)
	assert.NotEmpty(t, res.HTTPResponse.Header.Get("WWW-Authenticate"))

	res, err = client(t, s, rhombustest.OrgAPIToken).CreateUserWithBodyWithResponse(ctx, "text/html", strings.NewReader(`{}`))
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, res.StatusCode())
	assert.Contains(t, res.JSON400.Msg, "Content-Type")

	assert.Empty(t, s.Users(s.DefaultOrg()))
}
