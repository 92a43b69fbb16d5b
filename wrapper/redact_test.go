package rhombus_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"

	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// TestRedactCredentials: what a credential put on a request is redacted
// from text, plainly, in another case and JSON-escaped; other text is kept.
func TestRedactCredentials(t *testing.T) {
	const key = "test-key-redact-Ab9"
	req, err := http.NewRequest(http.MethodPost, "https://example.com/api/x", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := rhombus.APIToken(key).EditRequest(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	escaped := `\u0074\u0065\u0073\u0074-key-redact-Ab9`
	for _, tc := range []struct{ in, want string }{
		{"echo " + key, "echo [REDACTED]"},
		{"echo " + strings.ToUpper(key), "echo [REDACTED]"},
		{`{"echo":"` + escaped + `"}`, `{"echo":"[REDACTED]"}`},
		{`{"echo":"test-key-redact"}`, `{"echo":"test-key-redact"}`},
		{"q=" + url.QueryEscape(key+"/"), "q=[REDACTED]%2F"},
	} {
		// Neither the input nor the result is printed: either may hold the key.
		if got := rhombus.RedactCredentials(req, tc.in); got != tc.want {
			t.Errorf("RedactCredentials gave %d bytes, want %q", len(got), tc.want)
		}
	}
	// In base64 the characters that mix the key with its neighbours stay.
	b64 := base64.StdEncoding.EncodeToString([]byte("x" + key))
	if got := rhombus.RedactCredentials(req, "b="+b64); !strings.Contains(got, "[REDACTED]") || strings.Contains(got, b64[4:len(b64)-4]) {
		t.Errorf("a base64 key is not redacted")
	}
	if got := rhombus.RedactCredentials(nil, "echo "+key); got != "echo "+key {
		t.Errorf("without a request nothing is redacted")
	}
}
