package rhombus_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/api"
	"github.com/rhombuskit/rhombus-go/rhombustest"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

var allSentinels = []error{
	rhombus.ErrUnauthorized, rhombus.ErrForbidden, rhombus.ErrRateLimited, rhombus.ErrBadInput,
	rhombus.ErrNotFound, rhombus.ErrServer,
	rhombus.ErrRefused, rhombus.ErrDecode, rhombus.ErrInvalidRequest, rhombus.ErrOutcomeUnknown,
	rhombus.Status(api.ResponseStatusUSEREXISTS), rhombus.Status(api.ResponseStatusPASSWORDTOOSHORT),
	rhombus.Status(api.ResponseStatusSAMEPASSWORD), rhombus.Status(api.ResponseStatusBADINPUT),
}

func createUser(c *rhombus.Client) (*api.CreateUserResponse, error) {
	return c.CreateUser(context.Background(), api.CreateUserRequest{
		Email: "jane@example.com",
		Name:  "Jane",
	})
}

// apiErrorCases are the documented failure answers.
var apiErrorCases = []struct {
	name       string
	answer     answer
	want       string        // err.Error()
	is         []error       // sentinels it matches; it must match no other
	retryAfter time.Duration // APIError.RetryAfter
	respStatus string
}{
	{
		name:   "400 error and msg",
		answer: jsonAnswer(400, `{"error":"Bad Request","msg":"Unexpected null value for field: email"}`),
		want:   "rhombus: createUser: HTTP 400: Unexpected null value for field: email",
		is:     []error{rhombus.ErrBadInput},
	},
	{
		name:   "400 with only error",
		answer: jsonAnswer(400, `{"error":"Bad Request"}`),
		want:   "rhombus: createUser: HTTP 400: Bad Request",
		is:     []error{rhombus.ErrBadInput},
	},
	{
		name:   "401 authenticationFailed",
		answer: answer{status: 401, contentType: "application/json", body: `{"authenticationFailed":true}`, header: map[string]string{"WWW-Authenticate": `Bearer resource_metadata="https://example.test/meta"`}},
		want:   "rhombus: createUser: HTTP 401: authentication failed",
		is:     []error{rhombus.ErrUnauthorized},
	},
	{
		name:   "403 status error msg",
		answer: jsonAnswer(403, `{"status":403,"error":"Forbidden","timestamp":1700000000000,"msg":"Access Denied"}`),
		want:   "rhombus: createUser: HTTP 403: Access Denied",
		is:     []error{rhombus.ErrForbidden},
	},
	{
		name:       "429 text with Retry-After seconds",
		answer:     answer{status: 429, contentType: "text/plain", body: "Too many api requests. Enhance your calm.", header: map[string]string{"Retry-After": "3"}},
		want:       "rhombus: createUser: HTTP 429: Too many api requests. Enhance your calm. (retry after 3s)",
		is:         []error{rhombus.ErrRateLimited},
		retryAfter: 3 * time.Second,
	},
	{
		name:   "429 with invalid Retry-After",
		answer: answer{status: 429, contentType: "text/plain", body: "Too many api requests. Enhance your calm.", header: map[string]string{"Retry-After": "soon"}},
		want:   "rhombus: createUser: HTTP 429: Too many api requests. Enhance your calm.",
		is:     []error{rhombus.ErrRateLimited},
	},
	{
		name:   "500 text",
		answer: answer{status: 500, contentType: "text/plain", body: "Internal Server Error"},
		want:   "rhombus: createUser: outcome unknown (email=jane@example.com): the request may have been applied and was not resent: HTTP 500: Internal Server Error",
		is:     []error{rhombus.ErrServer, rhombus.ErrOutcomeUnknown},
	},
	{
		name:   "502 html",
		answer: answer{status: 502, contentType: "text/html", body: "<html><body>Bad Gateway</body></html>"},
		want:   "rhombus: createUser: outcome unknown (email=jane@example.com): the request may have been applied and was not resent: HTTP 502: <html><body>Bad Gateway</body></html>",
		is:     []error{rhombus.ErrServer, rhombus.ErrOutcomeUnknown},
	},
	{
		name:   "503 empty body",
		answer: answer{status: 503},
		want:   "rhombus: createUser: outcome unknown (email=jane@example.com): the request may have been applied and was not resent: HTTP 503: Service Unavailable",
		is:     []error{rhombus.ErrServer, rhombus.ErrOutcomeUnknown},
	},
	{
		name:   "200 error true",
		answer: jsonAnswer(200, `{"error":true,"errorMsg":"Serial number already registered"}`),
		want:   "rhombus: createUser: HTTP 200 error: Serial number already registered",
		is:     []error{rhombus.ErrRefused},
	},
	{
		name:       "200 USER_EXISTS",
		answer:     jsonAnswer(200, `{"error":true,"errorMsg":"User exists","responseStatus":"USER_EXISTS"}`),
		want:       "rhombus: createUser: HTTP 200 USER_EXISTS: User exists",
		is:         []error{rhombus.ErrRefused, rhombus.Status(api.ResponseStatusUSEREXISTS)},
		respStatus: "USER_EXISTS",
	},
	{
		name:       "200 responseStatus without error flag",
		answer:     jsonAnswer(200, `{"responseStatus":"ORG_NOT_FOUND"}`),
		want:       "rhombus: createUser: HTTP 200 ORG_NOT_FOUND",
		is:         []error{rhombus.ErrRefused, rhombus.ErrNotFound},
		respStatus: "ORG_NOT_FOUND",
	},
	{
		name:       "200 BAD_INPUT",
		answer:     jsonAnswer(200, `{"error":true,"responseStatus":"BAD_INPUT","errorMsg":"email is invalid"}`),
		want:       "rhombus: createUser: HTTP 200 BAD_INPUT: email is invalid",
		is:         []error{rhombus.ErrRefused, rhombus.ErrBadInput, rhombus.Status(api.ResponseStatusBADINPUT)},
		respStatus: "BAD_INPUT",
	},
	{
		name:       "200 BASIC_AUTH_FAILED",
		answer:     jsonAnswer(200, `{"error":true,"responseStatus":"BASIC_AUTH_FAILED"}`),
		want:       "rhombus: createUser: HTTP 200 BASIC_AUTH_FAILED",
		is:         []error{rhombus.ErrRefused, rhombus.ErrUnauthorized},
		respStatus: "BASIC_AUTH_FAILED",
	},
	{
		name:       "200 PASSWORD_TOO_SHORT",
		answer:     jsonAnswer(200, `{"error":true,"responseStatus":"PASSWORD_TOO_SHORT"}`),
		want:       "rhombus: createUser: HTTP 200 PASSWORD_TOO_SHORT",
		is:         []error{rhombus.ErrRefused, rhombus.Status(api.ResponseStatusPASSWORDTOOSHORT)},
		respStatus: "PASSWORD_TOO_SHORT",
	},
	{
		name:       "200 a status the client does not know",
		answer:     jsonAnswer(200, `{"error":true,"responseStatus":"QUOTA_EXCEEDED","errorMsg":"quota"}`),
		want:       "rhombus: createUser: HTTP 200 QUOTA_EXCEEDED: quota",
		is:         []error{rhombus.ErrRefused},
		respStatus: "QUOTA_EXCEEDED",
	},
}

