package rhombus_test

import (
	"context"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/api"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// Fake keys of the configuration tests.
const (
	cfgFileKey    = "test-key-file-123"
	cfgWorkKey    = "test-key-work-456"
	cfgEnvKey     = "test-key-env-789"
	cfgOptionKey  = "test-key-option-000"
	cfgAnyKeyPart = "test-key-"
)

// cfgHome makes an empty home directory with ~/.rhombus, points HOME at it
// and clears the RHOMBUS_* variables; set lists variables to set after that.
func cfgHome(t *testing.T, set map[string]string) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv(rhombus.EnvAPIKey, "")
	t.Setenv(rhombus.EnvProfile, "")
	t.Setenv(rhombus.EnvEndpointURL, "")
	for k, v := range set {
		t.Setenv(k, v)
	}
	require.NoError(t, os.MkdirAll(filepath.Join(home, ".rhombus"), 0o700))
	return home
}

// cfgWrite writes ~/.rhombus/name; nothing when content is empty.
func cfgWrite(t *testing.T, home, name, content string) {
	t.Helper()
	if content == "" {
		return
	}
	require.NoError(t, os.WriteFile(filepath.Join(home, ".rhombus", name), []byte(content), 0o600))
}

func TestFromEnvironment(t *testing.T) {
	// Two servers: A is where each case must end up, B where it must not.
	srvA := newAuthServer(t, false)
	srvB := newAuthServer(t, false)
	fill := func(s string) string {
		return strings.NewReplacer("{{A}}", srvA.URL, "{{B}}", srvB.URL).Replace(s)
	}

	cases := []struct {
		name        string
		credentials string // ~/.rhombus/credentials
		config      string // ~/.rhombus/config
		env         map[string]string
		before      []rhombus.Option // options before FromEnvironment
		after       []rhombus.Option // options after FromEnvironment
		want        authWant
	}{
		{
			name:        "default profile",
			credentials: "[default]\napi_key = " + cfgFileKey + "\n",
			config:      "[default]\nendpoint_url = {{A}}\n",
			want:        authWant{scheme: "api-token", apiKey: cfgFileKey},
		},
		{
			name:        "default profile among others, spaces trimmed",
			credentials: "[work]\napi_key = " + cfgWorkKey + "\n\n[default]\napi_key =    " + cfgFileKey + "   \n",
			config:      "[profile work]\nendpoint_url = {{B}}\n[default]\nendpoint_url =   {{A}}  \n",
			want:        authWant{scheme: "api-token", apiKey: cfgFileKey},
		},
		{
			name:        "RHOMBUS_PROFILE selects a section",
			credentials: "[default]\napi_key = " + cfgFileKey + "\n[work]\napi_key = " + cfgWorkKey + "\n",
			config:      "[default]\nendpoint_url = {{B}}\n[profile work]\nendpoint_url = {{A}}\n",
			env:         map[string]string{rhombus.EnvProfile: "work"},
			want:        authWant{scheme: "api-token", apiKey: cfgWorkKey},
		},
		{
			name:        "RHOMBUS_API_KEY overrides the file",
			credentials: "[default]\napi_key = " + cfgFileKey + "\n",
			config:      "[default]\nendpoint_url = {{A}}\n",
			env:         map[string]string{rhombus.EnvAPIKey: cfgEnvKey},
			want:        authWant{scheme: "api-token", apiKey: cfgEnvKey},
		},
		{
			name:        "RHOMBUS_API_KEY keeps the profile's is_partner",
			credentials: "[default]\napi_key = " + cfgFileKey + "\nis_partner = true\n",
			config:      "[default]\nendpoint_url = {{A}}\n",
			env:         map[string]string{rhombus.EnvAPIKey: cfgEnvKey},
			want:        authWant{scheme: "partner-api-token", apiKey: cfgEnvKey},
		},
		{
			name: "environment only, no files",
			env:  map[string]string{rhombus.EnvAPIKey: cfgEnvKey, rhombus.EnvEndpointURL: "{{A}}"},
			want: authWant{scheme: "api-token", apiKey: cfgEnvKey},
		},
		{
			name:        "explicit profile without a section is fine with RHOMBUS_API_KEY",
			credentials: "[default]\napi_key = " + cfgFileKey + "\n",
			config:      "[profile ci]\nendpoint_url = {{A}}\n[default]\nendpoint_url = {{B}}\n",
			env:         map[string]string{rhombus.EnvProfile: "ci", rhombus.EnvAPIKey: cfgEnvKey},
			want:        authWant{scheme: "api-token", apiKey: cfgEnvKey},
		},
		{
			name:        "is_partner true",
			credentials: "[default]\napi_key = " + cfgFileKey + "\nis_partner = true\n",
			config:      "[default]\nendpoint_url = {{A}}\n",
			want:        authWant{scheme: "partner-api-token", apiKey: cfgFileKey},
		},
		{
			name:        "is_partner false, auth_type token",
			credentials: "[default]\napi_key = " + cfgFileKey + "\nis_partner = false\nauth_type = token\n",
			config:      "[default]\nendpoint_url = {{A}}\n",
			want:        authWant{scheme: "api-token", apiKey: cfgFileKey},
		},
		{
			name:        "RHOMBUS_ENDPOINT_URL overrides the config file",
			credentials: "[default]\napi_key = " + cfgFileKey + "\n",
			config:      "[default]\nendpoint_url = {{B}}\n",
			env:         map[string]string{rhombus.EnvEndpointURL: "{{A}}"},
			want:        authWant{scheme: "api-token", apiKey: cfgFileKey},
		},
		{
			name:        "an option after FromEnvironment overrides the endpoint",
			credentials: "[default]\napi_key = " + cfgFileKey + "\n",
			config:      "[default]\nendpoint_url = {{B}}\n",
			env:         map[string]string{rhombus.EnvEndpointURL: "{{B}}"},
			after:       []rhombus.Option{rhombus.WithEndpoint(srvA.URL)},
			want:        authWant{scheme: "api-token", apiKey: cfgFileKey},
		},
		{
			name:        "an option after FromEnvironment overrides the credential",
			credentials: "[default]\napi_key = " + cfgFileKey + "\n",
			config:      "[default]\nendpoint_url = {{A}}\n",
			after:       []rhombus.Option{rhombus.WithCredential(rhombus.PartnerAPIToken(cfgOptionKey))},
			want:        authWant{scheme: "partner-api-token", apiKey: cfgOptionKey},
		},
		{
			name:        "FromEnvironment overrides an option before it",
			credentials: "[default]\napi_key = " + cfgFileKey + "\n",
			config:      "[default]\nendpoint_url = {{A}}\n",
			before:      []rhombus.Option{rhombus.WithEndpoint(srvB.URL), rhombus.WithCredential(rhombus.APIToken(cfgOptionKey))},
			want:        authWant{scheme: "api-token", apiKey: cfgFileKey},
		},
		{
			name:        "WithClientOrg after a partner profile",
			credentials: "[default]\napi_key = " + cfgFileKey + "\nis_partner = true\n",
			config:      "[default]\nendpoint_url = {{A}}\n",
			after:       []rhombus.Option{rhombus.WithClientOrg(authOrg)},
			want:        authWant{scheme: "partner-api-token", apiKey: cfgFileKey, org: string(authOrg)},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range tc.env {
				env[k] = fill(v)
			}
			home := cfgHome(t, env)
			cfgWrite(t, home, "credentials", tc.credentials)
			cfgWrite(t, home, "config", fill(tc.config))

			beforeA, beforeB := len(srvA.records()), len(srvB.records())
			opts := append(append([]rhombus.Option{}, tc.before...), rhombus.FromEnvironment())
			opts = append(opts, tc.after...)
			opts = append(opts, mtlsNoRetry)
			c, err := rhombus.New(opts...)
			require.NoError(t, err)
			assert.Equal(t, srvA.URL, c.BaseURL(), "the configured endpoint")
			_, err = getLicenses(context.Background(), c)
			require.NoError(t, err)

			recsA, recsB := srvA.records(), srvB.records()
			assert.Len(t, recsB, beforeB, "no request may reach the endpoint that was overridden")
			require.Len(t, recsA, beforeA+1, "the request must reach the configured endpoint")
			assertAuthHeaders(t, recsA[beforeA].header, tc.want)
		})
	}
}

