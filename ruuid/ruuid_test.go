package ruuid_test

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/ruuid"
)

// zero is the RUUID of the all-zero UUID, the example of the vendor's docs.
const zero = "AAAAAAAAAAAAAAAAAAAAAA"

// a returns n copies of "A".
func a(n int) string { return strings.Repeat("A", n) }

// invalidCases are inputs Parse must refuse, with the exact error text and
// the exact Value of the *ruuid.Error.
var invalidCases = []struct {
	name  string
	in    string
	want  string // err.Error()
	value string // (*ruuid.Error).Value; "" means the input itself
}{
	{
		name: "empty",
		in:   "",
		want: `invalid RUUID "": must not be empty; a RUUID is exactly 22 characters`,
	},
	{
		name: "21 characters",
		in:   a(21),
		want: `invalid RUUID "AAAAAAAAAAAAAAAAAAAAA": must be exactly 22 characters, got 21`,
	},
	{
		name: "23 characters",
		in:   a(23),
		want: `invalid RUUID "AAAAAAAAAAAAAAAAAAAAAAA": must be exactly 22 characters, got 23`,
	},
	{
		name: "one character",
		in:   "abc",
		want: `invalid RUUID "abc": must be exactly 22 characters, got 3`,
	},
	{
		name: "standard UUID",
		in:   "123e4567-e89b-12d3-a456-426614174000",
		want: `invalid RUUID "123e4567-e89b-12d3-a456-426614174000": is a standard UUID, not a RUUID (22-character base64url); convert it with ruuid.FromUUIDString or rhombus.RUUIDFromUUID`,
	},
	{
		name: "standard UUID upper case",
		in:   "123E4567-E89B-12D3-A456-426614174000",
		want: `invalid RUUID "123E4567-E89B-12D3-A456-426614174000": is a standard UUID, not a RUUID (22-character base64url); convert it with ruuid.FromUUIDString or rhombus.RUUIDFromUUID`,
	},
	{
		name: "standard UUID mixed case hex",
		in:   "123e4567-E89B-12d3-A456-426614174000",
		want: `invalid RUUID "123e4567-E89B-12d3-A456-426614174000": is a standard UUID, not a RUUID (22-character base64url); convert it with ruuid.FromUUIDString or rhombus.RUUIDFromUUID`,
	},
	{
		name: "UUID wrapped in braces",
		in:   "{123e4567-e89b-12d3-a456-426614174000}",
		want: `invalid RUUID "{123e4567-e89b-12d3-a456-426614174000}": must be exactly 22 characters, got 38`,
	},
	{
		name: "UUID hex without dashes",
		in:   "123e4567e89b12d3a456426614174000",
		want: `invalid RUUID "123e4567e89b12d3a456426614174000": must be exactly 22 characters, got 32`,
	},
	{
		name: "36 characters that are not a UUID",
		in:   a(36),
		want: `invalid RUUID "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA": must be exactly 22 characters, got 36`,
	},
	{
		name: "21 characters and one padding",
		in:   a(21) + "=",
		want: `invalid RUUID "AAAAAAAAAAAAAAAAAAAAA=": character 22 (padding '=') is outside the base64url alphabet A-Z a-z 0-9 - _`,
	},
	{
		name: "22 characters ending in two paddings",
		in:   a(20) + "==",
		want: `invalid RUUID "AAAAAAAAAAAAAAAAAAAA==": character 21 (padding '=') is outside the base64url alphabet A-Z a-z 0-9 - _`,
	},
	{
		name: "padded standard base64, 24 characters",
		in:   a(22) + "==",
		want: `invalid RUUID "AAAAAAAAAAAAAAAAAAAAAA==": must be exactly 22 characters, got 24`,
	},
	{
		name: "plus of the standard alphabet",
		in:   a(10) + "+" + a(11),
		want: `invalid RUUID "AAAAAAAAAA+AAAAAAAAAAA": character 11 ('+') is outside the base64url alphabet A-Z a-z 0-9 - _`,
	},
	{
		name: "slash of the standard alphabet",
		in:   "/" + a(21),
		want: `invalid RUUID "/AAAAAAAAAAAAAAAAAAAAA": character 1 ('/') is outside the base64url alphabet A-Z a-z 0-9 - _`,
	},
	{
		name: "non-canonical last character B",
		in:   a(21) + "B",
		want: `invalid RUUID "AAAAAAAAAAAAAAAAAAAAAB": last character 'B' is not canonical: it must be one of A, Q, g, w`,
	},
	{
		name: "non-canonical last character C",
		in:   a(21) + "C",
		want: `invalid RUUID "AAAAAAAAAAAAAAAAAAAAAC": last character 'C' is not canonical: it must be one of A, Q, g, w`,
	},
	{
		name: "non-canonical last character x",
		in:   a(21) + "x",
		want: `invalid RUUID "AAAAAAAAAAAAAAAAAAAAAx": last character 'x' is not canonical: it must be one of A, Q, g, w`,
	},
	{
		name: "non-canonical last character underscore",
		in:   a(21) + "_",
		want: `invalid RUUID "AAAAAAAAAAAAAAAAAAAAA_": last character '_' is not canonical: it must be one of A, Q, g, w`,
	},
	{
		name: "non-canonical last character digit",
		in:   a(21) + "9",
		want: `invalid RUUID "AAAAAAAAAAAAAAAAAAAAA9": last character '9' is not canonical: it must be one of A, Q, g, w`,
	},
	{
		name: "leading space",
		in:   " " + a(21),
		want: `invalid RUUID " AAAAAAAAAAAAAAAAAAAAA": character 1 (' ') is outside the base64url alphabet A-Z a-z 0-9 - _`,
	},
	{
		name: "trailing space",
		in:   a(21) + " ",
		want: `invalid RUUID "AAAAAAAAAAAAAAAAAAAAA ": character 22 (' ') is outside the base64url alphabet A-Z a-z 0-9 - _`,
	},
	{
		name: "inner space",
		in:   a(11) + " " + a(10),
		want: `invalid RUUID "AAAAAAAAAAA AAAAAAAAAA": character 12 (' ') is outside the base64url alphabet A-Z a-z 0-9 - _`,
	},
	{
		name: "valid RUUID with a trailing space is 23 characters",
		in:   zero + " ",
		want: `invalid RUUID "AAAAAAAAAAAAAAAAAAAAAA ": must be exactly 22 characters, got 23`,
	},
	{
		name: "tab",
		in:   a(5) + "\t" + a(16),
		want: `invalid RUUID "AAAAA\tAAAAAAAAAAAAAAAA": character 6 ('\t') is outside the base64url alphabet A-Z a-z 0-9 - _`,
	},
	{
		name: "newline",
		in:   a(21) + "\n",
		want: `invalid RUUID "AAAAAAAAAAAAAAAAAAAAA\n": character 22 ('\n') is outside the base64url alphabet A-Z a-z 0-9 - _`,
	},
	{
		name: "carriage return and newline inside",
		in:   a(10) + "\r\n" + a(10),
		want: `invalid RUUID "AAAAAAAAAA\r\nAAAAAAAAAA": character 11 ('\r') is outside the base64url alphabet A-Z a-z 0-9 - _`,
	},
	{
		name: "NUL byte",
		in:   a(3) + "\x00" + a(18),
		want: `invalid RUUID "AAA\x00AAAAAAAAAAAAAAAAAA": character 4 ('\x00') is outside the base64url alphabet A-Z a-z 0-9 - _`,
	},
	{
		name: "DEL byte",
		in:   a(21) + "\x7f",
		want: `invalid RUUID "AAAAAAAAAAAAAAAAAAAAA\x7f": character 22 ('\x7f') is outside the base64url alphabet A-Z a-z 0-9 - _`,
	},
	{
		name: "dot",
		in:   a(7) + "." + a(14),
		want: `invalid RUUID "AAAAAAA.AAAAAAAAAAAAAA": character 8 ('.') is outside the base64url alphabet A-Z a-z 0-9 - _`,
	},
	{
		name: "tilde",
		in:   a(20) + "~A",
		want: `invalid RUUID "AAAAAAAAAAAAAAAAAAAA~A": character 21 ('~') is outside the base64url alphabet A-Z a-z 0-9 - _`,
	},
	{
		name: "percent-encoding",
		in:   a(19) + "%2F",
		want: `invalid RUUID "AAAAAAAAAAAAAAAAAAA%2F": character 20 ('%') is outside the base64url alphabet A-Z a-z 0-9 - _`,
	},
	{
		name: "e acute in 22 bytes",
		in:   a(20) + "é",
		want: `invalid RUUID "AAAAAAAAAAAAAAAAAAAAé": character 21 ('é') is outside the base64url alphabet A-Z a-z 0-9 - _`,
	},
	{
		name: "emoji in 22 bytes",
		in:   a(18) + "😀",
		want: `invalid RUUID "AAAAAAAAAAAAAAAAAA😀": character 19 ('😀') is outside the base64url alphabet A-Z a-z 0-9 - _`,
	},
	{
		name: "22 runes with a multi-byte one",
		in:   a(21) + "é",
		want: `invalid RUUID "AAAAAAAAAAAAAAAAAAAAAé": must be exactly 22 ASCII characters, got 23 bytes (22 characters)`,
	},
	{
		name: "22 emoji",
		in:   strings.Repeat("😀", 22),
		want: `invalid RUUID "` + strings.Repeat("😀", 22) + `": must be exactly 22 ASCII characters, got 88 bytes (22 characters)`,
	},
	{
		name: "invalid UTF-8 byte",
		in:   a(12) + "\xff" + a(9),
		want: `invalid RUUID "AAAAAAAAAAAA\xffAAAAAAAAA": character 13 (byte 0xff) is outside the base64url alphabet A-Z a-z 0-9 - _`,
	},
	{
		name: "40 characters is not shortened",
		in:   a(40),
		want: `invalid RUUID "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA": must be exactly 22 characters, got 40`,
	},
	{
		name:  "41 characters is shortened",
		in:    a(41),
		want:  `invalid RUUID "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA...": must be exactly 22 characters, got 41`,
		value: a(37) + "...",
	},
	{
		name:  "very long input is shortened",
		in:    strings.Repeat("0123456789", 1000),
		want:  `invalid RUUID "0123456789012345678901234567890123456...": must be exactly 22 characters, got 10000`,
		value: "0123456789012345678901234567890123456...",
	},
	{
		name:  "very long non-ASCII input is shortened by characters",
		in:    strings.Repeat("é", 50),
		want:  `invalid RUUID "` + strings.Repeat("é", 37) + `...": must be exactly 22 ASCII characters, got 100 bytes (50 characters)`,
		value: strings.Repeat("é", 37) + "...",
	},
	{
		name:  "very long invalid UTF-8 is shortened without altering its bytes",
		in:    strings.Repeat("\xfe", 60),
		want:  `invalid RUUID "` + strings.Repeat(`\xfe`, 37) + `...": must be exactly 22 characters, got 60`,
		value: strings.Repeat("\xfe", 37) + "...",
	},
	{
		name:  "very long standard UUID list is shortened",
		in:    "123e4567-e89b-12d3-a456-426614174000,123e4567-e89b-12d3-a456-426614174000",
		want:  `invalid RUUID "123e4567-e89b-12d3-a456-426614174000,...": must be exactly 22 characters, got 73`,
		value: "123e4567-e89b-12d3-a456-426614174000,...",
	},
}

