package rhombus_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/api"
	"github.com/rhombuskit/rhombus-go/ruuid"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

const vValid = "AAAAAAAAAAAAAAAAAAAAAA"

func TestRequestRUUIDsAreCheckedBeforeSending(t *testing.T) {
	const (
		lenRule  = "must be exactly 22 characters, got "
		alphabet = " is outside the base64url alphabet A-Z a-z 0-9 - _"
		stdUUID  = "is a standard UUID, not a RUUID (22-character base64url); convert it with ruuid.FromUUIDString or rhombus.RUUIDFromUUID"
	)
	createUser := func(req api.CreateUserRequest) func(context.Context, *rhombus.Client) error {
		return func(ctx context.Context, c *rhombus.Client) error { _, err := c.CreateUser(ctx, req); return err }
	}
	pending := func(req api.CreatePendingRegistrationRequest) func(context.Context, *rhombus.Client) error {
		return func(ctx context.Context, c *rhombus.Client) error {
			_, err := c.CreatePendingRegistration(ctx, req)
			return err
		}
	}
	licenses := func(org string) func(context.Context, *rhombus.Client) error {
		return func(ctx context.Context, c *rhombus.Client) error {
			_, err := c.GetDeviceLicensesForOrg(ctx, api.GetDeviceLicensesForOrgRequest{OrgUUID: rhombus.RUUID(org)})
			return err
		}
	}
	long := strings.Repeat("AbCd", 20)

	cases := []struct {
		name  string
		call  func(context.Context, *rhombus.Client) error
		op    string
		field string
		value string // (*ruuid.Error).Value
		want  string // err.Error()
	}{
		{
			name: "createUser permissionGroupUuid too short",
			call: createUser(api.CreateUserRequest{Email: "jane@example.com", PermissionGroupUUID: "abc"}),
			op:   "createUser", field: "permissionGroupUuid", value: "abc",
			want: `rhombus: createUser: field permissionGroupUuid: invalid RUUID "abc": ` + lenRule + "3",
		},
		{
			// An empty RUUID field is absent (omitted from the JSON); one
			// sent explicitly as "" in a raw body is refused.
			name: "createUser permissionGroupUuid empty in a raw body",
			call: func(ctx context.Context, c *rhombus.Client) error {
				_, err := c.API().CreateUserWithBodyWithResponse(ctx, "application/json", strings.NewReader(`{"permissionGroupUuid":""}`))
				return err
			},
			op: "createUser", field: "permissionGroupUuid", value: "",
			want: `rhombus: createUser: field permissionGroupUuid: invalid RUUID "": must not be empty; a RUUID is exactly 22 characters`,
		},
		{
			name: "createUser permissionGroupUuid standard UUID",
			call: createUser(api.CreateUserRequest{PermissionGroupUUID: "123e4567-e89b-12d3-a456-426614174000"}),
			op:   "createUser", field: "permissionGroupUuid", value: "123e4567-e89b-12d3-a456-426614174000",
			want: `rhombus: createUser: field permissionGroupUuid: invalid RUUID "123e4567-e89b-12d3-a456-426614174000": ` + stdUUID,
		},
		{
			name: "createUser permissionGroupUuid non-canonical last character",
			call: createUser(api.CreateUserRequest{PermissionGroupUUID: "AAAAAAAAAAAAAAAAAAAAAB"}),
			op:   "createUser", field: "permissionGroupUuid", value: "AAAAAAAAAAAAAAAAAAAAAB",
			want: `rhombus: createUser: field permissionGroupUuid: invalid RUUID "AAAAAAAAAAAAAAAAAAAAAB": last character 'B' is not canonical: it must be one of A, Q, g, w`,
		},
		{
			name: "createUser permissionGroupUuid padded",
			call: createUser(api.CreateUserRequest{PermissionGroupUUID: "AAAAAAAAAAAAAAAAAAAAAA=="}),
			op:   "createUser", field: "permissionGroupUuid", value: "AAAAAAAAAAAAAAAAAAAAAA==",
			want: `rhombus: createUser: field permissionGroupUuid: invalid RUUID "AAAAAAAAAAAAAAAAAAAAAA==": ` + lenRule + "24",
		},
		{
			name: "createUser permissionGroupUuid standard base64 plus",
			call: createUser(api.CreateUserRequest{PermissionGroupUUID: "Ej5FZ+ibEtOkVkJmFBdAAA"}),
			op:   "createUser", field: "permissionGroupUuid", value: "Ej5FZ+ibEtOkVkJmFBdAAA",
			want: `rhombus: createUser: field permissionGroupUuid: invalid RUUID "Ej5FZ+ibEtOkVkJmFBdAAA": character 6 ('+')` + alphabet,
		},
		{
			name: "createPendingRegistration orgUuid",
			call: pending(api.CreatePendingRegistrationRequest{SerialNumber: "RH123", LocationUUID: vValid, OrgUUID: "abc"}),
			op:   "createPendingRegistration", field: "orgUuid", value: "abc",
			want: `rhombus: createPendingRegistration: field orgUuid: invalid RUUID "abc": ` + lenRule + "3",
		},
		{
			name: "createPendingRegistration locationUuid slash",
			call: pending(api.CreatePendingRegistrationRequest{OrgUUID: vValid, LocationUUID: "AAAAAAAAAAAAAAAAAAAA/A"}),
			op:   "createPendingRegistration", field: "locationUuid", value: "AAAAAAAAAAAAAAAAAAAA/A",
			want: `rhombus: createPendingRegistration: field locationUuid: invalid RUUID "AAAAAAAAAAAAAAAAAAAA/A": character 21 ('/')` + alphabet,
		},
		{
			name: "createPendingRegistration locationUuid trailing space",
			call: pending(api.CreatePendingRegistrationRequest{LocationUUID: vValid + " "}),
			op:   "createPendingRegistration", field: "locationUuid", value: vValid + " ",
			want: `rhombus: createPendingRegistration: field locationUuid: invalid RUUID "AAAAAAAAAAAAAAAAAAAAAA ": ` + lenRule + "23",
		},
		{
			name: "createPendingRegistration both invalid reports the first field",
			call: pending(api.CreatePendingRegistrationRequest{LocationUUID: "loc", OrgUUID: "org"}),
			op:   "createPendingRegistration", field: "locationUuid", value: "loc",
			want: `rhombus: createPendingRegistration: field locationUuid: invalid RUUID "loc": ` + lenRule + "3",
		},
		{
			name: "getDeviceLicensesForOrg standard UUID",
			call: licenses("123e4567-e89b-12d3-a456-426614174000"),
			op:   "getDeviceLicensesForOrg", field: "orgUuid", value: "123e4567-e89b-12d3-a456-426614174000",
			want: `rhombus: getDeviceLicensesForOrg: field orgUuid: invalid RUUID "123e4567-e89b-12d3-a456-426614174000": ` + stdUUID,
		},
		{
			name: "getDeviceLicensesForOrg upper-case UUID",
			call: licenses("123E4567-E89B-12D3-A456-426614174000"),
			op:   "getDeviceLicensesForOrg", field: "orgUuid", value: "123E4567-E89B-12D3-A456-426614174000",
			want: `rhombus: getDeviceLicensesForOrg: field orgUuid: invalid RUUID "123E4567-E89B-12D3-A456-426614174000": ` + stdUUID,
		},
		{
			name: "getDeviceLicensesForOrg NUL byte",
			call: licenses("AAAAAAAAAA\x00AAAAAAAAAAA"),
			op:   "getDeviceLicensesForOrg", field: "orgUuid", value: "AAAAAAAAAA\x00AAAAAAAAAAA",
			want: `rhombus: getDeviceLicensesForOrg: field orgUuid: invalid RUUID "AAAAAAAAAA\x00AAAAAAAAAAA": character 11 ('\x00')` + alphabet,
		},
		{
			name: "getDeviceLicensesForOrg long value is shortened",
			call: licenses(long),
			op:   "getDeviceLicensesForOrg", field: "orgUuid", value: long[:37] + "...",
			want: `rhombus: getDeviceLicensesForOrg: field orgUuid: invalid RUUID "` + long[:37] + `...": ` + lenRule + "80",
		},
		{
			name: "getDeviceLicensesForOrg non-ASCII",
			call: licenses("AAAAAAAAAAAAAAAAAAAAé"),
			op:   "getDeviceLicensesForOrg", field: "orgUuid", value: "AAAAAAAAAAAAAAAAAAAAé",
			want: `rhombus: getDeviceLicensesForOrg: field orgUuid: invalid RUUID "AAAAAAAAAAAAAAAAAAAAé": character 21 ('é')` + alphabet,
		},
	}
	require.GreaterOrEqual(t, len(cases), 12)

	srv := newAuthServer(t, false)
	c := newAuthClient(t, srv, rhombus.PartnerAPIToken(authKey))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(context.Background(), c)
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
			assert.True(t, errors.Is(err, rhombus.ErrInvalidRequest), "errors.Is(err, ErrInvalidRequest)")
			var ve *rhombus.ValidationError
			if assert.True(t, errors.As(err, &ve), "error %T must be a *rhombus.ValidationError", err) {
				assert.Equal(t, tc.op, ve.Operation, "ValidationError.Operation")
				assert.Equal(t, tc.field, ve.Field, "ValidationError.Field")
			}
			var re *ruuid.Error
			if assert.True(t, errors.As(err, &re), "error %T must unwrap to *ruuid.Error", err) {
				assert.Equal(t, tc.value, re.Value, "ruuid.Error.Value")
			}
			var reqErr *rhombus.RequestError
			assert.False(t, errors.As(err, &reqErr), "a refused request is not a *RequestError")
			for _, other := range []error{rhombus.ErrBadInput, rhombus.ErrRefused, rhombus.ErrDecode, rhombus.ErrOutcomeUnknown} {
				assert.False(t, errors.Is(err, other), "must not match %v", other)
			}
		})
	}
	assert.Empty(t, srv.records(), "no request may reach the server")

	t.Run("valid RUUIDs are sent", func(t *testing.T) {
		before := len(srv.records())
		_, err := c.CreateUser(context.Background(), api.CreateUserRequest{PermissionGroupUUID: "Ej5FZ-ibEtOkVkJmFBdAAA"})
		require.NoError(t, err)
		_, err = c.CreatePendingRegistration(context.Background(), api.CreatePendingRegistrationRequest{OrgUUID: vValid, LocationUUID: "_____________________w"})
		require.NoError(t, err)
		_, err = c.GetDeviceLicensesForOrg(context.Background(), api.GetDeviceLicensesForOrgRequest{OrgUUID: rhombus.MustParseRUUID("---------------------Q")})
		require.NoError(t, err)
		_, err = c.CreateUser(context.Background(), api.CreateUserRequest{}) // nil pointers are not checked
		require.NoError(t, err)
		assert.Len(t, srv.records(), before+4, "every valid request must be sent")
	})
}

