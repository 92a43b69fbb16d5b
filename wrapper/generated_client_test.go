package rhombus_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/api"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// decodedAnswer is how the parsers of package api recognise a body that
// holds its answer decoded already (api/templates).
type decodedAnswer interface {
	DecodedAnswer() ([]byte, any)
}

// sentRequest is what a loopback server received.
type sentRequest struct {
	path, body string
	credential bool // x-auth-apikey was the test key
}

// recording starts a loopback server that gives the i-th request the i-th
// of answers (the last one to any after it) and records each request.
func recording(t *testing.T, answers ...answer) (srv *httptest.Server, sent func() []sentRequest) {
	t.Helper()
	var mu sync.Mutex
	var got []sentRequest
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		a := answers[min(len(got), len(answers)-1)]
		got = append(got, sentRequest{path: r.URL.Path, body: string(b), credential: r.Header.Get("x-auth-apikey") == testKey})
		mu.Unlock()
		w.Header().Set("Content-Type", a.contentType)
		w.WriteHeader(a.status)
		_, _ = io.WriteString(w, a.body)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []sentRequest {
		mu.Lock()
		defer mu.Unlock()
		return append([]sentRequest(nil), got...)
	}
}

// Do hands the answer on with the 200's result decoded: the bytes to any
// reader, and the value to the generated parser, which takes it as its
// JSON200 instead of decoding the bytes again.
func TestDoHandsOnTheDecodedAnswer(t *testing.T) {
	const answerBody = `{"error":false,"responseStatus":"SUCCESS","userUuid":"AAAAAAAAAAAAAAAAAAAAAA"}`
	srv, sent := recording(t, jsonAnswer(200, answerBody))
	c, err := rhombus.New(rhombus.WithEndpoint(srv.URL), rhombus.WithCredential(rhombus.APIToken(testKey)), rhombus.WithLimiter(nil))
	require.NoError(t, err)

	req, err := api.NewCreateUserRequest(c.BaseURL(), api.CreateUserRequest{Email: "jane@example.com"})
	require.NoError(t, err)
	resp, err := c.Do(req)
	require.NoError(t, err)
	d, ok := resp.Body.(decodedAnswer)
	require.True(t, ok, "the body holds the decoded answer (a %T)", resp.Body)
	b, v := d.DecodedAnswer()
	assert.Equal(t, answerBody, string(b))
	decoded, ok := v.(*api.CreateUserResponse)
	require.True(t, ok, "decoded into the operation's result type, not %T", v)
	assert.Equal(t, "AAAAAAAAAAAAAAAAAAAAAA", string(decoded.UserUUID))

	parsed, err := api.ParseCreateUserHTTPResponse(resp)
	require.NoError(t, err)
	assert.Same(t, decoded, parsed.JSON200, "the parser takes the value decoded already")
	assert.Equal(t, answerBody, string(parsed.Body))
	assert.Same(t, req, resp.Request, "the request as the caller made it")
	require.Len(t, sent(), 1)

	// A reader that does not know the decoded value reads the bytes.
	req, err = api.NewCreateUserRequest(c.BaseURL(), api.CreateUserRequest{Email: "jane@example.com"})
	require.NoError(t, err)
	resp, err = c.Do(req)
	require.NoError(t, err)
	read, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, answerBody, string(read))
	assert.Equal(t, int64(len(answerBody)), resp.ContentLength)
}

