package rhombus

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"
)

// The generic calls behind the typed methods of uploads and exports,
// against a loopback server, for operations declared here under ids and
// paths the vendor's document does not have (an operation of openapi.yaml
// keeps its own entry): the tests hold whatever openapi.yaml imports.

const contentKey = "rk_live_content-0123456789-SECRET"

var (
	uploadOp = Operation{ID: "testUploadFloorPlan", Path: "/api/test/uploadFloorPlan", RequestContentType: "multipart/form-data"}
	exportOp = Operation{ID: "testExportUsers", Path: "/api/test/exportUsers", Idempotent: true, RUUIDFields: []string{"orgUuid"}, ResponseContentType: "text/csv; charset=UTF-8"}
	// An upload the spec declares a read, to show the body is resent.
	uploadReadOp = Operation{ID: "testCheckFloorPlan", Path: "/api/test/checkFloorPlan", Idempotent: true, RequestContentType: "multipart/form-data"}
)

type uploadResult struct {
	Error    *bool   `json:"error"`
	ErrorMsg *string `json:"errorMsg"`
	URL      string  `json:"url"`
}

type exportRequest struct {
	OrgUUID RUUID `json:"orgUuid,omitempty"`
}

const someRUUID = RUUID("AAAAAAAAAAAAAAAAAAAAAA")