func TestFromEnvironmentDefaultsToUS(t *testing.T) {
	home := cfgHome(t, nil)
	cfgWrite(t, home, "credentials", "[default]\napi_key = "+cfgFileKey+"\n")
	cfgWrite(t, home, "config", "[default]\noutput = json\n[profile other]\nendpoint_url = https://api.example.com\n")
	c, err := rhombus.New(rhombus.FromEnvironment())
	require.NoError(t, err)
	assert.Equal(t, api.ServerURLUnitedStates, c.BaseURL())

	// A region option after FromEnvironment applies too.
	c, err = rhombus.New(rhombus.FromEnvironment(), rhombus.WithRegion(rhombus.RegionEU))
	require.NoError(t, err)
	assert.Equal(t, api.ServerURLEuropeanUnion, c.BaseURL())
}

func TestFromEnvironmentCertificate(t *testing.T) {
	ca := newMTLSCA(t)
	der, key := ca.issue(t, "profile client")
	srv := newMTLSServer(t, ca, nil)

	cases := []struct {
		name       string
		extra      string // more credentials lines
		paths      func(home string) (cert, key string)
		wantScheme string
	}{
		{
			name:       "cert with ~/ paths",
			paths:      func(string) (string, string) { return "~/certs/client.pem", "~/certs/client.key" },
			wantScheme: "api",
		},
		{
			name:       "partner cert",
			extra:      "is_partner = true\n",
			paths:      func(string) (string, string) { return "~/certs/client.pem", "~/certs/client.key" },
			wantScheme: "partner-api",
		},
		{
			name: "cert with absolute paths",
			paths: func(home string) (string, string) {
				return filepath.Join(home, "certs", "client.pem"), filepath.Join(home, "certs", "client.key")
			},
			wantScheme: "api",
		},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			home := cfgHome(t, nil)
			require.NoError(t, os.MkdirAll(filepath.Join(home, "certs"), 0o700))
			mtlsWritePEM(t, filepath.Join(home, "certs"), mtlsCertPEM(der), mtlsPKCS8PEM(t, key))
			certPath, keyPath := tc.paths(home)
			cfgWrite(t, home, "credentials", "[default]\napi_key = "+mtlsKey+"\nauth_type = cert\ncert_file = "+certPath+"\nkey_file = "+keyPath+"\n"+tc.extra)
			cfgWrite(t, home, "config", "[default]\nendpoint_url = "+srv.URL+"\n")

			c, err := rhombus.New(rhombus.FromEnvironment(), rhombus.WithHTTPClient(srv.Client()), mtlsNoRetry)
			require.NoError(t, err)
			_, err = c.GetDeviceLicensesForOrg(context.Background(), api.GetDeviceLicensesForOrgRequest{OrgUUID: authOrg})
			require.NoError(t, err, "the mutual-TLS call must succeed")
			peers, schemes, keyOK := srv.requests()
			require.Len(t, peers, i+1, "the request must reach the configured endpoint")
			require.NotNil(t, peers[i], "the server saw no client certificate")
			assert.Equal(t, "profile client", peers[i].Subject.CommonName, "client certificate subject")
			assert.Equal(t, tc.wantScheme, schemes[i], "x-auth-scheme")
			assert.True(t, keyOK[i], "x-auth-apikey must carry the profile's key exactly once")
		})
	}

	t.Run("negative-serial certificate files load", func(t *testing.T) {
		home := cfgHome(t, nil)
		negDER, negKey := ca.issueNegativeSerial(t, "vendor style", big.NewInt(-7))
		mtlsWritePEM(t, home, mtlsCertPEM(negDER), mtlsSEC1PEM(t, negKey))
		cfgWrite(t, home, "credentials", "[default]\napi_key = "+mtlsKey+"\nauth_type = cert\ncert_file = ~/client.pem\nkey_file = ~/client.key\n")
		c, err := rhombus.New(rhombus.FromEnvironment())
		require.NoError(t, err)
		assert.Contains(t, c.String(), "rhombus.CertificateKey([REDACTED])")
	})
}

