package rhombus

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/rhombuskit/rhombus-go/internal/secretheader"
)

// The scrub keeps the client's credentials out of everything the package
// returns. It runs at two stages, so that a field added later cannot
// reopen a leak:
//
//   - an answer is scrubbed once, as soon as it is read (scrubAnswer): its
//     status line, header names and values, trailers and body, before
//     anything decodes it, so every result, error, warning and excerpt made
//     from it is made from clean bytes;
//   - every error and event leaves through scrubError, which cleans the
//     fields of the package's own error types (Header included) and the
//     text of any other.
//
// A secret is matched with ASCII letters in either case (header names
// arrive in canonical case, and an echo may change case), percent-encoded
// and in base64 (see spellings), and inside JSON strings after their
// escapes are decoded ("\u0041", "\/"), since that is the text a decoder
// makes of them.

// redacted stands where a credential was.
const redacted = "[REDACTED]"

// scrubList is what a client scrubs for cred: its secrets in every
// spelling, worked out once.
func scrubList(cred Credential) func() []string {
	list := spellings(cred.secrets())
	return func() []string { return list }
}

// spellings returns each secret with the other spellings an answer may
// carry it in: percent-encoded (in a URL), and base64 (standard and URL
// alphabets, padded or not), at each of the three alignments it can have
// inside longer data, as the characters that depend on the secret alone.
// The list is clipped, so appending to it copies it.
func spellings(secrets []string) []string {
	var out []string
	seen := map[string]bool{"": true}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, sec := range secrets {
		add(sec)
		if sec == "" {
			continue
		}
		add(url.QueryEscape(sec))
		add(url.PathEscape(sec))
		for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
			for o := range 3 {
				x := make([]byte, o+len(sec)+2)
				copy(x[o:], sec)
				e := enc.EncodeToString(x)
				// Character j holds bits 6j to 6j+6 of x; the secret's
				// are bits 8o to 8(o+len).
				from, to := (8*o+5)/6, 8*(o+len(sec))/6
				if to-from >= minBase64Spelling {
					add(e[from:to])
				}
			}
		}
	}
	return slices.Clip(out)
}

// minBase64Spelling is the shortest base64 spelling scrubbed: a shorter
// one could match where no secret is.
const minBase64Spelling = 12

// scrub removes every secret of the client from s.
func (c *Client) scrub(s string) string { return scrubString(s, c.secrets()) }

// scrubAnswer removes the client's secrets from an answer: the status line,
// header and trailer names and values, in place, and the body, which it
// returns (b itself when it held none).
func (c *Client) scrubAnswer(resp *http.Response, b []byte) []byte {
	secrets := c.secrets()
	resp.Status = scrubString(resp.Status, secrets)
	scrubHeader(resp.Header, secrets)
	scrubHeader(resp.Trailer, secrets)
	if out, changed := scrubBytes(b, secrets); changed {
		return out
	}
	return b
}

// scrubErr keeps err (for errors.Is and errors.As) unless its text holds a secret.
func (c *Client) scrubErr(err error) error {
	out, _ := scrubErrText(err, c.secrets())
	return out
}

// scrubError cleans an error on its way out of the package: the fields of
// the package's error types, at any depth of the chain, and the text of
// any other error. The package's errors are changed in place, and only
// where a field held a secret: an error that is clean already (every one
// made from a scrubbed answer) is only read, so an observer may keep it.
func (c *Client) scrubError(err error) error {
	if err == nil {
		return nil
	}
	out, _ := scrubTree(err, c.secrets())
	return out
}

// scrubTree returns err scrubbed, and whether anything changed.
func scrubTree(err error, secrets []string) (error, bool) {
	changed := false
	str := func(p *string) {
		if clean := scrubString(*p, secrets); clean != *p {
			*p, changed = clean, true
		}
	}
	wrapped := func(p *error) {
		if clean, ok := scrubTree(*p, secrets); ok {
			*p, changed = clean, true
		}
	}
	switch e := err.(type) {
	case nil:
		return nil, false
	case *APIError:
		str(&e.Message)
		str(&e.ResponseStatus)
		changed = scrubHeader(e.Header, secrets) || changed
	case *DecodeError:
		str(&e.ContentType)
		str(&e.Excerpt)
		wrapped(&e.Err)
	case *RequestError:
		wrapped(&e.Err)
	case *ValidationError:
		wrapped(&e.Err)
	case *OutcomeUnknownError:
		for k, v := range e.Fields {
			if clean := scrubString(v, secrets); clean != v {
				e.Fields[k], changed = clean, true
			}
		}
		wrapped(&e.Err)
	case *interruptedError:
		wrapped(&e.ctxErr)
		wrapped(&e.previous)
	case *scrubbedError:
		// Scrubbed already.
	default:
		return scrubErrText(err, secrets)
	}
	return err, changed
}

