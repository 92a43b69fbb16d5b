package openapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/api"
)

// TestSeedRoundTrip decodes the example bodies of the seed pages into the
// generated models, refusing unknown fields, and encodes them back: the JSON
// must come out equivalent, so no field of the documentation is dropped or
// altered (placeholders such as "<string>" and the provisioner union whose
// type is "<string>" included).
func TestSeedRoundTrip(t *testing.T) {
	tests := []struct {
		seed string
		// responseStart is how the response body begins on the page.
		responseStart string
		newRequest    func() any
		newResponse   func() any
	}{
		{
			seed:          "createPendingRegistration",
			responseStart: "{\n  \"error\"",
			newRequest:    func() any { return new(api.CreatePendingRegistrationRequest) },
			newResponse:   func() any { return new(api.CreatePendingRegistrationResponse) },
		},
		{
			seed:          "createUser",
			responseStart: "{\n  \"error\"",
			newRequest:    func() any { return new(api.CreateUserRequest) },
			newResponse:   func() any { return new(api.CreateUserResponse) },
		},
		{
			seed:          "getDeviceLicensesForOrg",
			responseStart: "{\n  \"deviceLicenses\"",
			newRequest:    func() any { return new(api.GetDeviceLicensesForOrgRequest) },
			newResponse:   func() any { return new(api.GetDeviceLicensesForOrgResponse) },
		},
	}
	for _, tc := range tests {
		page, err := os.ReadFile("testdata/seed-" + tc.seed + ".txt")
		require.NoError(t, err)
		request, response, err := seedBodies(string(page), tc.responseStart)
		require.NoError(t, err, "seed-%s.txt", tc.seed)

		for _, body := range []struct {
			kind   string
			text   string
			target func() any
		}{
			{"request", request, tc.newRequest},
			{"response", response, tc.newResponse},
		} {
			t.Run(tc.seed+"/"+body.kind, func(t *testing.T) {
				text := body.text
				if body.kind == "response" {
					text = withoutEnvelopeErrors(t, text)
				}
				v := body.target()
				dec := json.NewDecoder(strings.NewReader(text))
				dec.DisallowUnknownFields()
				require.NoError(t, dec.Decode(v), "decoding into %T", v)
				require.ErrorIs(t, dec.Decode(new(json.RawMessage)), io.EOF, "text after the body")

				out, err := json.Marshal(v)
				require.NoError(t, err, "encoding %T", v)
				assert.JSONEq(t, text, string(out), "%T does not round-trip", v)
			})
		}
	}
}

// withoutEnvelopeErrors drops the envelope's error and errorMsg from an
// answer: the client reads them from the raw body, and a result type (what
// a successful call returns) does not carry them.
func withoutEnvelopeErrors(t *testing.T, text string) string {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(text), &m))
	delete(m, "error")
	delete(m, "errorMsg")
	out, err := json.Marshal(m)
	require.NoError(t, err)
	return string(out)
}

// seedBodies extracts the example request body (between `--data '` and the
// closing quote) and the example response body (the JSON value that starts
// with responseStart after the curl command) from a seed page.
func seedBodies(page, responseStart string) (request, response string, err error) {
	const open = "--data '"
	i := strings.Index(page, open)
	if i < 0 {
		return "", "", errors.New("no `--data '` in the page")
	}
	rest := page[i+len(open):]
	end := strings.IndexByte(rest, '\'')
	if end < 0 {
		return "", "", errors.New("the request body after `--data '` has no closing quote")
	}
	request = strings.TrimSpace(rest[:end])
	if !json.Valid([]byte(request)) {
		return "", "", errors.New("the request body is not JSON:\n" + request)
	}

	rest = rest[end+1:]
	j := strings.Index(rest, responseStart)
	if j < 0 {
		return "", "", errors.New("no response body starting with " + strings.ReplaceAll(responseStart, "\n", `\n`) + " after the request")
	}
	// The page goes on after the body: decode exactly one JSON value.
	var raw json.RawMessage
	if err := json.NewDecoder(strings.NewReader(rest[j:])).Decode(&raw); err != nil {
		return "", "", errors.New("the response body is not JSON: " + err.Error())
	}
	if !bytes.HasPrefix(raw, []byte("{")) {
		return "", "", errors.New("the response body is not a JSON object")
	}
	return request, string(raw), nil
}
