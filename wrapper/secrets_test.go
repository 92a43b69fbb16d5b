package rhombus_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/api"
	"github.com/rhombuskit/rhombus-go/ruuid"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// TestSecretsNeverLeak runs every error scenario of this suite, and some
// where the server echoes the key back, with a known API key, and asserts
// the key appears in no error text, no log line, and no %v, %+v or %#v of
// any value the package returns.
func TestSecretsNeverLeak(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var seen []any // everything the package returned
	record := func(vals ...any) { seen = append(seen, vals...) }
	warnOpt := rhombus.WithWarningHandler(func(_ context.Context, w rhombus.Warning) { record(w) })

	var answers []answer
	for _, tc := range apiErrorCases {
		answers = append(answers, tc.answer)
	}
	for _, tc := range malformedCases {
		answers = append(answers, tc.answer)
	}
	answers = append(answers,
		// A server that echoes the key must not get it into an error or log.
		jsonAnswer(200, `{"error":true,"errorMsg":"bad key `+testKey+`"}`),
		jsonAnswer(200, `{"error":false,"warningMsg":"key `+testKey+` expires soon"}`),
		jsonAnswer(400, `{"error":"Bad Request","msg":"header x-auth-apikey=`+testKey+`"}`),
		answer{status: 500, contentType: "text/plain", body: "trace: x-auth-apikey: " + testKey},
		jsonAnswer(200, `{"error":false,"userUuid":`+testKey+`}`),
		jsonAnswer(200, strings.Repeat(" ", 70)+`{"x":"`+testKey+`"`),
	)
	for _, a := range answers {
		c, _ := answering(t, a, rhombus.WithLogger(logger), warnOpt, rhombus.WithMaxResponseBytes(1<<10))
		record(c, *c) // a Client value too: %+v of it must not reach the key
		res, err := createUser(c)
		record(res, err)
		res2, err := c.API().CreateUserWithResponse(context.Background(), api.CreateUserRequest{})
		record(res2, err)
	}

	// Refused before sending: invalid RUUID, bad construction, bad config.
	c, _ := answering(t, jsonAnswer(200, `{}`))
	_, err := c.CreateUser(context.Background(), api.CreateUserRequest{PermissionGroupUUID: rhombus.RUUID(testKey)})
	record(err)
	_, err = c.GetDeviceLicensesForOrg(context.Background(), api.GetDeviceLicensesForOrgRequest{OrgUUID: rhombus.RUUID(testKey)})
	record(err)
	var rErr *ruuid.Error
	require.ErrorAs(t, err, &rErr)
	record(rErr) // the wrapped rule must not quote the key either
	long := strings.Repeat(testKey, 3)
	_, err = c.GetDeviceLicensesForOrg(context.Background(), api.GetDeviceLicensesForOrgRequest{OrgUUID: rhombus.RUUID(long[:len(long)-5])})
	record(err)
	require.ErrorAs(t, err, &rErr)
	if strings.Contains(rErr.Value, testKey[:20]) {
		t.Errorf("a shortened value still holds part of the key")
	}
	for _, opts := range [][]rhombus.Option{
		{rhombus.WithCredential(rhombus.APIToken(testKey + "\n"))},
		{rhombus.WithCredential(rhombus.APIToken(" " + testKey))},
		{rhombus.WithCredential(rhombus.APIToken(testKey)), rhombus.WithEndpoint("http://example.com")},
		{rhombus.WithCredential(rhombus.APIToken(testKey)), rhombus.WithClientOrg(rhombus.MustParseRUUID("AAAAAAAAAAAAAAAAAAAAAA"))},
		{rhombus.WithCredential(rhombus.OAuthToken(testKey)), rhombus.WithEndpoint("ftp://x")},
	} {
		cl, err := rhombus.New(opts...)
		record(cl, err)
	}
	home := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(home, ".rhombus"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(home, ".rhombus", "credentials"),
		[]byte("[default]\napi_key = "+testKey+"\n"+testKey+"\n"), 0o600))
	t.Setenv("HOME", home)
	t.Setenv(rhombus.EnvAPIKey, "")
	t.Setenv(rhombus.EnvProfile, "")
	t.Setenv(rhombus.EnvEndpointURL, "")
	cl, err := rhombus.New(rhombus.FromEnvironment())
	record(cl, err)

	// No answer at all: the connection is refused.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	quick := rhombus.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}
	cl, err = rhombus.New(rhombus.WithEndpoint("http://"+addr), rhombus.WithCredential(rhombus.APIToken(testKey)),
		rhombus.WithRetryPolicy(quick), rhombus.WithLogger(logger))
	require.NoError(t, err)
	_, err = createUser(cl)
	record(cl, err)

	// A token source that fails, and credentials themselves.
	failing := rhombus.OAuthTokenSource(rhombus.TokenSourceFunc(func(context.Context) (string, error) {
		return "", fmt.Errorf("refresh failed")
	}))
	srv := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)
	cl, err = rhombus.New(rhombus.WithEndpoint(srv.URL), rhombus.WithCredential(failing))
	require.NoError(t, err)
	_, err = createUser(cl)
	record(cl, err, failing, rhombus.APIToken(testKey), rhombus.PartnerAPIToken(testKey), rhombus.OAuthToken(testKey))

	require.Greater(t, len(seen), 80, "the sweep must cover the scenarios")
	errs := 0
	for i, v := range seen {
		if e, ok := v.(error); ok && e != nil {
			errs++
			if strings.Contains(e.Error(), testKey) {
				t.Errorf("value %d (%T): the API key appears in Error()", i, v)
			}
		}
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			if strings.Contains(fmt.Sprintf(verb, v), testKey) {
				t.Errorf("value %d (%T): the API key appears in its %s formatting", i, v, verb)
			}
		}
	}
	require.Greater(t, errs, 50, "the sweep must see the errors")
	require.NotEmpty(t, logs.String(), "the logger must have been used")
	if strings.Contains(logs.String(), testKey) {
		t.Errorf("the API key appears in a log line")
	}
}

