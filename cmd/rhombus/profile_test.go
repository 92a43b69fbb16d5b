package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rhombuskit/rhombus-go/rhombustest"
)

// TestVendorProfileLayouts runs the binary over the vendor tool's layouts of
// ~/.rhombus with two fakes, production and staging, and checks which key
// reached which server. A named profile's key never reaches an endpoint the
// profile did not choose.
func TestVendorProfileLayouts(t *testing.T) {
	t.Parallel()
	prod := rhombustest.NewServer(t)
	staging := rhombustest.NewServer(t)
	creds := "[default]\napi_key = " + prod.Key(rhombustest.OrgAPIToken) + "\n\n[staging]\napi_key = " + staging.Key(rhombustest.OrgAPIToken) + "\n\n" +
		"[partner]\napi_key = " + prod.Key(rhombustest.PartnerAPIToken) + "\nis_partner = true\n"

	cases := []struct {
		name   string
		creds  string // the credentials file when not the usual one
		config string
		env    []string
		noHome bool // HOME is empty and the working directory holds .rhombus
		args   []string
		code   int
		server *rhombustest.Server // where the one request must go; nil: none is sent
		stderr []string
	}{
		{name: "default", config: "[default]\nendpoint_url = " + prod.URL + "\n", code: 0, server: prod},
		{name: "[profile staging]", config: "[default]\nendpoint_url = " + prod.URL + "\n[profile staging]\nendpoint_url = " + staging.URL + "\n",
			args: []string{"--profile", "staging"}, code: 0, server: staging},
		{name: "[staging]", config: "[default]\nendpoint_url = " + prod.URL + "\n[staging]\nendpoint_url = " + staging.URL + "\n",
			args: []string{"--profile", "staging"}, code: 0, server: staging},
		{name: "RHOMBUS_PROFILE", config: "[staging]\nendpoint_url = " + staging.URL + "\n",
			env: []string{"RHOMBUS_PROFILE=staging"}, code: 0, server: staging},
		{name: "named profile without endpoint", config: "[default]\nendpoint_url = " + prod.URL + "\n",
			args: []string{"--profile", "staging"}, code: 2,
			stderr: []string{`profile "staging" has an API key`, "no endpoint_url", "--endpoint-url or --region", "(the profile is from --profile)"}},
		{name: "named profile, endpoint from the flag", config: "",
			args: []string{"--profile", "staging", "--endpoint-url", staging.URL}, code: 0, server: staging},
		{name: "partner profile", config: "[profile partner]\nendpoint_url = " + prod.URL + "\n",
			args: []string{"--profile", "partner", "--partner-org", string(prod.DefaultOrg())}, code: 0, server: prod},
		// The vendor's tool reads only [profile staging] when it exists, and
		// sends the key to production.
		{name: "[profile staging] without endpoint_url beside [staging] with one",
			config: "[default]\nendpoint_url = " + prod.URL + "\n[profile staging]\noutput = json\n[staging]\nendpoint_url = " + staging.URL + "\n",
			args:   []string{"--profile", "staging"}, code: 2,
			stderr: []string{"no endpoint_url", "the endpoint_url of [staging] is not used: [profile staging] exists"}},
		// The vendor's tool takes anything but "true" for false: a plain token.
		{name: "is_partner = True", creds: "[partner]\napi_key = " + prod.Key(rhombustest.PartnerAPIToken) + "\nis_partner = True\n",
			config: "[profile partner]\nendpoint_url = " + prod.URL + "\n",
			args:   []string{"--profile", "partner"}, code: 2,
			stderr: []string{"credentials [partner] is_partner: must be true or false (lower case), got \"True\""}},
		{name: "is_partner = yes", creds: "[partner]\napi_key = " + prod.Key(rhombustest.PartnerAPIToken) + "\nis_partner = yes\n",
			config: "[profile partner]\nendpoint_url = " + prod.URL + "\n",
			args:   []string{"--profile", "partner"}, code: 2,
			stderr: []string{"credentials [partner] is_partner: must be true or false (lower case), got \"yes\""}},
		// The vendor's tool sends a certificate key as a plain token then.
		{name: "auth_type = cert without certificate files", creds: "[default]\napi_key = " + prod.Key(rhombustest.OrgAPIToken) + "\nauth_type = cert\n",
			config: "[default]\nendpoint_url = " + prod.URL + "\n", code: 2,
			stderr: []string{"credentials [default]: auth_type cert needs cert_file and key_file"}},
		{name: "unknown auth_type", creds: "[default]\napi_key = " + prod.Key(rhombustest.OrgAPIToken) + "\nauth_type = oauth\n",
			config: "[default]\nendpoint_url = " + prod.URL + "\n", code: 2,
			stderr: []string{"credentials [default] auth_type: must be token or cert (lower case), got \"oauth\""}},
		// The vendor's tool fails; a fallback would send the key to production.
		{name: "blank endpoint_url", config: "[default]\nendpoint_url =\n", code: 2,
			stderr: []string{"config [default] endpoint_url is blank (profile \"default\")"}},
		{name: "RHOMBUS_ENDPOINT_URL set to \"\" is unset", config: "[default]\nendpoint_url = " + prod.URL + "\n",
			env: []string{"RHOMBUS_ENDPOINT_URL="}, code: 0, server: prod},
		{name: "RHOMBUS_ENDPOINT_URL of white space", config: "[default]\nendpoint_url = " + prod.URL + "\n",
			env: []string{"RHOMBUS_ENDPOINT_URL= "}, code: 2,
			stderr: []string{"RHOMBUS_ENDPOINT_URL is only white space"}},
		// The vendor's tool reads ./.rhombus then.
		{name: "$HOME unset, .rhombus in the working directory", config: "[default]\nendpoint_url = " + prod.URL + "\n",
			noHome: true, env: []string{"RHOMBUS_API_KEY=" + prod.Key(rhombustest.OrgAPIToken), "RHOMBUS_ENDPOINT_URL=" + prod.URL}, code: 2,
			stderr: []string{"$HOME is unset", "the working directory has a .rhombus folder"}},
		{name: "missing profile blames --profile", config: "",
			env: []string{"RHOMBUS_PROFILE=staging"}, args: []string{"--profile", "nope"}, code: 2,
			stderr: []string{`profile "nope" has no section [nope]`, "(the profile is from --profile)"}},
		{name: "missing profile blames RHOMBUS_PROFILE", config: "",
			env: []string{"RHOMBUS_PROFILE=nope"}, code: 2,
			stderr: []string{`profile "nope" has no section [nope]`, "(the profile is from RHOMBUS_PROFILE)"}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLI(t, nil)
			dir := filepath.Join(c.home, ".rhombus")
			if tc.creds != "" {
				writeFile(t, filepath.Join(dir, "credentials"), tc.creds)
			} else {
				writeFile(t, filepath.Join(dir, "credentials"), creds)
			}
			if tc.config != "" {
				writeFile(t, filepath.Join(dir, "config"), tc.config)
			}
			if tc.noHome {
				c.env = append(c.env, "HOME=") // the last one counts
				c.dir = c.home
			}
			c.env = append(c.env, tc.env...)
			beforeProd, beforeStaging := len(prod.Requests()), len(staging.Requests())
			args := append(append([]string{}, tc.args...), "register-device", "--serial-number", fmt.Sprintf("RH-LAYOUT-%d", i))
			run := c.runRaw
			if tc.noHome {
				// The client then looks for .rhombus in the working
				// directory, which only a process has its own of.
				run = c.exec
			}
			o := run(args...)
			wantCode(t, o, tc.code)
			wantContains(t, "stderr", o.stderr, tc.stderr...)
			gotProd, gotStaging := len(prod.Requests())-beforeProd, len(staging.Requests())-beforeStaging
			switch tc.server {
			case nil:
				if gotProd+gotStaging != 0 {
					t.Errorf("no request may be sent; prod got %d, staging %d", gotProd, gotStaging)
				}
			case prod:
				if gotProd != 1 || gotStaging != 0 {
					t.Errorf("want 1 request at prod; prod got %d, staging %d", gotProd, gotStaging)
				}
			case staging:
				if gotStaging != 1 || gotProd != 0 {
					t.Errorf("want 1 request at staging; prod got %d, staging %d", gotProd, gotStaging)
				}
			}
			for i, secret := range []string{prod.Key(rhombustest.OrgAPIToken), staging.Key(rhombustest.OrgAPIToken), prod.Key(rhombustest.PartnerAPIToken)} {
				if strings.Contains(o.stdout+o.stderr, secret) {
					t.Errorf("the output holds key %d (output not printed)", i)
				}
			}
		})
	}
}