func TestFromEnvironmentErrors(t *testing.T) {
	cases := []struct {
		name        string
		credentials string
		config      string
		env         map[string]string
		want        string // exact text; HOME is replaced by the home directory
	}{
		{
			name: "no key, no files",
			want: "rhombus: no API key: set RHOMBUS_API_KEY, or api_key in the [default] section of HOME/.rhombus/credentials",
		},
		{
			name:        "no key in the profile",
			credentials: "[default]\nis_partner = true\n",
			want:        "rhombus: no API key: set RHOMBUS_API_KEY, or api_key in the [default] section of HOME/.rhombus/credentials",
		},
		{
			name:        "no key in the selected profile",
			credentials: "[default]\napi_key = " + cfgFileKey + "\n[work]\nauth_type = token\n",
			env:         map[string]string{rhombus.EnvProfile: "work"},
			want:        "rhombus: no API key: set RHOMBUS_API_KEY, or api_key in the [work] section of HOME/.rhombus/credentials (the profile is from RHOMBUS_PROFILE)",
		},
		{
			name:        "unknown explicit profile",
			credentials: "[default]\napi_key = " + cfgFileKey + "\n",
			env:         map[string]string{rhombus.EnvProfile: "nope"},
			want:        `rhombus: profile "nope" has no section [nope] in HOME/.rhombus/credentials (the profile is from RHOMBUS_PROFILE)`,
		},
		{
			name: "unknown explicit profile, no credentials file",
			env:  map[string]string{rhombus.EnvProfile: "nope"},
			want: `rhombus: profile "nope" has no section [nope] in HOME/.rhombus/credentials (the profile is from RHOMBUS_PROFILE)`,
		},
		{
			name:        "bad is_partner",
			credentials: "[default]\napi_key = " + cfgFileKey + "\nis_partner = yes\n",
			want:        `rhombus: HOME/.rhombus/credentials [default] is_partner: must be true or false (lower case), got "yes"`,
		},
		{
			// The vendor's tool reads only "true" as true: refused, not guessed.
			name:        "is_partner True",
			credentials: "[default]\napi_key = " + cfgFileKey + "\nis_partner = True\n",
			want:        `rhombus: HOME/.rhombus/credentials [default] is_partner: must be true or false (lower case), got "True"`,
		},
		{
			name:        "blank is_partner",
			credentials: "[default]\napi_key = " + cfgFileKey + "\nis_partner =\n",
			want:        `rhombus: HOME/.rhombus/credentials [default] is_partner: must be true or false (lower case), got ""`,
		},
		{
			name:        "bad auth_type",
			credentials: "[default]\napi_key = " + cfgFileKey + "\nauth_type = oauth\n",
			want:        `rhombus: HOME/.rhombus/credentials [default] auth_type: must be token or cert (lower case), got "oauth"`,
		},
		{
			// The vendor's tool compares with == "cert": CERT is a plain token there.
			name:        "auth_type CERT",
			credentials: "[default]\napi_key = " + cfgFileKey + "\nauth_type = CERT\ncert_file = ~/client.pem\nkey_file = ~/client.key\n",
			want:        `rhombus: HOME/.rhombus/credentials [default] auth_type: must be token or cert (lower case), got "CERT"`,
		},
		{
			name:        "blank auth_type",
			credentials: "[default]\napi_key = " + cfgFileKey + "\nauth_type =\n",
			want:        `rhombus: HOME/.rhombus/credentials [default] auth_type: must be token or cert (lower case), got ""`,
		},
		{
			name:        "blank endpoint_url in [default]",
			credentials: "[default]\napi_key = " + cfgFileKey + "\n",
			config:      "[default]\nendpoint_url =\n",
			want:        `rhombus: HOME/.rhombus/config [default] endpoint_url is blank (profile "default"): give the endpoint's URL, or remove the line`,
		},
		{
			name:        "blank endpoint_url in [profile work]",
			credentials: "[work]\napi_key = " + cfgWorkKey + "\n",
			config:      "[default]\nendpoint_url = http://127.0.0.1:1\n[profile work]\nendpoint_url = \n[work]\nendpoint_url = http://127.0.0.1:2\n",
			env:         map[string]string{rhombus.EnvProfile: "work"},
			want:        `rhombus: HOME/.rhombus/config [profile work] endpoint_url is blank (profile "work"): give the endpoint's URL, or remove the line (the profile is from RHOMBUS_PROFILE)`,
		},
		{
			// Set to "" is unset; only white space is a mistake.
			name: "RHOMBUS_ENDPOINT_URL of white space",
			env:  map[string]string{rhombus.EnvAPIKey: cfgEnvKey, rhombus.EnvEndpointURL: " "},
			want: "rhombus: RHOMBUS_ENDPOINT_URL is only white space: unset it, or give a value",
		},
		{
			name: "RHOMBUS_PROFILE of white space",
			env:  map[string]string{rhombus.EnvAPIKey: cfgEnvKey, rhombus.EnvProfile: "\t"},
			want: "rhombus: RHOMBUS_PROFILE is only white space: unset it, or give a value",
		},
		{
			name:        "cert without files",
			credentials: "[default]\napi_key = " + cfgFileKey + "\nauth_type = cert\n",
			want:        "rhombus: HOME/.rhombus/credentials [default]: auth_type cert needs cert_file and key_file",
		},
		{
			name:        "cert without key_file",
			credentials: "[default]\napi_key = " + cfgFileKey + "\nauth_type = cert\ncert_file = ~/client.pem\n",
			want:        "rhombus: HOME/.rhombus/credentials [default]: auth_type cert needs cert_file and key_file",
		},
		{
			name:        "cert file missing",
			credentials: "[default]\napi_key = " + cfgFileKey + "\nauth_type = cert\ncert_file = ~/missing.pem\nkey_file = ~/missing.key\n",
			want:        `rhombus: certificate file: open HOME/missing.pem: no such file or directory (profile "default")`,
		},
		{
			name:        "malformed credentials, a line without =",
			credentials: "[default]\napi_key " + cfgFileKey + "\n",
			want:        "rhombus: HOME/.rhombus/credentials is not a valid INI file",
		},
		{
			name:        "malformed credentials, unclosed section",
			credentials: "[default\napi_key = " + cfgFileKey + "\n",
			want:        "rhombus: HOME/.rhombus/credentials is not a valid INI file",
		},
		{
			name:        "malformed config",
			credentials: "[default]\napi_key = " + cfgFileKey + "\n",
			config:      "[default]\nendpoint_url " + cfgFileKey + ".example.com\n",
			want:        "rhombus: HOME/.rhombus/config is not a valid INI file",
		},
		{
			name:        "plain http endpoint to a remote host",
			credentials: "[default]\napi_key = " + cfgFileKey + "\n",
			config:      "[default]\nendpoint_url = http://example.com\n",
			want:        `rhombus: endpoint "http://example.com": credentials are never sent over plain http except to a loopback host; use https`,
		},
		{
			name: "RHOMBUS_API_KEY with a trailing newline",
			env:  map[string]string{rhombus.EnvAPIKey: cfgEnvKey + "\n"},
			want: "rhombus: the API key has leading or trailing white space",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			home := cfgHome(t, tc.env)
			cfgWrite(t, home, "credentials", tc.credentials)
			cfgWrite(t, home, "config", tc.config)
			c, err := rhombus.New(rhombus.FromEnvironment())
			require.Error(t, err)
			assert.Nil(t, c)
			// No message may hold a key, nor the text of a malformed line.
			assertErrorText(t, err, strings.ReplaceAll(tc.want, "HOME", home), cfgAnyKeyPart, "endpoint_url test")
		})
	}
}
