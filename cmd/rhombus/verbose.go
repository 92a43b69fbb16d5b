package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rhombuskit/rhombus-go/internal/secretheader"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// redacted replaces every secret --verbose would otherwise print.
const redacted = "[REDACTED]"

// verbose logs one line per request and one per response to w, and the
// client's retry decisions (waits and give-ups) from its observer.
//
// It holds no secret of its own: each exchange is redacted with the
// credential its request carries (rhombus.RedactCredentials), whatever the
// credential and wherever its key came from (flags, environment, a
// profile, a partner key, a token source), and the client's events come
// scrubbed by the client.
type verbose struct {
	mu sync.Mutex
	w  io.Writer
}

func newVerbose(w io.Writer) *verbose { return &verbose{w: w} }

// printf prints one line, passed through redact when it is not nil.
func (v *verbose) printf(redact func(string) string, format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	if redact != nil {
		line = redact(line)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	fmt.Fprintln(v.w, line)
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
	// Each value is redacted before it is quoted or compacted, so that no
	// escaping of ours hides a secret, and each line again as a whole.
	redact := func(s string) string { return rhombus.RedactCredentials(req, s) }
	var body []byte
	if req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			body, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	t.v.printf(redact, "> %s %s %s %s body=%s", req.Method, redact(req.URL.Redacted()), op, headerText(req.Header), bodyText(redact(string(body))))
	start := time.Now()
	resp, err := t.base.RoundTrip(req)
	took := time.Since(start).Round(time.Millisecond)
	if err != nil {
		t.v.printf(redact, "< %s no answer after %s: %v", op, took, err)
		return nil, err
	}
	// Read the answer here so it can be logged; the client gets the same
	// bytes. Reading stops at the client's own limit, past which the client
	// refuses the body anyway, and the rest is passed on unread.
	orig := resp.Body
	rb, readErr := io.ReadAll(io.LimitReader(orig, rhombus.DefaultMaxResponseBytes+1))
	resp.Body = readCloser{io.MultiReader(bytes.NewReader(rb), orig), orig}
	extra := ""
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		extra = " retry-after=" + redact(ra)
	}
	if readErr != nil {
		extra += fmt.Sprintf(" (body cut off: %v)", readErr)
		resp.Body = readCloser{io.MultiReader(bytes.NewReader(rb), errReader{readErr}), orig}
	}
	t.v.printf(redact, "< %s %s %s in %s content-type=%q%s body=%s", op, resp.Proto, redact(resp.Status), took,
		redact(resp.Header.Get("Content-Type")), extra, bodyText(redact(string(rb))))
	return resp, nil
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