func TestParseInvalid(t *testing.T) {
	require.GreaterOrEqual(t, len(invalidCases), 25)
	for _, tc := range invalidCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ruuid.Parse(tc.in)
			require.Error(t, err, "Parse(%q) must fail", tc.in)
			assert.Equal(t, ruuid.RUUID(""), got, "Parse must return the zero RUUID on error")
			assert.Equal(t, tc.want, err.Error(), "error text of Parse(%q)", tc.in)

			var re *ruuid.Error
			require.True(t, errors.As(err, &re), "Parse(%q): error is %T, want *ruuid.Error", tc.in, err)
			wantValue := tc.value
			if wantValue == "" {
				wantValue = tc.in
			}
			assert.Equal(t, wantValue, re.Value, "(*ruuid.Error).Value of Parse(%q)", tc.in)
			assert.NotEmpty(t, re.Rule, "(*ruuid.Error).Rule of Parse(%q)", tc.in)

			// Every entry point applies the same rules with the same message.
			r := ruuid.RUUID(tc.in)
			if err := r.Validate(); assert.Error(t, err, "Validate(%q)", tc.in) {
				assert.Equal(t, tc.want, err.Error(), "error text of Validate(%q)", tc.in)
			}
			b, err := r.Bytes()
			if assert.Error(t, err, "Bytes(%q)", tc.in) {
				assert.Equal(t, tc.want, err.Error(), "error text of Bytes(%q)", tc.in)
			}
			assert.Equal(t, [16]byte{}, b, "Bytes(%q) must return zero bytes on error", tc.in)
			u, err := r.UUIDString()
			if assert.Error(t, err, "UUIDString(%q)", tc.in) {
				assert.Equal(t, tc.want, err.Error(), "error text of UUIDString(%q)", tc.in)
			}
			assert.Empty(t, u, "UUIDString(%q) must return \"\" on error", tc.in)
			// Marshalling writes back what was read, so an answer that
			// holds such a value encodes again; requests are checked where
			// they are sent.
			text, err := r.MarshalText()
			require.NoError(t, err, "MarshalText(%q)", tc.in)
			assert.Equal(t, tc.in, string(text), "MarshalText(%q) writes the text back", tc.in)
		})
	}
}

