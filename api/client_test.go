package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/api"
)

// jsonDoer records how the generated client hands it a request: Do, or
// DoJSON (api/templates/client.tmpl). It answers every call with answer.
type jsonDoer struct {
	do, doJSON       int
	method, url      string
	body             []byte
	answer           func() *http.Response
	editedBeforeSend bool
}

func (d *jsonDoer) Do(req *http.Request) (*http.Response, error) {
	d.do++
	d.method, d.url = req.Method, req.URL.String()
	d.body, _ = io.ReadAll(req.Body)
	d.editedBeforeSend = req.Header.Get("X-Edited") == "yes"
	return d.answer(), nil
}

func (d *jsonDoer) DoJSON(_ context.Context, method, url string, body []byte) (*http.Response, error) {
	d.doJSON++
	d.method, d.url, d.body = method, url, body
	return d.answer(), nil
}

// plainDoer has Do only, as an *http.Client.
type plainDoer struct{ d *jsonDoer }

func (p plainDoer) Do(req *http.Request) (*http.Response, error) { return p.d.Do(req) }

func okAnswer() *http.Response {
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader([]byte(`{"userUuid":"AAAAAAAAAAAAAAAAAAAAAA"}`)))}
}

// A JSON body sent without editors goes to a doer that has DoJSON as the
// marshalled bytes, to the server's URL joined with the operation's path;
// with an editor, or to a doer without DoJSON, it goes as a request to Do,
// built as upstream builds it. Either way the same bytes reach the doer.
func TestJSONBodyGoesToDoJSONWithoutEditors(t *testing.T) {
	ctx := context.Background()
	body := api.CreateUserRequest{Email: "jane@example.com", Name: "Jane"}
	want, err := json.Marshal(body)
	require.NoError(t, err)
	const wantURL = "https://api.example/base/api/user/createUser"

	d := &jsonDoer{answer: okAnswer}
	c, err := api.NewClientWithResponses("https://api.example/base", api.WithHTTPClient(d))
	require.NoError(t, err)
	res, err := c.CreateUserWithResponse(ctx, body)
	require.NoError(t, err)
	assert.Equal(t, 1, d.doJSON, "DoJSON is called")
	assert.Zero(t, d.do, "Do is not")
	assert.Equal(t, http.MethodPost, d.method)
	assert.Equal(t, wantURL, d.url)
	assert.JSONEq(t, string(want), string(d.body))
	require.NotNil(t, res.JSON200)
	assert.Equal(t, "AAAAAAAAAAAAAAAAAAAAAA", string(res.JSON200.UserUUID))

	// An editor must see the request before it is sent: Do.
	d = &jsonDoer{answer: okAnswer}
	c, err = api.NewClientWithResponses("https://api.example/base", api.WithHTTPClient(d))
	require.NoError(t, err)
	edit := func(_ context.Context, r *http.Request) error { r.Header.Set("X-Edited", "yes"); return nil }
	_, err = c.CreateUserWithResponse(ctx, body, edit)
	require.NoError(t, err)
	assert.Equal(t, 1, d.do, "with an editor, Do is called")
	assert.Zero(t, d.doJSON)
	assert.True(t, d.editedBeforeSend, "the editor ran on the request Do was given")
	assert.Equal(t, wantURL, d.url)
	assert.JSONEq(t, string(want), string(d.body))

	// So must a client-wide editor.
	d = &jsonDoer{answer: okAnswer}
	c, err = api.NewClientWithResponses("https://api.example/base", api.WithHTTPClient(d), api.WithRequestEditorFn(edit))
	require.NoError(t, err)
	_, err = c.CreateUserWithResponse(ctx, body)
	require.NoError(t, err)
	assert.Equal(t, 1, d.do, "with a client's editor, Do is called")
	assert.Zero(t, d.doJSON)
	assert.True(t, d.editedBeforeSend)

	// A doer without DoJSON gets the request upstream builds.
	d = &jsonDoer{answer: okAnswer}
	c, err = api.NewClientWithResponses("https://api.example/base/", api.WithHTTPClient(plainDoer{d}))
	require.NoError(t, err)
	_, err = c.CreateUserWithResponse(ctx, body)
	require.NoError(t, err)
	assert.Equal(t, 1, d.do)
	assert.Zero(t, d.doJSON)
	assert.Equal(t, wantURL, d.url)
	assert.JSONEq(t, string(want), string(d.body))

	// A body given as a reader is sent as it is, through Do.
	d = &jsonDoer{answer: okAnswer}
	c, err = api.NewClientWithResponses("https://api.example/base", api.WithHTTPClient(d))
	require.NoError(t, err)
	_, err = c.CreateUserWithBodyWithResponse(ctx, "application/json", bytes.NewReader(want))
	require.NoError(t, err)
	assert.Equal(t, 1, d.do)
	assert.Zero(t, d.doJSON)
	assert.Equal(t, string(want), string(d.body))
}

