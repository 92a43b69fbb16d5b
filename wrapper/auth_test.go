package rhombus_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/api"
	"github.com/rhombuskit/rhombus-go/ruuid"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// Fake secrets of the authentication tests. Failure messages never print
// them: assertions on secret headers report only whether they match.
const (
	authKey   = "test-key-123"
	authToken = "test-oauth-token-1"
)

var (
	authOrg      = rhombus.MustParseRUUID("Ej5FZ-ibEtOkVkJmFBdAAA")
	authOtherOrg = rhombus.MustParseRUUID("_____________________w")
)

// authRecord is what the recording server saw of one request.
type authRecord struct {
	path   string
	header http.Header
}

// authServer is a loopback server that records the path and headers of
// every request and answers each operation with a minimal success.
type authServer struct {
	*httptest.Server
	mu   sync.Mutex
	recs []authRecord
}

func (s *authServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.recs = append(s.recs, authRecord{path: r.URL.Path, header: r.Header.Clone()})
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case "/api/user/createUser":
		_, _ = w.Write([]byte(`{"error":false,"responseStatus":"SUCCESS","userUuid":"AAAAAAAAAAAAAAAAAAAAAA"}`))
	case "/api/partner/getDeviceLicensesForOrg":
		_, _ = w.Write([]byte(`{"deviceLicenses":[]}`))
	case "/api/org/createPendingRegistration":
		_, _ = w.Write([]byte(`{"error":false}`))
	default:
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"error":"Not Found"}`))
	}
}

func (s *authServer) records() []authRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]authRecord(nil), s.recs...)
}

// newAuthServer starts a recording server, HTTPS when useTLS.
func newAuthServer(t *testing.T, useTLS bool) *authServer {
	t.Helper()
	s := &authServer{}
	if useTLS {
		s.Server = httptest.NewTLSServer(s)
	} else {
		s.Server = httptest.NewServer(s)
	}
	t.Cleanup(s.Close)
	return s
}

// newAuthClient builds a client for s with cred and opts, without retries.
func newAuthClient(t *testing.T, s *authServer, cred rhombus.Credential, opts ...rhombus.Option) *rhombus.Client {
	t.Helper()
	base := []rhombus.Option{
		rhombus.WithEndpoint(s.URL),
		rhombus.WithCredential(cred),
		rhombus.WithHTTPClient(s.Client()),
		mtlsNoRetry,
	}
	c, err := rhombus.New(append(base, opts...)...)
	require.NoError(t, err)
	return c
}

// authWant is the credential headers one request must carry; an empty
// field means the header must be absent.
type authWant struct {
	scheme      string
	apiKey      string // secret: compared, never printed
	accessToken string // secret: compared, never printed
	org         string
}

// assertAuthHeaders checks that h carries exactly the x-auth-* headers of
// want, each once, and the default User-Agent.
func assertAuthHeaders(t *testing.T, h http.Header, want authWant) {
	t.Helper()
	wantNames := []string{"x-auth-scheme"}
	if want.apiKey != "" {
		wantNames = append(wantNames, "x-auth-apikey")
	}
	if want.accessToken != "" {
		wantNames = append(wantNames, "x-auth-access-token")
	}
	if want.org != "" {
		wantNames = append(wantNames, "x-auth-org")
	}
	sort.Strings(wantNames)
	var gotNames []string
	for name, vals := range h {
		lower := strings.ToLower(name)
		if strings.HasPrefix(lower, "x-auth-") {
			gotNames = append(gotNames, lower)
			assert.Equal(t, 1, len(vals), "header %s must be sent exactly once, was sent %d times", lower, len(vals))
		}
	}
	sort.Strings(gotNames)
	assert.Equal(t, wantNames, gotNames, "the x-auth-* headers sent (names only)")

	assert.Equal(t, want.scheme, h.Get("x-auth-scheme"), "x-auth-scheme")
	assert.Equal(t, want.org, h.Get("x-auth-org"), "x-auth-org")
	if got := h.Get("x-auth-apikey"); got != want.apiKey {
		t.Errorf("x-auth-apikey differs from the credential's key (sent %d bytes, want %d)", len(got), len(want.apiKey))
	}
	if got := h.Get("x-auth-access-token"); got != want.accessToken {
		t.Errorf("x-auth-access-token differs from the expected token (sent %d bytes, want %d)", len(got), len(want.accessToken))
	}
	assert.Equal(t, rhombus.DefaultUserAgent, h.Get("User-Agent"), "User-Agent")
}

// assertErrorText asserts err.Error() == want, but first that it holds none
// of secrets, so that a failure never prints one.
func assertErrorText(t *testing.T, err error, want string, secrets ...string) {
	t.Helper()
	if !assert.Error(t, err) {
		return
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(err.Error(), s) {
			t.Errorf("the error text holds a secret (%d bytes); not printed", len(s))
			return
		}
	}
	assert.Equal(t, want, err.Error())
}

// authCert returns a client certificate for the certificate credentials.
func authCert(t *testing.T) tls.Certificate {
	t.Helper()
	ca := newMTLSCA(t)
	der, key := ca.issue(t, "auth test client")
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// countingSource is an OAuth token source that returns a new token on
// every call, as one that refreshes would.
func countingSource() (rhombus.Credential, *atomic.Int64) {
	n := new(atomic.Int64)
	return rhombus.OAuthTokenSource(rhombus.TokenSourceFunc(func(context.Context) (string, error) {
		return fmt.Sprintf("test-oauth-token-%d", n.Add(1)), nil
	})), n
}

func getLicenses(ctx context.Context, c *rhombus.Client) (string, error) {
	_, err := c.GetDeviceLicensesForOrg(ctx, api.GetDeviceLicensesForOrgRequest{OrgUUID: authOrg})
	return "/api/partner/getDeviceLicensesForOrg", err
}

func createUserTyped(ctx context.Context, c *rhombus.Client) (string, error) {
	res, err := c.CreateUser(ctx, api.CreateUserRequest{Email: "jane@example.com"})
	if err == nil && (res.UserUUID != "AAAAAAAAAAAAAAAAAAAAAA") {
		err = fmt.Errorf("createUser: userUuid not decoded: %+v", res)
	}
	return "/api/user/createUser", err
}

// createUserGenerated calls through the generated client with extra request editors.
func createUserGenerated(editors ...api.RequestEditorFn) func(context.Context, *rhombus.Client) (string, error) {
	return func(ctx context.Context, c *rhombus.Client) (string, error) {
		res, err := c.API().CreateUserWithResponse(ctx, api.CreateUserRequest{Email: "jane@example.com"}, editors...)
		if err == nil && (res.JSON200 == nil || res.JSON200.UserUUID != "AAAAAAAAAAAAAAAAAAAAAA") {
			err = fmt.Errorf("createUser: JSON200 not decoded (status %d)", res.StatusCode())
		}
		return "/api/user/createUser", err
	}
}

func TestCredentialHeaders(t *testing.T) {
	cert := authCert(t)
	oauthSource, _ := countingSource()
	keyWant := func(scheme string) authWant { return authWant{scheme: scheme, apiKey: authKey} }
	withOrg := func(w authWant, org rhombus.RUUID) authWant { w.org = string(org); return w }

	cases := []struct {
		name   string
		tls    bool
		cred   rhombus.Credential
		opts   []rhombus.Option
		derive func(*rhombus.Client) (*rhombus.Client, error) // applied to the built client
		call   func(context.Context, *rhombus.Client) (path string, err error)
		want   []authWant // one call per entry
	}{
		{name: "APIToken", cred: rhombus.APIToken(authKey), want: []authWant{keyWant("api-token")}},
		{name: "APIToken createUser", cred: rhombus.APIToken(authKey), call: createUserTyped, want: []authWant{keyWant("api-token")}},
		{name: "PartnerAPIToken", cred: rhombus.PartnerAPIToken(authKey), want: []authWant{keyWant("partner-api-token")}},
		{name: "CertificateKey", tls: true, cred: rhombus.CertificateKey(authKey, cert), want: []authWant{keyWant("api")}},
		{name: "PartnerCertificateKey", tls: true, cred: rhombus.PartnerCertificateKey(authKey, cert), want: []authWant{keyWant("partner-api")}},
		{name: "OAuthToken", cred: rhombus.OAuthToken(authToken), want: []authWant{
			{scheme: "api-oauth-token", accessToken: authToken},
			{scheme: "api-oauth-token", accessToken: authToken},
		}},
		{name: "OAuthTokenSource refreshes per request", cred: oauthSource, want: []authWant{
			{scheme: "api-oauth-token", accessToken: "test-oauth-token-1"},
			{scheme: "api-oauth-token", accessToken: "test-oauth-token-2"},
			{scheme: "api-oauth-token", accessToken: "test-oauth-token-3"},
		}},
		{
			name: "PartnerAPIToken with WithClientOrg", cred: rhombus.PartnerAPIToken(authKey),
			opts: []rhombus.Option{rhombus.WithClientOrg(authOrg)},
			want: []authWant{withOrg(keyWant("partner-api-token"), authOrg), withOrg(keyWant("partner-api-token"), authOrg)},
		},
		{
			name: "PartnerCertificateKey with WithClientOrg", tls: true, cred: rhombus.PartnerCertificateKey(authKey, cert),
			opts: []rhombus.Option{rhombus.WithClientOrg(authOrg)},
			want: []authWant{withOrg(keyWant("partner-api"), authOrg)},
		},
		{
			name: "WithClientOrg with the typed createUser", cred: rhombus.PartnerAPIToken(authKey),
			opts: []rhombus.Option{rhombus.WithClientOrg(authOrg)},
			call: createUserTyped,
			want: []authWant{withOrg(keyWant("partner-api-token"), authOrg)},
		},
		{
			name: "x-auth-org from a request editor", cred: rhombus.PartnerAPIToken(authKey),
			call: createUserGenerated(orgEditor(authOrg)),
			want: []authWant{withOrg(keyWant("partner-api-token"), authOrg)},
		},
		{
			name: "x-auth-org from a request editor wins over WithClientOrg", cred: rhombus.PartnerAPIToken(authKey),
			opts: []rhombus.Option{rhombus.WithClientOrg(authOrg)},
			call: createUserGenerated(orgEditor(authOtherOrg)),
			want: []authWant{withOrg(keyWant("partner-api-token"), authOtherOrg)},
		},
		{
			name: "generated call without editor", cred: rhombus.APIToken(authKey),
			call: createUserGenerated(),
			want: []authWant{keyWant("api-token")},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newAuthServer(t, tc.tls)
			c := newAuthClient(t, srv, tc.cred, tc.opts...)
			if tc.derive != nil {
				var err error
				c, err = tc.derive(c)
				require.NoError(t, err)
			}
			call := tc.call
			if call == nil {
				call = getLicenses
			}
			wantPath := ""
			for i := range tc.want {
				path, err := call(context.Background(), c)
				require.NoError(t, err, "call %d", i+1)
				wantPath = path
			}
			recs := srv.records()
			require.Len(t, recs, len(tc.want), "requests received")
			for i, rec := range recs {
				assert.Equal(t, wantPath, rec.path, "request %d path", i+1)
				assertAuthHeaders(t, rec.header, tc.want[i])
			}
		})
	}
}

// orgEditor sets x-auth-org on one generated call, as a caller's own
// request editor may; the client checks it like its own.
func orgEditor(org rhombus.RUUID) api.RequestEditorFn {
	return func(_ context.Context, req *http.Request) error {
		req.Header.Set("x-auth-org", string(org))
		return nil
	}
}

func TestClientOrgChecks(t *testing.T) {
	t.Run("WithClientOrg with an invalid RUUID", func(t *testing.T) {
		_, err := rhombus.New(rhombus.WithCredential(rhombus.PartnerAPIToken(authKey)), rhombus.WithClientOrg("abc"))
		require.Error(t, err)
		assert.Equal(t, `rhombus: WithClientOrg: invalid RUUID "abc": must be exactly 22 characters, got 3`, err.Error())
		var re *ruuid.Error
		assert.True(t, errors.As(err, &re), "must unwrap to *ruuid.Error")
	})

	t.Run("WithClientOrg with invalid RUUIDs", func(t *testing.T) {
		for in, want := range map[rhombus.RUUID]string{
			"":                                     `rhombus: WithClientOrg: invalid RUUID "": must not be empty; a RUUID is exactly 22 characters`,
			"123e4567-e89b-12d3-a456-426614174000": `rhombus: WithClientOrg: invalid RUUID "123e4567-e89b-12d3-a456-426614174000": is a standard UUID, not a RUUID (22-character base64url); convert it with ruuid.FromUUIDString or rhombus.RUUIDFromUUID`,
			"AAAAAAAAAAAAAAAAAAAAAB":               `rhombus: WithClientOrg: invalid RUUID "AAAAAAAAAAAAAAAAAAAAAB": last character 'B' is not canonical: it must be one of A, Q, g, w`,
		} {
			c, err := rhombus.New(rhombus.WithCredential(rhombus.PartnerAPIToken(authKey)), rhombus.WithClientOrg(in))
			require.Error(t, err, "WithClientOrg(%q)", in)
			assert.Nil(t, c)
			assert.Equal(t, want, err.Error())
			var re *ruuid.Error
			assert.True(t, errors.As(err, &re), "WithClientOrg(%q) must unwrap to *ruuid.Error", in)
		}
	})

	t.Run("WithClientOrg needs a partner credential", func(t *testing.T) {
		c, err := rhombus.New(rhombus.WithCredential(rhombus.APIToken(authKey)), rhombus.WithClientOrg(authOrg))
		require.Error(t, err)
		assert.Nil(t, c)
		assert.Equal(t, "rhombus: client organisation (x-auth-org) needs a partner credential, not rhombus.APIToken([REDACTED])", err.Error())
	})

	t.Run("x-auth-org from an editor needs a partner credential", func(t *testing.T) {
		srv := newAuthServer(t, false)
		c := newAuthClient(t, srv, rhombus.APIToken(authKey))
		_, err := createUserGenerated(orgEditor(authOrg))(context.Background(), c)
		require.Error(t, err)
		assert.ErrorIs(t, err, rhombus.ErrInvalidRequest)
		var vErr *rhombus.ValidationError
		require.True(t, errors.As(err, &vErr), "error %T must be a *rhombus.ValidationError", err)
		assert.Equal(t, "rhombus: createUser: field header x-auth-org: needs a partner credential, not rhombus.APIToken([REDACTED])", err.Error())
		assert.Empty(t, srv.records(), "nothing may be sent")
	})

	t.Run("x-auth-org from an editor with an invalid RUUID", func(t *testing.T) {
		srv := newAuthServer(t, false)
		c := newAuthClient(t, srv, rhombus.PartnerAPIToken(authKey))
		_, err := createUserGenerated(orgEditor("abc"))(context.Background(), c)
		require.Error(t, err)
		assert.Equal(t, `rhombus: createUser: field header x-auth-org: invalid RUUID "abc": must be exactly 22 characters, got 3`, err.Error())
		var re *ruuid.Error
		assert.True(t, errors.As(err, &re), "must unwrap to *ruuid.Error")
		assert.Empty(t, srv.records(), "nothing may be sent")
	})
}

// TestEmptyOrgHeaderIsRefused: an x-auth-org a caller's request editor
// sets is checked like every other value, whatever its spelling and
// whatever the credential: an empty value (which Header.Get cannot tell
// from none) and two values are refused as *ValidationError naming the
// header and the rule, and nothing is sent, nor a token source asked.
func TestEmptyOrgHeaderIsRefused(t *testing.T) {
	cert := authCert(t)
	source, asked := countingSource()
	creds := []struct {
		name string
		tls  bool
		cred rhombus.Credential
	}{
		{"APIToken", false, rhombus.APIToken(authKey)},
		{"PartnerAPIToken", false, rhombus.PartnerAPIToken(authKey)},
		{"CertificateKey", true, rhombus.CertificateKey(authKey, cert)},
		{"PartnerCertificateKey", true, rhombus.PartnerCertificateKey(authKey, cert)},
		{"OAuthToken", false, rhombus.OAuthToken(authToken)},
		{"OAuthTokenSource", false, source},
	}
	set := func(name string, vals ...string) api.RequestEditorFn {
		return func(_ context.Context, req *http.Request) error {
			req.Header[name] = vals
			return nil
		}
	}
	editors := []struct {
		name string
		edit api.RequestEditorFn
		rule string
	}{
		{"Set empty", orgEditor(""), `invalid RUUID "": must not be empty; a RUUID is exactly 22 characters`},
		{"empty, canonical name", set("X-Auth-Org", ""), `invalid RUUID "": must not be empty; a RUUID is exactly 22 characters`},
		{"empty, lower-case name", set("x-auth-org", ""), `invalid RUUID "": must not be empty; a RUUID is exactly 22 characters`},
		{"empty after a valid one", set("X-Auth-Org", string(authOrg), ""), "has 2 values; a request acts in one organisation"},
		{"two spellings", func(ctx context.Context, req *http.Request) error {
			req.Header["X-Auth-Org"] = []string{string(authOrg)}
			req.Header["x-auth-org"] = []string{string(authOtherOrg)}
			return nil
		}, "has 2 values; a request acts in one organisation"},
	}
	for _, cr := range creds {
		for _, ed := range editors {
			t.Run(cr.name+"/"+ed.name, func(t *testing.T) {
				srv := newAuthServer(t, cr.tls)
				// With and without a client organisation of the client's own:
				// the editor's value is checked either way.
				lim := &countingLimiter{}
				for _, opts := range [][]rhombus.Option{nil, {rhombus.WithClientOrg(authOrg)}} {
					if len(opts) > 0 && !cr.cred.Partner() {
						continue
					}
					c := newAuthClient(t, srv, cr.cred, append(opts, rhombus.WithLimiter(lim))...)
					_, err := createUserGenerated(ed.edit)(context.Background(), c)
					require.Error(t, err)
					assert.ErrorIs(t, err, rhombus.ErrInvalidRequest)
					var vErr *rhombus.ValidationError
					require.True(t, errors.As(err, &vErr), "error %T must be a *rhombus.ValidationError", err)
					assert.Equal(t, "createUser", vErr.Operation)
					assert.Equal(t, "header x-auth-org", vErr.Field)
					assert.Equal(t, "rhombus: createUser: field header x-auth-org: "+ed.rule, err.Error())
				}
				assert.Empty(t, srv.records(), "nothing may be sent")
				assert.Zero(t, lim.waits.Load(), "a request refused anyway takes no slot of the rate limiter")
			})
		}
	}
	assert.Zero(t, asked.Load(), "the token source is not asked for a request refused anyway")
}

// countingLimiter lets every request through and counts them.
type countingLimiter struct{ waits atomic.Int64 }

func (l *countingLimiter) Wait(context.Context) error            { l.waits.Add(1); return nil }
func (l *countingLimiter) Observe(time.Time, int, time.Duration) {}

func TestNewCredentialErrors(t *testing.T) {
	_, err := rhombus.New()
	require.Error(t, err)
	assert.Equal(t, "rhombus: no credential: pass WithCredential (APIToken, PartnerAPIToken, CertificateKey, OAuthToken, ...) or FromEnvironment", err.Error())

	_, err = rhombus.New(rhombus.WithCredential(nil))
	require.Error(t, err)
	assert.Equal(t, "rhombus: WithCredential: the credential is nil", err.Error())

	cert := authCert(t)
	constructors := map[string]func(string) rhombus.Credential{
		"APIToken":              rhombus.APIToken,
		"PartnerAPIToken":       rhombus.PartnerAPIToken,
		"CertificateKey":        func(k string) rhombus.Credential { return rhombus.CertificateKey(k, cert) },
		"PartnerCertificateKey": func(k string) rhombus.Credential { return rhombus.PartnerCertificateKey(k, cert) },
		"OAuthToken":            rhombus.OAuthToken,
	}
	keys := []struct {
		name, key, rule string
	}{
		{"empty", "", "is empty"},
		{"trailing space", authKey + " ", "has leading or trailing white space"},
		{"trailing newline", authKey + "\n", "has leading or trailing white space"},
		{"trailing CRLF", authKey + "\r\n", "has leading or trailing white space"},
		{"leading space", " " + authKey, "has leading or trailing white space"},
		{"leading tab", "\t" + authKey, "has leading or trailing white space"},
		{"inner newline", "test-key\n-123", "contains a control character at byte 9"},
		{"inner NUL", "test-key\x00-123", "contains a control character at byte 9"},
		{"inner DEL", "test-key\x7f-123", "contains a control character at byte 9"},
	}
	for cname, mk := range constructors {
		what := "API key"
		if cname == "OAuthToken" {
			what = "OAuth access token"
		}
		for _, k := range keys {
			t.Run(cname+"/"+k.name, func(t *testing.T) {
				c, err := rhombus.New(rhombus.WithCredential(mk(k.key)))
				require.Error(t, err)
				assert.Nil(t, c)
				assertErrorText(t, err, "rhombus: the "+what+" "+k.rule, strings.TrimSpace(k.key), "test-key")
			})
		}
	}

	t.Run("token source returning a bad token", func(t *testing.T) {
		for name, tok := range map[string]string{"empty": "", "trailing newline": authToken + "\n"} {
			srv := newAuthServer(t, false)
			src := rhombus.OAuthTokenSource(rhombus.TokenSourceFunc(func(context.Context) (string, error) { return tok, nil }))
			c := newAuthClient(t, srv, src)
			_, err := getLicenses(context.Background(), c)
			require.Error(t, err, name)
			var reqErr *rhombus.RequestError
			assert.True(t, errors.As(err, &reqErr), "%s: error %T must unwrap to *rhombus.RequestError", name, err)
			assert.Contains(t, err.Error(), "the OAuth access token from the token source", name)
			assert.False(t, strings.Contains(err.Error(), authToken), "%s: the error quotes the token", name)
			assert.Empty(t, srv.records(), "%s: nothing may be sent", name)
		}
	})

	t.Run("token source failing", func(t *testing.T) {
		srv := newAuthServer(t, false)
		cause := errors.New("refresh failed")
		src := rhombus.OAuthTokenSource(rhombus.TokenSourceFunc(func(context.Context) (string, error) { return "", cause }))
		c := newAuthClient(t, srv, src)
		_, err := getLicenses(context.Background(), c)
		require.Error(t, err)
		assert.True(t, errors.Is(err, cause), "the source's error must be wrapped: %v", err)
		assert.Empty(t, srv.records(), "nothing may be sent")
	})
}

func TestEndpoints(t *testing.T) {
	cred := rhombus.WithCredential(rhombus.APIToken(authKey))

	t.Run("refused", func(t *testing.T) {
		cases := []struct{ endpoint, want string }{
			{"http://example.com", `rhombus: endpoint "http://example.com": credentials are never sent over plain http except to a loopback host; use https`},
			{"http://localhost.example.com:8080", `rhombus: endpoint "http://localhost.example.com:8080": credentials are never sent over plain http except to a loopback host; use https`},
			{"http://0.0.0.0:8080", `rhombus: endpoint "http://0.0.0.0:8080": credentials are never sent over plain http except to a loopback host; use https`},
			{"http://10.0.0.1", `rhombus: endpoint "http://10.0.0.1": credentials are never sent over plain http except to a loopback host; use https`},
			{"ftp://example.com", `rhombus: endpoint "ftp://example.com": scheme must be https (or http to a loopback host)`},
			{"ftp://127.0.0.1", `rhombus: endpoint "ftp://127.0.0.1": scheme must be https (or http to a loopback host)`},
			{"ws://localhost", `rhombus: endpoint "ws://localhost": scheme must be https (or http to a loopback host)`},
			{"api2.rhombussystems.com", `rhombus: endpoint "api2.rhombussystems.com": the endpoint URL must start with https:// (or http:// for a loopback host), for example https://api2.rhombussystems.com`},
			{"127.0.0.1:8080", `rhombus: endpoint "127.0.0.1:8080": the endpoint URL must start with https:// (or http:// for a loopback host), for example https://api2.rhombussystems.com`},
			{"localhost:8080", `rhombus: endpoint "localhost:8080": the endpoint URL must start with https:// (or http:// for a loopback host), for example https://api2.rhombussystems.com`},
			{"https://", `rhombus: endpoint "https://" has no host; expected for example https://api2.rhombussystems.com`},
			{"https://user:hunter2@api.example.com", `rhombus: endpoint https://user:xxxxx@api.example.com: user information in the URL is not allowed`},
		}
		for _, tc := range cases {
			c, err := rhombus.New(cred, rhombus.WithEndpoint(tc.endpoint))
			require.Error(t, err, tc.endpoint)
			assert.Nil(t, c)
			assertErrorText(t, err, tc.want, "hunter2")
			if strings.HasPrefix(tc.endpoint, "http://") {
				assert.Contains(t, err.Error(), "loopback", tc.endpoint)
			}
		}
		_, err := rhombus.New(cred, rhombus.WithEndpoint(""))
		require.Error(t, err)
		assert.Equal(t, "rhombus: WithEndpoint: the URL is empty", err.Error())
	})

	t.Run("loopback http accepted and called", func(t *testing.T) {
		srv := newAuthServer(t, false)
		_, port, err := net.SplitHostPort(srv.Listener.Addr().String())
		require.NoError(t, err)
		for _, endpoint := range []string{"http://127.0.0.1:" + port, "http://localhost:" + port, "HTTP://LOCALHOST:" + port + "/"} {
			before := len(srv.records())
			c, err := rhombus.New(cred, rhombus.WithEndpoint(endpoint), mtlsNoRetry)
			require.NoError(t, err, endpoint)
			assert.Equal(t, strings.TrimSuffix(strings.ToLower(endpoint), "/"), strings.ToLower(c.BaseURL()), "BaseURL")
			_, err = getLicenses(context.Background(), c)
			require.NoError(t, err, "call to %s", endpoint)
			recs := srv.records()
			require.Len(t, recs, before+1, "the request must reach the server at %s", endpoint)
			assertAuthHeaders(t, recs[before].header, authWant{scheme: "api-token", apiKey: authKey})
		}
	})

	t.Run("IPv6 loopback accepted", func(t *testing.T) {
		c, err := rhombus.New(cred, rhombus.WithEndpoint("http://[::1]:8080"))
		require.NoError(t, err)
		assert.Equal(t, "http://[::1]:8080", c.BaseURL())

		// Call it for real when this machine has IPv6 loopback.
		ln, lerr := net.Listen("tcp6", "[::1]:0")
		if lerr != nil {
			t.Logf("no IPv6 loopback (%v): only the endpoint check ran", lerr)
			return
		}
		s := &authServer{}
		s.Server = httptest.NewUnstartedServer(s)
		require.NoError(t, s.Listener.Close())
		s.Listener = ln
		s.Start()
		t.Cleanup(s.Close)
		c, err = rhombus.New(cred, rhombus.WithEndpoint(s.URL), mtlsNoRetry)
		require.NoError(t, err, s.URL)
		_, err = getLicenses(context.Background(), c)
		require.NoError(t, err)
		require.Len(t, s.records(), 1, "the request must reach the [::1] server")
	})

	t.Run("other accepted forms", func(t *testing.T) {
		for endpoint, base := range map[string]string{
			"https://api.example.com":                "https://api.example.com",
			"https://api.example.com/":               "https://api.example.com",
			"https://api.example.com/base/?q=1#f":    "https://api.example.com/base",
			"http://127.0.0.2:9000":                  "http://127.0.0.2:9000",
			"http://[::ffff:127.0.0.1]:9000":         "http://[::ffff:127.0.0.1]:9000",
			"https://api2.eu.rhombussystems.com:443": "https://api2.eu.rhombussystems.com:443",
		} {
			c, err := rhombus.New(cred, rhombus.WithEndpoint(endpoint))
			require.NoError(t, err, endpoint)
			assert.Equal(t, base, c.BaseURL(), "BaseURL of %s", endpoint)
		}
	})

	t.Run("regions", func(t *testing.T) {
		c, err := rhombus.New(cred)
		require.NoError(t, err)
		assert.Equal(t, api.ServerURLUnitedStates, c.BaseURL(), "default region")

		c, err = rhombus.New(cred, rhombus.WithRegion(rhombus.RegionEU))
		require.NoError(t, err)
		assert.Equal(t, api.ServerURLEuropeanUnion, c.BaseURL(), "RegionEU")

		c, err = rhombus.New(cred, rhombus.WithRegion(rhombus.RegionUS))
		require.NoError(t, err)
		assert.Equal(t, api.ServerURLUnitedStates, c.BaseURL(), "RegionUS")

		c, err = rhombus.New(cred, rhombus.WithRegion(rhombus.RegionEU), rhombus.WithEndpoint("https://api.example.com"))
		require.NoError(t, err)
		assert.Equal(t, "https://api.example.com", c.BaseURL(), "a later WithEndpoint wins")

		c, err = rhombus.New(cred, rhombus.WithEndpoint("https://api.example.com"), rhombus.WithRegion(rhombus.RegionEU))
		require.NoError(t, err)
		assert.Equal(t, api.ServerURLEuropeanUnion, c.BaseURL(), "a later WithRegion wins")

		_, err = rhombus.New(cred, rhombus.WithRegion("mars"))
		require.Error(t, err)
		assert.Equal(t, `rhombus: WithRegion("mars"): must be RegionUS or RegionEU`, err.Error())
	})
}

