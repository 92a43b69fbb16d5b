package main

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/rhombuskit/rhombus-go/rhombustest"
)

// runCLI runs the command line in this process through its entry point,
// with HOME set to home (a fresh directory when empty), no RHOMBUS_*
// variable but those of env, and an empty stdin.
func runCLI(t *testing.T, home string, env map[string]string, args ...string) output {
	t.Helper()
	c := newCLI(t, nil)
	if home != "" {
		c.env = append(c.env, "HOME="+home)
	}
	for k, v := range env {
		c.env = append(c.env, k+"="+v)
	}
	return c.runRaw(args...)
}

// An operation of the whole API, called against the default fake (which
// serves openapi.yaml), is answered 404: the message says the server does
// not serve it, how to start a fake that does, and the nearest operation
// it does serve. The operation is one openapi.yaml does not carry now;
// when it carries every one, the fake serves openapi.yaml without createUser.
func TestWholeAPIOperationAgainstTheDefaultFake(t *testing.T) {
	t.Parallel()
	c := newCLI(t, nil)
	var s *rhombustest.Server
	var op opRow
	want := []string{"--spec whole"} // a fake of the whole API serves it
	if outside := notInSpec(t, c, 1); len(outside) > 0 {
		s, op = rhombustest.NewServer(t), outside[0]
	} else {
		want = []string{"is the endpoint a Rhombus API?"} // openapi.yaml has it: the server is not this module's fake
		op = opRow{OperationID: "createUser", Path: "/api/user/createUser"}
		s = rhombustest.NewServer(t, rhombustest.WithSpec(specWithout(t, op.Path)))
	}
	o := runCLI(t, "", nil, "--endpoint-url", s.URL, "--api-key", s.Key(rhombustest.OrgAPIToken), "call", op.OperationID)
	wantCode(t, o, exitFailed)
	wantContains(t, "stderr", o.stderr,
		"this fake serves", "POST "+op.Path+" is not one of them", // the fake's own answer
		"This server does not serve "+op.OperationID)
	wantContains(t, "stderr", o.stderr, want...)
	// The nearest operation served: a hand-written one for a near name of
	// the whole API that openapi.yaml does not carry and to which no other
	// of its operations is as near (the first such pair; none when it
	// carries them all).
	var ops []opRow
	if l := c.runRaw("operations"); l.code != 0 || json.Unmarshal([]byte(l.stdout), &ops) != nil {
		t.Fatalf("operations: %s", l)
	}
	s = rhombustest.NewServer(t)
	for _, p := range [][2]string{
		{"updateUser", "createUser"},
		{"updatePendingRegistration", "createPendingRegistration"},
		{"removePendingRegistration", "createPendingRegistration"},
		{"getDeviceLicensesForClientOrg", "getDeviceLicensesForOrg"},
	} {
		asked, near := p[0], p[1]
		dist := func(id string) int { return editDistance(strings.ToLower(asked), strings.ToLower(id)) } // as the hint measures
		if !slices.ContainsFunc(ops, func(r opRow) bool {
			return r.OperationID == asked || r.OperationID != near && dist(r.OperationID) <= dist(near)
		}) {
			o = runCLI(t, "", nil, "--endpoint-url", s.URL, "--api-key", s.Key(rhombustest.OrgAPIToken), "call", asked)
			wantCode(t, o, exitFailed)
			wantContains(t, "stderr", o.stderr, "This server does not serve "+asked, "Or did you mean "+near+"?")
			break
		}
	}
}

// An operationId known nowhere is refused before sending, with the nearest
// known one.
func TestUnknownOperationSuggestsTheNearest(t *testing.T) {
	t.Parallel()
	s := rhombustest.NewServer(t)
	o := runCLI(t, "", nil, "--endpoint-url", s.URL, "--api-key", s.Key(rhombustest.OrgAPIToken), "call", "getLocatoins")
	wantCode(t, o, exitUsage)
	wantContains(t, "stderr", o.stderr, `unknown operation "getLocatoins"; did you mean getLocations?`)
	wantNoRequests(t, s)
	o = runCLI(t, "", nil, "--endpoint-url", s.URL, "--api-key", s.Key(rhombustest.OrgAPIToken), "call", "zzzzzzzzzzzz")
	if o.code != exitUsage || strings.Contains(o.stderr, "did you mean") {
		t.Errorf("a name near nothing gets no suggestion:\n%s", o)
	}
}

