package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/rhombuskit/rhombus-go/internal/secretheader"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// redacted replaces every secret --verbose would otherwise print.
const redacted = "[REDACTED]"

// verbose logs one line per request and one per response to w, and the
// client's retry decisions (waits and give-ups) from its observer.
//
// Its secrets are the values the client's credential put in the
// credential headers of the requests it logged, whatever the credential
// came from (flags, environment, a profile, a partner key): a server that
// echoes one, plain or JSON-escaped, gets it printed as [REDACTED].
type verbose struct {
	mu      sync.Mutex
	w       io.Writer
	secrets []string // distinct, oldest first, at most maxSecrets
}

// maxSecrets bounds what a long run keeps; each exchange is also scrubbed
// with its own request's values, kept or not.
const maxSecrets = 64

func newVerbose(w io.Writer) *verbose { return &verbose{w: w} }

// learn records the credential values a request carries and returns them.
func (v *verbose) learn(h http.Header) []string {
	sent := credentialValues(h)
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, s := range sent {
		if !slices.Contains(v.secrets, s) {
			v.secrets = append(v.secrets, s)
		}
	}
	if n := len(v.secrets) - maxSecrets; n > 0 {
		v.secrets = slices.Delete(v.secrets, 0, n)
	}
	return sent
}

// printf prints one line with every known secret and also redacted.
func (v *verbose) printf(also []string, format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	v.mu.Lock()
	defer v.mu.Unlock()
	line = redactText(redactText(line, v.secrets), also)
	fmt.Fprintln(v.w, line)
}

// redact is redactText with the known secrets and also.
func (v *verbose) redact(s string, also []string) string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return redactText(redactText(s, v.secrets), also)
}

// httpClient sends through the default transport and logs each exchange.
func (v *verbose) httpClient() *http.Client {
	return &http.Client{Transport: &loggingTransport{base: http.DefaultTransport, v: v}}
}

// observe logs what the client decides between attempts, which the
// transport cannot see.
func (v *verbose) observe(e rhombus.Event) {
	switch e.Kind {
	case rhombus.EventWait:
		v.printf(nil, "~ %s: attempt %d got %s; waiting %s before attempt %d", e.Operation, e.Attempt, statusText(e.Status, e.Err), e.Wait.Round(time.Millisecond), e.Attempt+1)
	case rhombus.EventGiveUp:
		v.printf(nil, "~ %s: giving up after attempt %d: %v", e.Operation, e.Attempt, e.Err)
	}
}

func statusText(status int, err error) string {
	if status != 0 {
		return "HTTP " + strconv.Itoa(status)
	}
	if err != nil {
		return "no answer"
	}
	return "nothing"
}

type loggingTransport struct {
	base http.RoundTripper
	v    *verbose
}

func (t *loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	op := path.Base(req.URL.Path)
	sent := t.v.learn(req.Header)
	var body []byte
	if req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			body, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	t.v.printf(sent, "> %s %s %s %s body=%s", req.Method, req.URL.Redacted(), op, headerText(req.Header), bodyText(t.v.redact(string(body), sent)))
	start := time.Now()
	resp, err := t.base.RoundTrip(req)
	took := time.Since(start).Round(time.Millisecond)
	if err != nil {
		t.v.printf(sent, "< %s no answer after %s: %v", op, took, err)
		return nil, err
	}
	// Read the answer here so it can be logged; the client gets the same
	// bytes. Reading stops at the client's own limit, past which the client
	// refuses the body anyway, and the rest is passed on unread.
	orig := resp.Body
	rb, readErr := io.ReadAll(io.LimitReader(orig, rhombus.DefaultMaxResponseBytes+1))
	resp.Body = readCloser{io.MultiReader(bytes.NewReader(rb), orig), orig}
	// Header values and the body are redacted before they are quoted or
	// compacted, so that no escaping hides a secret from the line's own pass.
	extra := ""
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		extra = " retry-after=" + t.v.redact(ra, sent)
	}
	if readErr != nil {
		extra += fmt.Sprintf(" (body cut off: %v)", readErr)
		resp.Body = readCloser{io.MultiReader(bytes.NewReader(rb), errReader{readErr}), orig}
	}
	t.v.printf(sent, "< %s %s %s in %s content-type=%q%s body=%s", op, resp.Proto, t.v.redact(resp.Status, sent), took,
		t.v.redact(resp.Header.Get("Content-Type"), sent), extra, bodyText(t.v.redact(string(rb), sent)))
	return resp, nil
}

// credentialValues are the values of the headers of h that carry a credential.
func credentialValues(h http.Header) []string {
	var out []string
	for name, vals := range h {
		if secretheader.Is(name) {
			for _, val := range vals {
				if val != "" {
					out = append(out, val)
				}
			}
		}
	}
	return out
}

type readCloser struct {
	io.Reader
	io.Closer
}

