package rhombustest_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/fullapi/fullops"
	"github.com/rhombuskit/rhombus-go/rhombustest"
)

// at follows keys from v, a decoded JSON object.
func at(v any, keys ...string) (any, bool) {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[k]; !ok {
			return nil, false
		}
	}
	return v, true
}

// The document marks some properties writeOnly (a secret the client sends,
// such as Brivo's doorToCameraMap): no answer of the fake carries them.
func TestWriteOnlyPropertiesStayOutOfAnswers(t *testing.T) {
	s := rhombustest.NewServer(t, rhombustest.WithSpec(fullops.Spec))
	for _, tc := range []struct {
		path   string
		parent []string
		prop   string
	}{
		{"/api/integrations/getOrgIntegrations", []string{"orgIntegrations", "brivoSettings"}, "doorToCameraMap"},
		{"/api/integrations/org/getOrgIntegrations", []string{"orgIntegrations", "brivoSettings"}, "doorToCameraMap"},
		{"/api/org/getOrgIntegrations", []string{"orgIntegrations", "brivoSettings"}, "doorToCameraMap"},
		{"/api/permission/getPartnerPermissionGroups", nil, "clientPermissionsGroupMap"},
	} {
		r := post(t, s, tc.path, headers(s.Credential(rhombustest.OrgAPIToken)), `{}`)
		require.Equal(t, http.StatusOK, r.status, "%s: %s", tc.path, r.body)
		var v any
		require.NoError(t, json.Unmarshal(r.body, &v))
		parent, ok := at(v, tc.parent...)
		require.True(t, ok, "%s: no %v in %s", tc.path, tc.parent, r.body)
		_, has := at(parent, tc.prop)
		assert.False(t, has, "%s answers with the writeOnly %s", tc.path, tc.prop)
	}
}

// revertCameraSettingsToDefaults and three others declare only a default
// answer: it then describes every answer, a refusal included.
func TestDefaultOnlyOperationsRefuseInTheirDeclaredShape(t *testing.T) {
	s := rhombustest.NewServer(t, rhombustest.WithSpec(fullops.Spec))
	const path = "/api/camera/revertCameraSettingsToDefaults"
	// A bad body (a number where the document wants an object) and a
	// credential used as it may not be: each is refused with the envelope of the
	// default answer, {"error": true, "errorMsg": ...}.
	for _, tc := range []struct {
		name   string
		header http.Header
		body   string
		status int
	}{
		{"bad body", headers(s.Credential(rhombustest.OrgAPIToken)), `7`, http.StatusBadRequest},
		{"x-auth-org with an organisation's key", withOrg(headers(s.Credential(rhombustest.OrgAPIToken)), s.DefaultOrg().String()), `{}`, http.StatusForbidden},
	} {
		r := post(t, s, path, tc.header, tc.body)
		require.Equal(t, tc.status, r.status, "%s: %s", tc.name, r.body)
		env := r.json(t)
		assert.Equal(t, true, env["error"], "%s: %s", tc.name, r.body)
		assert.NotEmpty(t, env["errorMsg"], "%s: %s", tc.name, r.body)
	}
	r := post(t, s, path, headers(s.Credential(rhombustest.OrgAPIToken)), `{}`)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, false, r.json(t)["error"])
}

// The whole document's shared x-auth-scheme parameter, repaired, admits
// the partner key the fake prints (partner-api-token), not api-token alone.
func TestWholeAPIAcceptsThePartnerKey(t *testing.T) {
	s := rhombustest.NewServer(t, rhombustest.WithSpec(fullops.Spec))
	for _, kind := range []rhombustest.CredentialKind{rhombustest.PartnerAPIToken, rhombustest.OrgAPIToken} {
		r := post(t, s, "/api/location/getLocations", headers(s.Credential(kind)), `{}`)
		assert.Equal(t, http.StatusOK, r.status, "%s: %s", kind, r.body)
	}
}

func withOrg(h http.Header, org string) http.Header {
	h.Set("x-auth-org", org)
	return h
}
