package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rhombuskit/rhombus-go/api"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// escapeAll writes every byte of s as a JSON \u escape.
func escapeAll(s, format string) string {
	var b strings.Builder
	for _, r := range s {
		fmt.Fprintf(&b, format, r)
	}
	return b.String()
}

// echoForms are the ways a server may write the secret back: plainly, in
// capitals, and JSON-escaped in whole or in part, which a JSON decoder
// turns back into it.
func echoForms(secret string) []string {
	return []string{
		secret,
		strings.ToUpper(secret),
		escapeAll(secret, `\u%04x`),
		escapeAll(secret, `\u%04X`),
		escapeAll(secret[:1], `\u%04x`) + secret[1:],
		secret[:len(secret)-1] + escapeAll(secret[len(secret)-1:], `\u%04x`),
	}
}

// newEchoServer answers every request with the credential it was sent,
// in a header the verbose log prints and, in every echo form, in the body.
func newEchoServer(t *testing.T) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("x-auth-apikey")
		if key == "" {
			key = r.Header.Get("x-auth-access-token")
		}
		w.Header().Set("Content-Type", "application/json; echo="+key)
		w.Header().Set("Retry-After", key)
		var b strings.Builder
		b.WriteString(`{"error":false,"echo":[`)
		for i, f := range echoForms(key) {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`"` + f + `"`)
		}
		b.WriteString(`],"note":"`)
		b.WriteString(strings.Join(echoForms(key), " "))
		b.WriteString(`"}`)
		fmt.Fprint(w, b.String())
	}))
	t.Cleanup(s.Close)
	return s
}

// leaks reports which echo form of secret text holds, or -1; the form's
// number is what a failure may print, never the text.
func leaks(text, secret string) int {
	for i, f := range echoForms(secret) {
		if strings.Contains(text, f) {
			return i
		}
	}
	return -1
}

// wantContainsNoKey is wantContains for text that may hold key: on failure
// it prints the text with every echo form of the key replaced.
func wantContainsNoKey(t *testing.T, text, key string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(text, sub) {
			shown := text
			for i, f := range echoForms(key) {
				shown = strings.ReplaceAll(shown, f, fmt.Sprintf("<KEY FORM %d>", i))
			}
			t.Errorf("stderr does not contain %q:\n%s", sub, shown)
		}
	}
}

// TestVerboseRedactsEveryCredentialSource runs the binary with --verbose
// against a server that echoes the key in a response header and in the
// body, plainly and JSON-escaped, for each place the key can come from.
func TestVerboseRedactsEveryCredentialSource(t *testing.T) {
	t.Parallel()
	srv := newEchoServer(t)
	org := "AAAAAAAAAAAAAAAAAAAAAA"
	cases := []struct {
		name, key   string
		credentials string
		config      string
		env         []string
		args        []string
	}{
		{name: "--api-key", key: "test-key-verbose-flag-Qx1",
			args: []string{"--endpoint-url", srv.URL, "--api-key", "test-key-verbose-flag-Qx1"}},
		{name: "RHOMBUS_API_KEY", key: "test-key-verbose-env-Qx2",
			env: []string{"RHOMBUS_API_KEY=test-key-verbose-env-Qx2", "RHOMBUS_ENDPOINT_URL=" + srv.URL}},
		{name: "credentials file, default profile", key: "test-key-verbose-file-Qx3",
			credentials: "[default]\napi_key = test-key-verbose-file-Qx3\n",
			config:      "[default]\nendpoint_url = " + srv.URL + "\n"},
		{name: "credentials file, named profile", key: "test-key-verbose-work-Qx4",
			credentials: "[default]\napi_key = test-key-not-sent\n[work]\napi_key = test-key-verbose-work-Qx4\n",
			config:      "[profile work]\nendpoint_url = " + srv.URL + "\n",
			args:        []string{"--profile", "work"}},
		{name: "partner key in a profile", key: "test-key-verbose-partner-Qx5",
			credentials: "[partner]\napi_key = test-key-verbose-partner-Qx5\nis_partner = true\n",
			config:      "[profile partner]\nendpoint_url = " + srv.URL + "\n",
			args:        []string{"--profile", "partner", "--partner-org", org}},
		{name: "--partner", key: "test-key-verbose-partnerflag-Qx6",
			args: []string{"--endpoint-url", srv.URL, "--api-key", "test-key-verbose-partnerflag-Qx6", "--partner", "--partner-org", org}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLI(t, nil)
			if tc.credentials != "" {
				writeFile(t, filepath.Join(c.home, ".rhombus", "credentials"), tc.credentials)
			}
			if tc.config != "" {
				writeFile(t, filepath.Join(c.home, ".rhombus", "config"), tc.config)
			}
			c.env = append(c.env, tc.env...)
			o := c.runRaw(append(append([]string{"--verbose"}, tc.args...), "register-device", "--serial-number", "RH-ECHO")...)
			// The answer reached the log, redacted: the test can see a leak.
			wantContainsNoKey(t, o.stderr, tc.key, "< createPendingRegistration HTTP/1.1 200 OK",
				`content-type="application/json; echo=[REDACTED]"`, "retry-after=[REDACTED]",
				`"echo":["[REDACTED]","[REDACTED]","[REDACTED]","[REDACTED]","[REDACTED]","[REDACTED]"]`)
			if f := leaks(o.stdout+o.stderr, tc.key); f >= 0 {
				t.Errorf("the output holds the key in echo form %d (output not printed)", f)
			}
		})
	}
}

