package rhombus_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/api"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
	"github.com/rhombuskit/rhombus-go/wrapper/internal/testapi"
	"github.com/rhombuskit/rhombus-go/wrapper/internal/testapi/testops"
)

// echoKind is one kind of credential, for tests where the server echoes
// what it was sent. Some keys hold a "/" (which JSON may write as "\/") or
// a quote and a backslash (which it must escape); the others are header
// tokens, so that a header name can carry them.
type echoKind struct {
	name string
	tls  bool
	// cred builds the credential; issued returns every secret value it has
	// sent so far (a token source sends a new one each attempt).
	cred func(t *testing.T) (cred rhombus.Credential, issued func() []string)
	opts []rhombus.Option
	org  string // the x-auth-org the client sends, "" for none
}

func fixed(c rhombus.Credential, key string) (rhombus.Credential, func() []string) {
	return c, func() []string { return []string{key} }
}

var echoKinds = []echoKind{
	{name: "APIToken", cred: func(*testing.T) (rhombus.Credential, func() []string) {
		const k = "rk_live_9f8e7d6c5b4a3210-SECRET-API"
		return fixed(rhombus.APIToken(k), k)
	}},
	{name: "PartnerAPIToken", cred: func(*testing.T) (rhombus.Credential, func() []string) {
		const k = "pk/live/0a1b2c3d4e5f6789+SECRET/PARTNER"
		return fixed(rhombus.PartnerAPIToken(k), k)
	}},
	{name: "PartnerAPIToken with WithClientOrg", opts: []rhombus.Option{rhombus.WithClientOrg(authOrg)}, org: string(authOrg),
		cred: func(*testing.T) (rhombus.Credential, func() []string) {
			const k = "pk_org_55aa66bb77cc88dd-SECRET-SCOPED"
			return fixed(rhombus.PartnerAPIToken(k), k)
		}},
	{name: "CertificateKey", tls: true, cred: func(t *testing.T) (rhombus.Credential, func() []string) {
		const k = "ck_1234abcd5678efgh-SECRET-CERT"
		return fixed(rhombus.CertificateKey(k, authCert(t)), k)
	}},
	{name: "PartnerCertificateKey", tls: true, cred: func(t *testing.T) (rhombus.Credential, func() []string) {
		const k = `pck/9988"7766\5544/SECRET-PCERT`
		return fixed(rhombus.PartnerCertificateKey(k, authCert(t)), k)
	}},
	{name: "OAuthToken", cred: func(*testing.T) (rhombus.Credential, func() []string) {
		const k = "eyJhbGciOi/oauth/fixed.SECRET-OAUTH"
		return fixed(rhombus.OAuthToken(k), k)
	}},
	{name: "OAuthTokenSource", cred: func(*testing.T) (rhombus.Credential, func() []string) {
		var mu sync.Mutex
		var issued []string
		src := rhombus.TokenSourceFunc(func(context.Context) (string, error) {
			mu.Lock()
			defer mu.Unlock()
			tok := fmt.Sprintf("src-token-%d-SECRET-SOURCE", len(issued)+1)
			issued = append(issued, tok)
			return tok, nil
		})
		return rhombus.OAuthTokenSource(src), func() []string {
			mu.Lock()
			defer mu.Unlock()
			return append([]string(nil), issued...)
		}
	}},
}

// echoAnswer is what the server answers a request that carried the
// credential value sec.
type echoAnswer func(w http.ResponseWriter, sec string)

// echoRun starts a server that answers the first request of each call with
// a 429 echoing the credential (headers and body), and the second with
// answer, and a client for it that tries each call twice: so every call
// sends two values of a token source, and the first answer reaches the
// caller only through events and logs.
type echoRun struct {
	c       *rhombus.Client
	issued  func() []string
	org     string // the x-auth-org the client sends, "" for none
	logs    *bytes.Buffer
	mu      *sync.Mutex
	events  *[]rhombus.Event
	warns   *[]rhombus.Warning
	spelled *[]string // the escaped spellings of secrets the server wrote
}

