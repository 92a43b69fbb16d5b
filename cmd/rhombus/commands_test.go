package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rhombuskit/rhombus-go/api"
	"github.com/rhombuskit/rhombus-go/rhombustest"
)

// psk is a Wi-Fi key as the spec's example gives it.
const psk = "aSDinaTvuI8gbWludGxpZnk="

func TestRegisterDevice(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"json", "table"} {
		t.Run(format, func(t *testing.T) {
			s := rhombustest.NewServer(t)
			c := newCLI(t, s)
			org := string(s.DefaultOrg())
			o := c.run("register-device", "--serial-number", "RH-0001", "--org-uuid", org,
				"--location-uuid", "AAAAAAAAAAAAAAAAAAAAAA", "--wifi-ssid", "Office_WiFi",
				"--wifi-psk", psk, "--wifi-psk", "c2Vjb25k", "--output", format)
			wantCode(t, o, 0)

			regs := s.Registrations(s.DefaultOrg())
			if len(regs) != 1 {
				t.Fatalf("want 1 registration at the server, got %d", len(regs))
			}
			r := regs[0]
			want0, _ := base64.StdEncoding.DecodeString(psk)
			if r.SerialNumber != "RH-0001" || r.WifiSsid != "Office_WiFi" || r.LocationUUID != "AAAAAAAAAAAAAAAAAAAAAA" ||
				len(r.WifiPsk) != 2 || !bytes.Equal(r.WifiPsk[0], want0) || string(r.WifiPsk[1]) != "second" {
				t.Errorf("registration at the server: %+v", r)
			}
			if format == "json" {
				var resp api.CreatePendingRegistrationResponse
				if err := json.Unmarshal([]byte(o.stdout), &resp); err != nil {
					t.Fatalf("stdout is not the response as JSON: %v\n%s", err, o)
				}
				if strings.Contains(o.stdout, `"error"`) {
					t.Errorf("a result carries no envelope error fields, got %s", o.stdout)
				}
				return
			}
			wantContains(t, "stdout", o.stdout, "SERIAL NUMBER", "RH-0001", org, "Office_WiFi", "pending registration created")
		})
	}
}

func TestCreateUser(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"json", "table"} {
		t.Run(format, func(t *testing.T) {
			s := rhombustest.NewServer(t)
			c := newCLI(t, s)
			o := c.run("create-user", "--email", "jane.doe@example.com", "--name", "Jane Doe",
				"--permission-group-uuid", string(s.PermissionGroup()), "--app", "CONSOLE", "--app", "rhombus_key",
				"--suppress-welcome-email", "--suppress-rhombus-key-welcome-email=false", "--bypass-saml",
				"--remote-unlock", "--rhombus-key-access", "--max-mobile-creds", "3",
				"--start-date", "2024-01-31T09:00:00Z", "--end-date", "2025-01-31T09:00:00+01:00",
				"--output", format)
			wantCode(t, o, 0)

			users := s.Users(s.DefaultOrg())
			if len(users) != 1 {
				t.Fatalf("want 1 user at the server, got %d", len(users))
			}
			u := users[0]
			if u.Email != "jane.doe@example.com" || u.Name != "Jane Doe" || u.PermissionGroupUUID != s.PermissionGroup() ||
				!slices.Equal(u.AccessibleRhombusApps, []api.RhombusApp{api.RhombusAppCONSOLE, api.RhombusAppRHOMBUSKEY}) {
				t.Errorf("user at the server: %+v", u)
			}
			if format == "json" {
				var resp api.CreateUserResponse
				if err := json.Unmarshal([]byte(o.stdout), &resp); err != nil {
					t.Fatalf("stdout is not the response as JSON: %v\n%s", err, o)
				}
				if resp.UserUUID != u.UUID || resp.ResponseStatus != api.ResponseStatusSUCCESS {
					t.Errorf("response %s does not match user %s", o.stdout, u.UUID)
				}
			} else {
				wantContains(t, "stdout", o.stdout, "EMAIL", "USER UUID", "jane.doe@example.com", string(u.UUID), "SUCCESS")
			}

			// Every flag reached the request body, as the spec spells it.
			body := lastBody(t, s, rhombustest.OpCreateUser)
			wantJSON(t, body, `{"accessibleRhombusApps":["CONSOLE","RHOMBUS_KEY"],"email":"jane.doe@example.com","name":"Jane Doe",
				"permissionGroupUuid":"`+string(s.PermissionGroup())+`",
				"rhombusKeySettings":{"bypassSaml":true,"remoteUnlockEnabled":true,"rhombusKeyAccessEnabled":true,
					"credentialProvisioningRules":{"maxMobileCredsAllowed":3,
						"startDateProvisioner":{"type":"StaticEpochSecondsProvisioner","value":1706691600},
						"endDateProvisioner":{"type":"StaticEpochSecondsProvisioner","value":1738310400}}},
				"suppressRhombusKeyWelcomeEmail":false,"suppressWelcomeEmail":true}`)
		})
	}
}