// TestPrivateKeyNeverPrints formats a client with a certificate credential,
// by pointer and by value, and looks for the private key's scalar.
func TestPrivateKeyNeverPrints(t *testing.T) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	cert := tls.Certificate{Certificate: [][]byte{{0x30, 0x00}}, PrivateKey: priv}
	cred := rhombus.CertificateKey(testKey, cert)
	c, err := rhombus.New(rhombus.WithCredential(cred))
	require.NoError(t, err)
	raw, err := priv.Bytes()
	require.NoError(t, err)
	scalar := new(big.Int).SetBytes(raw).String() // how %+v would print the key's D
	for _, v := range []any{cred, c, *c} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			out := fmt.Sprintf(verb, v)
			if strings.Contains(out, scalar) || strings.Contains(out, testKey) {
				t.Errorf("%T formatted with %s shows a secret", v, verb)
			}
		}
	}
}

// TestRedirectsAreNotFollowed: a redirect would carry x-auth-apikey to
// wherever it points; the client reports it instead of following it.
func TestRedirectsAreNotFollowed(t *testing.T) {
	var elsewhere atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { elsewhere.Add(1) }))
	t.Cleanup(other.Close)
	for _, code := range []int{301, 302, 303, 307, 308} {
		c, hits := answering(t, answer{status: code, contentType: "text/plain", body: "moved",
			header: map[string]string{"Location": other.URL + "/api/user/createUser"}})
		_, err := createUser(c)
		var apiErr *rhombus.APIError
		require.ErrorAs(t, err, &apiErr, "HTTP %d", code)
		assert.Equal(t, code, apiErr.StatusCode)
		assert.Equal(t, int64(1), hits.Load())
	}
	assert.Zero(t, elsewhere.Load(), "no request reached the redirect's target")
}
