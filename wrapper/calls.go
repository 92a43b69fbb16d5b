package rhombus

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
)

// errNilContext is the error of a call given a nil context, typed or
// through c.API(): one wording whichever way the call came.
var errNilContext = errors.New("context must not be nil")

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
func call[Result, Req any](ctx context.Context, c *Client, op, path string, req Req, params ...requestParams) (*Result, error) {
	if ctx == nil {
		return nil, &RequestError{Operation: op, Err: errNilContext}
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
	if err := applyParams(r, params); err != nil {
		return nil, &RequestError{Operation: op, Err: c.scrubErr(err)}
	}
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

// requestParams puts an operation's query and header parameters on a
// request; see paramsOf.
type requestParams func(r *http.Request) error

// paramsOf is how a typed method sends its operation's query and header
// parameters: the generated client's request builder (build, for example
// api.NewXRequestWithBody) writes them into a request of its own, and its
// query and headers are copied, so the typed method sends what c.API()
// sends, by the spec's styles. A nil params sends none.
func paramsOf[P any](params *P, build func(server string, params *P, contentType string, body io.Reader) (*http.Request, error)) requestParams {
	return func(r *http.Request) error {
		if params == nil {
			return nil
		}
		// The builder needs a server; only what it adds to the query and
		// the headers is kept.
		built, err := build("http://params.invalid/", params, "", nil)
		if err != nil {
			return err
		}
		if built.URL.RawQuery != "" {
			r.URL.RawQuery = built.URL.RawQuery
		}
		for k, v := range built.Header {
			if k != "Content-Type" {
				r.Header[k] = v
			}
		}
		return nil
	}
}

// applyParams applies each of params to r.
func applyParams(r *http.Request, params []requestParams) error {
	for _, p := range params {
		if err := p(r); err != nil {
			return err
		}
	}
	return nil
}