func TestParseValid(t *testing.T) {
	cases := []struct {
		name string
		in   string
	}{
		{"all zero, last A", zero},
		{"last Q", a(21) + "Q"},
		{"last g", a(21) + "g"},
		{"last w", a(21) + "w"},
		{"dash inside", "AAAAAAAAAA-AAAAAAAAAAA"},
		{"underscore inside", "AAAAAAAAAA_AAAAAAAAAAA"},
		{"dash first", "-AAAAAAAAAAAAAAAAAAAAA"},
		{"underscore first", "_AAAAAAAAAAAAAAAAAAAAA"},
		{"all underscores then w (all ones)", strings.Repeat("_", 21) + "w"},
		{"all dashes then w", strings.Repeat("-", 21) + "w"},
		{"every letter class", "Ej5FZ-ibEtOkVkJmFBdAAA"},
		{"digits and lower case", "abcdefghijklmnopqrstug"},
		{"digits, last Q", "012345678901234567890Q"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Len(t, tc.in, ruuid.Len, "test input must be 22 characters")
			got, err := ruuid.Parse(tc.in)
			require.NoError(t, err, "Parse(%q)", tc.in)
			assert.Equal(t, ruuid.RUUID(tc.in), got, "Parse must return the text unchanged")
			assert.Equal(t, tc.in, got.String(), "String()")
			assert.NoError(t, got.Validate(), "Validate(%q)", tc.in)
			assert.Equal(t, got, ruuid.MustParse(tc.in), "MustParse(%q)", tc.in)

			// The bytes agree with the standard library's strict decoder.
			want, err := base64.RawURLEncoding.Strict().DecodeString(tc.in)
			require.NoError(t, err, "encoding/base64 must decode %q", tc.in)
			b, err := got.Bytes()
			require.NoError(t, err, "Bytes(%q)", tc.in)
			assert.Equal(t, want, b[:], "Bytes(%q) differs from encoding/base64", tc.in)
			assert.Equal(t, got, ruuid.FromBytes(b), "FromBytes(Bytes(%q))", tc.in)
		})
	}
}