func TestDeviceLicenses(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"json", "table"} {
		t.Run(format, func(t *testing.T) {
			s := rhombustest.NewServer(t)
			c := newCLI(t, s)
			o := c.run("device-licenses", "--org-uuid", string(s.DefaultOrg()), "--output", format)
			wantCode(t, o, 0)
			want := s.Licenses(s.DefaultOrg())
			if format == "json" {
				var resp api.GetDeviceLicensesForOrgResponse
				if err := json.Unmarshal([]byte(o.stdout), &resp); err != nil {
					t.Fatalf("stdout is not the response as JSON: %v\n%s", err, o)
				}
				if len(resp.DeviceLicenses) != len(want) {
					t.Fatalf("want %d licenses, got %d", len(want), len(resp.DeviceLicenses))
				}
				for i, l := range resp.DeviceLicenses {
					// Nothing the server sent is lost, the vendor-only enums included.
					got, _ := json.Marshal(l)
					exp, _ := json.Marshal(want[i])
					if !bytes.Equal(got, exp) {
						t.Errorf("license %d:\n got %s\nwant %s", i, got, exp)
					}
				}
				return
			}
			wantContains(t, "stdout", o.stdout, "UUID", "DEVICE TYPE", "STATE")
			for _, l := range want {
				wantContains(t, "stdout", o.stdout, string(l.UUID), string(l.DeviceType), l.ProductCode)
			}
		})
	}
}

// A partner acts inside its client organisation with --partner-org, which
// becomes x-auth-org.
func TestPartnerOrg(t *testing.T) {
	t.Parallel()
	s := rhombustest.NewServer(t)
	c := newCLI(t, s)
	org := string(s.DefaultOrg())
	o := c.runRaw("--endpoint-url", s.URL, "--api-key", s.Key(rhombustest.PartnerAPIToken), "--partner", "--partner-org", org,
		"device-licenses", "--org-uuid", org)
	wantCode(t, o, 0)
	reqs := s.Requests()
	if len(reqs) != 1 {
		t.Fatalf("want 1 request, got %d", len(reqs))
	}
	h := reqs[0].Header
	if h.Get("X-Auth-Org") != org || h.Get("X-Auth-Scheme") != "partner-api-token" {
		t.Errorf("want x-auth-org %s with partner-api-token, got %v", org, h)
	}

	// Without --partner the key is read as an organisation key, which cannot
	// scope to a client organisation: refused before sending.
	s2 := rhombustest.NewServer(t)
	c2 := newCLI(t, s2)
	o = c2.run("--partner-org", org, "device-licenses", "--org-uuid", org)
	wantCode(t, o, 2)
	wantContains(t, "stderr", o.stderr, "partner")
	wantNoRequests(t, s2)
}

