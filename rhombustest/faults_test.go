package rhombustest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/rhombustest"
)

// The example of the brief: the next 2 createUser calls answer 429 with
// Retry-After: 3, and change nothing; the third is answered normally.
func TestFailTimesRateLimited(t *testing.T) {
	s := rhombustest.NewServer(t)
	s.Fail("createUser", rhombustest.RateLimited(3*time.Second).Times(2))
	h := headers(s.Credential(rhombustest.OrgAPIToken))

	for i := range 2 {
		r := post(t, s, pathUser, h, userBody("jane@example.com"))
		require.Equal(t, http.StatusTooManyRequests, r.status, "call %d", i)
		assert.Equal(t, "3", r.header.Get("Retry-After"))
		assert.Equal(t, "text/plain", r.header.Get("Content-Type"))
		assert.Equal(t, "Too many api requests. Enhance your calm.", string(r.body))
		assert.Empty(t, s.Users(s.DefaultOrg()))
	}
	r := post(t, s, pathUser, h, userBody("jane@example.com"))
	require.Equal(t, http.StatusOK, r.status)
	assert.Len(t, s.Users(s.DefaultOrg()), 1)
	assert.Equal(t, 2, s.RateLimited())

	reqs := s.Requests()
	assert.Equal(t, []string{"RateLimited(3s)", "RateLimited(3s)", ""}, []string{reqs[0].Fault, reqs[1].Fault, reqs[2].Fault})
}

// Every fault that replaces the answer produces what it says and leaves the
// state alone.
func TestFaultsThatReplaceTheAnswer(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault rhombustest.Fault
		check func(t *testing.T, r reply)
	}{
		{"RateLimited rounds up", rhombustest.RateLimited(1500 * time.Millisecond), func(t *testing.T, r reply) {
			assert.Equal(t, 429, r.status)
			assert.Equal(t, "2", r.header.Get("Retry-After"))
		}},
		{"RateLimited at least 1s", rhombustest.RateLimited(0), func(t *testing.T, r reply) {
			assert.Equal(t, 429, r.status)
			assert.Equal(t, "1", r.header.Get("Retry-After"))
		}},
		{"500", rhombustest.ServerError(500), func(t *testing.T, r reply) {
			assert.Equal(t, 500, r.status)
			assert.True(t, json.Valid(r.body))
		}},
		{"502", rhombustest.ServerError(502), func(t *testing.T, r reply) {
			assert.Equal(t, 502, r.status)
			assert.Equal(t, "Bad Gateway", string(r.body))
		}},
		{"503", rhombustest.ServerError(503), func(t *testing.T, r reply) { assert.Equal(t, 503, r.status) }},
		{"401", rhombustest.Unauthorized(), func(t *testing.T, r reply) {
			assert.Equal(t, 401, r.status)
			assert.Equal(t, map[string]any{"authenticationFailed": true}, r.json(t))
			assert.Contains(t, r.header.Get("WWW-Authenticate"), "resource_metadata=")
		}},
		{"403", rhombustest.Forbidden(), func(t *testing.T, r reply) {
			assert.Equal(t, 403, r.status)
			assert.Equal(t, "Access Denied", r.json(t)["msg"])
		}},
		{"error envelope", rhombustest.ErrorEnvelope("Directory unavailable"), func(t *testing.T, r reply) {
			assert.Equal(t, 200, r.status)
			assert.Equal(t, map[string]any{"error": true, "errorMsg": "Directory unavailable"}, r.json(t))
		}},
		{"malformed JSON", rhombustest.MalformedJSON(), func(t *testing.T, r reply) {
			assert.Equal(t, 200, r.status)
			assert.Equal(t, "application/json", r.header.Get("Content-Type"))
			assert.False(t, json.Valid(r.body))
		}},
		{"truncated JSON", rhombustest.TruncatedJSON(), func(t *testing.T, r reply) {
			assert.Equal(t, 200, r.status)
			assert.Contains(t, string(r.body), `{"error":false,"responseStatus":"SUC`[:10])
			assert.False(t, json.Valid(r.body))
		}},
		{"wrong content type", rhombustest.WrongContentType("text/html"), func(t *testing.T, r reply) {
			assert.Equal(t, 200, r.status)
			assert.Equal(t, "text/html", r.header.Get("Content-Type"))
			assert.Contains(t, string(r.body), "<html>")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := rhombustest.NewServer(t)
			s.Fail("createUser", tc.fault)
			r := post(t, s, pathUser, headers(s.Credential(rhombustest.OrgAPIToken)), userBody("jane@example.com"))
			tc.check(t, r)
			assert.Empty(t, s.Users(s.DefaultOrg()), "a fault that replaces the answer changes nothing")
			assert.Equal(t, tc.fault.String(), s.Requests()[0].Fault)

			r = post(t, s, pathUser, headers(s.Credential(rhombustest.OrgAPIToken)), userBody("jane@example.com"))
			assert.Equal(t, http.StatusOK, r.status, "the fault was used up")
			assert.Len(t, s.Users(s.DefaultOrg()), 1)
		})
	}
}

