package rhombus

import (
	"bytes"
	"io"
	"net/http"
)

// requestBody reads the request body once, so every attempt can send it.
func requestBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	if req.GetBody != nil {
		rc, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return io.ReadAll(rc)
	}
	defer req.Body.Close()
	return io.ReadAll(req.Body)
}

// prepare copies the request for one attempt, with its own body and the
// credential's headers (a token source is asked again each time).
func (c *Client) prepare(orig *http.Request, payload []byte, own bool) (*http.Request, error) {
	req := orig
	if !own {
		req = orig.Clone(orig.Context())
	}
	if payload != nil {
		req.Body = io.NopCloser(bytes.NewReader(payload))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(payload)), nil }
		req.ContentLength = int64(len(payload))
	}
	if err := c.authorize(req); err != nil {
		return nil, err
	}
	return req, nil
}
