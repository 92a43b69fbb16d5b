package rhombus_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/api"
	"github.com/rhombuskit/rhombus-go/ruuid"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
	"github.com/rhombuskit/rhombus-go/wrapper/internal/testapi"
	"github.com/rhombuskit/rhombus-go/wrapper/internal/testapi/testops"
)

// TestWithOperationsRefusesAnIncompleteOperation: an operation the client
// could not look up is refused when the client is built.
func TestWithOperationsRefusesAnIncompleteOperation(t *testing.T) {
	for _, op := range []rhombus.Operation{{Path: "/api/x/y"}, {ID: "y", Path: "api/x/y"}} {
		_, err := rhombus.New(rhombus.WithCredential(rhombus.APIToken(testKey)), rhombus.WithOperations(op))
		assert.ErrorContains(t, err, "rhombus: WithOperations: an operation needs an ID and a path starting with /")
	}
}

// TestTokenSourceTokensAreScrubbed: a server that echoes what it was sent
// must not get a token from a TokenSource into an error, a warning, an
// excerpt or a log line. Each attempt gets a new token, as a refreshing
// source would give.
func TestTokenSourceTokensAreScrubbed(t *testing.T) {
	var n atomic.Int64
	src := rhombus.TokenSourceFunc(func(context.Context) (string, error) {
		return fmt.Sprintf("SOURCE-SECRET-TOKEN-%d", n.Add(1)), nil
	})
	bodies := []func(tok string) answer{
		func(tok string) answer {
			return jsonAnswer(200, `{"error":true,"errorMsg":"token `+tok+` is expired"}`)
		},
		func(tok string) answer { return jsonAnswer(200, `{"warningMsg":"token `+tok+` expires soon"}`) },
		func(tok string) answer { return jsonAnswer(400, `{"error":"Bad Request","msg":"header `+tok+`"}`) },
		func(tok string) answer { return answer{status: 500, contentType: "text/plain", body: "trace: " + tok} },
		func(tok string) answer { return jsonAnswer(200, `{"x":"`+tok+`"`) },
		func(tok string) answer { return jsonAnswer(200, `{"userUuid":"`+tok+`"}`) },
		func(tok string) answer {
			return answer{status: 429, contentType: "text/plain", body: "calm down " + tok}
		},
	}
	for i, body := range bodies {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				a := body(r.Header.Get("x-auth-access-token"))
				w.Header().Set("Content-Type", a.contentType)
				w.WriteHeader(a.status)
				_, _ = io.WriteString(w, a.body)
			}))
			t.Cleanup(srv.Close)
			var logs bytes.Buffer
			var mu sync.Mutex
			var warnings []rhombus.Warning
			c, err := rhombus.New(rhombus.WithEndpoint(srv.URL), rhombus.WithCredential(rhombus.OAuthTokenSource(src)),
				rhombus.WithRetryPolicy(rhombus.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}),
				rhombus.WithLogger(slog.New(slog.NewTextHandler(lockedWriter{&mu, &logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))),
				rhombus.WithWarningHandler(func(_ context.Context, w rhombus.Warning) { warnings = append(warnings, w) }))
			require.NoError(t, err)
			res, err := c.CreateUser(context.Background(), api.CreateUserRequest{})
			res2, err2 := c.API().CreateUserWithResponse(context.Background(), api.CreateUserRequest{})
			mu.Lock()
			defer mu.Unlock()
			for j, v := range []any{res, err, res2, err2, warnings, logs.String()} {
				for _, verb := range []string{"%v", "%+v", "%#v"} {
					assert.NotContains(t, fmt.Sprintf(verb, v), "SOURCE-SECRET-TOKEN", "value %d with %s", j, verb)
				}
			}
		})
	}
}

// fnTransport answers requests in memory, so a test can run inside a
// synctest bubble (real sockets are not durably blocking).
type fnTransport func(*http.Request) (*http.Response, error)