// contentServer serves h on loopback and returns a client for it, with
// quick retries, and the number of requests it had.
func contentServer(t *testing.T, h http.HandlerFunc, opts ...Option) (*Client, *atomic.Int64) {
	t.Helper()
	hits := new(atomic.Int64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	base := []Option{
		WithEndpoint(srv.URL),
		WithCredential(APIToken(contentKey)),
		WithHTTPClient(srv.Client()),
		WithOperations(uploadOp, exportOp, uploadReadOp),
		WithRetryPolicy(RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}),
	}
	c, err := New(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c, hits
}

func floorPlanParts(body io.Reader) []formPart {
	p := []formPart{
		fileField("file", File{Name: "plan.png", Body: body, ContentType: "image/png"}, true),
		ruuidField("locationUuid", someRUUID, false),
	}
	return append(p, extraFields(map[string]string{"note": "ground floor"})...)
}

func TestUploadSendsTheFormAndDecodesTheAnswer(t *testing.T) {
	type got struct {
		key, file, fileName, fileType, location, note string
	}
	seen := make(chan got, 1)
	c, hits := contentServer(t, func(w http.ResponseWriter, r *http.Request) {
		var g got
		g.key = r.Header.Get("x-auth-apikey")
		if err := r.ParseMultipartForm(1 << 20); err == nil {
			if fh := r.MultipartForm.File["file"]; len(fh) == 1 {
				f, _ := fh[0].Open()
				b, _ := io.ReadAll(f)
				g.file, g.fileName, g.fileType = string(b), fh[0].Filename, fh[0].Header.Get("Content-Type")
			}
			g.location, g.note = r.FormValue("locationUuid"), r.FormValue("note")
		}
		seen <- g
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"error":false,"url":"https://x/plan.jpg"}`)
	})
	res, err := upload[uploadResult](context.Background(), c, uploadOp.ID, uploadOp.Path, floorPlanParts(strings.NewReader("PNG-bytes")))
	if err != nil {
		t.Fatal(err)
	}
	if res.URL != "https://x/plan.jpg" {
		t.Errorf("result URL %q, want the answer's", res.URL)
	}
	g := <-seen
	want := got{key: contentKey, file: "PNG-bytes", fileName: "plan.png", fileType: "image/png", location: string(someRUUID), note: "ground floor"}
	if g != want {
		t.Errorf("the server got %+v, want %+v", g, want)
	}
	if hits.Load() != 1 {
		t.Errorf("%d requests, want 1", hits.Load())
	}
}

func TestUploadRefusesBadFormsBeforeSending(t *testing.T) {
	c, hits := contentServer(t, func(w http.ResponseWriter, r *http.Request) {
		t.Error("a request was sent")
	})
	cases := map[string]struct {
		parts []formPart
		field string
		rule  string
	}{
		"no file":       {[]formPart{fileField("file", File{Name: "a.png"}, true)}, "file", "the file is required"},
		"no file name":  {[]formPart{fileField("file", File{Body: strings.NewReader("x")}, true)}, "file", "needs a Name"},
		"bad RUUID":     {[]formPart{ruuidField("locationUuid", "nope", false)}, "locationUuid", "RUUID"},
		"bad type":      {[]formPart{fileField("file", File{Name: "a", Body: strings.NewReader("x"), ContentType: "no/"}, true)}, "file", "is not a media type"},
		"required text": {[]formPart{textField("name", "", false, true)}, "name", "the field is required"},
		"twice":         {append([]formPart{textField("note", "a", true, false)}, extraFields(map[string]string{"note": "b"})...), "note", "given twice"},
	}
	for name, tc := range cases {
		_, err := upload[uploadResult](context.Background(), c, uploadOp.ID, uploadOp.Path, tc.parts)
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Field != tc.field || !strings.Contains(err.Error(), tc.rule) {
			t.Errorf("%s: got %v, want a *ValidationError on %s saying %q", name, err, tc.field, tc.rule)
		}
	}
	if hits.Load() != 0 {
		t.Errorf("%d requests sent, want none", hits.Load())
	}
}

func TestUploadOverTheCapIsRefusedWithoutReadingTheRest(t *testing.T) {
	src := &formSource{r: bytes.NewReader(make([]byte, 10_000))}
	_, _, err := encodeForm(uploadOp.ID, []formPart{fileField("file", File{Name: "big.bin", Body: src}, true)}, 1000, func(s string) string { return s })
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Field != "file" || !strings.Contains(err.Error(), "over its limit of 1000 bytes") {
		t.Fatalf("got %v, want a *ValidationError on file naming the limit", err)
	}
	if src.n > 1001 {
		t.Errorf("read %d bytes of the file, want at most the limit and one", src.n)
	}
}

type formSource struct {
	r io.Reader
	n int
}

func (c *formSource) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// An upload is a write: after a 5xx it is not resent (outcome unknown).
// After a 429 it is resent, the same bytes again, though its file was a
// reader that could be read once.
func TestUploadRetryRules(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	status := []int{http.StatusTooManyRequests, http.StatusInternalServerError}
	c, hits := contentServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		n := len(bodies)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if n <= len(status) {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(status[n-1])
			_, _ = io.WriteString(w, `{"error":true,"errorMsg":"busy"}`)
			return
		}
		_, _ = io.WriteString(w, `{"error":false}`)
	})
	_, err := upload[uploadResult](context.Background(), c, uploadOp.ID, uploadOp.Path, floorPlanParts(iotest.OneByteReader(strings.NewReader("PNG"))))
	if !errors.Is(err, ErrOutcomeUnknown) {
		t.Errorf("got %v, want outcome unknown after the 5xx", err)
	}
	if hits.Load() != 2 {
		t.Errorf("%d requests, want 2: the 429 resent, the 5xx not", hits.Load())
	}
	mu.Lock()
	defer mu.Unlock()
	if len(bodies) != 2 || bodies[0] != bodies[1] || !strings.Contains(bodies[0], "PNG") {
		t.Errorf("the resent body differs from the first or lacks the file: %q", bodies)
	}

	// An upload declared a read is resent after a 5xx.
	var n atomic.Int64
	c2, hits2 := contentServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if n.Add(1) == 1 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		_, _ = io.WriteString(w, `{"error":false,"url":"u"}`)
	})
	res, err := upload[uploadResult](context.Background(), c2, uploadReadOp.ID, uploadReadOp.Path, floorPlanParts(strings.NewReader("PNG")))
	if err != nil || res.URL != "u" || hits2.Load() != 2 {
		t.Errorf("got %v, %v after %d requests; want the answer of the second", res, err, hits2.Load())
	}
}

func csvHandler(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/csv; charset=UTF-8")
		_, _ = io.WriteString(w, body)
	}
}

func TestDownloadStreamsTheAnswerWithItsContentType(t *testing.T) {
	const csv = "email,name\na@example.com,A\n"
	c, _ := contentServer(t, csvHandler(csv))
	s, err := download(context.Background(), c, exportOp.ID, exportOp.Path, exportRequest{OrgUUID: someRUUID})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if mt, _, _ := mime.ParseMediaType(s.ContentType); mt != "text/csv" {
		t.Errorf("ContentType %q, want text/csv", s.ContentType)
	}
	b, err := io.ReadAll(iotest.OneByteReader(s))
	if err != nil || string(b) != csv {
		t.Errorf("read %q, %v; want %q", b, err, csv)
	}
}

func TestDownloadChecksTheRequestBeforeSending(t *testing.T) {
	c, hits := contentServer(t, csvHandler("x"))
	_, err := download(context.Background(), c, exportOp.ID, exportOp.Path, exportRequest{OrgUUID: "nope"})
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Field != "orgUuid" || hits.Load() != 0 {
		t.Errorf("got %v after %d requests, want a *ValidationError on orgUuid and none sent", err, hits.Load())
	}
}

// A credential the server echoes is scrubbed from the stream, even when it
// arrives split across two writes of the server and read a byte at a time.
func TestDownloadScrubsAnEchoedCredentialSplitAcrossReads(t *testing.T) {
	half := len(contentKey) / 2
	c, _ := contentServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/csv")
		w.Header().Set("X-Echo", contentKey)
		_, _ = io.WriteString(w, "key\n"+contentKey[:half])
		w.(http.Flusher).Flush()
		_, _ = io.WriteString(w, contentKey[half:]+"\nend\n")
	})
	s, err := download(context.Background(), c, exportOp.ID, exportOp.Path, exportRequest{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	b, err := io.ReadAll(iotest.OneByteReader(s))
	if err != nil {
		t.Fatal(err)
	}
	leaked := strings.Contains(string(b), contentKey[:half]) || strings.Contains(string(b), contentKey[half:]) ||
		strings.Contains(s.Header.Get("X-Echo"), contentKey)
	if leaked {
		t.Error("the stream or its header holds (part of) the credential")
	}
	if string(b) != "key\n"+redacted+"\nend\n" {
		t.Errorf("read %d bytes, want the credential replaced by %s and the rest kept", len(b), redacted)
	}
}

func TestDownloadCapAppliesAsTheCallerReads(t *testing.T) {
	c, _ := contentServer(t, csvHandler(strings.Repeat("a,b\n", 1000)), WithMaxResponseBytes(1000))
	s, err := download(context.Background(), c, exportOp.ID, exportOp.Path, exportRequest{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	n, err := io.Copy(io.Discard, s)
	var de *DecodeError
	if !errors.As(err, &de) || !errors.Is(err, ErrDecode) || !strings.Contains(err.Error(), "limit of 1000 bytes") {
		t.Errorf("got %v, want a *DecodeError naming the limit", err)
	}
	if n > 1000 {
		t.Errorf("handed out %d bytes, over the cap of 1000", n)
	}
}

// Error answers are errors as for any operation: a status and a JSON 200
// whose envelope says error, the credential scrubbed from the message.
func TestDownloadErrorAnswers(t *testing.T) {
	for name, h := range map[string]http.HandlerFunc{
		"403": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, `{"msg":"key `+contentKey+` may not export"}`)
		},
		"200 error envelope": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"error":true,"errorMsg":"key `+contentKey+` may not export"}`)
		},
	} {
		c, _ := contentServer(t, h)
		s, err := download(context.Background(), c, exportOp.ID, exportOp.Path, exportRequest{})
		var ae *APIError
		if s != nil || !errors.As(err, &ae) {
			t.Errorf("%s: got %v, want an *APIError", name, err)
			continue
		}
		if strings.Contains(err.Error(), contentKey) {
			t.Errorf("%s: the error holds the credential", name)
		}
		if !strings.Contains(ae.Message, "may not export") {
			t.Errorf("%s: message %q lacks the server's words", name, ae.Message)
		}
	}
}

