package rhombustest_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/api"
	"github.com/rhombuskit/rhombus-go/rhombustest"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// quickRetries keeps the real retry rules with short waits, so fault tests
// run fast; Retry-After is still honoured as sent.
var quickRetries = rhombus.RetryPolicy{MaxAttempts: 3, BaseDelay: 10 * time.Millisecond, MaxDelay: 50 * time.Millisecond, AttemptTimeout: 2 * time.Second}

// TestWrapperUnderEveryFault injects each fault kind into a write
// (createUser) and a read (getDeviceLicensesForOrg) and asserts what the
// wrapper makes of it: the error's type, sentinel and message, or its
// recovery; and that the server's state changed only where it should.
func TestWrapperUnderEveryFault(t *testing.T) {
	type want struct {
		errText   string // the exact error text; "" for success
		is        error  // a sentinel the error must match
		as        any    // a pointer to the error type it must be
		users     int    // users in the org afterwards (createUser only)
		requests  int    // requests the server received
		warning   string // the warning the call returned
		minElapse time.Duration
	}
	tests := []struct {
		name  string
		op    string
		fault rhombustest.Fault
		want  want
	}{
		{"429 then success", rhombustest.OpCreateUser, rhombustest.RateLimited(time.Second),
			want{users: 1, requests: 2, minElapse: time.Second}},
		{"500 on a write is not retried", rhombustest.OpCreateUser, rhombustest.ServerError(500),
			want{errText: "rhombus: createUser: outcome unknown (email=jane@example.com): the request may have been applied and was not resent: HTTP 500: injected fault", is: rhombus.ErrOutcomeUnknown, as: new(*rhombus.APIError), requests: 1}},
		{"502 on a write is not retried", rhombustest.OpCreateUser, rhombustest.ServerError(502),
			want{errText: "rhombus: createUser: outcome unknown (email=jane@example.com): the request may have been applied and was not resent: HTTP 502: Bad Gateway", is: rhombus.ErrOutcomeUnknown, as: new(*rhombus.APIError), requests: 1}},
		{"503 on a read is retried", rhombustest.OpGetDeviceLicensesForOrg, rhombustest.ServerError(503),
			want{requests: 2}},
		{"401", rhombustest.OpCreateUser, rhombustest.Unauthorized(),
			want{errText: "rhombus: createUser: HTTP 401: authentication failed", is: rhombus.ErrUnauthorized, as: new(*rhombus.APIError), requests: 1}},
		{"403", rhombustest.OpCreateUser, rhombustest.Forbidden(),
			want{errText: "rhombus: createUser: HTTP 403: Access Denied", is: rhombus.ErrForbidden, as: new(*rhombus.APIError), requests: 1}},
		{"200 with error true", rhombustest.OpCreateUser, rhombustest.ErrorEnvelope("organisation suspended"),
			want{errText: "rhombus: createUser: HTTP 200 error: organisation suspended", is: rhombus.ErrRefused, as: new(*rhombus.APIError), requests: 1}},
		{"200 with a warning", rhombustest.OpCreateUser, rhombustest.Warning("welcome email delayed"),
			want{users: 1, requests: 1, warning: "welcome email delayed"}},
		{"malformed JSON", rhombustest.OpCreateUser, rhombustest.MalformedJSON(),
			want{is: rhombus.ErrOutcomeUnknown, as: new(*rhombus.DecodeError), requests: 1}},
		{"truncated JSON", rhombustest.OpCreateUser, rhombustest.TruncatedJSON(),
			want{is: rhombus.ErrDecode, as: new(*rhombus.DecodeError), requests: 1}},
		{"wrong content type", rhombustest.OpCreateUser, rhombustest.WrongContentType("text/html"),
			want{is: rhombus.ErrDecode, as: new(*rhombus.DecodeError), requests: 1}},
		{"slow write times out: outcome unknown", rhombustest.OpCreateUser, rhombustest.Slow(time.Second),
			want{is: rhombus.ErrOutcomeUnknown, as: new(*rhombus.OutcomeUnknownError), requests: 1}},
		{"slow read times out and is retried", rhombustest.OpGetDeviceLicensesForOrg, rhombustest.Slow(time.Second),
			want{requests: 2}},
		{"closed before the body: outcome unknown", rhombustest.OpCreateUser, rhombustest.CloseBeforeBody(),
			want{is: rhombus.ErrOutcomeUnknown, as: new(*rhombus.OutcomeUnknownError), requests: 1}},
		{"closed after applying a write: outcome unknown, not resent", rhombustest.OpCreateUser, rhombustest.CloseAfterApply(),
			want{is: rhombus.ErrOutcomeUnknown, as: new(*rhombus.OutcomeUnknownError), users: 1, requests: 1}},
		{"closed after a read: retried", rhombustest.OpGetDeviceLicensesForOrg, rhombustest.CloseAfterApply(),
			want{requests: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := rhombustest.NewServer(t)
			var warnings []string
			policy := quickRetries
			if tt.name == "slow write times out: outcome unknown" || tt.name == "slow read times out and is retried" {
				policy.AttemptTimeout = 200 * time.Millisecond
			}
			c := s.Client(rhombus.WithRetryPolicy(policy), rhombus.WithLimiter(nil),
				rhombus.WithWarningHandler(func(_ context.Context, w rhombus.Warning) { warnings = append(warnings, w.Message) }))
			s.Fail(tt.op, tt.fault)

			start := time.Now()
			var err error
			switch tt.op {
			case rhombustest.OpCreateUser:
				var res *api.CreateUserResponse
				res, err = c.CreateUser(context.Background(), api.CreateUserRequest{Email: "jane@example.com", Name: "Jane"})
				if err == nil {
					require.NotNil(t, res.UserUUID)
					assert.NoError(t, res.UserUUID.Validate())
				}
			default:
				var res *api.GetDeviceLicensesForOrgResponse
				res, err = c.GetDeviceLicensesForOrg(context.Background(), api.GetDeviceLicensesForOrgRequest{OrgUUID: s.DefaultOrg()})
				if err == nil {
					assert.NotEmpty(t, res.DeviceLicenses, "the default org has seeded licenses")
				}
			}
			elapsed := time.Since(start)

			if tt.want.is == nil {
				require.NoError(t, err)
			} else {
				require.Error(t, err)
				assert.ErrorIs(t, err, tt.want.is)
				assert.True(t, errors.As(err, tt.want.as), "error type: got %T", err)
				if tt.want.errText != "" {
					assert.Equal(t, tt.want.errText, err.Error())
				}
			}
			assert.Len(t, s.Users(s.DefaultOrg()), tt.want.users, "users created")
			assert.Len(t, s.Requests(), tt.want.requests, "requests the server received")
			if tt.want.warning != "" {
				assert.Equal(t, []string{tt.want.warning}, warnings)
			}
			assert.GreaterOrEqual(t, elapsed, tt.want.minElapse, "waited Retry-After")
		})
	}
}

