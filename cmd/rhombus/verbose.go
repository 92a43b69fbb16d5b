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
type verbose struct {
	mu      sync.Mutex
	w       io.Writer
	secrets []string
}

func newVerbose(w io.Writer, secrets ...string) *verbose {
	v := &verbose{w: w}
	for _, s := range secrets {
		if s != "" {
			v.secrets = append(v.secrets, s)
		}
	}
	return v
}

func (v *verbose) printf(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	// A server that echoes the key in a body must not get it printed.
	for _, s := range v.secrets {
		line = strings.ReplaceAll(line, s, redacted)
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
		v.printf("~ %s: attempt %d got %s; waiting %s before attempt %d", e.Operation, e.Attempt, statusText(e.Status, e.Err), e.Wait.Round(time.Millisecond), e.Attempt+1)
	case rhombus.EventGiveUp:
		v.printf("~ %s: giving up after attempt %d: %v", e.Operation, e.Attempt, e.Err)
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
	var body []byte
	if req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			body, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	t.v.printf("> %s %s %s %s body=%s", req.Method, req.URL.Redacted(), op, headerText(req.Header), bodyText(body))
	start := time.Now()
	resp, err := t.base.RoundTrip(req)
	took := time.Since(start).Round(time.Millisecond)
	if err != nil {
		t.v.printf("< %s no answer after %s: %v", op, took, err)
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
		extra = " retry-after=" + ra
	}
	if readErr != nil {
		extra += fmt.Sprintf(" (body cut off: %v)", readErr)
		resp.Body = readCloser{io.MultiReader(bytes.NewReader(rb), errReader{readErr}), orig}
	}
	t.v.printf("< %s %s %s in %s content-type=%q%s body=%s", op, resp.Proto, resp.Status, took, resp.Header.Get("Content-Type"), extra, bodyText(rb))
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
func bodyText(b []byte) string { return oneLine(b, true) }

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
