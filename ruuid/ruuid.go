// Package ruuid implements the RUUID, the identifier format of every Rhombus
// object: the 16 bytes of a UUID in unpadded base64url (RFC 4648 section 5),
// exactly 22 characters.
//
// It is a package of its own so that the generated models in api/ can carry
// the type (through x-go-type in openapi.yaml) and the wrapper can re-export
// it, without either importing the other. It must not depend on anything but
// the standard library.
package ruuid

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"unicode/utf8"
)

// Len is the length of every RUUID: 16 bytes in unpadded base64 need 22
// characters.
const Len = 22

// RUUID is a Rhombus identifier such as "AAAAAAAAAAAAAAAAAAAAAA".
//
// It is a string type so that a value decoded from the server is kept as
// sent, even one that breaks the rules (nothing is silently dropped), and so
// that it prints as itself. Use [Parse] or [MustParse] to build one from
// text; [RUUID.Validate] checks a value built by conversion. Marshalling
// writes the text as it is; the client checks the RUUIDs of a request
// before sending it.
type RUUID string

// Error says why a string is not a RUUID: the offending text (shortened when
// long) and the rule it breaks.
type Error struct {
	Value string // the input, shortened to at most 40 characters
	Rule  string // the rule broken, for example "must be exactly 22 characters, got 21"
}

func (e *Error) Error() string {
	return fmt.Sprintf("invalid RUUID %q: %s", e.Value, e.Rule)
}

var encoding = base64.RawURLEncoding.Strict()

// Parse returns s as a RUUID if it is one in canonical form: exactly 22
// characters of the base64url alphabet A-Z a-z 0-9 - _, no padding, and a
// last character whose unused low 4 bits are zero (one of A, Q, g, w).
func Parse(s string) (RUUID, error) {
	if err := check(s); err != nil {
		return "", err
	}
	return RUUID(s), nil
}

// MustParse is like [Parse] but panics on invalid input. It is meant for
// constants in programs and tests, where the text is known to be valid.
func MustParse(s string) RUUID {
	r, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return r
}

// FromBytes returns the RUUID of the 16 bytes of a UUID.
func FromBytes(b [16]byte) RUUID {
	return RUUID(base64.RawURLEncoding.EncodeToString(b[:]))
}

// FromUUIDString converts the standard textual form of a UUID
// ("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", hexadecimal digits in either
// case) to a RUUID.
func FromUUIDString(s string) (RUUID, error) {
	b, err := parseUUIDString(s)
	if err != nil {
		return "", err
	}
	return FromBytes(b), nil
}

// Bytes returns the 16 bytes the RUUID encodes.
func (r RUUID) Bytes() ([16]byte, error) {
	var b [16]byte
	if err := check(string(r)); err != nil {
		return b, err
	}
	// check has proved the text decodes to exactly 16 bytes.
	_, _ = encoding.Decode(b[:], []byte(r))
	return b, nil
}

// UUIDString returns the RUUID in the standard textual UUID form, lower case.
func (r RUUID) UUIDString() (string, error) {
	b, err := r.Bytes()
	if err != nil {
		return "", err
	}
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:]), nil
}

// String returns the RUUID as text, unchanged.
func (r RUUID) String() string { return string(r) }

// Validate reports whether r is a canonical RUUID; see [Parse] for the rules.
func (r RUUID) Validate() error { return check(string(r)) }

// MarshalText implements encoding.TextMarshaler. It writes the text back
// as it is, valid or not, so that an answer decoded from the server encodes
// again unchanged; requests are checked where they are sent (the rhombus
// client validates every RUUID of a request before sending it).
func (r RUUID) MarshalText() ([]byte, error) {
	return []byte(r), nil
}

// UnmarshalText implements encoding.TextUnmarshaler. It keeps the text as
// received, valid or not, so that a response is never rejected or altered
// because of one identifier; call [RUUID.Validate] to check it.
func (r *RUUID) UnmarshalText(b []byte) error {
	*r = RUUID(b)
	return nil
}

func check(s string) error {
	if len(s) != Len {
		n := utf8.RuneCountInString(s)
		if s == "" {
			return &Error{Value: s, Rule: "must not be empty; a RUUID is exactly 22 characters"}
		}
		if len(s) == 36 && s[8] == '-' && s[13] == '-' && s[18] == '-' && s[23] == '-' {
			return &Error{Value: short(s), Rule: "is a standard UUID, not a RUUID (22-character base64url); convert it with ruuid.FromUUIDString or rhombus.RUUIDFromUUID"}
		}
		if n != len(s) {
			return &Error{Value: short(s), Rule: fmt.Sprintf("must be exactly 22 ASCII characters, got %d bytes (%d characters)", len(s), n)}
		}
		return &Error{Value: short(s), Rule: fmt.Sprintf("must be exactly 22 characters, got %d", len(s))}
	}
	for i := 0; i < len(s); i++ {
		if decodeIndex[s[i]] < 0 {
			return &Error{Value: short(s), Rule: fmt.Sprintf("character %d (%s) is outside the base64url alphabet A-Z a-z 0-9 - _", i+1, describe(s, i))}
		}
	}
	// 22 characters carry 132 bits for 128: the last character's low 4 bits
	// must be zero, or two texts would name the same identifier.
	if decodeIndex[s[Len-1]]&0x0f != 0 {
		return &Error{Value: s, Rule: fmt.Sprintf("last character %q is not canonical: it must be one of A, Q, g, w", s[Len-1])}
	}
	return nil
}

// describe names the character at byte i of s, whole if it is multi-byte.
func describe(s string, i int) string {
	r, _ := utf8.DecodeRuneInString(s[i:])
	switch {
	case r == utf8.RuneError:
		return fmt.Sprintf("byte 0x%02x", s[i])
	case r == '=':
		return "padding '='"
	default:
		return fmt.Sprintf("%q", r)
	}
}

// short returns s, or its first 37 characters and "..." when it has more
// than 40. It cuts at a character boundary and keeps the bytes as they are:
// an invalid UTF-8 byte stays that byte (Error quotes it as \xNN) instead of
// becoming U+FFFD, so Value is always a prefix of the input.
func short(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	i := 0
	for n := 0; n < 37; n++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i] + "..."
}

var decodeIndex = func() (t [256]int8) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = int8(i)
	}
	return t
}()

func parseUUIDString(s string) ([16]byte, error) {
	var b [16]byte
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return b, &Error{Value: short(s), Rule: "must be a UUID of the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"}
	}
	j := 0
	for _, group := range [][2]int{{0, 8}, {9, 13}, {14, 18}, {19, 23}, {24, 36}} {
		n, err := hex.Decode(b[j:], []byte(s[group[0]:group[1]]))
		if err != nil {
			return b, &Error{Value: short(s), Rule: "must contain only hexadecimal digits between its dashes"}
		}
		j += n
	}
	return b, nil
}
