package rhombus_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

const (
	cfgStagingKey = "test-key-staging-111"
	cfgPartnerKey = "test-key-partner-222"
)

// vendorFiles are the vendor tool's layouts of ~/.rhombus, with {{PROD}}
// and {{STAGING}} standing for two loopback servers.
const vendorCredentials = "[default]\napi_key = " + cfgFileKey + "\n\n" +
	"[staging]\napi_key = " + cfgStagingKey + "\n\n" +
	"[partner]\napi_key = " + cfgPartnerKey + "\nis_partner = true\n\n" +
	"[bare]\napi_key = " + cfgWorkKey + "\n"

// TestVendorConfigurationLayouts sends one request for each layout of the
// vendor tool's files and checks which key reached which server: a named
// profile's key must reach the endpoint that profile chose, or nothing.
func TestVendorConfigurationLayouts(t *testing.T) {
	prod := newAuthServer(t, false)
	staging := newAuthServer(t, false)
	fill := strings.NewReplacer("{{PROD}}", prod.URL, "{{STAGING}}", staging.URL).Replace

	cases := []struct {
		name        string
		credentials string // vendorCredentials when empty
		config      string
		env         map[string]string
		noHome      bool           // $HOME unset, the working directory is the home directory
		opt         rhombus.Option // the configuration option; FromEnvironment when nil
		after       []rhombus.Option
		server      string // "prod" or "staging"; "" when New must refuse
		want        authWant
		wantErr     error    // a sentinel the refusal matches, if any
		errText     []string // what the refusal must say
	}{
		{
			name:   "default profile, [default] endpoint",
			config: "[default]\nendpoint_url = {{PROD}}\n",
			server: "prod", want: authWant{scheme: "api-token", apiKey: cfgFileKey},
		},
		{
			name:   "[profile staging] section",
			config: "[default]\nendpoint_url = {{PROD}}\n[profile staging]\nendpoint_url = {{STAGING}}\n",
			env:    map[string]string{rhombus.EnvProfile: "staging"},
			server: "staging", want: authWant{scheme: "api-token", apiKey: cfgStagingKey},
		},
		{
			name:   "[staging] section, as the vendor's tool also accepts",
			config: "[default]\nendpoint_url = {{PROD}}\n[staging]\nendpoint_url = {{STAGING}}\n",
			env:    map[string]string{rhombus.EnvProfile: "staging"},
			server: "staging", want: authWant{scheme: "api-token", apiKey: cfgStagingKey},
		},
		{
			name:   "[profile staging] wins over [staging]",
			config: "[profile staging]\nendpoint_url = {{STAGING}}\n[staging]\nendpoint_url = {{PROD}}\n",
			opt:    rhombus.FromProfile("staging"),
			server: "staging", want: authWant{scheme: "api-token", apiKey: cfgStagingKey},
		},
		{
			name:    "named profile without an endpoint is refused",
			config:  "[default]\nendpoint_url = {{PROD}}\n",
			opt:     rhombus.FromProfile("staging"),
			wantErr: rhombus.ErrNoEndpoint,
		},
		{
			name:   "named profile without an endpoint, region chosen by an option",
			config: "[default]\nendpoint_url = {{PROD}}\n",
			opt:    rhombus.FromProfile("staging"),
			after:  []rhombus.Option{rhombus.WithEndpoint(staging.URL)},
			server: "staging", want: authWant{scheme: "api-token", apiKey: cfgStagingKey},
		},
		{
			name:   "named profile without an endpoint, RHOMBUS_ENDPOINT_URL",
			env:    map[string]string{rhombus.EnvProfile: "bare", rhombus.EnvEndpointURL: "{{STAGING}}"},
			server: "staging", want: authWant{scheme: "api-token", apiKey: cfgWorkKey},
		},
		{
			name:   "partner profile",
			config: "[profile partner]\nendpoint_url = {{PROD}}\n",
			opt:    rhombus.FromProfile("partner"),
			after:  []rhombus.Option{rhombus.WithClientOrg(authOrg)},
			server: "prod", want: authWant{scheme: "partner-api-token", apiKey: cfgPartnerKey, org: string(authOrg)},
		},
		{
			name:   "RHOMBUS_API_KEY overrides the profile's key, keeps its is_partner",
			config: "[partner]\nendpoint_url = {{STAGING}}\n",
			env:    map[string]string{rhombus.EnvProfile: "partner", rhombus.EnvAPIKey: cfgEnvKey},
			server: "staging", want: authWant{scheme: "partner-api-token", apiKey: cfgEnvKey},
		},
		{
			name:   "RHOMBUS_ENDPOINT_URL overrides the profile's endpoint",
			config: "[default]\nendpoint_url = {{PROD}}\n",
			env:    map[string]string{rhombus.EnvEndpointURL: "{{STAGING}}"},
			server: "staging", want: authWant{scheme: "api-token", apiKey: cfgFileKey},
		},
		{
			// The vendor's tool reads only [profile staging] when it exists,
			// and so sends the key to production: refused here.
			name:    "[profile staging] without endpoint_url, [staging] with one",
			config:  "[default]\nendpoint_url = {{PROD}}\n[profile staging]\noutput = json\n[staging]\nendpoint_url = {{STAGING}}\n",
			opt:     rhombus.FromProfile("staging"),
			wantErr: rhombus.ErrNoEndpoint,
			errText: []string{"no endpoint_url", "the endpoint_url of [staging] is not used: [profile staging] exists"},
		},
		{
			name:   "[profile staging] without endpoint_url, [staging] with one, endpoint chosen",
			config: "[profile staging]\noutput = json\n[staging]\nendpoint_url = {{PROD}}\n",
			env:    map[string]string{rhombus.EnvProfile: "staging", rhombus.EnvEndpointURL: "{{STAGING}}"},
			server: "staging", want: authWant{scheme: "api-token", apiKey: cfgStagingKey},
		},
		{
			// The vendor's tool sends a plain token for anything but "true".
			name:        "is_partner = True is refused",
			credentials: "[partner]\napi_key = " + cfgPartnerKey + "\nis_partner = True\n",
			config:      "[profile partner]\nendpoint_url = {{PROD}}\n",
			opt:         rhombus.FromProfile("partner"),
			errText:     []string{"credentials [partner] is_partner: must be true or false (lower case)", `got "True"`},
		},
		{
			name:        "is_partner = yes is refused",
			credentials: "[partner]\napi_key = " + cfgPartnerKey + "\nis_partner = yes\n",
			config:      "[profile partner]\nendpoint_url = {{PROD}}\n",
			opt:         rhombus.FromProfile("partner"),
			errText:     []string{"credentials [partner] is_partner: must be true or false (lower case)", `got "yes"`},
		},
		{
			name:        "is_partner = false",
			credentials: "[partner]\napi_key = " + cfgPartnerKey + "\nis_partner = false\n",
			config:      "[profile partner]\nendpoint_url = {{PROD}}\n",
			opt:         rhombus.FromProfile("partner"),
			server:      "prod", want: authWant{scheme: "api-token", apiKey: cfgPartnerKey},
		},
		{
			// The vendor's tool sends a certificate key as a plain token then.
			name:        "auth_type = cert without certificate files is refused",
			credentials: "[staging]\napi_key = " + cfgStagingKey + "\nauth_type = cert\n",
			config:      "[profile staging]\nendpoint_url = {{STAGING}}\n",
			opt:         rhombus.FromProfile("staging"),
			errText:     []string{"credentials [staging]: auth_type cert needs cert_file and key_file"},
		},
		{
			name:        "an unknown auth_type is refused",
			credentials: "[staging]\napi_key = " + cfgStagingKey + "\nauth_type = certificate\n",
			config:      "[profile staging]\nendpoint_url = {{STAGING}}\n",
			opt:         rhombus.FromProfile("staging"),
			errText:     []string{"credentials [staging] auth_type: must be token or cert (lower case)", `got "certificate"`},
		},
		{
			// The vendor's tool fails; falling back would send the key to production.
			name:    "a blank endpoint_url is refused",
			config:  "[default]\nendpoint_url =\n",
			errText: []string{"config [default] endpoint_url is blank", `(profile "default")`},
		},
		{
			name:    "a blank endpoint_url in [profile staging] is refused, [staging] is not read",
			config:  "[profile staging]\nendpoint_url = \n[staging]\nendpoint_url = {{STAGING}}\n",
			opt:     rhombus.FromProfile("staging"),
			errText: []string{"config [profile staging] endpoint_url is blank", `(profile "staging")`},
		},
		{
			name:   "RHOMBUS_ENDPOINT_URL set to \"\" is unset",
			config: "[default]\nendpoint_url = {{STAGING}}\n",
			env:    map[string]string{rhombus.EnvEndpointURL: ""},
			server: "staging", want: authWant{scheme: "api-token", apiKey: cfgFileKey},
		},
		{
			// The vendor's tool reads ./.rhombus then: refused when it exists.
			name:    "$HOME unset, .rhombus in the working directory",
			config:  "[default]\nendpoint_url = {{PROD}}\n",
			noHome:  true,
			errText: []string{"$HOME is unset", "the working directory has a .rhombus folder", "set HOME"},
		},
		{
			name:   "explicit Config ignores the environment",
			config: "[profile staging]\nendpoint_url = {{STAGING}}\n",
			env:    map[string]string{rhombus.EnvProfile: "partner", rhombus.EnvAPIKey: cfgEnvKey, rhombus.EnvEndpointURL: "{{PROD}}"},
			opt:    rhombus.FromConfig(rhombus.Config{Profile: "staging"}),
			server: "staging", want: authWant{scheme: "api-token", apiKey: cfgStagingKey},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range tc.env {
				env[k] = fill(v)
			}
			home := cfgHome(t, env)
			creds := vendorCredentials
			if tc.credentials != "" {
				creds = tc.credentials
			}
			cfgWrite(t, home, "credentials", creds)
			cfgWrite(t, home, "config", fill(tc.config))
			if tc.noHome {
				t.Setenv("HOME", "")
				t.Chdir(home)
			}
			opt := tc.opt
			if opt == nil {
				opt = rhombus.FromEnvironment()
			}
			opts := append(append([]rhombus.Option{opt}, tc.after...), mtlsNoRetry)

			beforeProd, beforeStaging := len(prod.records()), len(staging.records())
			c, err := rhombus.New(opts...)
			if tc.server == "" {
				require.Error(t, err)
				if tc.wantErr != nil {
					assert.True(t, errors.Is(err, tc.wantErr), "errors.Is(%v, %v)", err, tc.wantErr)
				}
				for _, want := range tc.errText {
					assert.Contains(t, err.Error(), want)
				}
				assert.NotContains(t, err.Error(), cfgAnyKeyPart)
				assert.Len(t, prod.records(), beforeProd, "nothing may be sent")
				assert.Len(t, staging.records(), beforeStaging, "nothing may be sent")
				return
			}
			require.NoError(t, err)
			_, err = getLicenses(context.Background(), c)
			require.NoError(t, err)

			hit, other := prod, staging
			beforeHit, beforeOther := beforeProd, beforeStaging
			if tc.server == "staging" {
				hit, other = staging, prod
				beforeHit, beforeOther = beforeStaging, beforeProd
			}
			assert.Len(t, other.records(), beforeOther, "no request may reach the other endpoint")
			recs := hit.records()
			require.Len(t, recs, beforeHit+1, "the request must reach the %s endpoint", tc.server)
			assertAuthHeaders(t, recs[beforeHit].header, tc.want)
		})
	}
}