// An endpoint URL with a path gets a 404 from every operation: the message
// says the endpoint must be the host root and gives it.
func TestEndpointWithAPathHint(t *testing.T) {
	t.Parallel()
	s := rhombustest.NewServer(t)
	o := runCLI(t, "", nil, "--endpoint-url", s.URL+"/api", "--api-key", s.Key(rhombustest.OrgAPIToken), "call", "getLocations")
	wantCode(t, o, exitFailed)
	wantContains(t, "stderr", o.stderr, "The endpoint URL must be the host root, without a path: --endpoint-url "+s.URL+" ")
	o = runCLI(t, "", nil, "--endpoint-url", s.URL+"/api", "--api-key", s.Key(rhombustest.OrgAPIToken), "register-device", "--serial-number", "RH1")
	wantCode(t, o, exitFailed)
	wantContains(t, "stderr", o.stderr, "--endpoint-url "+s.URL+" ")
}

// An endpoint without a scheme is refused before anything is sent, saying
// what is missing and where the value came from.
func TestEndpointWithoutASchemeNamesItsSource(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		env    map[string]string
		flags  []string
		config bool
		from   string
	}{
		{"flag", nil, []string{"--endpoint-url", "127.0.0.1:8080"}, false, "(from --endpoint-url)"},
		{"environment", map[string]string{"RHOMBUS_ENDPOINT_URL": "localhost:8080"}, nil, false, "(from RHOMBUS_ENDPOINT_URL)"},
		{"config file", nil, nil, true, "(from endpoint_url of profile default in ~/.rhombus/config)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			if tc.config {
				writeFile(t, filepath.Join(home, ".rhombus", "config"), "[default]\nendpoint_url = api2.rhombussystems.com\n")
			}
			args := append(append([]string{"--api-key", "k"}, tc.flags...), "call", "getLocations")
			o := runCLI(t, home, tc.env, args...)
			wantCode(t, o, exitUsage)
			wantContains(t, "stderr", o.stderr, "the endpoint URL must start with https:// (or http:// for a loopback host)", tc.from)
			if strings.Contains(o.stderr, "first path segment") || strings.Contains(o.stderr, "has no host") {
				t.Errorf("the URL parser's words reach the user:\n%s", o.stderr)
			}
		})
	}
}

// rhombus fake on a port in use says so, and how to get a free one.
func TestFakePortInUseHint(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	o := runCLI(t, "", nil, "fake", "--listen", ln.Addr().String())
	wantCode(t, o, exitUsage)
	wantContains(t, "stderr", o.stderr, ln.Addr().String()+" is in use", "port 0 for a free one (--listen 127.0.0.1:0)")
}

// A 401 mentions --partner: a partner token sent without it, and an
// organisation's key sent with it, are both refused by the server. The
// operation is hand-written, so the fake serves it whatever is imported.
func TestUnauthorizedMentionsPartner(t *testing.T) {
	t.Parallel()
	s := rhombustest.NewServer(t)
	partnerKey := s.Key(rhombustest.PartnerAPIToken)
	o := runCLI(t, "", nil, "--endpoint-url", s.URL, "--api-key", partnerKey, "call", "getDeviceLicensesForOrg")
	wantCode(t, o, exitFailed)
	wantContains(t, "stderr", o.stderr, "HTTP 401", "A partner API token needs --partner")
	o = runCLI(t, "", nil, "--endpoint-url", s.URL, "--api-key", s.Key(rhombustest.OrgAPIToken), "--partner", "call", "getDeviceLicensesForOrg")
	wantCode(t, o, exitFailed)
	wantContains(t, "stderr", o.stderr, "HTTP 401", "an organisation's API key is sent without --partner")
	if strings.Contains(o.stderr, partnerKey) || strings.Contains(o.stderr, s.Key(rhombustest.OrgAPIToken)) {
		t.Error("stderr holds a key")
	}
}

// specWithout is openapi.yaml without the operation at path.
func specWithout(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile("../../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	paths, _ := doc["paths"].(map[string]any)
	if _, ok := paths[path]; !ok {
		t.Fatalf("openapi.yaml has no %s", path)
	}
	delete(paths, path)
	out, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
