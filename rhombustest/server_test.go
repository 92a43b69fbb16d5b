package rhombustest_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/api"
	"github.com/rhombuskit/rhombus-go/rhombustest"
	"github.com/rhombuskit/rhombus-go/ruuid"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

func TestNewServerSeedsDistinctRandomCredentials(t *testing.T) {
	s1, s2 := rhombustest.NewServer(t), rhombustest.NewServer(t)
	require.True(t, strings.HasPrefix(s1.URL, "http://127.0.0.1:") || strings.HasPrefix(s1.URL, "http://[::1]:"), s1.URL)

	seen := map[string]bool{}
	for _, s := range []*rhombustest.Server{s1, s2} {
		for _, kind := range rhombustest.Kinds() {
			key := s.Key(kind)
			require.NotEmpty(t, key, kind)
			require.False(t, seen[key], "key of %s repeated", kind)
			seen[key] = true
		}
		for _, id := range []ruuid.RUUID{s.DefaultOrg(), s.DefaultPartner(), s.PermissionGroup()} {
			require.NoError(t, id.Validate())
		}
	}
}

func TestEveryCredentialKindIsAccepted(t *testing.T) {
	s := rhombustest.NewServer(t)
	for _, kind := range rhombustest.Kinds() {
		t.Run(kind.String(), func(t *testing.T) {
			org := s.DefaultOrg() // a partner names its client organisation
			res, err := client(t, s, kind).GetDeviceLicensesForOrgWithResponse(context.Background(), api.GetDeviceLicensesForOrgRequest{OrgUUID: org})
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, res.StatusCode(), "%s", res.Body)
			assert.Len(t, res.JSON200.DeviceLicenses, 2)
		})
	}
}

func TestUnstartedServerCanBeSeededFirst(t *testing.T) {
	s := rhombustest.NewUnstartedServer(t)
	assert.Empty(t, s.URL)
	assert.Nil(t, s.HTTPClient())
	org := s.AddOrg("Acme")
	key := s.AddAPIKey(org, rhombustest.OrgAPIToken)
	require.NoError(t, s.Start())

	r := post(t, s, pathRegistration, headers(rhombus.APIToken(key)), `{"serialNumber":"RH1"}`)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	require.Len(t, s.Registrations(org), 1)
	assert.Empty(t, s.Registrations(s.DefaultOrg()))
}

func TestStandaloneStartAndClose(t *testing.T) {
	var mu sync.Mutex
	var lines []string
	s := rhombustest.NewUnstartedServer(nil, rhombustest.WithLogf(func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, fmt.Sprintf(format, args...))
	}))
	require.NoError(t, s.Start())
	require.Error(t, s.Start(), "a server starts once")
	r := post(t, s, pathUser, headers(s.Credential(rhombustest.OrgAPIToken)), userBody("a@example.com"))
	require.Equal(t, http.StatusOK, r.status)
	s.Close()
	s.Close() // a second Close is harmless

	_, err := postErr(context.Background(), s, pathUser, headers(s.Credential(rhombustest.OrgAPIToken)), userBody("b@example.com"))
	require.Error(t, err, "a closed server must refuse connections")

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, lines, 1)
	assert.Contains(t, lines[0], "createUser")
	assert.NotContains(t, lines[0], s.Key(rhombustest.OrgAPIToken))
}

func TestKeepAliveReusesOneConnection(t *testing.T) {
	s := rhombustest.NewServer(t)
	c := client(t, s, rhombustest.OrgAPIToken)
	for i := range 5 {
		email := fmt.Sprintf("user%d@example.com", i)
		res, err := c.CreateUserWithResponse(context.Background(), api.CreateUserRequest{Email: email, Name: email})
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, res.StatusCode())
	}
	assert.Equal(t, 1, s.Connections())
}

func TestRequestsAreRecordedInOrderWithSecretsRedacted(t *testing.T) {
	s := rhombustest.NewServer(t)
	post(t, s, pathUser, headers(s.Credential(rhombustest.OrgAPIToken)), userBody("a@example.com"))
	post(t, s, pathLicenses, headers(s.Credential(rhombustest.OAuthAccessToken)), `{}`)
	post(t, s, pathUser, http.Header{}, `{}`)

	reqs := s.Requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, []string{"createUser", "getDeviceLicensesForOrg", "createUser"},
		[]string{reqs[0].Operation, reqs[1].Operation, reqs[2].Operation})
	assert.Equal(t, []int{200, 200, 401}, []int{reqs[0].Status, reqs[1].Status, reqs[2].Status})
	assert.Equal(t, "REDACTED", reqs[0].Header.Get("X-Auth-Apikey"))
	assert.Equal(t, "api-token", reqs[0].Header.Get("X-Auth-Scheme"))
	assert.Equal(t, "REDACTED", reqs[1].Header.Get("X-Auth-Access-Token"))
	assert.JSONEq(t, userBody("a@example.com"), string(reqs[0].Body))
	assert.False(t, reqs[1].Time.Before(reqs[0].Time))
	for _, r := range reqs {
		for _, v := range r.Header {
			for _, kind := range rhombustest.Kinds() {
				assert.NotContains(t, v, s.Key(kind))
			}
		}
	}
}

