package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"sort"
	"strings"

	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

var callCmd = &command{
	name: "call", summary: "call any operation by its operationId with a JSON body",
	usage: callUsage, flags: func(fs *flag.FlagSet) { (&callFlags{}).register(fs) },
	run: runCall,
}

type callFlags struct {
	data       string
	files      fileFlags
	outputFile string
	all        bool
}

func (f *callFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.data, "data", "", "")
	fs.Var(&f.files, "file", "")
	fs.StringVar(&f.outputFile, "output-file", "", "")
	fs.BoolVar(&f.all, "all", false, "")
}

// runCall calls any operation of the spec, or of the whole API, by its
// operationId, with a JSON body: the same client, credentials, checks,
// retries, errors and exit codes as the hand-tuned commands.
func runCall(a *app, g *globals, args []string) error {
	var f callFlags
	fs := newFlagSet("call", g)
	f.register(fs)
	set, err := parseFlagSet(fs, args, true)
	if err != nil {
		return err
	}
	// The operationId may come before or after the flags.
	id := ""
	if fs.NArg() > 0 {
		id = fs.Arg(0)
		more, err := parseFlagSet(fs, fs.Args()[1:], false)
		if err != nil {
			return err
		}
		for k := range more {
			set[k] = true
		}
	}
	for k := range set {
		g.set[k] = true
	}
	if id == "" {
		return &usageError{msg: "which operation? give its operationId: rhombus call OPERATION_ID --data JSON (rhombus operations lists them)"}
	}
	op, whole, ok := findOperation(id)
	if !ok {
		if l, ok := findLeftOut(id); ok {
			return &usageError{msg: fmt.Sprintf("%s is %s %s, %s; rhombus call sends only POST requests with a JSON body, so it cannot call it", l.ID, l.Method, l.Path, leftOutWhy)}
		}
		msg := fmt.Sprintf("unknown operation %q", id)
		if near := nearestOperation(id, true); near != "" {
			msg += fmt.Sprintf("; did you mean %s?", near)
		}
		return &usageError{msg: msg + " rhombus operations lists the operations of openapi.yaml, rhombus operations --all the whole API's"}
	}
	body, ps := readData(a, f.data, set["data"])
	contentType := "application/json"
	if op.RequestContentType == "multipart/form-data" {
		if len(ps) == 0 {
			body, contentType, ps = buildForm(a, body, f.files)
		}
	} else if len(f.files) > 0 {
		ps = append(ps, problem{"--file", fmt.Sprintf("%s takes a JSON body (--data), not a form: --file is for uploads, whose request is multipart/form-data", id)})
	}
	if f.all && op.Pagination == nil {
		ps = append(ps, problem{"--all", fmt.Sprintf("%s does not answer in pages (it has no x-rhombus-pagination): call it without --all", id)})
	} else if f.all && f.outputFile != "" {
		ps = append(ps, problem{"--all", "writes to standard output; redirect it rather than give --output-file"})
	}
	if err := problems(append(g.validate(), ps...)...); err != nil {
		return err
	}
	var extra []rhombus.Option
	if whole {
		extra = append(extra, rhombus.WithOperations(op))
	}
	c, err := newClient(a, g, extra...)
	if err != nil {
		return err
	}
	a.baseURL = c.BaseURL()
	ctx, stop := a.interruptContext()
	defer stop()
	if f.all {
		return callAll(ctx, a, c, op, body)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.BaseURL()+op.Path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	// An export's CSV or zip is written as it came; a JSON answer printed.
	var out bytes.Buffer
	if op.ResponseContentType != "" && !isJSON(resp.Header.Get("Content-Type")) {
		out.Write(answer)
	} else if err := printAnswer(&out, g.output, answer); err != nil {
		return err
	}
	if f.outputFile == "" {
		_, err = a.stdout.Write(out.Bytes())
		return err
	}
	// Written only once the call succeeded: a failed call leaves no file.
	if err := os.WriteFile(f.outputFile, out.Bytes(), 0o644); err != nil {
		return fmt.Errorf("--output-file: %w", unwrapPathError(err))
	}
	return nil
}

func isJSON(contentType string) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// fileFlags are the --file FIELD=@PATH flags of an upload, in order.
type fileFlags []fileFlag

type fileFlag struct{ field, path string }

func (f *fileFlags) String() string { return "" }

func (f *fileFlags) Set(v string) error {
	field, path, ok := strings.Cut(v, "=@")
	if !ok || field == "" || path == "" {
		return errors.New("want FIELD=@PATH, for example file=@plan.png")
	}
	*f = append(*f, fileFlag{field: field, path: path})
	return nil
}

// buildForm makes the multipart/form-data body of an upload: each field of
// the --data object as a text field (a string as it is, another value as
// JSON text, null left out), then each --file, read whole and refused over
// rhombus.DefaultMaxUploadBytes.
func buildForm(a *app, data []byte, files fileFlags) ([]byte, string, []problem) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return nil, "", []problem{{"--data", describeJSON(err) + "; it must be a JSON object"}}
	}
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		raw := fields[k]
		if string(raw) == "null" {
			continue
		}
		var s string
		if json.Unmarshal(raw, &s) != nil {
			s = string(raw)
		}
		_ = w.WriteField(k, s)
	}
	var ps []problem
	for _, f := range files {
		content, err := readUpload(a, f.path)
		if err != nil {
			ps = append(ps, problem{"--file " + f.field, err.Error()})
			continue
		}
		name := filepath.Base(f.path)
		if f.path == "-" {
			name = f.field
		}
		ct := mime.TypeByExtension(filepath.Ext(name))
		if ct == "" {
			ct = "application/octet-stream"
		}
		h := make(textproto.MIMEHeader)
		h.Set("Content-Disposition", mime.FormatMediaType("form-data", map[string]string{"name": f.field, "filename": name}))
		h.Set("Content-Type", ct)
		pw, _ := w.CreatePart(h)
		_, _ = pw.Write(content)
	}
	_ = w.Close()
	return b.Bytes(), w.FormDataContentType(), ps
}