func TestMustParsePanicsOnInvalidInput(t *testing.T) {
	for _, in := range []string{"", "abc", "123e4567-e89b-12d3-a456-426614174000", a(21) + "B"} {
		t.Run(in, func(t *testing.T) {
			var recovered any
			func() {
				defer func() { recovered = recover() }()
				ruuid.MustParse(in)
			}()
			require.NotNil(t, recovered, "MustParse(%q) must panic", in)
			err, ok := recovered.(error)
			require.True(t, ok, "MustParse(%q) panicked with %T, want an error", in, recovered)
			var re *ruuid.Error
			require.True(t, errors.As(err, &re), "MustParse(%q) panicked with %T, want *ruuid.Error", in, err)
			_, perr := ruuid.Parse(in)
			assert.Equal(t, perr.Error(), err.Error(), "MustParse(%q) must panic with Parse's error", in)
		})
	}
	assert.NotPanics(t, func() { ruuid.MustParse(zero) }, "MustParse of a valid RUUID")
}

func TestKnownVectors(t *testing.T) {
	cases := []struct {
		uuid  string
		ruuid ruuid.RUUID
	}{
		{"00000000-0000-0000-0000-000000000000", zero},
		// Computed outside Go: base64.urlsafe_b64encode(bytes.fromhex(...)) in Python, '=' stripped.
		{"123e4567-e89b-12d3-a456-426614174000", "Ej5FZ-ibEtOkVkJmFBdAAA"},
		{"ffffffff-ffff-ffff-ffff-ffffffffffff", "_____________________w"},
		{"fbefbefb-efbe-fbef-befb-efbefbefbefb", "---------------------w"},
	}
	for _, tc := range cases {
		t.Run(tc.uuid, func(t *testing.T) {
			// Independent check of the vector with encoding/hex and encoding/base64.
			raw, err := hex.DecodeString(strings.ReplaceAll(tc.uuid, "-", ""))
			require.NoError(t, err)
			require.Len(t, raw, 16)
			assert.Equal(t, string(tc.ruuid), base64.RawURLEncoding.EncodeToString(raw),
				"the test vector itself disagrees with encoding/base64")

			got, err := ruuid.FromUUIDString(tc.uuid)
			require.NoError(t, err, "FromUUIDString(%q)", tc.uuid)
			assert.Equal(t, tc.ruuid, got, "FromUUIDString(%q)", tc.uuid)

			up, err := ruuid.FromUUIDString(strings.ToUpper(tc.uuid))
			require.NoError(t, err, "FromUUIDString accepts upper-case hex")
			assert.Equal(t, tc.ruuid, up, "FromUUIDString(upper case %q)", tc.uuid)

			u, err := tc.ruuid.UUIDString()
			require.NoError(t, err, "UUIDString(%q)", tc.ruuid)
			assert.Equal(t, tc.uuid, u, "UUIDString(%q) must be the lower-case standard form", tc.ruuid)

			var b16 [16]byte
			copy(b16[:], raw)
			assert.Equal(t, tc.ruuid, ruuid.FromBytes(b16), "FromBytes")
			b, err := tc.ruuid.Bytes()
			require.NoError(t, err)
			assert.Equal(t, b16, b, "Bytes(%q)", tc.ruuid)
		})
	}
}