func (f fnTransport) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func memAnswer(r *http.Request, status int, contentType, body string) *http.Response {
	h := http.Header{}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)), Request: r}
}

// inMemory returns a client whose requests are answered by f.
func inMemory(t *testing.T, f fnTransport, opts ...rhombus.Option) *rhombus.Client {
	t.Helper()
	base := []rhombus.Option{rhombus.WithEndpoint("https://rhombus.test"), rhombus.WithCredential(rhombus.APIToken(testKey)),
		rhombus.WithHTTPClient(&http.Client{Transport: f})}
	c, err := rhombus.New(append(base, opts...)...)
	require.NoError(t, err)
	return c
}

var someOrg = rhombus.MustParseRUUID("AAAAAAAAAAAAAAAAAAAAAA")

// TestBudgetEndingInsideAnAttemptKeepsTheLastAnswer: the budget runs out
// while a retry is on the wire; the caller gets the deadline and the 503
// that came before it.
func TestBudgetEndingInsideAnAttemptKeepsTheLastAnswer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var n atomic.Int64
		c := inMemory(t, func(r *http.Request) (*http.Response, error) {
			if n.Add(1) == 1 {
				return memAnswer(r, 503, "text/plain", "down"), nil
			}
			<-r.Context().Done() // a server that never answers
			return nil, r.Context().Err()
		}, rhombus.WithRetryPolicy(rhombus.RetryPolicy{MaxAttempts: 5, BaseDelay: 100 * time.Millisecond, MaxDelay: 100 * time.Millisecond, Budget: time.Second}))
		_, err := c.GetDeviceLicensesForOrg(context.Background(), api.GetDeviceLicensesForOrgRequest{OrgUUID: someOrg})
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.ErrorIs(t, err, rhombus.ErrServer, "the 503 before the deadline is kept")
		var apiErr *rhombus.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, 503, apiErr.StatusCode)
		assert.Equal(t, int64(2), n.Load())
	})
}

// TestBudgetEndingInsideTheLimiterKeepsTheLastAnswer: the budget runs out
// while the client-side limiter makes the retry wait.
func TestBudgetEndingInsideTheLimiterKeepsTheLastAnswer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		lim, err := rhombus.NewLimiter(0.2, 1) // one request, then one every 5 s
		require.NoError(t, err)
		var n atomic.Int64
		c := inMemory(t, func(r *http.Request) (*http.Response, error) {
			n.Add(1)
			return memAnswer(r, 503, "text/plain", "down"), nil
		}, rhombus.WithLimiter(lim),
			rhombus.WithRetryPolicy(rhombus.RetryPolicy{MaxAttempts: 5, BaseDelay: 10 * time.Millisecond, MaxDelay: 10 * time.Millisecond, Budget: time.Second}))
		_, err = c.GetDeviceLicensesForOrg(context.Background(), api.GetDeviceLicensesForOrgRequest{OrgUUID: someOrg})
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.ErrorIs(t, err, rhombus.ErrServer, "the 503 before the deadline is kept")
		assert.Equal(t, int64(1), n.Load())
	})
}

// TestCancelDuringBackoffKeepsTheLastAnswer: the caller cancels while the
// client sleeps before a resend.
func TestCancelDuringBackoffKeepsTheLastAnswer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		c := inMemory(t, func(r *http.Request) (*http.Response, error) {
			return memAnswer(r, 503, "text/plain", "down"), nil
		}, rhombus.WithObserver(func(e rhombus.Event) {
			if e.Kind == rhombus.EventWait {
				cancel()
			}
		}))
		_, err := c.GetDeviceLicensesForOrg(ctx, api.GetDeviceLicensesForOrgRequest{OrgUUID: someOrg})
		assert.ErrorIs(t, err, context.Canceled)
		assert.ErrorIs(t, err, rhombus.ErrServer)
	})
}

