package rhombus

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestUnquoteJSONMatchesEncodingJSON: the scrub reads a JSON string as
// encoding/json does, or a secret spelled with escapes could get past it.
func TestUnquoteJSONMatchesEncodingJSON(t *testing.T) {
	for _, tok := range unquoteSeeds {
		checkUnquote(t, []byte(tok))
	}
}

var unquoteSeeds = []string{
	`"plain"`, `"a\/b\\c\"d"`, `"\u0072\u006B_live"`, `"\b\f\n\r\t"`, `"\ud83d\ude00 pair"`,
	`"\ud83d lone"`, `"\ude00 low"`, `"\ud83d\u0041"`, `"bad utf8 \xff\xfe"`, `"\u00e9\u00E9é"`,
	`"\uD800\uDC00"`, `"\uDBFF\uDFFF"`, `"é\u002fx"`,
}

func checkUnquote(t *testing.T, tok []byte) {
	t.Helper()
	var want string
	if json.Unmarshal(tok, &want) != nil {
		return // not a JSON string: encoding/json decodes nothing of it
	}
	tok = bytes.Trim(tok, " \t\r\n")
	if got := unquoteJSON(nil, tok[1:len(tok)-1]); string(got) != want {
		t.Errorf("unquoteJSON(%q) = %q, encoding/json reads %q", tok, got, want)
	}
}

func FuzzUnquoteJSON(f *testing.F) {
	for _, s := range unquoteSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tok string) { checkUnquote(t, []byte(tok)) })
}

// FuzzAppendJSONString: a scrubbed string written again reads back as it
// was written.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "a\"b\\c", "\n\r\t\b\f\x00\x1f\x7f", "<&>", "é\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return // the scrub writes only text it decoded: valid UTF-8
		}
		enc := appendJSONString(nil, []byte(s))
		var got string
		if err := json.Unmarshal(enc, &got); err != nil || got != s {
			t.Errorf("appendJSONString(%q) = %s, which reads back as %q (%v)", s, enc, got, err)
		}
	})
}

// TestSpellingsFindEncodedSecrets: a secret inside longer data, base64
// encoded at any alignment with either alphabet, or percent-encoded, holds
// one of its spellings.
func TestSpellingsFindEncodedSecrets(t *testing.T) {
	for _, sec := range []string{"rk_live_9f8e7d6c5b4a3210-SECRET", `pk/live/0a1b+c"d\e?f&g=h SECRET`, "short-key12"} {
		list := spellings([]string{sec})
		if cap(list) != len(list) {
			t.Errorf("the list of %d spellings is not clipped", len(list))
		}
		for pre := range 4 {
			for post := range 3 {
				data := strings.Repeat("\xfe", pre) + sec + strings.Repeat("\x01", post)
				for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
					if !holdsOne(enc.EncodeToString([]byte(data)), list) {
						t.Errorf("secret %d bytes, %d before, %d after: no spelling in its base64", len(sec), pre, post)
					}
				}
			}
		}
		for _, esc := range []string{url.QueryEscape(sec), url.PathEscape(sec), strings.ToLower(url.QueryEscape(sec))} {
			if !holdsOne("https://x/?k="+esc+"&y=1", list) {
				t.Errorf("secret %d bytes: no spelling in its percent-encoding", len(sec))
			}
		}
	}
}

func holdsOne(text string, list []string) bool {
	for _, sp := range list {
		if indexFold([]byte(text), sp) >= 0 {
			return true
		}
	}
	return false
}

// TestIndexFold compares indexFold with a plain search on folded text.
func TestIndexFold(t *testing.T) {
	secrets := []string{"rk_live_9f8e-SECRET", "abcDEF", "x", "a/b\"c\\d", "ключ-Key", "ZZ"}
	texts := []string{
		"", "rk_live_9f8e-SECRET", "xx RK_LIVE_9F8E-secret yy", "rk_live_9f8e-SECRE", "abcdeabcDEf",
		"aaaaaaaaabcdef", "a/B\"C\\D", "КЛЮЧ-key ключ-KEY", "zZ", "z", "abcdezzz",
		strings.Repeat("rk_live_9f8e-", 50) + "rk_live_9f8e-Secret",
	}
	for _, sec := range secrets {
		for _, text := range texts {
			want := strings.Index(asciiLower(text), asciiLower(sec))
			if got := indexFold([]byte(text), sec); got != want {
				t.Errorf("indexFold(%q, %q) = %d, want %d", text, sec, got, want)
			}
		}
	}
}