func TestRoundTrips(t *testing.T) {
	// FromBytes -> Bytes for byte patterns that reach every alphabet position.
	var patterns [][16]byte
	for seed := range 64 {
		var b [16]byte
		for i := range b {
			b[i] = byte(seed*37 + i*101 + seed*i*13)
		}
		patterns = append(patterns, b)
	}
	for _, b := range patterns {
		r := ruuid.FromBytes(b)
		require.NoError(t, r.Validate(), "FromBytes(%x) = %q must be canonical", b, r)
		require.Len(t, string(r), ruuid.Len, "FromBytes(%x)", b)
		got, err := r.Bytes()
		require.NoError(t, err, "Bytes(%q)", r)
		assert.Equal(t, b, got, "Bytes(FromBytes(%x))", b)

		u, err := r.UUIDString()
		require.NoError(t, err, "UUIDString(%q)", r)
		assert.Equal(t, strings.ToLower(u), u, "UUIDString(%q) must be lower case", r)
		back, err := ruuid.FromUUIDString(u)
		require.NoError(t, err, "FromUUIDString(%q)", u)
		assert.Equal(t, r, back, "FromUUIDString(UUIDString(%q))", r)
		backUpper, err := ruuid.FromUUIDString(strings.ToUpper(u))
		require.NoError(t, err, "FromUUIDString(%q)", strings.ToUpper(u))
		assert.Equal(t, r, backUpper, "FromUUIDString(upper(UUIDString(%q)))", r)
	}
}

func TestFromUUIDStringInvalid(t *testing.T) {
	const shape = "must be a UUID of the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
	const hexRule = "must contain only hexadecimal digits between its dashes"
	cases := []struct {
		name, in, want string
	}{
		{"empty", "", `invalid RUUID "": ` + shape},
		{"a RUUID", zero, `invalid RUUID "AAAAAAAAAAAAAAAAAAAAAA": ` + shape},
		{"braces", "{123e4567-e89b-12d3-a456-426614174000}", `invalid RUUID "{123e4567-e89b-12d3-a456-426614174000}": ` + shape},
		{"no dashes", "123e4567e89b12d3a456426614174000", `invalid RUUID "123e4567e89b12d3a456426614174000": ` + shape},
		{"dash misplaced", "123e456-7e89b-12d3-a456-426614174000", `invalid RUUID "123e456-7e89b-12d3-a456-426614174000": ` + shape},
		{"non-hex g", "123e4567-e89b-12d3-a456-42661417400g", `invalid RUUID "123e4567-e89b-12d3-a456-42661417400g": ` + hexRule},
		{"plus sign", "+23e4567-e89b-12d3-a456-426614174000", `invalid RUUID "+23e4567-e89b-12d3-a456-426614174000": ` + hexRule},
		{"space", "123e4567-e89b-12d3-a456-42661417400 ", `invalid RUUID "123e4567-e89b-12d3-a456-42661417400 ": ` + hexRule},
		{"long", strings.Repeat("f", 50), `invalid RUUID "fffffffffffffffffffffffffffffffffffff...": ` + shape},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ruuid.FromUUIDString(tc.in)
			require.Error(t, err, "FromUUIDString(%q) must fail", tc.in)
			assert.Equal(t, ruuid.RUUID(""), got)
			assert.Equal(t, tc.want, err.Error(), "error text of FromUUIDString(%q)", tc.in)
			var re *ruuid.Error
			assert.True(t, errors.As(err, &re), "FromUUIDString(%q): error is %T, want *ruuid.Error", tc.in, err)
		})
	}
}