// TestVerboseCertificateProfile: a certificate credential cannot have its
// requests logged (its TLS settings need the client's own transport), so
// --verbose shows the attempts; an echo of its key, in an answer that fails
// with it, still reaches neither the log nor the error.
func TestVerboseCertificateProfile(t *testing.T) {
	t.Parallel()
	const key = "test-key-verbose-cert-Qx7"
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.TLS.PeerCertificates) == 0 || r.Header.Get("x-auth-scheme") != "api" {
			http.Error(w, "want a client certificate and x-auth-scheme api", http.StatusTeapot)
			return
		}
		k := r.Header.Get("x-auth-apikey")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"error":true,"errorMsg":"bad key %s"}`, strings.Join(echoForms(k), " "))
	}))
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAnyClientCert}
	srv.StartTLS()
	t.Cleanup(srv.Close)

	c := newCLI(t, nil)
	dir := filepath.Join(c.home, ".rhombus")
	writeFile(t, filepath.Join(dir, "server.pem"), string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})))
	certPEM, keyPEM := clientCertificatePEM(t)
	writeFile(t, filepath.Join(dir, "client.pem"), certPEM)
	writeFile(t, filepath.Join(dir, "client.key"), keyPEM)
	writeFile(t, filepath.Join(dir, "credentials"), "[default]\napi_key = "+key+"\nauth_type = cert\ncert_file = ~/.rhombus/client.pem\nkey_file = ~/.rhombus/client.key\n")
	writeFile(t, filepath.Join(dir, "config"), "[default]\nendpoint_url = "+srv.URL+"\n")
	c.env = append(c.env, "SSL_CERT_FILE="+filepath.Join(dir, "server.pem"))

	// A process reads SSL_CERT_FILE once, into the roots every client of
	// it trusts: so this runs as a process of its own.
	o := c.exec("--verbose", "register-device", "--serial-number", "RH-ECHO")
	if o.code != 1 {
		t.Errorf("want exit 1 (the API refused), got %d", o.code)
	}
	wantContainsNoKey(t, o.stderr, key, "showing attempts", "giving up after attempt 1", "HTTP 400", "bad key [REDACTED]")
	if f := leaks(o.stdout+o.stderr, key); f >= 0 {
		t.Errorf("the output holds the key in echo form %d (output not printed)", f)
	}
}

// clientCertificatePEM makes a self-signed client certificate and its key.
func clientCertificatePEM(t *testing.T) (certPEM, keyPEM string) {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "verbose test client"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk}))
}

// TestVerboseRedactsTokenSourceTokens: each token a token source gives is
// redacted in what the server echoes, though the command line never saw it.
func TestVerboseRedactsTokenSourceTokens(t *testing.T) {
	t.Parallel()
	srv := newEchoServer(t)
	var out bytes.Buffer
	v := newVerbose(&out)
	var n atomic.Int64
	src := rhombus.TokenSourceFunc(func(context.Context) (string, error) {
		return "test-token-source-" + strconv.FormatInt(n.Add(1), 10) + "-Zq", nil
	})
	c, err := rhombus.New(rhombus.WithCredential(rhombus.OAuthTokenSource(src)), rhombus.WithEndpoint(srv.URL),
		rhombus.WithHTTPClient(v.httpClient()))
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		// The answer is not a licence list; only the log matters here.
		_, _ = c.GetDeviceLicensesForOrg(context.Background(), api.GetDeviceLicensesForOrgRequest{OrgUUID: "AAAAAAAAAAAAAAAAAAAAAA"})
	}
	if got := n.Load(); got != 3 {
		t.Fatalf("the token source was asked %d times, want 3", got)
	}
	if got := strings.Count(out.String(), `content-type="application/json; echo=[REDACTED]"`); got != 3 {
		t.Errorf("want three answers logged with the token redacted, got %d", got)
	}
	for i := int64(1); i <= 3; i++ {
		if f := leaks(out.String(), "test-token-source-"+strconv.FormatInt(i, 10)+"-Zq"); f >= 0 {
			t.Errorf("the log holds token %d in echo form %d (log not printed)", i, f)
		}
	}
}