// TestNamedProfileWithoutEndpointSaysWhy checks the refusal names the
// profile, both files and the ways to choose an endpoint.
func TestNamedProfileWithoutEndpointSaysWhy(t *testing.T) {
	home := cfgHome(t, map[string]string{rhombus.EnvProfile: "staging"})
	cfgWrite(t, home, "credentials", vendorCredentials)
	_, err := rhombus.New(rhombus.FromEnvironment())
	require.ErrorIs(t, err, rhombus.ErrNoEndpoint)
	msg := err.Error()
	for _, want := range []string{`profile "staging"`, filepath.Join(home, ".rhombus", "credentials"),
		filepath.Join(home, ".rhombus", "config"), "[profile staging]", "https://api2.rhombussystems.com", rhombus.EnvEndpointURL} {
		assert.Contains(t, msg, want)
	}
	assert.NotContains(t, msg, cfgAnyKeyPart)
}

// TestNoCredentialsSentinel: every way of having no key matches ErrNoCredentials.
func TestNoCredentialsSentinel(t *testing.T) {
	home := cfgHome(t, nil)
	_, err := rhombus.New()
	assert.ErrorIs(t, err, rhombus.ErrNoCredentials)
	_, err = rhombus.New(rhombus.FromEnvironment())
	assert.ErrorIs(t, err, rhombus.ErrNoCredentials)
	_, err = rhombus.New(rhombus.FromProfile("nope"))
	assert.ErrorIs(t, err, rhombus.ErrNoCredentials)
	cfgWrite(t, home, "credentials", "[default]\nis_partner = true\n")
	_, err = rhombus.New(rhombus.FromConfig(rhombus.Config{Home: home}))
	assert.ErrorIs(t, err, rhombus.ErrNoCredentials)
}

