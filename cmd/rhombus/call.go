package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
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

type callFlags struct{ data string }

func (f *callFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.data, "data", "", "")
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
		return &usageError{msg: fmt.Sprintf("unknown operation %q: rhombus operations lists the operations of openapi.yaml, rhombus operations --all the whole API's", id)}
	}
	body, ps := readData(a, f.data, set["data"])
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
	ctx, stop := signalContext()
	defer stop()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.BaseURL()+op.Path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	return printAnswer(a.stdout, g.output, answer)
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
	sort.Slice(ops, func(i, j int) bool { return ops[i].ID < ops[j].ID })
	type row struct {
		OperationID string `json:"operationId"`
		Path        string `json:"path"`
		Resent      bool   `json:"resent"`
	}
	rows := make([]row, len(ops))
	for i, o := range ops {
		rows[i] = row{o.ID, o.Path, o.Idempotent}
	}
	if g.output == "json" {
		return printJSON(a.stdout, rows)
	}
	t := [][]string{{"OPERATION", "PATH", "RESENT AFTER A FAILURE"}}
	for _, r := range rows {
		resent := "no (a write)"
		if r.Resent {
			resent = "yes (a read)"
		}
		t = append(t, []string{r.OperationID, r.Path, resent})
	}
	return table(a.stdout, t)
}
