package rhombustest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/api"
	"github.com/rhombuskit/rhombus-go/rhombustest"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// Paths of the three operations, as a raw client sends them.
const (
	pathRegistration = "/api/org/createPendingRegistration"
	pathUser         = "/api/user/createUser"
	pathLicenses     = "/api/partner/getDeviceLicensesForOrg"
)

// client returns the generated client for s, sending the seeded key of kind.
func client(t *testing.T, s *rhombustest.Server, kind rhombustest.CredentialKind) *api.ClientWithResponses {
	t.Helper()
	c, err := api.NewClientWithResponses(s.URL, api.WithHTTPClient(s.HTTPClient()), api.WithRequestEditorFn(s.Credential(kind).EditRequest))
	require.NoError(t, err)
	return c
}

// headers returns the headers that present cred, as a raw request sends
// them.
func headers(cred rhombus.Credential) http.Header {
	req, err := http.NewRequest(http.MethodPost, "http://fake.invalid/", nil)
	if err != nil {
		panic(err)
	}
	if err := cred.EditRequest(context.Background(), req); err != nil {
		panic(err)
	}
	return req.Header
}

// reply is an answer read in full.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body as an object, failing the test if it is not one.
func (r reply) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.body, &m), "body: %s", r.body)
	return m
}

// post sends a raw POST with the given headers (Content-Type is
// application/json unless h sets it) and reads the answer.
func post(t *testing.T, s *rhombustest.Server, path string, h http.Header, body string) reply {
	t.Helper()
	r, err := postErr(context.Background(), s, path, h, body)
	require.NoError(t, err)
	return r
}

func postErr(ctx context.Context, s *rhombustest.Server, path string, h http.Header, body string) (reply, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+path, strings.NewReader(body))
	if err != nil {
		return reply{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range h {
		req.Header[k] = v
	}
	res, err := s.HTTPClient().Do(req)
	if err != nil {
		return reply{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return reply{status: res.StatusCode, header: res.Header, body: b}, err
}

// with returns h plus one more header.
func with(h http.Header, key, value string) http.Header {
	h = h.Clone()
	h.Set(key, value)
	return h
}

// userBody is a createUser body for email.
func userBody(email string) string {
	return fmt.Sprintf(`{"email":%q,"name":"Jane Doe"}`, email)
}

// recordingTB stands in for the test given to the server so that a test
// can see what the server reports, without failing itself.
type recordingTB struct {
	testing.TB
	mu     sync.Mutex
	errors []string
	logs   []string
}

func (r *recordingTB) Logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}

func (r *recordingTB) notes() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.logs...)
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recordingTB) reports() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.errors...)
}