// malformedCases are answers the client cannot read.
var malformedCases = []struct {
	name   string
	answer answer
	want   string // err.Error()
	opts   []rhombus.Option
}{
	{"truncated JSON", jsonAnswer(200, `{"error":false,"userUu`),
		`rhombus: getDeviceLicensesForOrg: HTTP 200: cannot decode response (application/json): truncated JSON (22 bytes): unexpected end of JSON input; body starts "{\"error\":false,\"userUu"`, nil},
	{"malformed JSON", jsonAnswer(200, `{"error":false,,}`),
		`rhombus: getDeviceLicensesForOrg: HTTP 200: cannot decode response (application/json): malformed JSON at byte 16: invalid character ',' looking for beginning of object key string; body starts "{\"error\":false,,}"`, nil},
	{"HTML with status 200", answer{status: 200, contentType: "text/html; charset=utf-8", body: "<html>maintenance</html>"},
		`rhombus: getDeviceLicensesForOrg: HTTP 200: cannot decode response (text/html; charset=utf-8): content type "text/html; charset=utf-8" is not JSON; body starts "<html>maintenance</html>"`, nil},
	{"no content type", answer{status: 200, body: `{"error":false}`},
		`rhombus: getDeviceLicensesForOrg: HTTP 200: cannot decode response (no content type): content type "" is not JSON; body starts "{\"error\":false}"`, nil},
	{"empty body", jsonAnswer(200, ``),
		`rhombus: getDeviceLicensesForOrg: HTTP 200: cannot decode response (application/json): empty body; body starts ""`, nil},
	{"JSON null", jsonAnswer(200, `null`),
		`rhombus: getDeviceLicensesForOrg: HTTP 200: cannot decode response (application/json): the body is not a JSON object; body starts "null"`, nil},
	{"JSON array", jsonAnswer(200, `[{"error":false}]`),
		`rhombus: getDeviceLicensesForOrg: HTTP 200: cannot decode response (application/json): the body is not a JSON object; body starts "[{\"error\":false}]"`, nil},
	{"error flag of the wrong type", jsonAnswer(200, `{"error":"no"}`),
		`rhombus: getDeviceLicensesForOrg: HTTP 200: cannot decode response (application/json): JSON does not match the response type: json: cannot unmarshal string into Go struct field envelope.error of type bool; body starts "{\"error\":\"no\"}"`, nil},
	{"field of the wrong type", jsonAnswer(200, `{"error":false,"deviceLicenses":42}`),
		`rhombus: getDeviceLicensesForOrg: HTTP 200: cannot decode response (application/json): JSON does not match the response type: json: cannot unmarshal number into Go struct field GetDeviceLicensesForOrgResponse.deviceLicenses of type []api.DeviceLicense; body starts "{\"error\":false,\"deviceLicenses\":42}"`, nil},
	{"binary garbage", answer{status: 200, contentType: "application/json", body: "\x00\x01\xff"},
		`rhombus: getDeviceLicensesForOrg: HTTP 200: cannot decode response (application/json): the body is not a JSON object; body starts "\x00\x01?"`, nil},
	{"body over the limit", jsonAnswer(200, `{"error":false,"errorMsg":"`+strings.Repeat("x", 200)+`"}`),
		`rhombus: getDeviceLicensesForOrg: HTTP 200: cannot decode response (application/json): body exceeds the limit of 64 bytes (set by WithMaxResponseBytes; GetDeviceLicensesForOrgItems reads its deviceLicenses one at a time, uncapped); body starts "{\"error\":false,\"errorMsg\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"`,
		[]rhombus.Option{rhombus.WithMaxResponseBytes(64)}},
	{"trailing garbage", jsonAnswer(200, `{"error":false} trailing`),
		`rhombus: getDeviceLicensesForOrg: HTTP 200: cannot decode response (application/json): malformed JSON at byte 17: invalid character 't' after top-level value; body starts "{\"error\":false} trailing"`, nil},
}

