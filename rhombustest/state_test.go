package rhombustest_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/api"
	"github.com/rhombuskit/rhombus-go/rhombustest"
	"github.com/rhombuskit/rhombus-go/ruuid"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

func TestCreatePendingRegistration(t *testing.T) {
	s := rhombustest.NewServer(t)
	c := client(t, s, rhombustest.OrgAPIToken)
	ctx := context.Background()
	location := ruuid.MustParse("AAAAAAAAAAAAAAAAAAAAAQ")
	serial, ssid := "RH123456789", "Office_WiFi"

	res, err := c.CreatePendingRegistrationWithResponse(ctx, api.CreatePendingRegistrationRequest{
		SerialNumber: serial, LocationUUID: location, WifiSsid: ssid, WifiPsk: [][]byte{[]byte("secret")},
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode())
	assert.Equal(t, false, envelopeOf(t, res.Body)["error"])

	regs := s.Registrations(s.DefaultOrg())
	require.Len(t, regs, 1, "orgUuid defaults to the caller's organisation")
	assert.Equal(t, rhombustest.Registration{
		OrgUUID: s.DefaultOrg(), SerialNumber: serial, LocationUUID: location,
		WifiSsid: ssid, WifiPsk: [][]byte{[]byte("secret")}, Created: regs[0].Created,
	}, regs[0])

	t.Run("duplicate serial in the same org", func(t *testing.T) {
		org := s.DefaultOrg()
		res, err := c.CreatePendingRegistrationWithResponse(ctx, api.CreatePendingRegistrationRequest{SerialNumber: serial, OrgUUID: org})
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, res.StatusCode())
		assert.Equal(t, true, envelopeOf(t, res.Body)["error"])
		assert.Contains(t, envelopeOf(t, res.Body)["errorMsg"], serial)
		assert.Len(t, s.Registrations(org), 1)
	})

	t.Run("missing serial number", func(t *testing.T) {
		res, err := c.CreatePendingRegistrationWithResponse(ctx, api.CreatePendingRegistrationRequest{WifiSsid: ssid})
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, res.StatusCode())
		assert.Equal(t, true, envelopeOf(t, res.Body)["error"])
		assert.Contains(t, envelopeOf(t, res.Body)["errorMsg"], "serialNumber")
		assert.Len(t, s.Registrations(s.DefaultOrg()), 1)
	})

	t.Run("same serial in another org", func(t *testing.T) {
		other := s.AddOrg("Other")
		r := post(t, s, pathRegistration, headers(rhombus.APIToken(s.AddAPIKey(other, rhombustest.OrgAPIToken))),
			fmt.Sprintf(`{"serialNumber":%q}`, serial))
		require.Equal(t, http.StatusOK, r.status)
		assert.Equal(t, false, r.json(t)["error"])
		assert.Len(t, s.Registrations(other), 1)
	})

	t.Run("partner acting in a client org", func(t *testing.T) {
		h := with(headers(s.Credential(rhombustest.PartnerAPIToken)), "X-Auth-Org", string(s.DefaultOrg()))
		r := post(t, s, pathRegistration, h, `{"serialNumber":"RH-PARTNER"}`)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		assert.Len(t, s.Registrations(s.DefaultOrg()), 2)
		assert.Empty(t, s.Registrations(s.DefaultPartner()))
	})

	t.Run("org not reachable by the caller", func(t *testing.T) {
		r := post(t, s, pathRegistration, headers(s.Credential(rhombustest.OrgAPIToken)), fmt.Sprintf(`{"serialNumber":"RH9","orgUuid":%q}`, s.AddOrg("Stranger")))
		assert.Equal(t, http.StatusForbidden, r.status)
		assert.Contains(t, r.json(t)["msg"], "Access Denied")
	})
}

func TestCreateUser(t *testing.T) {
	s := rhombustest.NewServer(t)
	c := client(t, s, rhombustest.OrgAPIToken)
	ctx := context.Background()
	create := func(email, name string, group ruuid.RUUID) (*api.CreateUserResponse, map[string]any) {
		t.Helper()
		req := api.CreateUserRequest{PermissionGroupUUID: group, AccessibleRhombusApps: []api.RhombusApp{api.RhombusAppCONSOLE},
			Email: email, Name: name}
		res, err := c.CreateUserWithResponse(ctx, req)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, res.StatusCode(), "%s", res.Body)
		return res.JSON200, envelopeOf(t, res.Body)
	}
	group := s.PermissionGroup()

	ok, env := create("Jane.Doe@example.com", "Jane Doe", group)
	assert.Equal(t, false, env["error"])
	assert.Equal(t, api.ResponseStatusSUCCESS, ok.ResponseStatus)
	require.NoError(t, ok.UserUUID.Validate(), "a fresh canonical RUUID")
	users := s.Users(s.DefaultOrg())
	require.Len(t, users, 1)
	assert.Equal(t, ok.UserUUID, users[0].UUID)
	assert.Equal(t, group, users[0].PermissionGroupUUID)
	assert.Equal(t, []api.RhombusApp{api.RhombusAppCONSOLE}, users[0].AccessibleRhombusApps)

	for _, tc := range []struct {
		name, email, user string
		group             ruuid.RUUID
		want              api.ResponseStatus
	}{
		{"same email in another case", "jane.doe@EXAMPLE.com", "Jane Again", group, api.ResponseStatusUSEREXISTS},
		{"unknown permission group", "new@example.com", "New", ruuid.MustParse("AAAAAAAAAAAAAAAAAAAAAA"), api.ResponseStatusPOLICYNOTFOUND},
		{"permission group of another org", "new@example.com", "New", s.AddPermissionGroup(s.AddOrg("Other"), "Ops"), api.ResponseStatusPOLICYNOTFOUND},
		{"missing email", "", "No Mail", "", api.ResponseStatusBADINPUT},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, env := create(tc.email, tc.user, tc.group)
			assert.Equal(t, true, env["error"])
			assert.Equal(t, tc.want, got.ResponseStatus)
			assert.NotEmpty(t, env["errorMsg"])
			assert.Empty(t, got.UserUUID)
			assert.Len(t, s.Users(s.DefaultOrg()), 1)
		})
	}

	t.Run("OAuth token creates in its org", func(t *testing.T) {
		r := post(t, s, pathUser, headers(s.Credential(rhombustest.OAuthAccessToken)), userBody("oauth@example.com"))
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		assert.Len(t, s.Users(s.DefaultOrg()), 2)
	})
}

