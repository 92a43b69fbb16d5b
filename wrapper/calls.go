package rhombus

import (
	"context"
	"errors"
	"net/http"

	"github.com/rhombuskit/rhombus-go/api"
)

// The typed calls below are thin on purpose: credentials, errors and warnings
// are handled in Client.Do for every operation, including ones added to the
// spec later and called through Client.API.

// CreatePendingRegistration registers hardware before it comes online; the
// registration completes when the device first connects.
func (c *Client) CreatePendingRegistration(ctx context.Context, req api.CreatePendingRegistrationRequest) (*api.CreatePendingRegistrationResponse, error) {
	return call[api.CreatePendingRegistrationResponse](ctx, c, "createPendingRegistration", req, c.gen.CreatePendingRegistration)
}

// CreateUser creates a user in the organisation. A user whose email is
// already taken is an error matching [ErrUserExists]; the new user's RUUID is
// in UserUUID.
func (c *Client) CreateUser(ctx context.Context, req api.CreateUserRequest) (*api.CreateUserResponse, error) {
	return call[api.CreateUserResponse](ctx, c, "createUser", req, c.gen.CreateUser)
}

// GetDeviceLicensesForOrg lists the device licenses of the partner's client
// organisation org. The vendor marks the operation deprecated.
func (c *Client) GetDeviceLicensesForOrg(ctx context.Context, org RUUID) (*api.GetDeviceLicensesForOrgResponse, error) {
	// org is required: an empty one is refused, not left out of the request.
	if err := checkRUUID("getDeviceLicensesForOrg", org, "orgUuid", c.scrub); err != nil {
		return nil, err
	}
	//lint:ignore SA1019 the operation is deprecated by the vendor but still served; callers are told in the doc comment.
	return call[api.GetDeviceLicensesForOrgResponse](ctx, c, "getDeviceLicensesForOrg", api.GetDeviceLicensesForOrgRequest{OrgUUID: org}, c.gen.GetDeviceLicensesForOrg)
}

// call checks req, sends it through the generated client (and so through
// Client.Do), which decodes the 200 body into Result once. Every failure is
// one of the package's error types.
func call[Result, Req any](ctx context.Context, c *Client, op string, req Req,
	send func(context.Context, Req, ...api.RequestEditorFn) (*http.Response, error),
) (*Result, error) {
	if ctx == nil {
		return nil, &RequestError{Operation: op, Err: errors.New("nil context")}
	}
	if err := validateRUUIDs(op, req, c.scrub); err != nil {
		return nil, err
	}
	var out Result
	resp, err := send(context.WithValue(ctx, typedCallKey{}, &typedCall{result: &out}), req)
	if err != nil {
		return nil, asCallError(c, op, err)
	}
	resp.Body.Close()
	return &out, nil
}

// asCallError keeps the package's own errors and wraps anything else (the
// generated code failing to build the request) as a *RequestError.
func asCallError(c *Client, op string, err error) error {
	var (
		apiErr *APIError
		decErr *DecodeError
		reqErr *RequestError
	)
	if errors.As(err, &apiErr) || errors.As(err, &decErr) || errors.As(err, &reqErr) {
		return err
	}
	return &RequestError{Operation: op, Err: c.scrubErr(err)}
}