func TestWarningChangesStateAndSucceeds(t *testing.T) {
	s := rhombustest.NewServer(t)
	s.Fail("createPendingRegistration", rhombustest.Warning("Wi-Fi settings will apply at next check-in"))
	r := post(t, s, pathRegistration, headers(s.Credential(rhombustest.OrgAPIToken)), `{"serialNumber":"RH1"}`)
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, map[string]any{"error": false, "warningMsg": "Wi-Fi settings will apply at next check-in"}, r.json(t))
	assert.Len(t, s.Registrations(s.DefaultOrg()), 1)

	s.Fail("createUser", rhombustest.Warning("welcome email delayed"))
	r = post(t, s, pathUser, headers(s.Credential(rhombustest.OrgAPIToken)), userBody("jane@example.com"))
	body := r.json(t)
	assert.Equal(t, "SUCCESS", body["responseStatus"])
	assert.Equal(t, "welcome email delayed", body["warningMsg"])
	assert.Len(t, s.Users(s.DefaultOrg()), 1)
}

func TestSlowAnswersAfterTheDelay(t *testing.T) {
	s := rhombustest.NewServer(t)
	s.Fail("createUser", rhombustest.Slow(200*time.Millisecond))
	start := time.Now()
	r := post(t, s, pathUser, headers(s.Credential(rhombustest.OrgAPIToken)), userBody("jane@example.com"))
	assert.GreaterOrEqual(t, time.Since(start), 200*time.Millisecond)
	assert.Equal(t, http.StatusOK, r.status)
	assert.Len(t, s.Users(s.DefaultOrg()), 1)
}

func TestSlowHonoursCancellation(t *testing.T) {
	s := rhombustest.NewServer(t)
	s.Fail("createUser", rhombustest.Slow(time.Second))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := postErr(ctx, s, pathUser, headers(s.Credential(rhombustest.OrgAPIToken)), userBody("jane@example.com"))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	// Past the delay, the abandoned call has still changed nothing.
	assert.Never(t, func() bool { return len(s.Users(s.DefaultOrg())) > 0 }, 1500*time.Millisecond, 50*time.Millisecond)
	assert.Equal(t, 0, s.Requests()[0].Status)
}

func TestCloseBeforeBody(t *testing.T) {
	s := rhombustest.NewServer(t)
	s.Fail("createUser", rhombustest.CloseBeforeBody())
	_, err := postErr(context.Background(), s, pathUser, headers(s.Credential(rhombustest.OrgAPIToken)), userBody("jane@example.com"))
	require.Error(t, err)
	assert.Empty(t, s.Users(s.DefaultOrg()))
	req := s.Requests()[0]
	assert.Nil(t, req.Body, "the body was never read")
	assert.Equal(t, 0, req.Status)
	assert.Equal(t, "CloseBeforeBody", req.Fault)
}

func TestCloseAfterApply(t *testing.T) {
	s := rhombustest.NewServer(t)
	s.Fail("createUser", rhombustest.CloseAfterApply())
	_, err := postErr(context.Background(), s, pathUser, headers(s.Credential(rhombustest.OrgAPIToken)), userBody("jane@example.com"))
	require.Error(t, err)
	assert.Len(t, s.Users(s.DefaultOrg()), 1, "the call was applied although no answer came")

	r := post(t, s, pathUser, headers(s.Credential(rhombustest.OrgAPIToken)), userBody("jane@example.com"))
	assert.Equal(t, "USER_EXISTS", r.json(t)["responseStatus"], "a blind resend creates nothing twice here, but the client cannot know")
	assert.Equal(t, 2, s.Connections(), "the closed connection was not reused")
}

// Scripts queue per operation, so a test picks which call fails.
func TestFaultScriptsPerCall(t *testing.T) {
	s := rhombustest.NewServer(t)
	s.Fail("createUser", rhombustest.Pass())
	s.Fail("createUser", rhombustest.ServerError(503))
	s.Fail(rhombustest.AnyOperation, rhombustest.ServerError(502).Times(2))

	var got []int
	for i := range 4 {
		got = append(got, post(t, s, pathUser, headers(s.Credential(rhombustest.OrgAPIToken)), userBody(fmt.Sprintf("u%d@example.com", i))).status)
	}
	assert.Equal(t, []int{200, 503, 502, 502}, got)

	s.Fail("getDeviceLicensesForOrg", rhombustest.ServerError(500).Always())
	for range 3 {
		assert.Equal(t, 500, post(t, s, pathLicenses, headers(s.Credential(rhombustest.OrgAPIToken)), `{}`).status)
	}
	assert.Equal(t, 200, post(t, s, pathUser, headers(s.Credential(rhombustest.OrgAPIToken)), userBody("x@example.com")).status, "other operations unaffected")
	s.ClearFaults()
	assert.Equal(t, 200, post(t, s, pathLicenses, headers(s.Credential(rhombustest.OrgAPIToken)), `{}`).status)
}