// Concurrent creation of one email yields exactly one user: the state is
// checked and changed under one lock.
func TestCreateUserConcurrently(t *testing.T) {
	s := rhombustest.NewServer(t)
	var wg sync.WaitGroup
	statuses := make([]string, 20)
	for i := range statuses {
		wg.Go(func() {
			email := "same@example.com"
			if i%2 == 1 {
				email = fmt.Sprintf("user%d@example.com", i)
			}
			r, err := postErr(context.Background(), s, pathUser, headers(s.Credential(rhombustest.OrgAPIToken)), userBody(email))
			if assert.NoError(t, err) && assert.Equal(t, http.StatusOK, r.status) {
				statuses[i] = fmt.Sprint(r.json(t)["responseStatus"])
			}
		})
	}
	wg.Wait()
	var success, exists int
	for i, st := range statuses {
		switch {
		case st == "SUCCESS" && i%2 == 0:
			success++
		case st == "USER_EXISTS":
			exists++
		}
	}
	assert.Equal(t, 1, success)
	assert.Equal(t, 9, exists)
	assert.Len(t, s.Users(s.DefaultOrg()), 11)
}

func TestGetDeviceLicensesForOrg(t *testing.T) {
	s := rhombustest.NewServer(t)
	ctx := context.Background()
	org := s.DefaultOrg()

	t.Run("partner asks about a client org: every field filled", func(t *testing.T) {
		res, err := client(t, s, rhombustest.PartnerAPIToken).GetDeviceLicensesForOrgWithResponse(ctx, api.GetDeviceLicensesForOrgRequest{OrgUUID: org})
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, res.StatusCode(), "%s", res.Body)
		lics := res.JSON200.DeviceLicenses
		require.Len(t, lics, 2)
		for _, l := range lics {
			v := reflect.ValueOf(l)
			for i := range v.NumField() {
				assert.False(t, v.Field(i).IsZero(), "field %s is empty", v.Type().Field(i).Name)
			}
			assert.Equal(t, org, l.OrgUUID)
			require.NoError(t, l.UUID.Validate())
		}
		assert.Equal(t, s.Licenses(org), lics, "what was seeded is what is answered")
	})

	t.Run("org without licenses gets an empty list", func(t *testing.T) {
		other := s.AddOrg("Empty")
		partner := s.AddAPIKey(s.AddPartner("Partner", other), rhombustest.PartnerAPIToken)
		r := post(t, s, pathLicenses, headers(rhombus.PartnerAPIToken(partner)), fmt.Sprintf(`{"orgUuid":%q}`, other))
		require.Equal(t, http.StatusOK, r.status)
		assert.JSONEq(t, `{"deviceLicenses":[],"error":false}`, string(r.body))
	})

	t.Run("added license is answered", func(t *testing.T) {
		other := s.AddOrg("One")
		l := rhombustest.NewDeviceLicense(other)
		s.AddLicense(other, l)
		key := s.AddAPIKey(other, rhombustest.OrgCertificateKey)
		res, err := client(t, s, rhombustest.OrgAPIToken).GetDeviceLicensesForOrgWithResponse(ctx, api.GetDeviceLicensesForOrgRequest{},
			rhombus.CertificateKey(key, tls.Certificate{}).EditRequest)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, res.StatusCode(), "%s", res.Body)
		assert.Equal(t, []api.DeviceLicense{l}, res.JSON200.DeviceLicenses)
	})

	t.Run("org key asking about another org", func(t *testing.T) {
		r := post(t, s, pathLicenses, headers(s.Credential(rhombustest.OrgAPIToken)), fmt.Sprintf(`{"orgUuid":%q}`, s.DefaultPartner()))
		assert.Equal(t, http.StatusForbidden, r.status)
	})
}

// envelopeOf reads the envelope fields of an answer, which the result
// types leave out.
func envelopeOf(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(body, &m), "%s", body)
	return m
}