// TestAPIErrors checks that every documented failure answer becomes an
// *APIError with the message read from its real body shape, and matches
// exactly the sentinels it should.
func TestAPIErrors(t *testing.T) {
	for _, tt := range apiErrorCases {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := answering(t, tt.answer)
			res, err := createUser(c)
			require.Error(t, err)
			assert.Nil(t, res)
			assert.Equal(t, tt.want, err.Error())
			var apiErr *rhombus.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, "createUser", apiErr.Operation)
			assert.Equal(t, tt.answer.status, apiErr.StatusCode)
			assert.Equal(t, tt.retryAfter, apiErr.RetryAfter)
			assert.Equal(t, tt.respStatus, apiErr.ResponseStatus)
			for _, s := range allSentinels {
				want := false
				for _, w := range tt.is {
					want = want || w == s
				}
				assert.Equalf(t, want, errors.Is(err, s), "errors.Is(err, %v)", s)
			}
		})
	}
}

// TestStatusMatchesAnyResponseStatus: errors.Is finds an answer's
// responseStatus through Status whatever the operation, including a reason
// the spec's failure rule reads and no constant names; the old name
// ErrUserExists is Status("USER_EXISTS"); an answer without a
// responseStatus matches no Status, the empty one included.
func TestStatusMatchesAnyResponseStatus(t *testing.T) {
	err := error(&rhombus.APIError{Operation: "unlockAccessControlledDoor", StatusCode: 200, ResponseStatus: "DOOR_NOT_CONFIGURED_WITH_LOCK"})
	assert.True(t, errors.Is(err, rhombus.Status("DOOR_NOT_CONFIGURED_WITH_LOCK")))
	assert.False(t, errors.Is(err, rhombus.Status(api.ResponseStatusUSEREXISTS)))
	exists := fmt.Errorf("wrapped: %w", &rhombus.APIError{Operation: "createUser", StatusCode: 200, ResponseStatus: "USER_EXISTS"})
	assert.True(t, errors.Is(exists, rhombus.ErrUserExists))
	assert.True(t, errors.Is(exists, rhombus.Status(api.ResponseStatusUSEREXISTS)))
	none := &rhombus.APIError{Operation: "createUser", StatusCode: 200}
	assert.False(t, errors.Is(none, rhombus.Status("")))
	assert.False(t, errors.Is(none, rhombus.ErrUserExists))
}

