package rhombustest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/rhombuskit/rhombus-go/rhombustest"
)

// Bad input gets a 2xx or 4xx answer inside the contract: never a 5xx, a
// panic or a report.
func TestOddInputIsAnsweredWithinTheContract(t *testing.T) {
	tb := &recordingTB{TB: t}
	s := rhombustest.NewServer(tb)
	org := headers(s.Credential(rhombustest.OrgAPIToken))
	partner := headers(s.Credential(rhombustest.PartnerAPIToken))

	for _, tc := range []struct {
		name   string
		path   string
		header http.Header
		body   string
		status int
	}{
		{"body over 1 MiB", pathUser, org, `{"name":"` + strings.Repeat("a", 2<<20) + `"}`, 400},
		{"deep nesting", pathUser, org, strings.Repeat("[", 20000), 400},
		{"invalid UTF-8", pathUser, org, "{\"email\":\"\xff\xfe\",\"name\":\"x\"}", 200},
		{"base64url in wifiPsk", pathRegistration, org, `{"serialNumber":"RH1","wifiPsk":["a-_b"]}`, 400},
		{"unknown provisioner type", pathUser, org, `{"email":"p@x.y","name":"P","rhombusKeySettings":{"credentialProvisioningRules":{"startDateProvisioner":{"type":"Other","value":1}}}}`, 400},
		{"known provisioner type", pathUser, org, `{"email":"q@x.y","name":"Q","rhombusKeySettings":{"credentialProvisioningRules":{"startDateProvisioner":{"type":"StaticEpochSecondsProvisioner","value":1700000000}}}}`, 200},
		{"number out of range", pathUser, org, `{"email":"r@x.y","name":"R","rhombusKeySettings":{"credentialProvisioningRules":{"maxMobileCredsAllowed":1e400}}}`, 400},
		{"nulls everywhere", pathUser, org, `{"email":null,"name":null,"permissionGroupUuid":null,"accessibleRhombusApps":null}`, 200},
		{"unknown fields", pathUser, org, `{"email":"u@x.y","name":"U","favouriteColour":"teal"}`, 200},
		{"charset parameter", pathUser, with(org, "Content-Type", "application/json; charset=utf-8"), `{"email":"c@x.y","name":"C"}`, 200},
		{"empty x-auth-org", pathRegistration, with(partner, "X-Auth-Org", ""), `{"serialNumber":"RH2"}`, 400},
		{"empty scheme", pathUser, with(org, "X-Auth-Scheme", ""), `{}`, 401},
		{"long scheme", pathUser, with(org, "X-Auth-Scheme", strings.Repeat("x", 4096)), `{}`, 400},
		{"orgUuid null", pathLicenses, org, `{"orgUuid":null}`, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := postErr(t.Context(), s, tc.path, tc.header, tc.body)
			if assert.NoError(t, err) {
				assert.Equal(t, tc.status, r.status, "%.300s", r.body)
			}
		})
	}
	assert.Empty(t, tb.reports())
}