func TestPathsAndMethodsOutsideTheSpec(t *testing.T) {
	s := rhombustest.NewServer(t)

	req, err := http.NewRequest(http.MethodGet, s.URL+pathUser, nil)
	require.NoError(t, err)
	res, err := s.HTTPClient().Do(req)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, res.StatusCode)
	assert.Equal(t, http.MethodPost, res.Header.Get("Allow"))

	// A path no Rhombus document has, so the test holds whatever is imported.
	r := post(t, s, "/api/user/noSuchOperation", headers(s.Credential(rhombustest.OrgAPIToken)), `{}`)
	assert.Equal(t, http.StatusNotFound, r.status)
	assert.Empty(t, s.Users(s.DefaultOrg()))
}

// The fake checks its own answers against the spec: an answer outside it
// (here a license with an enum value the spec does not have) fails the
// test that owns the server.
func TestContractViolationFailsTheOwningTest(t *testing.T) {
	tb := &recordingTB{TB: t}
	s := rhombustest.NewServer(tb)
	bad := rhombustest.NewDeviceLicense(s.DefaultOrg())
	bad.State = api.LicenseState("MELTED")
	s.AddLicense(s.DefaultOrg(), bad)

	r := post(t, s, pathLicenses, headers(s.Credential(rhombustest.OrgAPIToken)), `{}`)
	assert.Equal(t, http.StatusOK, r.status)
	reports := tb.reports()
	require.Len(t, reports, 1)
	assert.Contains(t, reports[0], "outside the spec")
	assert.Contains(t, reports[0], "getDeviceLicensesForOrg")
}

// A client from Client checks each answer against the spec from its own
// side too, so an off-contract answer is reported twice; a certificate
// credential, which needs the plain transport, is checked by the server
// alone.
func TestClientChecksAnswersFromItsSide(t *testing.T) {
	tb := &recordingTB{TB: t}
	s := rhombustest.NewServer(tb)
	bad := rhombustest.NewDeviceLicense(s.DefaultOrg())
	bad.State = api.LicenseState("MELTED")
	s.AddLicense(s.DefaultOrg(), bad)
	req := api.GetDeviceLicensesForOrgRequest{OrgUUID: s.DefaultOrg()}

	_, err := s.Client().GetDeviceLicensesForOrg(context.Background(), req)
	require.NoError(t, err)
	reports := tb.reports()
	require.Len(t, reports, 2)
	assert.Contains(t, reports[1], "client-side contract check")

	cert := s.Client(rhombus.WithCredential(s.Credential(rhombustest.OrgCertificateKey)))
	_, err = cert.GetDeviceLicensesForOrg(context.Background(), req)
	require.NoError(t, err)
	assert.Len(t, tb.reports(), 3, "the server's own check only")
}

// Start gives a program the error a test would fail with.
func TestStartReturnsTheListenError(t *testing.T) {
	taken := rhombustest.NewServer(t)
	s := rhombustest.NewUnstartedServer(nil, rhombustest.WithAddr(strings.TrimPrefix(taken.URL, "http://")))
	err := s.Start()
	assert.ErrorIs(t, err, syscall.EADDRINUSE)
	s.Close()
}

func TestSeedingMisuseIsReported(t *testing.T) {
	tb := &recordingTB{TB: t}
	s := rhombustest.NewServer(tb)
	assert.Empty(t, s.AddAPIKey(s.DefaultOrg(), rhombustest.PartnerAPIToken), "a plain org cannot hold a partner key")
	assert.Empty(t, s.AddAPIKey(ruuid.RUUID("AAAAAAAAAAAAAAAAAAAAAA"), rhombustest.OrgAPIToken), "unknown org")
	assert.NotEmpty(t, s.AddPartner("Partner", ruuid.RUUID("AAAAAAAAAAAAAAAAAAAAAA")), "the partner is made, without the unknown client")
	s.Fail("deleteEverything", rhombustest.ServerError(500))
	s.Fail("createUser", rhombustest.ServerError(404))
	s.Fail("createUser", rhombustest.Unauthorized().Times(0))
	s.Fail("createUser", rhombustest.Unauthorized().Times(-1))
	assert.Len(t, tb.reports(), 7)

	r := post(t, s, pathUser, headers(s.Credential(rhombustest.OrgAPIToken)), userBody("a@example.com"))
	assert.Equal(t, http.StatusOK, r.status, "misused Fail calls script nothing")
}

func TestWithoutDefaults(t *testing.T) {
	s := rhombustest.NewServer(t, rhombustest.WithoutDefaults())
	assert.Empty(t, s.Key(rhombustest.OrgAPIToken))
	assert.Empty(t, s.DefaultOrg())
	r := post(t, s, pathUser, headers(s.Credential(rhombustest.OrgAPIToken)), `{}`)
	assert.Equal(t, http.StatusUnauthorized, r.status)
}
