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

	"github.com/rhombuskit/rhombus-go/fullapi/fullops"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// findOperation looks an operationId up in openapi.yaml's table, then in
// the whole API's; whole says which one it came from.
func findOperation(id string) (op rhombus.Operation, whole bool, ok bool) {
	for _, o := range rhombus.Operations() {
		if o.ID == id {
			return o, false, true
		}
	}
	for _, o := range fullops.Operations {
		if o.ID == id {
			return o, true, true
		}
	}
	return rhombus.Operation{}, false, false
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

type operationsFlags struct{ all bool }

func (f *operationsFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&f.all, "all", false, "")
}

// runOperations lists the operations rhombus call can call.
func runOperations(a *app, g *globals, args []string) error {
	var f operationsFlags
	fs := newFlagSet("operations", g)
	f.register(fs)
	if _, err := parseFlags(fs, args, g); err != nil {
		return err
	}
	if err := problems(g.validate()...); err != nil {
		return err
	}
	ops := rhombus.Operations()
	if f.all {
		seen := map[string]bool{}
		for _, o := range ops {
			seen[o.Path] = true
		}
		for _, o := range fullops.Operations {
			if !seen[o.Path] {
				ops = append(ops, o)
			}
		}
	}
	type row struct {
		OperationID string `json:"operationId"`
		Path        string `json:"path"`
		Resent      bool   `json:"resent"`
		// NotCallable says why rhombus call cannot call the operation;
		// such an operation is listed all the same, so the count is the API's.
		NotCallable string `json:"notCallable,omitempty"`
	}
	rows := make([]row, 0, len(ops)+len(fullops.OperationsLeftOut))
	for _, o := range ops {
		rows = append(rows, row{OperationID: o.ID, Path: o.Path, Resent: o.Idempotent})
	}
	if f.all {
		for _, l := range fullops.OperationsLeftOut {
			rows = append(rows, row{OperationID: l.ID, Path: l.Path, NotCallable: l.Method + ", not a POST: " + leftOutWhy})
		}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].OperationID < rows[j].OperationID })
	if f.all {
		// On stderr, so that stdout stays the list a script reads.
		fmt.Fprintf(a.stderr, "%d operations of the whole Rhombus API", len(rows))
		for _, l := range fullops.OperationsLeftOut {
			fmt.Fprintf(a.stderr, "; rhombus call cannot call %s (%s %s, not a POST: %s)", l.ID, l.Method, l.Path, leftOutWhy)
		}
		fmt.Fprintln(a.stderr)
	}
	if g.output == "json" {
		return printJSON(a.stdout, rows)
	}
	t := [][]string{{"OPERATION", "PATH", "RESENT AFTER A FAILURE"}}
	for _, r := range rows {
		resent := "no (a write)"
		switch {
		case r.NotCallable != "":
			resent = "- (" + r.NotCallable + ")"
		case r.Resent:
			resent = "yes (a read)"
		}
		t = append(t, []string{r.OperationID, r.Path, resent})
	}
	return table(a.stdout, t)
}

// leftOutWhy says what the operations that are not POST are: the only one,
// authorize, is the step of the OAuth flow where a user, in a browser,
// grants an application access (query parameters, not a JSON body).
const leftOutWhy = "the browser's step of the OAuth flow"

// findLeftOut looks an operationId up among the operations of the whole API
// that call cannot call.
func findLeftOut(id string) (fullops.LeftOut, bool) {
	for _, l := range fullops.OperationsLeftOut {
		if l.ID == id {
			return l, true
		}
	}
	return fullops.LeftOut{}, false
}

// nearestOperation is the known operationId closest to id by edit distance
// (ignoring case), if one is close enough to be a likely typo: getLocation
// for getLocations. whole says to look in the whole API too, not only in
// openapi.yaml.
func nearestOperation(id string, whole bool) string {
	ids := []string{}
	for _, o := range rhombus.Operations() {
		ids = append(ids, o.ID)
	}
	if whole {
		for _, o := range fullops.Operations {
			ids = append(ids, o.ID)
		}
	}
	sort.Strings(ids)
	best, bestD := "", 0
	low := strings.ToLower(id)
	for _, c := range ids {
		if c == id {
			continue
		}
		d := editDistance(low, strings.ToLower(c))
		if best == "" || d < bestD {
			best, bestD = c, d
		}
	}
	// A third of the name may differ: beyond that a suggestion is noise.
	if best == "" || bestD > max(2, len(id)/3) {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes (the
// operationIds are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
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