func TestRetryAfterHTTPDate(t *testing.T) {
	when := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	c, _ := answering(t, answer{status: 429, contentType: "text/plain", body: "Too many api requests. Enhance your calm.", header: map[string]string{"Retry-After": when}})
	_, err := createUser(c)
	var apiErr *rhombus.APIError
	require.ErrorAs(t, err, &apiErr)
	// An HTTP date has one-second resolution and the clock moves on.
	assert.InDelta(t, 90, apiErr.RetryAfter.Seconds(), 2)
}

// TestMalformedAnswers checks that an answer the client cannot read becomes
// a *DecodeError naming the operation, the status and the reason, with a
// short excerpt of the body.
func TestMalformedAnswers(t *testing.T) {
	for _, tt := range malformedCases {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := answering(t, tt.answer, tt.opts...)
			res, err := c.GetDeviceLicensesForOrg(context.Background(), api.GetDeviceLicensesForOrgRequest{OrgUUID: rhombus.MustParseRUUID("AAAAAAAAAAAAAAAAAAAAAA")})
			require.Error(t, err)
			assert.Nil(t, res)
			assert.Equal(t, tt.want, err.Error())
			assert.ErrorIs(t, err, rhombus.ErrDecode)
			assert.NotErrorIs(t, err, rhombus.ErrOutcomeUnknown, "a read is never of unknown outcome")
			var decErr *rhombus.DecodeError
			require.ErrorAs(t, err, &decErr)
			assert.Equal(t, "getDeviceLicensesForOrg", decErr.Operation)
			assert.Equal(t, 200, decErr.StatusCode)
			assert.LessOrEqual(t, len(decErr.Excerpt), 100, "excerpt is short")
		})
	}
}

func TestWarningReachesResultHandlerAndLogger(t *testing.T) {
	s := rhombustest.NewServer(t)
	var got []rhombus.Warning
	var logs bytes.Buffer
	c := s.Client(
		rhombus.WithWarningHandler(func(_ context.Context, w rhombus.Warning) { got = append(got, w) }),
		rhombus.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))),
	)
	s.Fail(rhombustest.OpCreateUser, rhombustest.Warning("welcome email not sent"))
	res, err := createUser(c)
	require.NoError(t, err)
	require.NotNil(t, res.WarningMsg)
	assert.Equal(t, "welcome email not sent", res.WarningMsg)
	assert.Equal(t, []rhombus.Warning{{Operation: "createUser", Message: "welcome email not sent"}}, got)
	assert.Contains(t, logs.String(), `level=WARN msg="rhombus warning" operation=createUser warning="welcome email not sent"`)
	assert.Len(t, s.Users(s.DefaultOrg()), 1, "a warning is a success")
}