// TestVerboseNamesProfileAndEndpoint: --verbose says where requests go.
func TestVerboseNamesProfileAndEndpoint(t *testing.T) {
	t.Parallel()
	s := rhombustest.NewServer(t)
	c := newCLI(t, nil)
	writeFile(t, filepath.Join(c.home, ".rhombus", "credentials"), "[work]\napi_key = "+s.Key(rhombustest.OrgAPIToken)+"\n")
	writeFile(t, filepath.Join(c.home, ".rhombus", "config"), "[work]\nendpoint_url = "+s.URL+"\n")
	o := c.runRaw("--verbose", "--profile", "work", "register-device", "--serial-number", "RH1")
	wantCode(t, o, 0)
	wantContains(t, "stderr", o.stderr, "profile work (from --profile), endpoint "+s.URL)
}

// runInProcess runs the command line in this process with stderr taken for
// a terminal, so retry notices are printed.
func runInProcess(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	c := newCLI(t, nil)
	var out, errb bytes.Buffer
	a := &app{ctx: context.Background(), getenv: c.getenv, stdin: strings.NewReader(""), stdout: &out, stderr: &errb, stderrTTY: true}
	code = a.run(args)
	return code, out.String(), errb.String()
}

// TestRetriesAreAnnouncedOnATerminal: a 429 is retried after saying so on
// stderr; stdout holds only the JSON answer.
func TestRetriesAreAnnouncedOnATerminal(t *testing.T) {
	t.Parallel()
	s := rhombustest.NewServer(t)
	s.Fail(rhombustest.OpCreatePendingRegistration, rhombustest.RateLimited(time.Second))
	code, stdout, stderr := runInProcess(t, "--endpoint-url", s.URL, "--api-key", s.Key(rhombustest.OrgAPIToken),
		"register-device", "--serial-number", "RH42")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	wantContains(t, "stderr", stderr, "createPendingRegistration: rate limited by the server (HTTP 429); retrying in 1s (attempt 2)")
	if strings.Contains(stdout, "retrying") || !strings.HasPrefix(strings.TrimSpace(stdout), "{") {
		t.Errorf("stdout must hold only the JSON answer:\n%s", stdout)
	}
}

// TestUnreachableEndpointHint: a refused connection ends with a hint to check
// the endpoint, and names the profile and endpoint used.
func TestUnreachableEndpointHint(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there now
	code, stdout, stderr := runInProcess(t, "--endpoint-url", url, "--api-key", "test-key-unreachable",
		"device-licenses", "--org-uuid", "AAAAAAAAAAAAAAAAAAAAAA")
	if code != 1 {
		t.Fatalf("want exit 1, got %d\n%s", code, stderr)
	}
	wantContains(t, "stderr", stderr, "is the endpoint right?", "(profile default, endpoint "+url+")")
	if stdout != "" {
		t.Errorf("stdout must stay empty, got %q", stdout)
	}
	if strings.Contains(stderr, "test-key-unreachable") {
		t.Errorf("stderr holds the key:\n%s", stderr)
	}
}