// --cli-input-json gives the body; flags given explicitly override it.
func TestCLIInputJSON(t *testing.T) {
	t.Parallel()
	s := rhombustest.NewServer(t)
	c := newCLI(t, s)
	in := c.file("user.json", `{"email": "file@example.com", "name": "From File",
		"accessibleRhombusApps": ["PARTNER"], "suppressWelcomeEmail": true}`)
	o := c.run("create-user", "--cli-input-json", in, "--name", "From Flag", "--app", "CONSOLE")
	wantCode(t, o, 0)
	users := s.Users(s.DefaultOrg())
	if len(users) != 1 {
		t.Fatalf("want 1 user, got %d", len(users))
	}
	if u := users[0]; u.Email != "file@example.com" || u.Name != "From Flag" ||
		!slices.Equal(u.AccessibleRhombusApps, []api.RhombusApp{api.RhombusAppCONSOLE}) {
		t.Errorf("user: %+v", u)
	}
	wantJSON(t, lastBody(t, s, rhombustest.OpCreateUser),
		`{"accessibleRhombusApps":["CONSOLE"],"email":"file@example.com","name":"From Flag","suppressWelcomeEmail":true}`)

	// The same for a registration, from standard input.
	stdin := strings.NewReader(`{"serialNumber": "RH-STDIN", "wifiSsid": "File_WiFi", "wifiPsk": ["` + psk + `"]}`)
	if o := c.runStdin(stdin, append(c.serverFlags(), "register-device", "--cli-input-json", "-", "--wifi-ssid", "Flag_WiFi")...); o.code != 0 {
		t.Fatalf("register-device from stdin:\n%s", o)
	}
	regs := s.Registrations(s.DefaultOrg())
	if len(regs) != 1 || regs[0].SerialNumber != "RH-STDIN" || regs[0].WifiSsid != "Flag_WiFi" || len(regs[0].WifiPsk) != 1 {
		t.Errorf("registrations: %+v", regs)
	}

	// A misspelt field or a bad value in the file is refused before sending.
	s2 := rhombustest.NewServer(t)
	c2 := newCLI(t, s2)
	for _, tc := range []struct{ body, want string }{
		{`{"emial": "x@example.com"}`, `unknown field "emial"`},
		{`{"email": "x@example.com", "permissionGroupUuid": "short"}`, "permissionGroupUuid (in --cli-input-json): must be exactly 22 characters"},
		{`{"email": "x@example.com", "accessibleRhombusApps": ["console"]}`, `accessibleRhombusApps (in --cli-input-json): unknown app "console"`},
		{`{"email": `, "not valid JSON"},
	} {
		o := c2.run("create-user", "--cli-input-json", c2.file("bad.json", tc.body))
		wantCode(t, o, 2)
		wantContains(t, "stderr", o.stderr, "--cli-input-json", tc.want)
	}
	wantNoRequests(t, s2)
}

// --verbose logs every request and response, and never a credential.
func TestVerboseRedactsCredentials(t *testing.T) {
	t.Parallel()
	s := rhombustest.NewServer(t)
	c := newCLI(t, s)
	o := c.run("--verbose", "create-user", "--email", "v@example.com", "--name", "Verbose")
	wantCode(t, o, 0)
	wantContains(t, "stderr", o.stderr, "> POST "+s.URL+"/api/user/createUser", `x-auth-apikey="[REDACTED]"`,
		`x-auth-scheme="api-token"`, `"email":"v@example.com"`, "< createUser HTTP/1.1 200 OK")
	for _, out := range []string{o.stdout, o.stderr} {
		if strings.Contains(out, s.Key(rhombustest.OrgAPIToken)) {
			t.Fatalf("the API key appears in the output:\n%s", o)
		}
	}

	// The same after the command name, for a retried call, and with the
	// key coming from the environment.
	s.Fail(rhombustest.OpCreatePendingRegistration, rhombustest.RateLimited(time.Second))
	c.env = append(c.env, "RHOMBUS_API_KEY="+s.Key(rhombustest.OrgAPIToken))
	o = c.runRaw("--endpoint-url", s.URL, "register-device", "--serial-number", "RH-V", "--wifi-psk", psk, "--verbose")
	wantCode(t, o, 0)
	wantContains(t, "stderr", o.stderr, "retry-after=1", "waiting", `"wifiPsk":"[REDACTED]"`)
	if strings.Contains(o.stdout+o.stderr, s.Key(rhombustest.OrgAPIToken)) || strings.Contains(o.stderr, psk) {
		t.Fatalf("a secret appears in the output:\n%s", o)
	}
}