// readUpload reads a file to upload (- is standard input), at most
// rhombus.DefaultMaxUploadBytes.
func readUpload(a *app, path string) ([]byte, error) {
	var r io.Reader = a.stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %v", path, unwrapPathError(err))
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, rhombus.DefaultMaxUploadBytes+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %v", path, unwrapPathError(err))
	}
	if len(b) > rhombus.DefaultMaxUploadBytes {
		return nil, fmt.Errorf("%s is over the upload limit of %d bytes", path, rhombus.DefaultMaxUploadBytes)
	}
	return b, nil
}

// readData reads --data: JSON text, @FILE, or - for standard input; no
// --data sends {}. The body must be a JSON object, checked before sending.
func readData(a *app, data string, given bool) ([]byte, []problem) {
	if !given {
		return []byte("{}"), nil
	}
	b := []byte(data)
	if data == "-" || strings.HasPrefix(data, "@") {
		src := strings.TrimPrefix(data, "@")
		var err error
		if b, err = readPath(src, a.stdin); err != nil {
			return nil, []problem{{"--data", fmt.Sprintf("cannot read %s: %v", src, unwrapPathError(err))}}
		}
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, []problem{{"--data", describeJSON(err) + "; it must be a JSON object"}}
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, []problem{{"--data", "must be a JSON object, for example '{}'"}}
	}
	return b, nil
}

// printAnswer prints an operation's answer: indented JSON, or a table of its
// top-level fields with nested values as compact JSON.
func printAnswer(w io.Writer, format string, answer []byte) error {
	if format != "table" {
		var out bytes.Buffer
		if err := json.Indent(&out, answer, "", "  "); err != nil {
			return err
		}
		out.WriteByte('\n')
		_, err := w.Write(out.Bytes())
		return err
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(answer, &obj); err != nil {
		return err
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	rows := [][]string{{"FIELD", "VALUE"}}
	for _, k := range keys {
		v := obj[k]
		var s string
		if json.Unmarshal(v, &s) != nil {
			var buf bytes.Buffer
			if json.Compact(&buf, v) == nil {
				s = buf.String()
			} else {
				s = string(v)
			}
		}
		rows = append(rows, []string{k, s})
	}
	return table(w, rows)
}

// callAll walks every page of a paginated operation and writes each item
// as one compact JSON line, as it comes: a walk that fails part way has
// written the items before the failure, then returns its error.
func callAll(ctx context.Context, a *app, c *rhombus.Client, op rhombus.Operation, body []byte) error {
	var req map[string]json.RawMessage
	if err := json.Unmarshal(body, &req); err != nil || req == nil {
		return &usageError{msg: "--data: the request body must be a JSON object"}
	}
	w := bufio.NewWriter(a.stdout)
	var line bytes.Buffer
	for item, err := range rhombus.Items[json.RawMessage, map[string]json.RawMessage](ctx, c, op, req) {
		if err != nil {
			_ = w.Flush()
			return err
		}
		line.Reset()
		if err := json.Compact(&line, item); err != nil {
			_ = w.Flush()
			return err
		}
		line.WriteByte('\n')
		if _, err := w.Write(line.Bytes()); err != nil {
			return err
		}
	}
	return w.Flush()
}

const callUsage = `
  rhombus call OPERATION_ID [--data JSON|@FILE|-] [--file FIELD=@PATH]... [--output-file PATH] [--all]

Calls any operation of openapi.yaml, or of the whole Rhombus API, by its
operationId (rhombus operations lists them), with the same credentials,
checks, retries, errors and exit status as the other commands. Every RUUID
of the body is checked before sending. An operation of the whole API that
openapi.yaml does not carry is treated as a write: never resent once it may
have reached the server.

  --data JSON   the request body, a JSON object (default {}); @FILE reads a
                file, - reads standard input. For an upload (a multipart
                form) its fields are the form's text fields
  --file FIELD=@PATH
                for an upload: send the file at PATH (- reads standard
                input) as the form's field FIELD, for example file=@plan.png;
                repeatable. The form is at most 64 MiB
  --output-file PATH
                write the answer to PATH instead of standard output. An
                export's answer (CSV, zip) is written as it came, not as JSON
  --all         for an operation that answers in pages (x-rhombus-pagination):
                walk every page, following its cursor, and write each item of
                its list as one JSON object per line (NDJSON), as it comes
`