func startEcho(t *testing.T, kind echoKind, answer, echoFirst echoAnswer) echoRun {
	t.Helper()
	var n atomic.Int64
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sec := r.Header.Get("x-auth-apikey") + r.Header.Get("x-auth-access-token")
		if n.Add(1)%2 == 1 {
			echoFirst(w, sec)
			return
		}
		answer(w, sec)
	})
	var srv *httptest.Server
	if kind.tls {
		srv = httptest.NewTLSServer(h)
	} else {
		srv = httptest.NewServer(h)
	}
	t.Cleanup(srv.Close)
	cred, issued := kind.cred(t)
	run := echoRun{issued: issued, logs: new(bytes.Buffer), mu: new(sync.Mutex),
		events: new([]rhombus.Event), warns: new([]rhombus.Warning), spelled: new([]string)}
	opts := append([]rhombus.Option{
		rhombus.WithEndpoint(srv.URL), rhombus.WithCredential(cred), rhombus.WithHTTPClient(srv.Client()),
		rhombus.WithOperations(testops.Operations...),
		rhombus.WithRetryPolicy(rhombus.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}),
		rhombus.WithLogger(slog.New(slog.NewJSONHandler(lockedWriter{run.mu, run.logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		rhombus.WithObserver(func(e rhombus.Event) {
			run.mu.Lock()
			defer run.mu.Unlock()
			*run.events = append(*run.events, e)
		}),
		rhombus.WithWarningHandler(func(_ context.Context, w rhombus.Warning) {
			run.mu.Lock()
			defer run.mu.Unlock()
			*run.warns = append(*run.warns, w)
		}),
	}, kind.opts...)
	c, err := rhombus.New(opts...)
	require.NoError(t, err)
	run.c = c
	run.org = kind.org
	return run
}

// echoHeaders writes sec into the answer's headers in the ways a server
// might: as it is, in upper and lower case, inside other text, as one of
// several values, under a credential header's name, as a header name (when
// sec can be one), and in a trailer; the org header goes back unchanged.
func echoHeaders(w http.ResponseWriter, sec, org string) {
	h := w.Header()
	h.Set("X-Echo", sec)
	h.Set("X-Echo-Upper", strings.ToUpper(sec))
	h.Set("X-Echo-Lower", strings.ToLower(sec))
	h.Set("Www-Authenticate", `Bearer realm="rhombus", error="invalid_token", token="`+sec+`"`)
	h.Add("Set-Cookie", "a=1")
	h.Add("Set-Cookie", "session="+sec+"; Path=/; HttpOnly")
	h.Set("X-Auth-Apikey", sec)
	h.Set("X-Auth-Access-Token", sec)
	if isToken(sec) {
		h.Set("X-Key-"+sec, "1")
	}
	if org != "" {
		h.Set("X-Auth-Org", org)
	}
	h.Set("Trailer", "X-Trail")
}

func isToken(s string) bool {
	for _, c := range s {
		if !(c == '-' || c == '_' || c == '.' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// writeAnswer writes status and body after the headers, and the trailer.
func writeAnswer(w http.ResponseWriter, status int, contentType, body, trailer string) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
	w.Header().Set("X-Trail", trailer)
}

// leaks reports whether s shows one of secrets, in any letter case: as it
// is, as Go or JSON quote it (%#v, a JSON log), or in one of the escaped
// spellings the server wrote, quoted or not. It returns no text, so that a
// failure cannot print a secret.
func leaks(s string, secrets, spelled []string) bool {
	texts := []string{strings.ToLower(s), strings.ToLower(strings.ReplaceAll(s, `\\`, `\`))}
	forms := append([]string(nil), spelled...)
	for _, sec := range secrets {
		q := strconv.Quote(sec)
		forms = append(forms, sec, q[1:len(q)-1])
	}
	for _, f := range forms {
		for _, text := range texts {
			if f != "" && strings.Contains(text, strings.ToLower(f)) {
				return true
			}
		}
	}
	return false
}

// headerLeaks reports whether a name or a value of h shows a secret.
func headerLeaks(h http.Header, secrets, spelled []string) bool {
	for name, vals := range h {
		if leaks(name, secrets, spelled) {
			return true
		}
		for _, v := range vals {
			if leaks(v, secrets, spelled) {
				return true
			}
		}
	}
	return false
}

// jsonLeaks decodes body as JSON, as a caller might, and reports whether a
// string or a member name in it holds a secret.
func jsonLeaks(body []byte, secrets []string) bool {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return false
	}
	var walk func(any) bool
	walk = func(v any) bool {
		switch v := v.(type) {
		case string:
			return leaks(v, secrets, nil)
		case []any:
			for _, e := range v {
				if walk(e) {
					return true
				}
			}
		case map[string]any:
			for k, e := range v {
				if leaks(k, secrets, nil) || walk(e) {
					return true
				}
			}
		}
		return false
	}
	return walk(v)
}

// checkNoLeak asserts that nothing the calls returned, reported or logged
// shows a secret the credential sent: each value in %v, %+v and %#v, the
// fields of the package's errors (Header included), the generated
// response's status, headers, trailers, request and body, every event and
// warning, and the log. It returns how many headers it saw with the
// client's x-auth-org echoed unchanged.
func (run echoRun) checkNoLeak(t *testing.T, values ...any) (orgKept int) {
	t.Helper()
	run.mu.Lock()
	defer run.mu.Unlock()
	secrets := run.issued()
	require.NotEmpty(t, secrets, "the credential must have been sent")
	spelled := *run.spelled
	for _, e := range *run.events {
		values = append(values, e, e.Err)
	}
	for _, w := range *run.warns {
		values = append(values, w)
	}
	checked := 0
	for i, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v"} {
			assert.False(t, leaks(fmt.Sprintf(verb, v), secrets, spelled), "value %d (%T) shows a credential with %s", i, v, verb)
		}
		if err, ok := v.(error); ok && err != nil {
			checked++
			assert.False(t, leaks(err.Error(), secrets, spelled), "value %d (%T): Error() shows a credential", i, v)
			var apiErr *rhombus.APIError
			if errors.As(err, &apiErr) {
				assert.False(t, headerLeaks(apiErr.Header, secrets, spelled), "value %d: APIError.Header shows a credential", i)
				assert.False(t, leaks(fmt.Sprintf("%#v", *apiErr), secrets, spelled), "value %d: %%#v of the APIError shows a credential", i)
				if run.org != "" && apiErr.Header.Get("X-Auth-Org") != "" {
					assert.Equal(t, run.org, apiErr.Header.Get("X-Auth-Org"), "x-auth-org is not a secret: it stays")
					orgKept++
				}
			}
			var decErr *rhombus.DecodeError
			if errors.As(err, &decErr) {
				assert.False(t, leaks(fmt.Sprintf("%#v", *decErr), secrets, spelled), "value %d: %%#v of the DecodeError shows a credential", i)
				assert.False(t, leaks(decErr.Err.Error(), secrets, spelled), "value %d: DecodeError.Err shows a credential", i)
			}
		}
		if r, ok := v.(*http.Response); ok && r != nil {
			checked++
			assert.False(t, leaks(r.Status, secrets, spelled), "value %d: the response's Status shows a credential", i)
			assert.False(t, headerLeaks(r.Header, secrets, spelled), "value %d: the response's Header shows a credential", i)
			assert.False(t, headerLeaks(r.Trailer, secrets, spelled), "value %d: the response's Trailer shows a credential", i)
			assert.False(t, headerLeaks(r.Request.Header, secrets, spelled), "value %d: the response's Request shows a credential", i)
			if run.org != "" && r.Header.Get("X-Auth-Org") != "" {
				assert.Equal(t, run.org, r.Header.Get("X-Auth-Org"), "x-auth-org is not a secret: it stays")
				orgKept++
			}
		}
		if b, ok := v.([]byte); ok {
			assert.False(t, leaks(string(b), secrets, spelled), "value %d: the body shows a credential", i)
			assert.False(t, jsonLeaks(b, secrets), "value %d: the body, decoded, shows a credential", i)
		}
	}
	require.NotZero(t, checked, "the calls must have returned an error or a response")
	assert.False(t, leaks(run.logs.String(), secrets, spelled), "the log shows a credential")
	require.NotEmpty(t, *run.events, "the observer must have been called")
	return orgKept
}

// echoScenario is one answer, and the calls that get it.
type echoScenario struct {
	name   string
	answer func(run *echoRun) echoAnswer
	// door calls the test-only spec's unlockDoor, which has a failure shape
	// of its own (as unlockAccessControlledDoor has); otherwise createUser.
	door bool
	// wantErr: the calls must fail.
	wantErr bool
	// noHeader: what the calls return holds no header of the answer's (a
	// *DecodeError), or the answer echoes no x-auth-org.
	noHeader bool
}

func (sc echoScenario) call(t *testing.T, run echoRun) []any {
	t.Helper()
	ctx := context.Background()
	if sc.door {
		door := testapi.UnlockDoorRequest{DoorUUID: someOrg}
		gen, err := testapi.NewClientWithResponses(run.c.BaseURL(), testapi.WithHTTPClient(run.c))
		require.NoError(t, err)
		res, err := run.c.TestSpecUnlockDoor(ctx, door)
		res2, err2 := gen.UnlockDoorWithResponse(ctx, door)
		out := []any{res, err, res2, err2}
		if res2 != nil {
			out = append(out, res2.HTTPResponse, res2.Body, res2.JSON200)
		}
		if sc.wantErr {
			require.Error(t, err)
			require.Error(t, err2)
		}
		return out
	}
	res, err := run.c.CreateUser(ctx, api.CreateUserRequest{Email: "jane@example.com"})
	res2, err2 := run.c.API().CreateUserWithResponse(ctx, api.CreateUserRequest{Email: "jane@example.com"})
	out := []any{res, err, res2, err2}
	if res2 != nil {
		out = append(out, res2.HTTPResponse, res2.Body, res2.JSON200)
	}
	if sc.wantErr {
		require.Error(t, err)
		require.Error(t, err2)
	} else {
		require.NoError(t, err)
		require.NoError(t, err2)
	}
	return out
}

// TestEchoedHeadersAreScrubbed: a server that echoes the credential in its
// answer's headers (and status line) does not get it into any value the
// package returns: APIError.Header, the *http.Response of a generated
// call, events, logs; for every kind of credential, a token source's
// values on every attempt included. x-auth-org is not a secret: echoed, it
// stays.
func TestEchoedHeadersAreScrubbed(t *testing.T) {
	plain := func(status int, body string) func(run *echoRun) echoAnswer {
		return func(run *echoRun) echoAnswer {
			return func(w http.ResponseWriter, sec string) {
				echoHeaders(w, sec, run.org)
				writeAnswer(w, status, "application/json", body, "trailing "+sec)
			}
		}
	}
	scenarios := []echoScenario{
		{name: "401", answer: plain(401, `{"error":"Unauthorized","msg":"bad key"}`), wantErr: true},
		{name: "400 text", answer: plain(400, `not json`), wantErr: true},
		{name: "200 error", answer: plain(200, `{"error":true,"errorMsg":"refused"}`), wantErr: true},
		{name: "500 write", answer: plain(500, `{"msg":"down"}`), wantErr: true},
		{name: "429", answer: plain(429, `{"msg":"slow down"}`), wantErr: true},
		{name: "own failure shape", door: true, answer: plain(200, `{"type":"ERROR","errorType":"LOCKED"}`), wantErr: true},
		{name: "truncated", answer: plain(200, `{"userUuid":"AAAA`), wantErr: true, noHeader: true},
		{name: "content type", wantErr: true, noHeader: true, answer: func(run *echoRun) echoAnswer {
			return func(w http.ResponseWriter, sec string) {
				echoHeaders(w, sec, run.org)
				writeAnswer(w, 200, "text/x-echo; key="+sec, `{}`, sec)
			}
		}},
		{name: "success", answer: plain(200, `{"error":false,"userUuid":"AAAAAAAAAAAAAAAAAAAAAA"}`)},
		{name: "success with the key in the status line", noHeader: true, answer: func(run *echoRun) echoAnswer {
			return func(w http.ResponseWriter, sec string) {
				body := `{"error":false,"userUuid":"AAAAAAAAAAAAAAAAAAAAAA"}`
				conn, buf, err := http.NewResponseController(w).Hijack()
				if err != nil {
					panic(err)
				}
				defer conn.Close()
				fmt.Fprintf(buf, "HTTP/1.1 200 OK %s\r\nContent-Type: application/json\r\nX-Echo: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
					sec, sec, len(body), body)
				_ = buf.Flush()
			}
		}},
	}
	first := func(_ *echoRun) echoAnswer {
		return func(w http.ResponseWriter, sec string) {
			echoHeaders(w, sec, "")
			w.Header().Set("Retry-After", "0")
			writeAnswer(w, 429, "text/plain", "slow down", sec)
		}
	}
	for _, kind := range echoKinds {
		for _, sc := range scenarios {
			t.Run(kind.name+"/"+sc.name, func(t *testing.T) {
				var run echoRun
				run = startEcho(t, kind, func(w http.ResponseWriter, sec string) { sc.answer(&run)(w, sec) },
					func(w http.ResponseWriter, sec string) { first(&run)(w, sec) })
				values := sc.call(t, run)
				orgKept := run.checkNoLeak(t, values...)
				if kind.org != "" && !sc.noHeader {
					assert.NotZero(t, orgKept, "the echoed x-auth-org must reach the caller unchanged")
				}
			})
		}
	}
}

// escapeAll writes every character of s as a JSON \u escape.
func escapeAll(s string) string {
	var b strings.Builder
	for _, r := range s {
		fmt.Fprintf(&b, `\u%04X`, r)
	}
	return b.String()
}

// escapeSome writes s as JSON does, with "/" as "\/" and one character in
// the middle as a lower-case \u escape.
func escapeSome(s string) string {
	enc, _ := json.Marshal(s)
	q := strings.ReplaceAll(string(enc[1:len(enc)-1]), "/", `\/`)
	mid := len(q) / 2
	for mid < len(q) && (q[mid] == '\\' || !utf8.RuneStart(q[mid]) || (mid > 0 && q[mid-1] == '\\')) {
		mid++
	}
	return q[:mid] + fmt.Sprintf(`\u%04x`, q[mid]) + q[mid+1:]
}

// TestJSONEscapedSecretsAreScrubbed: a server that echoes the credential
// inside JSON strings written with escapes ("\u0072\u006b...", "\/") does
// not get it, decoded, into a typed result's fields, a generated response,
// a warning, an error's message, status or excerpt, an event or a log; for
// every kind of credential and both spellings.
func TestJSONEscapedSecretsAreScrubbed(t *testing.T) {
	for _, spell := range []struct {
		name string
		f    func(string) string
	}{{"all escaped", escapeAll}, {"some escaped", escapeSome}} {
		body := func(status int, template string) func(run *echoRun) echoAnswer {
			return func(run *echoRun) echoAnswer {
				return func(w http.ResponseWriter, sec string) {
					esc := spell.f(sec)
					run.mu.Lock()
					*run.spelled = append(*run.spelled, esc)
					run.mu.Unlock()
					writeAnswer(w, status, "application/json", strings.ReplaceAll(template, "KEY", esc), "")
				}
			}
		}
		scenarios := []echoScenario{
			{name: "401 msg", answer: body(401, `{"error":"Unauthorized","msg":"bad key KEY"}`), wantErr: true},
			{name: "400 error", answer: body(400, `{"error":"KEY"}`), wantErr: true},
			{name: "200 errorMsg and responseStatus", answer: body(200, `{"error":true,"errorMsg":"KEY","responseStatus":"KEY"}`), wantErr: true},
			{name: "500 write", answer: body(500, `{"errorMsg":"x KEY"}`), wantErr: true},
			{name: "own failure shape", door: true, answer: body(200, `{"type":"ERROR","errorType":"KEY"}`), wantErr: true},
			{name: "excerpt", answer: body(200, `{"userUuid":"KEY"`), wantErr: true},
			{name: "result fields and warning", answer: body(200, `{"error":false,"userUuid":"KEY","warningMsg":"key KEY expires","KEY":["KEY"]}`)},
		}
		first := body(429, `{"msg":"KEY"}`)
		for _, kind := range echoKinds {
			for _, sc := range scenarios {
				t.Run(spell.name+"/"+kind.name+"/"+sc.name, func(t *testing.T) {
					var run echoRun
					run = startEcho(t, kind, func(w http.ResponseWriter, sec string) { sc.answer(&run)(w, sec) },
						func(w http.ResponseWriter, sec string) { first(&run)(w, sec) })
					values := sc.call(t, run)
					run.checkNoLeak(t, values...)
				})
			}
		}
	}
}

// decodedLeaks reports whether s, percent-decoded, or a base64 run in it,
// decoded with any of the four alphabets, shows a secret.
func decodedLeaks(s string, secrets []string) bool {
	if u, err := url.QueryUnescape(s); err == nil && leaks(u, secrets, nil) {
		return true
	}
	isB64 := func(r rune) bool {
		return r == '+' || r == '/' || r == '-' || r == '_' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
	}
	for _, run := range strings.FieldsFunc(s, func(r rune) bool { return !isB64(r) }) {
		for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
			// A run may start mid-group: try each start.
			for off := range 4 {
				if off >= len(run) {
					break
				}
				r := run[off:]
				if len(r)%4 == 1 { // not whole bytes: cut the last character
					r = r[:len(r)-1]
				}
				if b, err := enc.DecodeString(r); err == nil && leaks(string(b), secrets, nil) {
					return true
				}
			}
		}
	}
	return false
}

// TestEncodedSecretsAreScrubbed: a credential echoed in base64 (as in a
// Basic authorization, or a []byte field) or percent-encoded (as in a
// URL), in headers and in the body, cannot be decoded back from anything
// the package returns; for every kind of credential.
func TestEncodedSecretsAreScrubbed(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString
	answer := func(status int, template string) func(run *echoRun) echoAnswer {
		return func(run *echoRun) echoAnswer {
			return func(w http.ResponseWriter, sec string) {
				h := w.Header()
				h.Set("X-Echo-Basic", "Basic "+b64([]byte("user:"+sec)))
				h.Set("Location", "/api/x?k="+url.QueryEscape(sec)+"&p="+url.PathEscape(sec))
				body := strings.NewReplacer(
					"B64STD", b64([]byte("\x01"+sec)),
					"B64URL", base64.RawURLEncoding.EncodeToString([]byte("ab"+sec+"\x02")),
					"PCT", url.QueryEscape(sec),
				).Replace(template)
				writeAnswer(w, status, "application/json", body, "")
			}
		}
	}
	scenarios := []echoScenario{
		{name: "401", answer: answer(401, `{"error":"Unauthorized","msg":"B64STD B64URL PCT"}`), wantErr: true},
		{name: "200 error", answer: answer(200, `{"error":true,"errorMsg":"B64STD","responseStatus":"B64URL"}`), wantErr: true},
		{name: "excerpt", answer: answer(200, `{"k":"B64URL","userUuid":"B64STD"`), wantErr: true},
		{name: "success", answer: answer(200, `{"error":false,"userUuid":"B64STD","warningMsg":"B64URL","link":"https://x/?k=PCT","bytes":"B64STD"}`)},
	}
	first := answer(429, `{"msg":"B64STD"}`)
	for _, kind := range echoKinds {
		for _, sc := range scenarios {
			t.Run(kind.name+"/"+sc.name, func(t *testing.T) {
				var run echoRun
				run = startEcho(t, kind, func(w http.ResponseWriter, sec string) { sc.answer(&run)(w, sec) },
					func(w http.ResponseWriter, sec string) { first(&run)(w, sec) })
				values := sc.call(t, run)
				run.checkNoLeak(t, values...)
				secrets := run.issued()
				var texts []string
				for _, v := range values {
					texts = append(texts, fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v))
					if err, ok := v.(error); ok && err != nil {
						texts = append(texts, err.Error())
						var apiErr *rhombus.APIError
						if errors.As(err, &apiErr) {
							texts = append(texts, fmt.Sprint(apiErr.Header))
						}
					}
					if r, ok := v.(*http.Response); ok && r != nil {
						texts = append(texts, fmt.Sprint(r.Header))
					}
					if b, ok := v.([]byte); ok {
						var fields map[string]any
						if json.Unmarshal(b, &fields) == nil {
							for _, f := range fields {
								texts = append(texts, fmt.Sprint(f))
							}
						}
					}
				}
				run.mu.Lock()
				texts = append(texts, run.logs.String())
				for _, e := range *run.events {
					if e.Err != nil {
						texts = append(texts, e.Err.Error())
					}
				}
				run.mu.Unlock()
				for i, s := range texts {
					assert.False(t, decodedLeaks(s, secrets), "text %d, decoded, shows a credential", i)
				}
			})
		}
	}
}

// TestAnObserverMayKeepAnError: an observer may hand an event's error to
// another goroutine and read it there while the call goes on; the scrub on
// the way out (here of the error that holds it, when the caller cancels
// during the backoff) only reads an error that is clean already. Run with
// -race.
func TestAnObserverMayKeepAnError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	var kept atomic.Int64
	c := inMemory(t, func(r *http.Request) (*http.Response, error) {
		return memAnswer(r, 503, "text/plain", "down"), nil
	}, rhombus.WithObserver(func(e rhombus.Event) {
		if e.Kind != rhombus.EventWait {
			return
		}
		wg.Add(1)
		go func(err error) {
			defer wg.Done()
			var apiErr *rhombus.APIError
			if errors.As(err, &apiErr) && fmt.Sprintf("%#v", *apiErr) != "" {
				kept.Add(1)
			}
		}(e.Err)
		cancel()
	}))
	_, err := c.GetDeviceLicensesForOrg(ctx, api.GetDeviceLicensesForOrgRequest{OrgUUID: someOrg})
	wg.Wait()
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, rhombus.ErrServer, "the 503 before the cancellation is kept")
	assert.Equal(t, int64(1), kept.Load(), "the observer read the error it kept")
}