func scrubErrText(err error, secrets []string) (error, bool) {
	if err == nil {
		return nil, false
	}
	msg := err.Error()
	if clean := scrubString(msg, secrets); clean != msg {
		return &scrubbedError{msg: clean, err: err}, true
	}
	return err, false
}

type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

// withSecrets returns a copy of the client that also scrubs the values
// more returns, in every spelling: those a credential sent on the attempts
// of one call.
func (c *Client) withSecrets(more func() []string) *Client {
	cp := *c
	base := c.secrets
	cp.secrets = func() []string { return append(base(), spellings(more())...) }
	return &cp
}

// credentialValues are the values of the headers of h that carry a credential.
func credentialValues(h http.Header) []string {
	var out []string
	for name, vals := range h {
		if secretheader.Is(name) {
			out = append(out, vals...)
		}
	}
	return out
}

// scrubHeader removes secrets from the names and values of h, in place,
// and reports whether it changed anything.
func scrubHeader(h http.Header, secrets []string) bool {
	changed := false
	for name, vals := range h {
		for i, v := range vals {
			if clean := scrubString(v, secrets); clean != v {
				vals[i], changed = clean, true
			}
		}
		if clean := scrubString(name, secrets); clean != name {
			delete(h, name)
			h[clean] = append(h[clean], vals...)
			changed = true
		}
	}
	return changed
}

// scrubString is scrubBytes for text; it returns s itself when s holds no
// secret.
func scrubString(s string, secrets []string) string {
	if s == "" {
		return s
	}
	// Copy s for scrubBytes only when it may hold a secret: most text
	// scrubbed (header values, messages) holds none, and needs no copy.
	if !mayHoldSecret(s, secrets) {
		return s
	}
	if out, changed := scrubBytes([]byte(s), secrets); changed {
		return string(out)
	}
	return s
}

// mayHoldSecret reports whether scrubBytes could change s: s has a
// backslash (a JSON escape may spell a secret) or holds a secret, letters
// in either case. strings.EqualFold matches at least what scrubBytes's
// ASCII folding does, so a false answer is certain.
func mayHoldSecret(s string, secrets []string) bool {
	if strings.IndexByte(s, '\\') >= 0 {
		return true
	}
	for _, sec := range secrets {
		if sec == "" {
			continue
		}
		first := lowerASCII(sec[0])
		for i := 0; i+len(sec) <= len(s); i++ {
			if lowerASCII(s[i]) == first && strings.EqualFold(s[i:i+len(sec)], sec) {
				return true
			}
		}
	}
	return false
}

// scrubBytes replaces every secret in b, and every JSON string whose
// decoded text holds one, with [REDACTED]. It returns b itself, unchanged,
// when there is nothing to replace, and never writes to b.
func scrubBytes(b []byte, secrets []string) ([]byte, bool) {
	b, changed := replaceSecrets(b, secrets)
	// Without a backslash every JSON string decodes to its own bytes,
	// already scrubbed.
	if bytes.IndexByte(b, '\\') < 0 {
		return b, changed
	}
	out, escChanged := scrubEscapedStrings(b, secrets)
	return out, changed || escChanged
}

