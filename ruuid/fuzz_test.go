package ruuid_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rhombuskit/rhombus-go/ruuid"
)

// FuzzParse checks the properties that hold for every input. Besides the
// f.Add seeds, the committed corpus in testdata/fuzz/FuzzParse runs with
// every plain `go test`.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"",
		"AAAAAAAAAAAAAAAAAAAAAA",
		"_____________________w",
		"Ej5FZ-ibEtOkVkJmFBdAAA",
		"AAAAAAAAAAAAAAAAAAAAAB",
		"AAAAAAAAAAAAAAAAAAAAA=",
		"AAAAAAAAAAAAAAAAAAAAAA==",
		"AAAAAAAAAA+AAAAAAAAAA/",
		"123e4567-e89b-12d3-a456-426614174000",
		"AAAAAAAAAAAAAAAAAAAAé",
		strings.Repeat("é", 41),
	} {
		f.Add(s)
	}
	// Independent oracle: encoding/base64's strict decoder. It skips '\r'
	// and '\n', which a RUUID must not contain, so those are excluded.
	strict := base64.RawURLEncoding.Strict()

	f.Fuzz(func(t *testing.T, s string) {
		r, err := ruuid.Parse(s) // must not panic

		decoded, decErr := strict.DecodeString(s)
		wantOK := len(s) == ruuid.Len && !strings.ContainsAny(s, "\r\n") && decErr == nil && len(decoded) == 16
		if (err == nil) != wantOK {
			t.Fatalf("Parse(%q) error = %v; encoding/base64 strict decoding says valid = %v", s, err, wantOK)
		}

		if err == nil {
			if string(r) != s {
				t.Fatalf("Parse(%q) = %q, want the input unchanged", s, r)
			}
			if len(r) != ruuid.Len {
				t.Fatalf("Parse(%q) succeeded with %d bytes, want %d", s, len(r), ruuid.Len)
			}
			if verr := r.Validate(); verr != nil {
				t.Fatalf("Parse(%q) succeeded but Validate fails: %v", s, verr)
			}
			b, err := r.Bytes()
			if err != nil {
				t.Fatalf("Bytes(%q): %v", s, err)
			}
			if string(b[:]) != string(decoded) {
				t.Fatalf("Bytes(%q) = %x, encoding/base64 decodes %x", s, b, decoded)
			}
			// The canonical form is unique: re-encoding the bytes gives the input.
			if back := ruuid.FromBytes(b); back != r {
				t.Fatalf("FromBytes(Bytes(%q)) = %q", s, back)
			}
			u, err := r.UUIDString()
			if err != nil {
				t.Fatalf("UUIDString(%q): %v", s, err)
			}
			if u != strings.ToLower(u) || len(u) != 36 {
				t.Fatalf("UUIDString(%q) = %q, want 36 lower-case characters", s, u)
			}
			for _, form := range []string{u, strings.ToUpper(u)} {
				back, err := ruuid.FromUUIDString(form)
				if err != nil {
					t.Fatalf("FromUUIDString(%q) (from %q): %v", form, s, err)
				}
				if back != r {
					t.Fatalf("FromUUIDString(%q) = %q, want %q", form, back, r)
				}
			}
			text, err := r.MarshalText()
			if err != nil {
				t.Fatalf("MarshalText(%q): %v", s, err)
			}
			if string(text) != s {
				t.Fatalf("MarshalText(%q) = %q", s, text)
			}
			var again ruuid.RUUID
			if err := again.UnmarshalText(text); err != nil || again != r {
				t.Fatalf("UnmarshalText(MarshalText(%q)) = %q, %v", s, again, err)
			}
			return
		}

		if r != "" {
			t.Fatalf("Parse(%q) failed but returned %q, want \"\"", s, r)
		}
		var re *ruuid.Error
		if !errors.As(err, &re) {
			t.Fatalf("Parse(%q): error %T is not a *ruuid.Error", s, err)
		}
		if re.Rule == "" {
			t.Fatalf("Parse(%q): empty Rule", s)
		}
		if got, want := err.Error(), fmt.Sprintf("invalid RUUID %q: %s", re.Value, re.Rule); got != want {
			t.Fatalf("Parse(%q): Error() = %q, want %q", s, got, want)
		}
		// Value is the input, or its first 37 characters and "..." (40 in all)
		// when it is longer than 40 characters; always a byte prefix of it.
		if utf8.RuneCountInString(s) <= 40 {
			if re.Value != s {
				t.Fatalf("Parse(%q): Value = %q, want the input", s, re.Value)
			}
		} else {
			prefix, ok := strings.CutSuffix(re.Value, "...")
			if !ok {
				t.Fatalf("Parse(%q): shortened Value %q does not end in \"...\"", s, re.Value)
			}
			if n := utf8.RuneCountInString(prefix); n != 37 {
				t.Fatalf("Parse(%q): shortened Value %q keeps %d characters, want 37", s, re.Value, n)
			}
			if !strings.HasPrefix(s, prefix) {
				t.Fatalf("Parse(%q): shortened Value %q is not a prefix of the input", s, re.Value)
			}
		}
		if n := utf8.RuneCountInString(re.Value); n > 40 {
			t.Fatalf("Parse(%q): Value %q has %d characters, want at most 40", s, re.Value, n)
		}
		// Every other entry point that reads it as an identifier refuses
		// it with the same error; MarshalText writes it back as it is.
		rr := ruuid.RUUID(s)
		if text, err := rr.MarshalText(); err != nil || string(text) != s {
			t.Fatalf("MarshalText(%q) = %q, %v; want the text back", s, text, err)
		}
		for name, e := range map[string]error{
			"Validate": rr.Validate(),
			"Bytes":    second(rr.Bytes()),
			"UUID":     second(rr.UUIDString()),
		} {
			if e == nil || e.Error() != err.Error() {
				t.Fatalf("%s(%q) = %v, want %v", name, s, e, err)
			}
		}
	})
}

func second[T any](_ T, err error) error { return err }
