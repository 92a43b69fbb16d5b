package rhombus

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"unicode/utf8"
)

// FuzzScanTop checks the envelope's scan against encoding/json: on a valid
// JSON object it finds every top-level property with the same raw value
// (the last one of a repeated name) and reads the same envelope, and it
// never accepts a body whose structure encoding/json refuses at the top
// level.
func FuzzScanTop(f *testing.F) {
	for _, seed := range []string{
		`{}`, ` { "error" : true , "errorMsg":"x\"y\\"} `, `{"a":[1,{"b":"]}"}],"error":false}`,
		`{"deviceLicenses":[{"uuid":"AAAAAAAAAAAAAAAAAAAAAA","features":[{"enabled":true}]}],"warningMsg":null}`,
		`{"a\u0062":1,"error":tru`, `{"error":true,}`, `[1]`, `{"a":"\\\\"}`, `{"a":1}x`, `{"a" 1}`,
		`{"error":false,"error":true}`, `{"n":-1.5e3,"s":"é"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if !utf8.Valid(body) {
			return // encoding/json rewrites invalid names; the envelope's are ASCII
		}
		var want map[string]json.RawMessage
		jerr := json.Unmarshal(body, &want)
		// A failure shape naming every property makes the reader keep them
		// all, so the scan is compared with encoding/json property by
		// property, and the envelope field by field.
		r := envelopeReader{failure: &Failure{Equals: "x"}}
		for k := range want {
			r.failure.Reason = append(r.failure.Reason, k)
		}
		if len(r.failure.Reason) > 0 {
			r.failure.Property, r.failure.Reason = r.failure.Reason[0], r.failure.Reason[1:]
		}
		err := scanTop(body, &r)
		if jerr == nil && want != nil {
			if err != nil {
				t.Fatalf("scan refused a valid object %q: %v", body, err)
			}
			if len(r.top) != len(want) {
				t.Fatalf("%q: scan found %v, encoding/json %v", body, r.top, want)
			}
			for k, v := range want {
				if !bytes.Equal(bytes.TrimSpace(r.top[k]), bytes.TrimSpace(v)) {
					t.Fatalf("%q: %s is %q to the scan, %q to encoding/json", body, k, r.top[k], v)
				}
			}
			var env envelope
			if json.Unmarshal(body, &env) == nil {
				if r.bad != nil {
					t.Fatalf("%q: the envelope decodes, but the scan's reading of it failed: %v", body, r.bad)
				}
				if !reflect.DeepEqual(r.env, env) {
					t.Fatalf("%q: envelope %+v to the scan, %+v to encoding/json", body, r.env, env)
				}
			}
		}
		if err == nil && !json.Valid(body) {
			// Accepted: only literals inside nested values may be wrong,
			// which the typed decode or json.Valid then catches; the top
			// level itself must have been an object.
			if t := bytes.TrimSpace(body); len(t) == 0 || t[0] != '{' || t[len(t)-1] != '}' {
				panic("scan accepted a body that is not an object: " + string(body))
			}
		}
	})
}