func TestCredentialsNeverPrintTheirSecret(t *testing.T) {
	cert := authCert(t)
	src := rhombus.OAuthTokenSource(rhombus.TokenSourceFunc(func(context.Context) (string, error) { return authKey, nil }))
	cases := []struct {
		cred rhombus.Credential
		want string // %v
	}{
		{rhombus.APIToken(authKey), "rhombus.APIToken([REDACTED])"},
		{rhombus.PartnerAPIToken(authKey), "rhombus.PartnerAPIToken([REDACTED])"},
		{rhombus.CertificateKey(authKey, cert), "rhombus.CertificateKey([REDACTED])"},
		{rhombus.PartnerCertificateKey(authKey, cert), "rhombus.PartnerCertificateKey([REDACTED])"},
		{rhombus.OAuthToken(authKey), "rhombus.OAuthToken([REDACTED])"},
		{src, "rhombus.OAuthTokenSource([REDACTED])"},
	}
	for _, tc := range cases {
		t.Run(tc.want, func(t *testing.T) {
			got := fmt.Sprintf("%v %+v %#v %s", tc.cred, tc.cred, tc.cred, tc.cred)
			if strings.Contains(got, authKey) {
				t.Errorf("a formatting of the credential holds the key")
			} else {
				assert.Equal(t, strings.Repeat(tc.want+" ", 3)+tc.want, got, "formatting of the credential")
			}
			inStruct := fmt.Sprintf("%v %+v %#v", struct{ C rhombus.Credential }{tc.cred}, struct{ C rhombus.Credential }{tc.cred}, []rhombus.Credential{tc.cred})
			assert.False(t, strings.Contains(inStruct, authKey), "a formatting of a struct holding the credential holds the key")

			srv := newAuthServer(t, false)
			opts := []rhombus.Option{}
			if tc.cred.Partner() {
				opts = append(opts, rhombus.WithClientOrg(authOrg))
			}
			c := newAuthClient(t, srv, tc.cred, opts...)
			gotC := fmt.Sprintf("%v %+v %#v %s", c, c, c, c)
			wantC := "rhombus.Client{endpoint: " + srv.URL + ", credential: " + tc.want
			if tc.cred.Partner() {
				wantC += ", clientOrg: " + string(authOrg)
			}
			wantC += "}"
			if strings.Contains(gotC, authKey) {
				t.Errorf("a formatting of the client holds the key")
			} else {
				assert.Equal(t, strings.Repeat(wantC+" ", 3)+wantC, gotC, "formatting of the client")
			}
		})
	}
}