func TestJSON(t *testing.T) {
	t.Run("marshal valid", func(t *testing.T) {
		for _, s := range []string{zero, "Ej5FZ-ibEtOkVkJmFBdAAA", strings.Repeat("_", 21) + "w"} {
			b, err := json.Marshal(ruuid.MustParse(s))
			require.NoError(t, err, "json.Marshal(%q)", s)
			assert.Equal(t, `"`+s+`"`, string(b), "json.Marshal(%q)", s)
		}
		type withPtr struct {
			ID    *ruuid.RUUID `json:"id"`
			Other *ruuid.RUUID `json:"other"`
		}
		id := ruuid.MustParse(zero)
		b, err := json.Marshal(withPtr{ID: &id})
		require.NoError(t, err)
		assert.Equal(t, `{"id":"AAAAAAAAAAAAAAAAAAAAAA","other":null}`, string(b), "struct with a *RUUID")
		b, err = json.Marshal(map[ruuid.RUUID]int{id: 1})
		require.NoError(t, err)
		assert.Equal(t, `{"AAAAAAAAAAAAAAAAAAAAAA":1}`, string(b), "RUUID as map key")
	})

	t.Run("marshal invalid writes it back", func(t *testing.T) {
		bad := ruuid.RUUID("abc")
		type withPtr struct {
			ID *ruuid.RUUID `json:"id"`
		}
		type withValue struct {
			ID ruuid.RUUID `json:"id"`
		}
		assert.Equal(t, `"abc"`, mustJSON(t, bad))
		assert.Equal(t, `{"id":"abc"}`, mustJSON(t, withPtr{ID: &bad}))
		assert.Equal(t, `{"id":"abc"}`, mustJSON(t, withValue{ID: bad}))
		assert.Equal(t, `["AAAAAAAAAAAAAAAAAAAAAA","abc"]`, mustJSON(t, []ruuid.RUUID{ruuid.MustParse(zero), bad}))
		assert.Equal(t, `{"id":""}`, mustJSON(t, withValue{}))
		// A decoded answer encodes again unchanged, whatever it held.
		var st withValue
		require.NoError(t, json.Unmarshal([]byte(`{"id":"not a ruuid \u00e9"}`), &st))
		assert.Equal(t, `{"id":"not a ruuid é"}`, mustJSON(t, st))
	})

	t.Run("map keys are not checked", func(t *testing.T) {
		// encoding/json writes a map key of a string kind as it is and never
		// calls MarshalText for it, so an invalid key gets through. The
		// generated models have no RUUID-keyed maps.
		b, err := json.Marshal(map[ruuid.RUUID]int{"abc": 1})
		require.NoError(t, err)
		assert.Equal(t, `{"abc":1}`, string(b))
	})

	t.Run("unmarshal keeps text as sent", func(t *testing.T) {
		for _, s := range []string{zero, "abc", "", "123e4567-e89b-12d3-a456-426614174000", a(21) + "B", "é😀\u0000"} {
			doc, err := json.Marshal(s)
			require.NoError(t, err)
			var r ruuid.RUUID
			require.NoError(t, json.Unmarshal(doc, &r), "json.Unmarshal(%s)", doc)
			assert.Equal(t, ruuid.RUUID(s), r, "json.Unmarshal(%s) must keep the text", doc)

			var st struct {
				ID *ruuid.RUUID `json:"id"`
			}
			require.NoError(t, json.Unmarshal([]byte(`{"id":`+string(doc)+`}`), &st))
			require.NotNil(t, st.ID, "json.Unmarshal into *RUUID field")
			assert.Equal(t, ruuid.RUUID(s), *st.ID, "json.Unmarshal into *RUUID field must keep the text")
		}
	})

	t.Run("text round trip", func(t *testing.T) {
		r := ruuid.MustParse("Ej5FZ-ibEtOkVkJmFBdAAA")
		text, err := r.MarshalText()
		require.NoError(t, err)
		var back ruuid.RUUID
		require.NoError(t, back.UnmarshalText(text))
		assert.Equal(t, r, back)
	})
}

func TestErrorFormat(t *testing.T) {
	e := &ruuid.Error{Value: "x\"y", Rule: "some rule"}
	assert.Equal(t, `invalid RUUID "x\"y": some rule`, e.Error())
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}