// TestRUUIDFromServerEncodesAgain: an answer holding a RUUID that breaks
// the rules decodes, and encodes again exactly as it was read.
func TestRUUIDFromServerEncodesAgain(t *testing.T) {
	in := `{"deviceLicenses":[{"uuid":"not-a-ruuid","orgUuid":"AAAAAAAAAAAAAAAAAAAAAA"}]}`
	var res api.GetDeviceLicensesForOrgResponse
	require.NoError(t, json.Unmarshal([]byte(in), &res))
	out, err := json.Marshal(res)
	require.NoError(t, err)
	assert.Contains(t, string(out), `"uuid":"not-a-ruuid"`)
	text, err := ruuid.RUUID("x").MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "x", string(text))
}

// TestRawBodiesAreCheckedForRUUIDs: a request body built by the caller
// (the generated ...WithBody variants) is checked against the operation's
// RUUID fields before anything is sent.
func TestRawBodiesAreCheckedForRUUIDs(t *testing.T) {
	for _, tc := range []struct {
		name, body, field string
		call              func(c *rhombus.Client, body string) error
	}{
		{"createPendingRegistration orgUuid", `{"orgUuid":"not-a-ruuid","serialNumber":"RH1"}`, "orgUuid",
			func(c *rhombus.Client, body string) error {
				_, err := c.API().CreatePendingRegistrationWithBodyWithResponse(context.Background(), "application/json", strings.NewReader(body))
				return err
			}},
		{"createUser permissionGroupUuid", `{"email":"a@example.com","permissionGroupUuid":"AAAA"}`, "permissionGroupUuid",
			func(c *rhombus.Client, body string) error {
				_, err := c.API().CreateUserWithBodyWithResponse(context.Background(), "application/json", strings.NewReader(body))
				return err
			}},
		{"an operation from another spec, a RUUID in a list of objects", `{"cameraUuid":"AAAAAAAAAAAAAAAAAAAAAA","neighbours":[{"uuid":"AAAAAAAAAAAAAAAAAAAAAA"},{"uuid":"nope"}]}`, "neighbours[1].uuid",
			func(c *rhombus.Client, body string) error {
				cam, err := testapi.NewClientWithResponses(c.BaseURL(), testapi.WithHTTPClient(c))
				if err != nil {
					return err
				}
				_, err = cam.UpdateCameraConfigWithBodyWithResponse(context.Background(), "application/json", strings.NewReader(body))
				return err
			}},
		{"typed request through c.API()", "", "orgUuid",
			func(c *rhombus.Client, _ string) error {
				_, err := c.API().GetDeviceLicensesForOrgWithResponse(context.Background(), api.GetDeviceLicensesForOrgRequest{OrgUUID: badOrg()})
				return err
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, hits := answering(t, jsonAnswer(200, `{}`), rhombus.WithOperations(testops.Operations...))
			err := tc.call(c, tc.body)
			assert.ErrorIs(t, err, rhombus.ErrInvalidRequest)
			var vErr *rhombus.ValidationError
			require.ErrorAs(t, err, &vErr)
			assert.Equal(t, tc.field, vErr.Field)
			assert.Zero(t, hits.Load(), "nothing was sent")
		})
	}
}

// TestGettersAreNilSafe: the generated getters of the pointer fields read
// a nil field, and a nil model, as the zero value.
func TestGettersAreNilSafe(t *testing.T) {
	var none *api.DeviceLicense
	assert.False(t, none.GetTrial())
	l := api.DeviceLicense{}
	assert.False(t, l.GetTrial())
	l.Trial = new(true)
	assert.True(t, l.GetTrial())
	var rules api.CredentialProvisioningRules
	assert.Zero(t, rules.GetMaxMobileCredsAllowed())
	rules.MaxMobileCredsAllowed = new(int32(3))
	assert.Equal(t, int32(3), rules.GetMaxMobileCredsAllowed())
}