func asciiLower(s string) string {
	b := []byte(s)
	for i := range b {
		b[i] = lowerASCII(b[i])
	}
	return string(b)
}

func FuzzIndexFold(f *testing.F) {
	f.Add("xx RK_live yy", "rk_LIVE")
	f.Add("a-b-a-b-A-B-c", "a-B-c")
	f.Fuzz(func(t *testing.T, text, sec string) {
		want := strings.Index(asciiLower(text), asciiLower(sec))
		if sec == "" {
			want = -1
		}
		if got := indexFold([]byte(text), sec); got != want {
			t.Errorf("indexFold(%q, %q) = %d, want %d", text, sec, got, want)
		}
		for k := range len(sec) { // whichever byte it looks for
			if got := indexFoldAt([]byte(text), sec, k); got != want {
				t.Errorf("indexFoldAt(%q, %q, %d) = %d, want %d", text, sec, k, got, want)
			}
		}
	})
}

// TestScrubBytesLeavesNoDecodedSecret: whatever the spelling, a body
// decoded after the scrub holds no secret, a body without one is returned
// as it is, and a secret the marker could form again is not left behind.
func TestScrubBytesLeavesNoDecodedSecret(t *testing.T) {
	secrets := []string{"rk/live\"9f8e\\-SECRET"}
	for _, body := range []string{
		`{"a":"rk/live\"9f8e\\-SECRET"}`,
		`{"a":"rk\/live\"9f8e\\-SECRET"}`,
		`{"a":"\u0072\u006b\u002f\u006c\u0069\u0076\u0065\u0022\u0039\u0066\u0038\u0065\u005c\u002d\u0053\u0045\u0043\u0052\u0045\u0054"}`,
		`{"RK\/LIVE\"9F8E\\-secret":["x RK\/live\"9f8e\\-SEcret y", 1, "\n"]}`,
		`{"a":"rk/live\"9f8e\\-SECRET", "b":"\u0041", "c":"rk\/live\"9f8e\\-SECRET"}`,
		// JSON text inside a string, as a caller might decode it again.
		`{"inner":"{\"k\":\"\\u0072k\\/live\\\"9f8e\\\\-SECRET\"}"}`,
	} {
		out, changed := scrubBytes([]byte(body), secrets)
		if !changed {
			t.Errorf("%s: nothing scrubbed", body)
		}
		var v any
		if err := json.Unmarshal(out, &v); err != nil {
			t.Errorf("%s: the scrubbed body is not JSON any more: %v", body, err)
		}
		if s := strings.ToLower(fmt.Sprint(v)); strings.Contains(s, strings.ToLower(secrets[0])) {
			t.Errorf("%s: decoded, the scrubbed body still holds the secret", body)
		}
		if m, ok := v.(map[string]any); ok {
			if inner, ok := m["inner"].(string); ok {
				var w any
				if err := json.Unmarshal([]byte(inner), &w); err != nil || strings.Contains(strings.ToLower(fmt.Sprint(w)), strings.ToLower(secrets[0])) {
					t.Errorf("%s: the JSON text inside, decoded, still holds the secret (%v)", body, err)
				}
			}
		}
	}
	for _, body := range []string{`{"a":"b"}`, `{"a":"\u0041\n"}`, `{"unterminated":"\u0041`} {
		out, changed := scrubBytes([]byte(body), secrets)
		if changed || string(out) != body {
			t.Errorf("%s: changed without a secret", body)
		}
	}
	// "[REDACTED]" before an "x" forms "D]x" again: the whole value goes.
	if out, _ := scrubBytes([]byte("aD]xxb"), []string{"D]x"}); string(out) != redacted {
		t.Errorf("a secret formed again by the marker was left: %q", out)
	}
}

