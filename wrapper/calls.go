package rhombus

import (
	"context"
	"errors"
	"net/http"

	"github.com/rhombuskit/rhombus-go/api"
)

// The typed methods, one per operation of the spec, are generated into
// calls.gen.go (internal/gen/operations): each is a call to call, so an
// operation added to the spec gets a typed method, RUUID checks and the
// error model with no code of its own.

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