func TestGeneratedClientRefusesInvalidRUUIDs(t *testing.T) {
	srv := newAuthServer(t, false)
	c := newAuthClient(t, srv, rhombus.PartnerAPIToken(authKey))
	ctx := context.Background()

	cases := []struct {
		name string
		call func() error
		want string
	}{
		{
			name: "CreateUserWithResponse",
			call: func() error {
				_, err := c.API().CreateUserWithResponse(ctx, api.CreateUserRequest{PermissionGroupUUID: "abc"})
				return err
			},
			want: `rhombus: createUser: field permissionGroupUuid: invalid RUUID "abc": must be exactly 22 characters, got 3`,
		},
		{
			name: "CreateUserWithResponse with an x-auth-org editor",
			call: func() error {
				_, err := c.API().CreateUserWithResponse(ctx, api.CreateUserRequest{PermissionGroupUUID: "AAAAAAAAAAAAAAAAAAAAAB"}, orgEditor(authOrg))
				return err
			},
			want: `rhombus: createUser: field permissionGroupUuid: invalid RUUID "AAAAAAAAAAAAAAAAAAAAAB": last character 'B' is not canonical: it must be one of A, Q, g, w`,
		},
		{
			name: "CreatePendingRegistrationWithResponse",
			call: func() error {
				_, err := c.API().CreatePendingRegistrationWithResponse(ctx, api.CreatePendingRegistrationRequest{OrgUUID: "123e4567-e89b-12d3-a456-426614174000"})
				return err
			},
			want: `rhombus: createPendingRegistration: field orgUuid: invalid RUUID "123e4567-e89b-12d3-a456-426614174000": is a standard UUID, not a RUUID (22-character base64url); convert it with ruuid.FromUUIDString or rhombus.RUUIDFromUUID`,
		},
		{
			name: "GetDeviceLicensesForOrgWithResponse",
			call: func() error {
				_, err := c.API().GetDeviceLicensesForOrgWithResponse(ctx, api.GetDeviceLicensesForOrgRequest{OrgUUID: "AAAAAAAAAAAAAAAAAAAAA="})
				return err
			},
			want: `rhombus: getDeviceLicensesForOrg: field orgUuid: invalid RUUID "AAAAAAAAAAAAAAAAAAAAA=": character 22 (padding '=') is outside the base64url alphabet A-Z a-z 0-9 - _`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			require.Error(t, err, "Client.Do must refuse the invalid RUUID")
			assert.Equal(t, tc.want, err.Error())
			assert.ErrorIs(t, err, rhombus.ErrInvalidRequest)
			var re *ruuid.Error
			assert.True(t, errors.As(err, &re), "error %T must unwrap to *ruuid.Error", err)
		})
	}
	assert.Empty(t, srv.records(), "no request may reach the server")

	// The same client sends a valid request, so the refusals above are not
	// a broken client.
	res, err := c.API().CreateUserWithResponse(ctx, api.CreateUserRequest{PermissionGroupUUID: vValid})
	require.NoError(t, err)
	require.NotNil(t, res.JSON200)
	assert.Len(t, srv.records(), 1)
}