// TestUnknownHomeReadsNothing: with $HOME unset no file is read, and a
// .rhombus folder in the working directory, which the vendor's tool would
// read, is refused rather than silently ignored.
func TestUnknownHomeReadsNothing(t *testing.T) {
	cfgHome(t, nil)
	t.Setenv("HOME", "")
	work := t.TempDir()
	t.Chdir(work)

	_, err := rhombus.New(rhombus.FromEnvironment())
	require.ErrorIs(t, err, rhombus.ErrNoCredentials)
	assert.Contains(t, err.Error(), "home directory is unknown")
	_, err = rhombus.New(rhombus.FromProfile("default"))
	require.ErrorIs(t, err, rhombus.ErrNoCredentials)

	require.NoError(t, os.MkdirAll(filepath.Join(work, ".rhombus"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(work, ".rhombus", "credentials"),
		[]byte("[default]\napi_key = "+cfgFileKey+"\n"), 0o600))
	t.Setenv(rhombus.EnvAPIKey, cfgEnvKey)
	for _, opt := range []rhombus.Option{rhombus.FromEnvironment(), rhombus.FromProfile("default")} {
		_, err = rhombus.New(opt)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "the working directory has a .rhombus folder")
		assert.NotContains(t, err.Error(), cfgAnyKeyPart)
	}
}

// TestBlankEndpointInConfig: a Config.EndpointURL or Profile of white space
// is refused, not read as "from the files" or "the default profile".
func TestBlankEndpointInConfig(t *testing.T) {
	home := cfgHome(t, nil)
	cfgWrite(t, home, "config", "[default]\nendpoint_url = http://127.0.0.1:1\n")
	_, err := rhombus.New(rhombus.FromConfig(rhombus.Config{APIKey: cfgOptionKey, EndpointURL: " \t"}))
	assertErrorText(t, err, "rhombus: the endpoint URL is only white space", cfgAnyKeyPart)
	_, err = rhombus.New(rhombus.FromConfig(rhombus.Config{APIKey: cfgOptionKey, Profile: " "}))
	assertErrorText(t, err, "rhombus: the profile name is only white space", cfgAnyKeyPart)
}