// replaceSecrets replaces each secret in b, ASCII letters matched in either
// case. The replacement could in theory form a secret again with what
// surrounds it (a secret such as "d]x" or "act"): when one remains, the
// whole of b is replaced.
func replaceSecrets(b []byte, secrets []string) ([]byte, bool) {
	changed := false
	var freq *byteCounts // sampled once b is long enough to be worth it
	if len(b) >= 4<<10 {
		freq = sample(b)
	}
	for _, sec := range secrets {
		if sec == "" {
			continue
		}
		k := 0 // in a short b, which byte it looks for matters less than choosing it
		if freq != nil {
			k = anchor(sec, freq)
		}
		i := indexFoldAt(b, sec, k)
		if i < 0 {
			continue
		}
		out := make([]byte, 0, len(b))
		for i >= 0 {
			out = append(out, b[:i]...)
			out = append(out, redacted...)
			b = b[i+len(sec):]
			i = indexFoldAt(b, sec, k)
		}
		b = append(out, b...)
		changed = true
	}
	if changed {
		for _, sec := range secrets {
			if sec != "" && indexFold(b, sec) >= 0 {
				return []byte(redacted), true
			}
		}
	}
	return b, changed
}

// scrubEscapedStrings finds the JSON strings of b that hold an escape,
// decodes each as encoding/json would, and replaces one whose text holds a
// secret (as it is, or in JSON text it holds) with the JSON encoding of its
// scrubbed text. Invalid escapes are read leniently, so that a malformed
// string is checked too.
func scrubEscapedStrings(b []byte, secrets []string) ([]byte, bool) {
	// Decoding only shortens a string: one shorter than every secret
	// cannot hold one.
	shortest := -1
	for _, sec := range secrets {
		if sec != "" && (shortest < 0 || len(sec) < shortest) {
			shortest = len(sec)
		}
	}
	if shortest < 0 {
		return b, false
	}
	var out, text []byte
	last := 0
	for i := 0; ; {
		q := bytes.IndexByte(b[i:], '"')
		if q < 0 {
			break
		}
		start := i + q
		end, escaped := stringEnd(b, start+1)
		if end < 0 {
			break // unterminated: its bytes were scrubbed as they are
		}
		i = end
		if !escaped || end-start-2 < shortest {
			continue
		}
		text = unquoteJSON(text[:0], b[start+1:end-1])
		// The text may be JSON itself, escaped again: scrub it as a body.
		clean, changed := scrubBytes(text, secrets)
		if !changed {
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(b))
		}
		out = append(out, b[last:start]...)
		out = appendJSONString(out, clean)
		last = end
	}
	if out == nil {
		return b, false
	}
	return append(out, b[last:]...), true
}

// appendJSONString appends s, valid UTF-8, as a JSON string. It escapes
// only what JSON requires (encoding/json also escapes <, > and & as six
// bytes each), so a string written again is no longer than its escaped
// original, but for invalid UTF-8 read as U+FFFD (three bytes for one).
func appendJSONString(dst, s []byte) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for _, c := range s {
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c == '\t':
			dst = append(dst, '\\', 't')
		case c == '\b':
			dst = append(dst, '\\', 'b')
		case c == '\f':
			dst = append(dst, '\\', 'f')
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}

// stringEnd returns the index just past the quote that closes the JSON
// string whose contents start at i, -1 when it is not closed, and whether
// the string holds a backslash.
func stringEnd(b []byte, i int) (end int, escaped bool) {
	q := -1 // the next quote at i or after, found once for all the escapes before it
	for i < len(b) {
		if q < i {
			j := bytes.IndexByte(b[i:], '"')
			if j < 0 {
				return -1, escaped
			}
			q = i + j
		}
		bs := bytes.IndexByte(b[i:q], '\\')
		if bs < 0 {
			return q + 1, escaped
		}
		escaped = true
		i += bs + 2 // the backslash and the byte it escapes
	}
	return -1, escaped
}