// errReader hands on a read error after the bytes that came before it, so
// the client sees a cut-off body as cut off.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// headerText prints the headers sorted, credentials redacted.
func headerText(h http.Header) string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		val := strings.Join(h[k], ",")
		// Headers that carry credentials are never printed.
		if secretheader.Is(k) {
			val = redacted
		}
		fmt.Fprintf(&b, "%s=%q", strings.ToLower(k), val)
	}
	return b.String()
}

// bodyText prints a JSON body on one line, with Wi-Fi keys redacted (they
// are passwords); anything else is quoted and cut at 2000 bytes.
func bodyText(s string) string { return oneLine([]byte(s), true) }

func oneLine(b []byte, redactPSK bool) string {
	if len(bytes.TrimSpace(b)) == 0 {
		return "(empty)"
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) == nil {
		if _, ok := m["wifiPsk"]; ok && redactPSK {
			m["wifiPsk"] = json.RawMessage(`"` + redacted + `"`)
			if out, err := json.Marshal(m); err == nil {
				b = out
			}
		}
		var buf bytes.Buffer
		if json.Compact(&buf, b) == nil {
			return buf.String()
		}
	}
	s := string(b)
	if len(s) > 2000 {
		s = s[:2000] + "..."
	}
	return strconv.Quote(s)
}

// redactText replaces each secret in s with [REDACTED]: written plainly,
// or with escapes as JSON and Go quoting write them ("\u0043", "\x43",
// "\/", a surrogate pair), which decoding would turn back into the secret.
func redactText(s string, secrets []string) string {
	for _, sec := range secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, redacted)
		}
	}
	if !strings.Contains(s, `\`) || len(secrets) == 0 {
		return s
	}
	// Decode every escape, remembering where in s each decoded byte came
	// from, find the secrets in the decoded text and cut what they came from.
	dec := make([]byte, 0, len(s))
	from := make([]int32, 0, len(s)) // dec[k] came from the escape or byte at s[from[k]]
	for i := 0; i < len(s); {
		k := len(dec)
		var n int
		dec, n = decodeAt(dec, s, i)
		for range len(dec) - k {
			from = append(from, int32(i))
		}
		i += n
	}
	var cut [][2]int
	for _, sec := range secrets {
		for off := 0; sec != ""; {
			j := bytes.Index(dec[off:], []byte(sec))
			if j < 0 {
				break
			}
			j += off
			last := int(from[j+len(sec)-1])
			_, n := decodeAt(nil, s, last)
			cut = append(cut, [2]int{int(from[j]), last + n})
			off = j + len(sec)
		}
	}
	if len(cut) == 0 {
		return s
	}
	sort.Slice(cut, func(a, b int) bool { return cut[a][0] < cut[b][0] })
	var b strings.Builder
	at := 0
	for _, c := range cut {
		if c[1] <= at {
			continue // within a span cut already
		}
		if c[0] >= at {
			b.WriteString(s[at:c[0]])
			b.WriteString(redacted)
		}
		at = c[1]
	}
	b.WriteString(s[at:])
	return b.String()
}

// decodeAt appends to dst what the escape or byte at s[i] stands for and
// returns how many bytes of s it takes.
func decodeAt(dst []byte, s string, i int) ([]byte, int) {
	if s[i] != '\\' || i+1 >= len(s) {
		return append(dst, s[i]), 1
	}
	hex := func(at, n int) (rune, bool) {
		if at+n > len(s) {
			return 0, false
		}
		v, err := strconv.ParseUint(s[at:at+n], 16, 32)
		return rune(v), err == nil
	}
	switch c := s[i+1]; c {
	case '"', '\\', '/', '\'':
		return append(dst, c), 2
	case 'a', 'b', 'f', 'n', 'r', 't', 'v':
		return append(dst, "\a\b\f\n\r\t\v"[strings.IndexByte("abfnrtv", c)]), 2
	case 'x': // Go's quoting: one byte
		if r, ok := hex(i+2, 2); ok {
			return append(dst, byte(r)), 4
		}
	case 'u':
		r, ok := hex(i+2, 4)
		if !ok {
			break
		}
		// A UTF-16 surrogate pair, as JSON writes a rune beyond U+FFFF.
		if utf16.IsSurrogate(r) && i+8 <= len(s) && s[i+6] == '\\' && s[i+7] == 'u' {
			if r2, ok := hex(i+8, 4); ok {
				if p := utf16.DecodeRune(r, r2); p != utf8.RuneError {
					return utf8.AppendRune(dst, p), 12
				}
			}
		}
		return utf8.AppendRune(dst, r), 6
	case 'U':
		if r, ok := hex(i+2, 8); ok && utf8.ValidRune(r) {
			return utf8.AppendRune(dst, r), 10
		}
	}
	return append(dst, s[i]), 1
}
