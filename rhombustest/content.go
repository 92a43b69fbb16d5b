package rhombustest

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"mime"
	"sort"

	"github.com/getkin/kin-openapi/openapi3"
)

// Operations that do not speak JSON: an upload's multipart/form-data form
// is validated like a JSON body (kin-openapi decodes the form and checks
// each field against the form's schema: a file field against format
// binary, the others as text), and an export answers with its declared
// content type, a CSV or a zip file, instead of JSON.

// rawAnswerOf is the 200 answer's content type and media when it is not
// JSON (the first in name order when it has several), or "" and nil.
func rawAnswerOf(content openapi3.Content) (string, *openapi3.MediaType) {
	if content.Get(contentJSON) != nil || len(content) == 0 {
		return "", nil
	}
	types := make([]string, 0, len(content))
	for ct := range content {
		types = append(types, ct)
	}
	sort.Strings(types)
	return types[0], content[types[0]]
}

// rawBody is the answer of an export: the example the spec gives (a
// string), else a small CSV, or a zip file holding that CSV when the
// answer is a zip.
func (o *operation) rawBody() []byte {
	if mt := o.rawMedia; mt != nil {
		if s, ok := mt.Example.(string); ok {
			return []byte(s)
		}
		if mt.Schema != nil && mt.Schema.Value != nil {
			if s, ok := mt.Schema.Value.Example.(string); ok {
				return []byte(s)
			}
		}
	}
	// A header row and one row, the same on every run; the RUUID is one
	// a client accepts.
	sum := sha256.Sum256([]byte(o.id))
	csv := []byte("uuid,name\r\n" + base64.RawURLEncoding.EncodeToString(sum[:16]) + "," + o.id + "\r\n")
	if mt, _, _ := mime.ParseMediaType(o.rawType); mt != "application/zip" {
		return csv
	}
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	if f, err := w.Create(o.id + ".csv"); err == nil {
		_, _ = f.Write(csv)
	}
	_ = w.Close()
	return b.Bytes()
}