// unquoteJSON appends the text of the JSON string contents s to dst, as
// encoding/json decodes it: escapes, UTF-16 surrogate pairs, and U+FFFD for
// a lone surrogate or invalid UTF-8. An invalid escape is kept as written.
func unquoteJSON(dst, s []byte) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			switch e := s[i]; e {
			case '"', '\\', '/':
				dst = append(dst, e)
				i++
			case 'b':
				dst = append(dst, '\b')
				i++
			case 'f':
				dst = append(dst, '\f')
				i++
			case 'n':
				dst = append(dst, '\n')
				i++
			case 'r':
				dst = append(dst, '\r')
				i++
			case 't':
				dst = append(dst, '\t')
				i++
			case 'u':
				r, ok := hex4(s[i+1:])
				if !ok {
					dst = append(dst, '\\', 'u')
					i++
					continue
				}
				i += 5
				if utf16.IsSurrogate(r) {
					r2, ok := rune(-1), false
					if i+1 < len(s) && s[i] == '\\' && s[i+1] == 'u' {
						r2, ok = hex4(s[i+2:])
					}
					if dec := utf16.DecodeRune(r, r2); ok && dec != utf8.RuneError {
						i += 6
						r = dec
					} else {
						r = utf8.RuneError
					}
				}
				dst = utf8.AppendRune(dst, r)
			default:
				dst = append(dst, '\\', e)
				i++
			}
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			i++
		default:
			r, size := utf8.DecodeRune(s[i:])
			dst = utf8.AppendRune(dst, r) // RuneError for invalid UTF-8, as encoding/json
			i += size
		}
	}
	return dst
}

// hex4 reads the four hex digits of a \u escape.
func hex4(s []byte) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range s[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// indexFold is the index of the first sec in b, ASCII letters matched in
// either case; -1 when there is none.
func indexFold(b []byte, sec string) int {
	if sec == "" {
		return -1
	}
	return indexFoldAt(b, sec, anchor(sec, nil))
}

// indexFoldAt is indexFold looking for sec[k] with bytes.IndexByte (both
// cases of a letter), and comparing the rest only where it is found.
func indexFoldAt(b []byte, sec string, k int) int {
	n := len(sec)
	if n == 0 || len(b) < n {
		return -1
	}
	lo, up := lowerASCII(sec[k]), upperASCII(sec[k])
	limit := len(b) - (n - 1 - k) // an anchor at limit or after leaves no room for the rest
	find := func(c byte, from int) int {
		if from >= limit {
			return -1
		}
		if j := bytes.IndexByte(b[from:limit], c); j >= 0 {
			return from + j
		}
		return -1
	}
	nextLo, nextUp := -2, -2 // -2: not looked for yet; -1: none left
	for from := k; ; {
		if nextLo != -1 && nextLo < from {
			nextLo = find(lo, from)
		}
		p := nextLo
		if up != lo {
			if nextUp != -1 && nextUp < from {
				nextUp = find(up, from)
			}
			if p == -1 || (nextUp != -1 && nextUp < p) {
				p = nextUp
			}
		}
		if p == -1 {
			return -1
		}
		if start := p - k; equalFoldASCII(b[start:start+n], sec) {
			return start
		}
		from = p + 1
	}
}

// byteCounts is how often each byte occurs in a sample of a body.
type byteCounts [256]uint32

// sample counts the bytes of four 1 KiB windows spread over b.
func sample(b []byte) *byteCounts {
	var f byteCounts
	const window = 1 << 10
	for w := range 4 {
		start := (len(b) - window) * w / 3
		for _, c := range b[start : start+window] {
			f[c]++
		}
	}
	return &f
}

// anchor picks the byte of sec that indexFold looks for: the rarest in the
// sample freq, a letter counting in both cases and one pass more. Without
// a sample, the first that is not an ASCII letter (one byte to look for,
// not two), a punctuation mark or a non-ASCII byte before a digit, which
// JSON is full of.
func anchor(sec string, freq *byteCounts) int {
	best, bestCost := 0, uint64(1<<63)
	for i := 0; i < len(sec); i++ {
		c := sec[i]
		lo, up := lowerASCII(c), upperASCII(c)
		var cost uint64
		switch {
		case freq != nil:
			// Each candidate costs a comparison, each pass a scan of b.
			cost = 4*uint64(freq[lo]) + 1
			if up != lo {
				cost += 4*uint64(freq[up]) + 1
			}
		case lo != up:
			cost = 3
		case '0' <= c && c <= '9':
			cost = 2
		case c < utf8.RuneSelf:
			cost = 1
		}
		if cost < bestCost {
			best, bestCost = i, cost
		}
	}
	return best
}

func equalFoldASCII(b []byte, s string) bool {
	for i := range len(s) {
		if b[i] != s[i] && lowerASCII(b[i]) != lowerASCII(s[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func upperASCII(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}