// decodedBody is a body that holds its answer decoded already, as the
// wrapper's Do hands it back.
type decodedBody struct {
	io.Reader
	body    []byte
	decoded any
	closed  bool
}

func (b *decodedBody) Close() error                 { b.closed = true; return nil }
func (b *decodedBody) DecodedAnswer() ([]byte, any) { return b.body, b.decoded }

// A parser takes a 200 answer decoded already from a body that holds one,
// instead of reading and decoding the bytes again; it decodes the bytes
// when the value is not of the 200's type, the status is not 200 or the
// answer is not JSON, as upstream's parser does.
func TestParserTakesTheAnswerDecodedAlready(t *testing.T) {
	answer := func(status int, contentType string, b *decodedBody) *http.Response {
		return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {contentType}}, Body: b}
	}
	const raw = `{"userUuid":"BBBBBBBBBBBBBBBBBBBBBB"}`

	// The bytes are not JSON: decoding them again would fail.
	mine := &api.CreateUserResponse{UserUUID: "AAAAAAAAAAAAAAAAAAAAAA"}
	b := &decodedBody{Reader: bytes.NewReader(nil), body: []byte("not read again"), decoded: mine}
	res, err := api.ParseCreateUserHTTPResponse(answer(200, "application/json", b))
	require.NoError(t, err)
	assert.Same(t, mine, res.JSON200, "the decoded value is the result")
	assert.Equal(t, "not read again", string(res.Body), "the bytes are the body")
	assert.True(t, b.closed, "the body is closed")

	// A value of another type: the bytes are decoded.
	b = &decodedBody{Reader: bytes.NewReader(nil), body: []byte(raw), decoded: &api.CreatePendingRegistrationResponse{}}
	res, err = api.ParseCreateUserHTTPResponse(answer(200, "application/json", b))
	require.NoError(t, err)
	require.NotNil(t, res.JSON200)
	assert.Equal(t, "BBBBBBBBBBBBBBBBBBBBBB", string(res.JSON200.UserUUID))

	// Not JSON: no JSON200, as upstream.
	b = &decodedBody{Reader: bytes.NewReader(nil), body: []byte(raw), decoded: mine}
	res, err = api.ParseCreateUserHTTPResponse(answer(200, "text/plain", b))
	require.NoError(t, err)
	assert.Nil(t, res.JSON200)

	// Not a 200: the answer of its status is decoded from the bytes.
	b = &decodedBody{Reader: bytes.NewReader(nil), body: []byte(`{"error":true,"errorMsg":"no"}`), decoded: mine}
	res, err = api.ParseCreateUserHTTPResponse(answer(400, "application/json", b))
	require.NoError(t, err)
	assert.Nil(t, res.JSON200)
	require.NotNil(t, res.JSON400)

	// Any other body is read and decoded.
	r := okAnswer()
	res, err = api.ParseCreateUserHTTPResponse(r)
	require.NoError(t, err)
	require.NotNil(t, res.JSON200)
	assert.Equal(t, "AAAAAAAAAAAAAAAAAAAAAA", string(res.JSON200.UserUUID))
}