func TestWarningsOffByDefault(t *testing.T) {
	s := rhombustest.NewServer(t)
	s.Fail(rhombustest.OpCreatePendingRegistration, rhombustest.Warning("w"))
	res, err := s.Client().CreatePendingRegistration(context.Background(), api.CreatePendingRegistrationRequest{SerialNumber: "RH1"})
	require.NoError(t, err)
	assert.Equal(t, "w", res.WarningMsg, "the warning stays on the result")
}

func TestUnknownEnumValuesDecode(t *testing.T) {
	c, _ := answering(t, jsonAnswer(200, `{"deviceLicenses":[{"deviceType":"HOLOGRAM_PROJECTOR","state":"BRAND_NEW_STATE","licenseType":"PLATINUM"}]}`))
	res, err := c.GetDeviceLicensesForOrg(context.Background(), api.GetDeviceLicensesForOrgRequest{OrgUUID: rhombus.MustParseRUUID("AAAAAAAAAAAAAAAAAAAAAA")})
	require.NoError(t, err)
	require.Len(t, res.DeviceLicenses, 1)
	l := res.DeviceLicenses[0]
	assert.Equal(t, api.DeviceType("HOLOGRAM_PROJECTOR"), l.DeviceType)
	assert.False(t, l.DeviceType.Valid(), "a value the client does not know is kept and reported as unknown")
	assert.Equal(t, api.LicenseState("BRAND_NEW_STATE"), l.State)
	assert.Equal(t, api.LicenseType("PLATINUM"), l.LicenseType)
}

// TestWriteFailuresThatMayHaveApplied checks that a write answered 5xx, or
// with a 200 that cannot be read, is an *OutcomeUnknownError that still
// unwraps to the answer's own error; a write the server refused is not.
func TestWriteFailuresThatMayHaveApplied(t *testing.T) {
	for _, tc := range []struct {
		name    string
		answer  answer
		unknown bool
		cause   error
	}{
		{"500", jsonAnswer(500, `{"error":"Internal Server Error","msg":"boom"}`), true, rhombus.ErrServer},
		{"503 text", answer{status: 503, contentType: "text/plain", body: "down"}, true, rhombus.ErrServer},
		{"200 truncated", jsonAnswer(200, `{"error":fal`), true, rhombus.ErrDecode},
		{"200 html", answer{status: 200, contentType: "text/html", body: "<html>"}, true, rhombus.ErrDecode},
		{"400 refused", jsonAnswer(400, `{"error":"Bad Request","msg":"no"}`), false, rhombus.ErrBadInput},
		{"200 error true", jsonAnswer(200, `{"error":true,"errorMsg":"no"}`), false, rhombus.ErrRefused},
		{"429 after the last attempt", answer{status: 429, contentType: "text/plain", body: "calm", header: map[string]string{"Retry-After": "1"}}, false, rhombus.ErrRateLimited},
		// The envelope says success: it was applied, but the result cannot
		// be read, so what was created is not known.
		{"200 success of the wrong type", jsonAnswer(200, `{"error":false,"userUuid":42}`), true, rhombus.ErrDecode},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, hits := answering(t, tc.answer)
			_, err := c.CreateUser(context.Background(), api.CreateUserRequest{Email: "x@example.com"})
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.cause)
			assert.Equal(t, tc.unknown, errors.Is(err, rhombus.ErrOutcomeUnknown), "ErrOutcomeUnknown: %v", err)
			if tc.unknown {
				var unknown *rhombus.OutcomeUnknownError
				require.ErrorAs(t, err, &unknown)
				assert.Equal(t, map[string]string{"email": "x@example.com"}, unknown.Fields)
			}
			assert.Equal(t, int64(1), hits.Load(), "never resent")
		})
	}
}