// FuzzScrubBytes: whatever the body, once scrubbed, JSON decoding finds no
// secret in it.
func FuzzScrubBytes(f *testing.F) {
	const sec = `Sk/"e\\y9`
	for _, s := range []string{
		`{"a":"Sk\/\"e\\y9"}`, `["\u0053k/\"e\\\u0079\u0039"]`, `{"sK\/\"E\\Y9":1}`, `"x\"Sk/\"e\\y9"`,
		`{"a":"\u0053\u006b\u002f\u0022\u0065\u005c\u0079\u0039","b":"\u00"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		out, _ := scrubBytes([]byte(body), []string{sec})
		var v any
		if json.Unmarshal(out, &v) != nil {
			return
		}
		enc, _ := json.Marshal(v) // every decoded string, escaped the one way
		var flat []string
		collectStrings(v, &flat)
		for _, s := range flat {
			if strings.Contains(asciiLower(s), asciiLower(sec)) {
				t.Fatalf("body %q scrubbed to %q still decodes to the secret: %s", body, out, enc)
			}
		}
	})
}

func collectStrings(v any, out *[]string) {
	switch v := v.(type) {
	case string:
		*out = append(*out, v)
	case []any:
		for _, e := range v {
			collectStrings(e, out)
		}
	case map[string]any:
		for k, e := range v {
			*out = append(*out, k)
			collectStrings(e, out)
		}
	}
}

// TestScrubHeaderNamesAndValues: names and every value, any case.
func TestScrubHeaderNamesAndValues(t *testing.T) {
	const sec = "rk_live_SECRET"
	h := http.Header{
		"X-Echo":                              {"a", "token=" + strings.ToUpper(sec) + "; x"},
		"X-K-Rk_live_secret":                  {"1"},
		http.CanonicalHeaderKey("X-Auth-Org"): {"AAAAAAAAAAAAAAAAAAAAAA"},
	}
	scrubHeader(h, []string{sec})
	want := http.Header{
		"X-Echo":         {"a", "token=[REDACTED]; x"},
		"X-K-[REDACTED]": {"1"},
		"X-Auth-Org":     {"AAAAAAAAAAAAAAAAAAAAAA"},
	}
	if fmt.Sprint(h) != fmt.Sprint(want) {
		t.Errorf("scrubbed header %v, want %v", h, want)
	}
}

// BenchmarkScrubAnswer is the scrub of one answer with the default
// credential: a 1 MiB JSON body without escapes (the usual case), and the
// same with escapes in every string (the slow path).
func BenchmarkScrubAnswer(b *testing.B) {
	var plain, escaped bytes.Buffer
	plain.WriteString(`{"deviceLicenses":[`)
	escaped.WriteString(`{"deviceLicenses":[`)
	for i := 0; plain.Len() < 1<<20; i++ {
		if i > 0 {
			plain.WriteByte(',')
			escaped.WriteByte(',')
		}
		fmt.Fprintf(&plain, `{"uuid":"AAAAAAAAAAAAAAAAAAAA%02d","orgUuid":"Ej5FZ-ibEtOkVkJmFBdAAA","name":"Front door %d","trial":false}`, i%100, i)
		fmt.Fprintf(&escaped, `{"uuid":"AAAAAAAAAAAAAAAAAAAA%02d","orgUuid":"Ej5FZ-ibEtOkVkJmFBdAAA","name":"Front\/door \u0041%d","trial":false}`, i%100, i)
	}
	plain.WriteString(`]}`)
	escaped.WriteString(`]}`)
	for _, tc := range []struct {
		name, key string
		body      []byte
	}{
		{"plain", "rk_live_9f8e7d6c5b4a3210-SECRET", plain.Bytes()},
		{"escaped", "rk_live_9f8e7d6c5b4a3210-SECRET", escaped.Bytes()},
		// Only letters and digits: the digit it looks for is everywhere in the body.
		{"plain, alphanumeric key", "Ab3dEf9hIjK2mNoPqRsT7uVw", plain.Bytes()},
	} {
		c := &Client{secrets: scrubList(APIToken(tc.key))}
		b.Run(tc.name, func(b *testing.B) {
			resp := &http.Response{Status: "200 OK", Header: http.Header{"Content-Type": {"application/json"}}}
			b.SetBytes(int64(len(tc.body)))
			b.ReportAllocs()
			for b.Loop() {
				if out := c.scrubAnswer(resp, tc.body); len(out) != len(tc.body) {
					b.Fatal("the body changed")
				}
			}
		})
	}
}

// FuzzScrubString: the string form's shortcut (no copy when nothing can
// match) never lets through what scrubBytes would replace.
func FuzzScrubString(f *testing.F) {
	for _, s := range []string{"key rk_Live_AbC", `{"a":"\u0072k_live_abc"}`, "RK_LIVE_ABC", "nothing here", "ﬀ rk_live_abc ǅ", "rk_live_ab"} {
		f.Add(s, "rk_live_abc")
	}
	f.Fuzz(func(t *testing.T, s, secret string) {
		secrets := spellings([]string{secret})
		want, _ := scrubBytes([]byte(s), secrets)
		if got := scrubString(s, secrets); got != string(want) {
			t.Fatalf("scrubString gave %d bytes, scrubBytes %d", len(got), len(want))
		}
	})
}
