package rhombus

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"sort"
	"strconv"
	"strings"
)

// Operations that do not speak JSON: an upload sends a multipart/form-data
// form, an export answers text/csv or application/zip. Their typed methods
// (generated like the others) take a form struct whose files are [File]s,
// and return a [Stream]. Everything else is as for JSON: credentials, the
// rate limiter, the retry rules, the caps, the scrub and the error model.

// DefaultMaxUploadBytes caps the multipart body of an upload, files and
// fields together. The body is built in memory before it is sent, so that
// a 429 (and a 5xx, for an upload the spec declares a read) can send it
// again: a reader can be read only once. A larger upload is refused before
// anything is sent.
const DefaultMaxUploadBytes = 64 << 20

// File is a file of an upload's form.
type File struct {
	Name        string    // the file name sent to the server, for example plan.png
	Body        io.Reader // the content, read once, up to DefaultMaxUploadBytes
	ContentType string    // its media type; empty: application/octet-stream
}

// formPart is one field of a form: text, or a file.
type formPart struct {
	name     string
	value    string
	set      bool // a text value to send (an empty string is sent when set)
	file     *File
	required bool
	ruuid    bool // the value is a RUUID, checked before sending
}

// textField is a text field, sent when set.
func textField(name, value string, set, required bool) formPart {
	return formPart{name: name, value: value, set: set, required: required}
}

// intField, boolField and numberField are optional form fields of those types.
func intField(name string, v *int64, required bool) formPart {
	if v == nil {
		return formPart{name: name, required: required}
	}
	return textField(name, strconv.FormatInt(*v, 10), true, required)
}

func boolField(name string, v *bool, required bool) formPart {
	if v == nil {
		return formPart{name: name, required: required}
	}
	return textField(name, strconv.FormatBool(*v), true, required)
}

func numberField(name string, v *float64, required bool) formPart {
	if v == nil {
		return formPart{name: name, required: required}
	}
	return textField(name, strconv.FormatFloat(*v, 'g', -1, 64), true, required)
}

// fileField is a file of the form; a File without a Body is not sent.
func fileField(name string, f File, required bool) formPart {
	return formPart{name: name, file: &f, required: required}
}

// filesField is several files under one name.
func filesField(name string, fs []File, required bool) []formPart {
	if len(fs) == 0 {
		return []formPart{{name: name, file: &File{}, required: required}}
	}
	out := make([]formPart, len(fs))
	for i := range fs {
		out[i] = formPart{name: name, file: &fs[i], required: required}
	}
	return out
}

// ruuidField is a RUUID sent as text, checked before sending.
func ruuidField(name string, r RUUID, required bool) formPart {
	return formPart{name: name, value: string(r), set: r != "", required: required, ruuid: true}
}

// extraFields are the form's other text fields, in name order.
func extraFields(m map[string]string) []formPart {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	out := make([]formPart, 0, len(names))
	for _, k := range names {
		out = append(out, textField(k, m[k], true, false))
	}
	return out
}

// encodeForm writes the form as multipart/form-data, refusing a field that
// is required and missing, a file without a name, and a body over max: each
// error names the field and the rule.
func encodeForm(op string, parts []formPart, max int64, redact func(string) string) (body []byte, contentType string, err error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	seen := map[string]bool{}
	for _, p := range parts {
		if p.name == "" {
			return nil, "", &ValidationError{Operation: op, Field: "(form)", Err: errors.New("a form field needs a name")}
		}
		if seen[p.name] && p.file == nil {
			return nil, "", &ValidationError{Operation: op, Field: p.name, Err: errors.New("the field is given twice (a declared field and one of Fields)")}
		}
		seen[p.name] = true
		if p.file != nil {
			if p.file.Body == nil {
				if p.required {
					return nil, "", &ValidationError{Operation: op, Field: p.name, Err: errors.New("the file is required: set its Body")}
				}
				continue
			}
			if p.file.Name == "" {
				return nil, "", &ValidationError{Operation: op, Field: p.name, Err: errors.New("a file needs a Name (the file name sent to the server)")}
			}
			ct := p.file.ContentType
			if ct == "" {
				ct = "application/octet-stream"
			} else if _, _, err := mime.ParseMediaType(ct); err != nil {
				return nil, "", &ValidationError{Operation: op, Field: p.name, Err: fmt.Errorf("ContentType %q is not a media type: %v", ct, err)}
			}
			h := make(textproto.MIMEHeader)
			h.Set("Content-Disposition", mime.FormatMediaType("form-data", map[string]string{"name": p.name, "filename": p.file.Name}))
			h.Set("Content-Type", ct)
			fw, err := w.CreatePart(h)
			if err != nil {
				return nil, "", &RequestError{Operation: op, Err: err}
			}
			// Read one byte past the room left, to tell a body that fits
			// from one that does not without reading the rest.
			room := max - int64(buf.Len())
			n, err := io.Copy(fw, io.LimitReader(p.file.Body, room+1))
			if err != nil {
				return nil, "", &RequestError{Operation: op, Err: fmt.Errorf("reading the file of field %s: %w", p.name, err)}
			}
			if n > room {
				return nil, "", &ValidationError{Operation: op, Field: p.name, Err: fmt.Errorf("the upload is over its limit of %d bytes (DefaultMaxUploadBytes): it is built in memory so that it can be resent", max)}
			}
			continue
		}
		if !p.set {
			if p.required {
				return nil, "", &ValidationError{Operation: op, Field: p.name, Err: errors.New("the field is required")}
			}
			continue
		}
		if p.ruuid {
			if err := checkRUUID(op, RUUID(p.value), p.name, redact); err != nil {
				return nil, "", err
			}
		}
		if err := w.WriteField(p.name, p.value); err != nil {
			return nil, "", &RequestError{Operation: op, Err: err}
		}
	}
	if err := w.Close(); err != nil {
		return nil, "", &RequestError{Operation: op, Err: err}
	}
	if int64(buf.Len()) > max {
		return nil, "", &ValidationError{Operation: op, Field: "(form)", Err: fmt.Errorf("the upload is over its limit of %d bytes (DefaultMaxUploadBytes)", max)}
	}
	return buf.Bytes(), w.FormDataContentType(), nil
}

