package rhombus

import (
	"bytes"
	"encoding/json"
	"errors"
)

// The envelope every answer shares (error, errorMsg, warningMsg,
// responseStatus) and an operation's own failure property sit at the top
// level of the body. scanTop finds them by skipping over every other value
// without decoding it, so that the body is decoded once, into the
// operation's result type, however large it is.

var errScan = errors.New("malformed JSON")

// scanTop calls r.found with the raw value of each top-level property of
// the JSON object body whose name r.keep accepts. (r is a concrete type so
// that it stays on the caller's stack.) It checks the structure it
// skips (strings, brackets) but not the literals inside nested values;
// the typed decode, or json.Valid, does that.
func scanTop(body []byte, r *envelopeReader) error {
	i := skipSpace(body, 0)
	if i >= len(body) || body[i] != '{' {
		return errScan
	}
	i = skipSpace(body, i+1)
	if i < len(body) && body[i] == '}' {
		return trailing(body, i+1)
	}
	for {
		if i >= len(body) || body[i] != '"' {
			return errScan
		}
		end, err := skipString(body, i)
		if err != nil {
			return err
		}
		quoted := body[i:end]
		name := quoted[1 : len(quoted)-1]
		i = skipSpace(body, end)
		if i >= len(body) || body[i] != ':' {
			return errScan
		}
		start := skipSpace(body, i+1)
		end, err = skipValue(body, start)
		if err != nil {
			return err
		}
		if bytes.IndexByte(name, '\\') >= 0 {
			// A name with escapes: rare enough to decode properly.
			var s string
			if json.Unmarshal(quoted, &s) == nil {
				name = []byte(s)
			}
		}
		if r.keep(name) {
			r.found(name, body[start:end])
		}
		i = skipSpace(body, end)
		if i >= len(body) {
			return errScan
		}
		switch body[i] {
		case ',':
			i = skipSpace(body, i+1)
		case '}':
			return trailing(body, i+1)
		default:
			return errScan
		}
	}
}

func trailing(body []byte, i int) error {
	if skipSpace(body, i) != len(body) {
		return errScan
	}
	return nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the index after the string starting at b[i] == '"'.
func skipString(b []byte, i int) (int, error) {
	i++
	for {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return 0, errScan
		}
		i += j
		// The quote ends the string unless an odd number of backslashes
		// escapes it.
		k := i - 1
		for k >= 0 && b[k] == '\\' {
			k--
		}
		i++
		if (i-2-k)%2 == 0 {
			return i, nil
		}
	}
}

// skipValue returns the index after the value starting at b[i].
func skipValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errScan
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				end, err := skipString(b, i)
				if err != nil {
					return 0, err
				}
				i = end
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1, nil
				}
			}
			i++
		}
		return 0, errScan
	}
	// A number or a literal: up to the next delimiter.
	start := i
	for i < len(b) {
		switch b[i] {
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			if i == start {
				return 0, errScan
			}
			return i, nil
		}
		i++
	}
	if i == start {
		return 0, errScan
	}
	return i, nil
}