// A call through c.API() without editors goes out as the client builds it:
// the JSON as marshalled, with the credential, once for a write; a read is
// resent after a 503. The answer is decoded once: the parser's JSON200 is
// the value the client decoded, and the response's Request is the one
// sent, without its credential.
func TestAPICallIsTheClientsOwnRequest(t *testing.T) {
	ctx := context.Background()
	org := rhombus.MustParseRUUID("AAAAAAAAAAAAAAAAAAAAAA")
	for _, tc := range []struct {
		name    string
		answers []answer
		call    func(*rhombus.Client) (*http.Response, any, error)
		body    any
		path    string
	}{
		{"a write, once", []answer{jsonAnswer(200, `{"responseStatus":"SUCCESS","userUuid":"AAAAAAAAAAAAAAAAAAAAAA"}`)},
			func(c *rhombus.Client) (*http.Response, any, error) {
				res, err := c.API().CreateUserWithResponse(ctx, api.CreateUserRequest{Email: "jane@example.com"})
				if err != nil {
					return nil, nil, err
				}
				return res.HTTPResponse, res.JSON200, nil
			}, api.CreateUserRequest{Email: "jane@example.com"}, "/api/user/createUser"},
		{"a read, resent after a 503", []answer{jsonAnswer(503, `{"error":true}`), jsonAnswer(200, string(licensesAnswer(2)))},
			func(c *rhombus.Client) (*http.Response, any, error) {
				res, err := c.API().GetDeviceLicensesForOrgWithResponse(ctx, api.GetDeviceLicensesForOrgRequest{OrgUUID: org})
				if err != nil {
					return nil, nil, err
				}
				if res.JSON200 == nil || len(res.JSON200.DeviceLicenses) != 2 {
					t.Errorf("JSON200 = %+v, want 2 licenses", res.JSON200)
				}
				return res.HTTPResponse, res.JSON200, nil
			}, api.GetDeviceLicensesForOrgRequest{OrgUUID: org}, "/api/partner/getDeviceLicensesForOrg"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, sent := recording(t, tc.answers...)
			cred := rhombus.APIToken(testKey)
			if tc.path == "/api/partner/getDeviceLicensesForOrg" {
				cred = rhombus.PartnerAPIToken(testKey)
			}
			c, err := rhombus.New(rhombus.WithEndpoint(srv.URL), rhombus.WithCredential(cred), rhombus.WithLimiter(nil),
				rhombus.WithRetryPolicy(rhombus.RetryPolicy{MaxAttempts: 2}))
			require.NoError(t, err)
			resp, json200, err := tc.call(c)
			require.NoError(t, err)

			want, err := json.Marshal(tc.body)
			require.NoError(t, err)
			got := sent()
			require.Len(t, got, len(tc.answers))
			for i, r := range got {
				assert.Equal(t, tc.path, r.path, "request %d", i)
				assert.JSONEq(t, string(want), r.body, "request %d", i)
				assert.True(t, r.credential, "request %d carried the credential", i)
			}

			d, ok := resp.Body.(decodedAnswer)
			require.True(t, ok, "the body holds the decoded answer (a %T)", resp.Body)
			_, decoded := d.DecodedAnswer()
			assert.Same(t, decoded, json200, "one decode: JSON200 is the client's value")
			require.NotNil(t, resp.Request)
			assert.Equal(t, srv.URL+tc.path, resp.Request.URL.String())
			_, has := resp.Request.Header[http.CanonicalHeaderKey("x-auth-apikey")]
			assert.False(t, has, "the response's Request has no credential header")
			assert.Empty(t, resp.Request.Header.Get("x-auth-scheme"))
		})
	}
}

// A nil context is refused with the package's error, naming the operation,
// and nothing is sent, on every path through c.API(): the JSON method with
// no editor (DoJSON), with an editor, and the WithBody variant (Do); the
// generated request builder's WithContext would panic.
func TestAPICallWithoutAContextIsRefused(t *testing.T) {
	srv, sent := recording(t, jsonAnswer(200, `{}`))
	c, err := rhombus.New(rhombus.WithEndpoint(srv.URL), rhombus.WithCredential(rhombus.APIToken(testKey)))
	require.NoError(t, err)
	var noContext context.Context
	body := api.CreateUserRequest{Email: "jane@example.com"}
	edit := func(context.Context, *http.Request) error { return nil }
	for name, call := range map[string]func() (*api.CreateUserHTTPResponse, error){
		"no editor": func() (*api.CreateUserHTTPResponse, error) {
			return c.API().CreateUserWithResponse(noContext, body)
		},
		"an editor": func() (*api.CreateUserHTTPResponse, error) {
			return c.API().CreateUserWithResponse(noContext, body, edit)
		},
		"a body as a reader": func() (*api.CreateUserHTTPResponse, error) {
			return c.API().CreateUserWithBodyWithResponse(noContext, "application/json", strings.NewReader(`{}`))
		},
	} {
		res, err := call()
		assert.Nil(t, res, name)
		var reqErr *rhombus.RequestError
		if assert.ErrorAs(t, err, &reqErr, name) {
			assert.Equal(t, "createUser", reqErr.Operation, name)
			assert.ErrorContains(t, err, "context must not be nil", name)
		}
	}
	// The typed method says it in the same words.
	_, err = c.CreateUser(noContext, body)
	var reqErr *rhombus.RequestError
	if assert.ErrorAs(t, err, &reqErr, "typed") {
		assert.Equal(t, "createUser", reqErr.Operation)
		assert.ErrorContains(t, err, "context must not be nil")
	}
	assert.Empty(t, sent())
}