// upload is call for an operation whose request is a multipart form: it
// checks and builds the form, then sends it through Client.Do's machinery
// and decodes the 200 answer into Result. The body is sent from memory, so
// the retry rules are those of any operation: a write (an upload, unless
// the spec declares it a read) is not resent once it may have arrived.
func upload[Result any](ctx context.Context, c *Client, op, path string, parts []formPart, params ...requestParams) (*Result, error) {
	if ctx == nil {
		return nil, &RequestError{Operation: op, Err: errNilContext}
	}
	payload, ct, err := encodeForm(op, parts, DefaultMaxUploadBytes, c.scrub)
	if err != nil {
		return nil, c.scrubError(err)
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, c.prefix+path, nil)
	if err != nil {
		return nil, &RequestError{Operation: op, Err: c.scrubErr(err)}
	}
	r.Header.Set("Content-Type", ct)
	if err := applyParams(r, params); err != nil {
		return nil, &RequestError{Operation: op, Err: c.scrubErr(err)}
	}
	out := new(Result)
	resp, err := c.send(r, payload, out)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	return out, nil
}

// download is call for an operation whose 200 answer is not JSON (a CSV or
// zip export): the JSON request is checked and sent as for any operation,
// and the answer comes back as a Stream to read.
func download[Req any](ctx context.Context, c *Client, op, path string, req Req, params ...requestParams) (*Stream, error) {
	if ctx == nil {
		return nil, &RequestError{Operation: op, Err: errNilContext}
	}
	// The RUUIDs are checked in the JSON sent (see send).
	payload, err := json.Marshal(&req)
	if err != nil {
		return nil, &RequestError{Operation: op, Err: c.scrubErr(err)}
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, c.prefix+path, nil)
	if err != nil {
		return nil, &RequestError{Operation: op, Err: c.scrubErr(err)}
	}
	r.Header["Content-Type"] = jsonContentType
	if err := applyParams(r, params); err != nil {
		return nil, &RequestError{Operation: op, Err: c.scrubErr(err)}
	}
	s := &Stream{}
	if _, err := c.send(r, payload, s); err != nil {
		return nil, err
	}
	return s, nil
}

// Stream is an answer that is not JSON (a CSV or zip export), read as the
// caller reads it: close it when done. It is scrubbed of the client's
// credentials as it is read (a secret split across two reads included),
// and its size is capped like any answer (the operation's
// x-rhombus-max-response-bytes, WithMaxResponseBytes, else
// DefaultMaxResponseBytes): a Read past the cap fails with a *DecodeError
// (ErrDecode). A connection that breaks off fails a Read with a
// *RequestError. The call's context and AttemptTimeout (and the retry
// policy's Budget) bound the reading too: a large export may need a
// longer AttemptTimeout.
//
// The answer is resent only before it is returned (a 429, or a 5xx of an
// operation that reads): once the Stream is the caller's, a failure is
// the caller's to act on.
type Stream struct {
	// ContentType is the answer's Content-Type, for example
	// "text/csv; charset=UTF-8" or "application/zip".
	ContentType string
	// Header is the answer's header, scrubbed.
	Header http.Header

	op      string
	c       *Client
	resp    *http.Response
	body    io.ReadCloser // closing it ends the attempt's context too
	limit   int64
	from    string
	read    int64 // bytes read from the connection
	pending []byte
	out     []byte // scrubbed bytes not yet handed out
	spare   []byte // the buffer out is in, reused
	window  int    // the longest secret less one: bytes held back
	secrets []string
	err     error
	closed  bool
}