func TestBadFlagsExit2(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"ruuid", []string{"register-device", "--serial-number", "X", "--org-uuid", "abc"},
			[]string{"--org-uuid", "must be exactly 22 characters, got 3"}},
		{"non-canonical ruuid", []string{"register-device", "--serial-number", "X", "--location-uuid", "AAAAAAAAAAAAAAAAAAAAAB"},
			[]string{"--location-uuid", "not canonical"}},
		{"uuid not ruuid", []string{"create-user", "--email", "a@example.com", "--permission-group-uuid", "123e4567-e89b-12d3-a456-426614174000"},
			[]string{"--permission-group-uuid", "standard UUID, not a RUUID"}},
		{"base64", []string{"register-device", "--serial-number", "X", "--wifi-psk", "not base64!"},
			[]string{"--wifi-psk", "standard base64"}},
		{"base64url", []string{"register-device", "--serial-number", "X", "--wifi-psk", "aSDinaTvuI8gbWludGxpZnk"},
			[]string{"--wifi-psk", "with padding"}},
		{"app", []string{"create-user", "--email", "a@example.com", "--app", "ADMIN"},
			[]string{"--app", `unknown app "ADMIN"`, "PARTNER, CONSOLE, RHOMBUS_KEY, UNKNOWN"}},
		{"app twice", []string{"create-user", "--email", "a@example.com", "--app", "CONSOLE", "--app", "console"},
			[]string{"--app", "given twice"}},
		{"date", []string{"create-user", "--email", "a@example.com", "--start-date", "yesterday"},
			[]string{"--start-date", "RFC 3339"}},
		{"date order", []string{"create-user", "--email", "a@example.com", "--start-date", "2025-01-01T00:00:00Z", "--end-date", "2024-01-01T00:00:00Z"},
			[]string{"--end-date", "must be after --start-date"}},
		{"bool", []string{"create-user", "--email", "a@example.com", "--bypass-saml=maybe"},
			[]string{"--bypass-saml", "must be true or false"}},
		{"count", []string{"create-user", "--email", "a@example.com", "--max-mobile-creds", "-1"},
			[]string{"--max-mobile-creds", "whole number"}},
		{"email", []string{"create-user", "--email", "not an email"},
			[]string{"--email", "must be an email address"}},
		{"required email", []string{"create-user", "--name", "No Email"},
			[]string{"--email", "is required"}},
		{"required serial", []string{"register-device"},
			[]string{"--serial-number", "is required"}},
		{"required org", []string{"device-licenses"},
			[]string{"--org-uuid", "is required"}},
		{"output", []string{"--output", "xml", "device-licenses", "--org-uuid", "AAAAAAAAAAAAAAAAAAAAAA"},
			[]string{"--output", "must be json or table"}},
		{"region", []string{"device-licenses", "--org-uuid", "AAAAAAAAAAAAAAAAAAAAAA", "--region", "mars"},
			[]string{"--region", "must be us or eu"}},
		{"partner org", []string{"--partner-org", "nope", "device-licenses", "--org-uuid", "AAAAAAAAAAAAAAAAAAAAAA"},
			[]string{"--partner-org", "must be exactly 22 characters"}},
		{"unknown flag", []string{"create-user", "--frobnicate"},
			[]string{"unknown flag --frobnicate"}},
		{"command flag before command", []string{"--email", "a@example.com", "create-user"},
			[]string{"unknown flag --email", "after the command name"}},
		{"positional", []string{"create-user", "--email", "a@example.com", "extra"},
			[]string{`unexpected argument "extra"`}},
		{"unknown command", []string{"delete-everything"},
			[]string{`unknown command "delete-everything"`}},
		{"no command", nil, []string{"no command given"}},
		{"bulk concurrency", []string{"register-devices", "--csv", "x.csv", "--concurrency", "0"},
			[]string{"--concurrency", "must be from 1 to 64"}},
		{"bulk csv", []string{"register-devices"}, []string{"--csv", "is required"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := rhombustest.NewServer(t)
			c := newCLI(t, s)
			o := c.run(tc.args...)
			wantCode(t, o, 2)
			wantContains(t, "stderr", o.stderr, tc.want...)
			wantContains(t, "stderr", o.stderr, "for usage")
			wantNoRequests(t, s)
		})
	}

	// Every bad flag is reported at once, not only the first.
	s := rhombustest.NewServer(t)
	o := newCLI(t, s).run("create-user", "--email", "x", "--app", "NOPE", "--start-date", "soon")
	wantCode(t, o, 2)
	wantContains(t, "stderr", o.stderr, "--email", "--app", "--start-date")
}

// An answer that reports a failure exits 1, naming the operation and the reason.
func TestAPIErrorExit1(t *testing.T) {
	t.Parallel()
	s := rhombustest.NewServer(t)
	c := newCLI(t, s)
	wantCode(t, c.run("create-user", "--email", "dup@example.com", "--name", "Dup"), 0)
	o := c.run("create-user", "--email", "dup@example.com", "--name", "Dup")
	wantCode(t, o, 1)
	wantContains(t, "stderr", o.stderr, "rhombus: createUser: HTTP 200 USER_EXISTS")
	if len(s.Users(s.DefaultOrg())) != 1 {
		t.Errorf("want 1 user")
	}

	// A wrong key: 401, with a hint about regions.
	o = c.runRaw("--endpoint-url", s.URL, "--api-key", "wrong-key", "device-licenses", "--org-uuid", string(s.DefaultOrg()))
	wantCode(t, o, 1)
	wantContains(t, "stderr", o.stderr, "getDeviceLicensesForOrg: HTTP 401", "region")

	// A connection dropped after the server applied a write: outcome unknown.
	s.Fail(rhombustest.OpCreateUser, rhombustest.CloseAfterApply())
	o = c.run("create-user", "--email", "maybe@example.com")
	wantCode(t, o, 1)
	wantContains(t, "stderr", o.stderr, "createUser: outcome unknown", "email=maybe@example.com", "may have been applied")
}

