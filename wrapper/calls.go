package rhombus

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
)

// The typed methods, one per operation of the spec, are generated into
// calls.gen.go (internal/gen/operations): each is a call to call, so an
// operation added to the spec gets a typed method, RUUID checks and the
// error model with no code of its own.

// call checks req, sends it to path through Client.Do's machinery, and
// decodes the 200 body into Result once. It builds the request itself, as
// plain net/http would, rather than through the generated client: the
// request is JSON to a fixed path, and what the generated client adds
// (credentials, by editors) the client adds on every path anyway. Every
// failure is one of the package's error types.
func call[Result, Req any](ctx context.Context, c *Client, op, path string, req Req) (*Result, error) {
	if ctx == nil {
		return nil, &RequestError{Operation: op, Err: errors.New("nil context")}
	}
	// The RUUIDs are checked in the JSON sent (see send).
	payload, err := json.Marshal(&req)
	if err != nil {
		return nil, &RequestError{Operation: op, Err: c.scrubErr(err)}
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, c.prefix+path, nil)
	if err != nil {
		return nil, &RequestError{Operation: op, Err: c.scrubErr(err)}
	}
	r.Header["Content-Type"] = jsonContentType
	out := new(Result)
	resp, err := c.send(r, payload, out)
	if err != nil {
		return nil, err // send returns only the package's error types
	}
	resp.Body.Close()
	return out, nil
}

// jsonContentType is the Content-Type header of every typed call, shared:
// net/http only reads it.
var jsonContentType = []string{"application/json"}