// open hands the answer to s: unread when raw, else body, the JSON answer
// read (capped and scrubbed) already.
func (s *Stream) open(c *Client, op Operation, resp *http.Response, body []byte, raw bool) {
	s.op, s.c, s.resp = op.ID, c, resp
	s.ContentType = resp.Header.Get("Content-Type")
	s.Header = resp.Header
	if !raw {
		s.out, s.err = body, io.EOF
		return
	}
	s.body = resp.Body
	s.limit, s.from = c.bodyLimit(op)
	s.secrets = c.secrets()
	for _, sec := range s.secrets {
		s.window = max(s.window, len(sec)-1)
	}
}

// Read reads the answer, scrubbed.
func (s *Stream) Read(p []byte) (int, error) {
	if s.closed {
		return 0, fmt.Errorf("rhombus: %s: read of a closed Stream", s.op)
	}
	for len(s.out) == 0 && s.err == nil {
		s.fill(len(p))
	}
	if len(s.out) > 0 {
		n := copy(p, s.out)
		s.out = s.out[n:]
		return n, nil
	}
	return 0, s.err
}

// fill reads the next chunk from the connection, scrubs what is pending,
// and hands out all but the last window bytes, which may start a secret
// that the next chunk completes. Its two buffers are reused, so reading
// allocates nothing per chunk.
func (s *Stream) fill(want int) {
	want = min(max(want, 4<<10), 256<<10)
	start := len(s.pending)
	if cap(s.pending)-start < want {
		grown := make([]byte, start, start+want)
		copy(grown, s.pending)
		s.pending = grown
	}
	n, err := s.body.Read(s.pending[start : start+want])
	s.pending = s.pending[:start+n]
	s.read += int64(n)
	if s.read > s.limit {
		s.fail(s.c.scrubError(s.c.decodeError(s.op, s.resp, s.pending, &tooLargeError{limit: s.limit, from: s.from})))
		return
	}
	if err != nil && err != io.EOF {
		s.fail(s.c.scrubError(&RequestError{Operation: s.op, Err: fmt.Errorf("reading the answer: %w", err)}))
		return
	}
	clean, _ := replaceSecrets(s.pending, s.secrets)
	if err == io.EOF {
		s.out, s.pending, s.err = clean, nil, io.EOF
		s.release()
		return
	}
	keep := min(s.window, len(clean))
	s.spare = append(s.spare[:0], clean[:len(clean)-keep]...)
	s.out = s.spare
	// copy, not append, moves the tail: it may overlap the front.
	s.pending = s.pending[:copy(s.pending[:cap(s.pending)], clean[len(clean)-keep:])]
}

// fail ends the stream with err; what is pending is not handed out, since
// it may hold the start of a secret.
func (s *Stream) fail(err error) {
	s.err, s.pending, s.out = err, nil, nil
	s.release()
}

func (s *Stream) release() {
	if s.body != nil {
		s.body.Close()
		s.body = nil
	}
}

// Close ends the stream and frees its connection.
func (s *Stream) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	s.release()
	return nil
}

// formIdentifying picks the operation's identifying fields out of a
// multipart form: the text fields (a file is never one), each read up to
// 1 KiB.
func formIdentifying(op Operation, payload []byte) map[string]string {
	line, _, _ := bytes.Cut(payload, []byte("\r\n"))
	boundary, ok := bytes.CutPrefix(line, []byte("--"))
	if !ok {
		return nil
	}
	want := map[string]bool{}
	for _, f := range op.IdentifyingFields {
		want[f] = true
	}
	out := map[string]string{}
	r := multipart.NewReader(bytes.NewReader(payload), string(boundary))
	for {
		p, err := r.NextPart()
		if err != nil {
			break
		}
		if want[p.FormName()] && p.FileName() == "" {
			b, _ := io.ReadAll(io.LimitReader(p, 1<<10))
			out[p.FormName()] = string(b)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// rawAnswer reports an answer the client does not read as JSON: a 200 of
// an operation whose answer is another content type (ResponseContentType),
// unless the server sent JSON after all, which is read as JSON so that an
// error envelope is still an error.
func rawAnswer(op Operation, resp *http.Response) bool {
	if streamed(resp) {
		return true // a JSON answer read item by item (stream.go)
	}
	if op.ResponseContentType == "" || resp == nil || resp.StatusCode != http.StatusOK {
		return false
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	return mt != "application/json" && !strings.HasSuffix(mt, "+json")
}

// cancelOnClose ends an attempt's context when the answer is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
