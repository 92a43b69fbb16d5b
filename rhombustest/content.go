package rhombustest

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"mime"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Operations that do not speak JSON: an upload's multipart/form-data form
// is validated like a JSON body (kin-openapi decodes the form and checks
// each field against the form's schema: a file field against format
// binary, the others as text), and an export answers with its declared
// content type, a CSV or a zip file, instead of JSON.

// formsAsSent reads an upload that the vendor's document describes by the
// server's class, Jersey's FormDataMultiPart (body parts, headers,
// providers: nothing of what is sent), as the importer writes it: a form
// with a file field "file" and any other fields. A validator would
// otherwise refuse every part as undefined.
func formsAsSent(doc *openapi3.T) {
	form := &openapi3.SchemaRef{Value: &openapi3.Schema{
		Type:                 &openapi3.Types{openapi3.TypeObject},
		Properties:           openapi3.Schemas{"file": {Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}, Format: "binary"}}},
		AdditionalProperties: openapi3.AdditionalProperties{Has: openapi3.Ptr(true)},
	}}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody == nil || op.RequestBody.Value == nil {
				continue
			}
			if mt := op.RequestBody.Value.Content["multipart/form-data"]; mt != nil && mt.Schema != nil && strings.HasSuffix(mt.Schema.Ref, "/FormDataMultiPart") {
				mt.Schema = form
			}
		}
	}
}

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