func TestDownloadIsResentBeforeItIsHandedOver(t *testing.T) {
	var n atomic.Int64
	c, hits := contentServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) {
		case 1:
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
		case 2:
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			csvHandler("a\n")(w, r)
		}
	})
	s, err := download(context.Background(), c, exportOp.ID, exportOp.Path, exportRequest{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	b, _ := io.ReadAll(s)
	if string(b) != "a\n" || hits.Load() != 3 {
		t.Errorf("read %q after %d requests, want the third answer", b, hits.Load())
	}
}

// Do (the generated clients' way in) returns a CSV answer as the body
// read, not as a JSON decoding failure.
func TestDoReturnsANonJSONAnswerAsItsBody(t *testing.T) {
	c, _ := contentServer(t, csvHandler("a,b\n1,2\n"))
	req, _ := http.NewRequest(http.MethodPost, c.BaseURL()+exportOp.Path, strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if string(b) != "a,b\n1,2\n" {
		t.Errorf("body %q, want the CSV", b)
	}
}

// A stream the caller closes early frees its connection: the next call
// gets an answer.
func TestStreamClosedEarly(t *testing.T) {
	c, _ := contentServer(t, csvHandler(strings.Repeat("row\n", 10_000)), WithMaxResponseBytes(1<<20))
	for range 3 {
		s, err := download(context.Background(), c, exportOp.ID, exportOp.Path, exportRequest{})
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 10)
		if _, err := io.ReadFull(s, buf); err != nil || string(buf) != "row\nrow\nro" {
			t.Fatalf("first bytes %q, %v", buf, err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Read(buf); err == nil {
			t.Error("a read after Close succeeded")
		}
	}
}

func TestFormFieldsOfEachKind(t *testing.T) {
	i, f, b := int64(3), 2.5, true
	parts := []formPart{intField("n", &i, false), numberField("x", &f, false), boolField("b", &b, false), intField("absent", nil, false)}
	parts = append(parts, filesField("photos", []File{{Name: "a.jpg", Body: strings.NewReader("A")}, {Name: "b.jpg", Body: strings.NewReader("B")}}, true)...)
	body, ct, err := encodeForm("op", parts, 1<<20, func(s string) string { return s })
	if err != nil {
		t.Fatal(err)
	}
	_, params, _ := mime.ParseMediaType(ct)
	form, err := multipart.NewReader(bytes.NewReader(body), params["boundary"]).ReadForm(1 << 20)
	if err != nil {
		t.Fatal(err)
	}
	if form.Value["n"][0] != "3" || form.Value["x"][0] != "2.5" || form.Value["b"][0] != "true" || len(form.Value["absent"]) != 0 || len(form.File["photos"]) != 2 {
		t.Errorf("form %v, files %d", form.Value, len(form.File["photos"]))
	}
	if _, _, err := encodeForm("op", filesField("photos", nil, true), 1<<20, func(s string) string { return s }); err == nil {
		t.Error("no files for a required list was accepted")
	}
}

// chunks returns one chunk per Read, as a connection may.
type chunks struct{ parts []string }

func (c *chunks) Read(p []byte) (int, error) {
	if len(c.parts) == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.parts[0])
	if c.parts[0] = c.parts[0][n:]; c.parts[0] == "" {
		c.parts = c.parts[1:]
	}
	return n, nil
}

func (c *chunks) Close() error { return nil }

// The scrub holds back what may start a secret until the next chunk says:
// a credential split at every place between two reads of the connection is
// replaced, and the bytes around it are handed out unchanged.
func TestStreamScrubsACredentialSplitAcrossChunks(t *testing.T) {
	c, _ := contentServer(t, csvHandler(""))
	for cut := 1; cut < len(contentKey); cut++ {
		body := &chunks{parts: []string{"a," + contentKey[:cut], contentKey[cut:] + ",b\n"}}
		resp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"text/csv"}}, Body: body}
		s := &Stream{}
		s.open(c, exportOp, resp, nil, true)
		got, err := io.ReadAll(iotest.OneByteReader(s))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != "a,"+redacted+",b\n" {
			t.Errorf("cut at %d: got %d bytes, want %d: the credential replaced, the rest kept", cut, len(got), len("a,"+redacted+",b\n"))
		}
	}
}

// An upload whose outcome is unknown names its identifying fields, read
// from the form.
func TestUploadOutcomeUnknownNamesFormFields(t *testing.T) {
	op := uploadOp
	op.Path, op.IdentifyingFields = "/api/test/uploadIdentified", []string{"locationUuid", "file"}
	c, _ := contentServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
	}, WithOperations(op))
	_, err := upload[uploadResult](context.Background(), c, op.ID, op.Path, floorPlanParts(strings.NewReader("PNG")))
	var oe *OutcomeUnknownError
	if !errors.As(err, &oe) {
		t.Fatalf("got %v, want *OutcomeUnknownError", err)
	}
	if len(oe.Fields) != 1 || oe.Fields["locationUuid"] != string(someRUUID) {
		t.Errorf("Fields %v, want locationUuid alone (a file is not a field that identifies)", oe.Fields)
	}
}
