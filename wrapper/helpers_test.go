package rhombus_test

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// testKey is the API key of every test client; tests assert it never
// appears in anything the package returns or logs.
const testKey = "rk_live_9f8e7d6c5b4a3210-SECRET"

// answer is one scripted HTTP answer.
type answer struct {
	status      int
	contentType string
	body        string
	header      map[string]string
}

// answering starts a loopback server that gives every request the same
// answer, and a client for it; hits counts the requests it received.
func answering(t *testing.T, a answer, opts ...rhombus.Option) (c *rhombus.Client, hits *atomic.Int64) {
	t.Helper()
	hits = new(atomic.Int64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		for k, v := range a.header {
			w.Header().Set(k, v)
		}
		if a.contentType != "" {
			w.Header().Set("Content-Type", a.contentType)
		} else {
			w.Header()["Content-Type"] = nil // stop net/http from sniffing one
		}
		w.WriteHeader(a.status)
		_, _ = w.Write([]byte(a.body))
	}))
	t.Cleanup(srv.Close)
	base := []rhombus.Option{
		rhombus.WithEndpoint(srv.URL),
		rhombus.WithCredential(rhombus.APIToken(testKey)),
		rhombus.WithHTTPClient(srv.Client()),
		rhombus.WithRetryPolicy(noRetry), // these tests are about one answer each
	}
	c, err := rhombus.New(append(base, opts...)...)
	require.NoError(t, err)
	return c, hits
}

// noRetry sends every call once.
var noRetry = rhombus.RetryPolicy{MaxAttempts: 1}

func jsonAnswer(status int, body string) answer {
	return answer{status: status, contentType: "application/json", body: body}
}