// TestRefusedRequestsChangeNoState sends requests the server refuses, through
// the wrapper, and checks the errors and that nothing was created.
func TestRefusedRequestsChangeNoState(t *testing.T) {
	s := rhombustest.NewServer(t)
	c := s.Client(rhombus.WithRetryPolicy(quickRetries))
	ctx := context.Background()
	unknownGroup := rhombus.MustParseRUUID("BBBBBBBBBBBBBBBBBBBBBA")

	_, err := c.CreateUser(ctx, api.CreateUserRequest{Email: "a@example.com", Name: "A", PermissionGroupUUID: unknownGroup})
	assert.ErrorIs(t, err, rhombus.ErrNotFound)
	assert.ErrorIs(t, err, rhombus.ErrRefused)

	_, err = c.CreateUser(ctx, api.CreateUserRequest{Name: "no email"})
	assert.ErrorIs(t, err, rhombus.ErrBadInput)

	_, err = c.CreatePendingRegistration(ctx, api.CreatePendingRegistrationRequest{})
	assert.ErrorIs(t, err, rhombus.ErrRefused, "a registration without a serial number")

	// A partner credential on createUser, which allows only api-token.
	pc := s.Client(rhombus.WithCredential(s.Credential(rhombustest.PartnerAPIToken)), rhombus.WithRetryPolicy(quickRetries))
	_, err = pc.CreateUser(ctx, api.CreateUserRequest{Email: "b@example.com", Name: "B"})
	var apiErr *rhombus.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Contains(t, []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden}, apiErr.StatusCode)

	assert.Empty(t, s.Users(s.DefaultOrg()))
	assert.Empty(t, s.Registrations(s.DefaultOrg()))
}

// TestDuplicatesAreRefusedByState checks the fake's state through the
// wrapper: a second user with the same email and a second registration of a
// serial number are refused with the wrapper's sentinels.
func TestDuplicatesAreRefusedByState(t *testing.T) {
	s := rhombustest.NewServer(t)
	c := s.Client()
	ctx := context.Background()
	group := s.PermissionGroup()
	u := api.CreateUserRequest{Email: "jane@example.com", Name: "Jane", PermissionGroupUUID: group}
	first, err := c.CreateUser(ctx, u)
	require.NoError(t, err)
	_, err = c.CreateUser(ctx, u)
	assert.ErrorIs(t, err, rhombus.ErrUserExists)
	users := s.Users(s.DefaultOrg())
	require.Len(t, users, 1)
	assert.Equal(t, first.UserUUID, users[0].UUID)

	r := api.CreatePendingRegistrationRequest{SerialNumber: "RH123456789"}
	_, err = c.CreatePendingRegistration(ctx, r)
	require.NoError(t, err)
	_, err = c.CreatePendingRegistration(ctx, r)
	assert.ErrorIs(t, err, rhombus.ErrRefused)
	assert.Len(t, s.Registrations(s.DefaultOrg()), 1)
}

// TestEveryCredentialKindAgainstTheFake calls the fake through the wrapper
// with each kind of credential the fake seeds.
func TestEveryCredentialKindAgainstTheFake(t *testing.T) {
	s := rhombustest.NewServer(t)
	for _, kind := range rhombustest.Kinds() {
		t.Run(kind.String(), func(t *testing.T) {
			cred := s.Credential(kind)
			opts := []rhombus.Option{rhombus.WithCredential(cred)}
			if cred.Partner() {
				opts = append(opts, rhombus.WithClientOrg(s.DefaultOrg()))
			}
			c := s.Client(opts...)
			res, err := c.GetDeviceLicensesForOrg(context.Background(), api.GetDeviceLicensesForOrgRequest{OrgUUID: s.DefaultOrg()})
			require.NoError(t, err)
			assert.Len(t, res.DeviceLicenses, len(s.Licenses(s.DefaultOrg())))
		})
	}
}