// The configuration is read as the vendor's tool reads it.
func TestProfileAndEnvironment(t *testing.T) {
	t.Parallel()
	s := rhombustest.NewServer(t)
	c := newCLI(t, s)
	dir := filepath.Join(c.home, ".rhombus")
	writeFile(t, filepath.Join(dir, "credentials"), "[default]\napi_key = not-this-one\n\n[work]\napi_key = "+s.Key(rhombustest.PartnerAPIToken)+"\nis_partner = true\n")
	writeFile(t, filepath.Join(dir, "config"), "[profile work]\nendpoint_url = "+s.URL+"\n")
	org := string(s.DefaultOrg())

	o := c.runRaw("--profile", "work", "--partner-org", org, "device-licenses", "--org-uuid", org)
	wantCode(t, o, 0)
	if h := s.Requests()[0].Header; h.Get("X-Auth-Scheme") != "partner-api-token" || h.Get("X-Auth-Org") != org {
		t.Errorf("profile work: want a partner request in %s, got %v", org, h)
	}

	// A profile that does not exist is a configuration error.
	o = c.runRaw("--profile", "missing", "device-licenses", "--org-uuid", org)
	wantCode(t, o, 2)
	wantContains(t, "stderr", o.stderr, `profile "missing"`)

	// RHOMBUS_PROFILE does the same, and a flag beats the environment.
	c.env = append(c.env, "RHOMBUS_PROFILE=work", "RHOMBUS_API_KEY=wrong-key")
	o = c.runRaw("device-licenses", "--org-uuid", org)
	wantCode(t, o, 1) // the key from the environment beats the file's
	wantContains(t, "stderr", o.stderr, "HTTP 401")
	o = c.runRaw("device-licenses", "--org-uuid", org, "--api-key", s.Key(rhombustest.PartnerAPIToken))
	wantCode(t, o, 0)
}

func TestHelp(t *testing.T) {
	t.Parallel()
	c := newCLI(t, nil)
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}} {
		o := c.runRaw(args...)
		wantCode(t, o, 0)
		wantContains(t, "stdout", o.stdout, commandNames()...)
		for _, f := range globalFlagNames() {
			wantContains(t, "usage", o.stdout, "--"+f)
		}
	}
	for _, cmd := range commands {
		for _, args := range [][]string{{"help", cmd.name}, {cmd.name, "-h"}} {
			o := c.runRaw(args...)
			wantCode(t, o, 0)
			for _, f := range commandFlagNames(cmd) {
				if !strings.Contains(o.stdout, "--"+f+" ") && !strings.Contains(o.stdout, "--"+f+"[") {
					t.Errorf("rhombus %v: flag --%s is not in the usage text", args, f)
				}
			}
		}
	}
}

// lastBody is the body of the last request of op the server received.
func lastBody(t *testing.T, s *rhombustest.Server, op string) []byte {
	t.Helper()
	reqs := s.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Operation == op {
			return reqs[i].Body
		}
	}
	t.Fatalf("no %s request at the server", op)
	return nil
}

// wantJSON compares two JSON texts by value.
func wantJSON(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("not JSON: %v: %s", err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad expectation: %v", err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if !bytes.Equal(gb, wb) {
		t.Errorf("body:\n got %s\nwant %s", gb, wb)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A warningMsg on a success reaches the operator on stderr; the call succeeds.
func TestWarningOnStderr(t *testing.T) {
	t.Parallel()
	s := rhombustest.NewServer(t)
	c := newCLI(t, s)
	s.Fail(rhombustest.OpCreateUser, rhombustest.Warning("welcome email delayed"))
	o := c.run("create-user", "--email", "w@example.com", "--name", "W", "--output", "table")
	wantCode(t, o, 0)
	wantContains(t, "stderr", o.stderr, "rhombus: createUser: warning: welcome email delayed")
	wantContains(t, "stdout", o.stdout, "welcome email delayed")
}
