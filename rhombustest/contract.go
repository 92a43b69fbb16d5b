package rhombustest

import (
	"bytes"
	"context"
	"io"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3filter"
)

// contractTransport checks, from the client's side, that every answer the
// client receives is one the spec allows for the request it sent. The server
// checks its own answers too; this second check sits where a client would
// see a broken contract, so a test fails even if the server's check were
// wrong or skipped. Injected faults (headerFault) are off-contract on
// purpose and are not checked.
type contractTransport struct {
	base   http.RoundTripper
	spec   *spec
	report func(format string, args ...any)
}

func (c *contractTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil && req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			reqBody, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	resp, err := c.base.RoundTrip(req)
	if err != nil || resp.Header.Get(headerFault) != "" {
		return resp, err
	}
	body, readErr := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if readErr != nil {
		return resp, nil // the client sees the broken body itself
	}
	route, params, err := c.spec.router.FindRoute(req)
	if err != nil {
		c.report("client-side contract check: %s %s is not an operation of the spec: %v", req.Method, req.URL.Path, err)
		return resp, nil
	}
	in := &openapi3filter.RequestValidationInput{
		Request: req.Clone(context.Background()), PathParams: params, Route: route,
		Options: &openapi3filter.Options{
			AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc,
			IncludeResponseStatus:   true,
			SchemaValidationOptions: c.spec.schemaOptions(),
		},
	}
	in.Request.Body = io.NopCloser(bytes.NewReader(reqBody))
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header, Options: in.Options}
	out.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		c.report("client-side contract check: answer %d to %s is outside the spec: %v", resp.StatusCode, route.Operation.OperationID, err)
	}
	return resp, nil
}
