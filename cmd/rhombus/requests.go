package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// A typed command's request is built from text in one place (deviceInput,
// userInput), whether the text comes from flags or from a CSV row, so both
// are checked by the same rules. Fields are named by their JSON names;
// namer turns a name into what the operator typed (a flag or a column) for
// messages. What follows is shared by every typed command.

type namer func(field string) string

func jsonField(name string) string { return name + " (in --cli-input-json)" }

// readInputJSON reads the request body of --cli-input-json (a file, or -
// for standard input) into v. Unknown fields are refused: a misspelt field
// would otherwise be dropped without a word.
func readInputJSON(path string, stdin io.Reader, v any) []problem {
	field := "--cli-input-json"
	b, err := readPath(path, stdin)
	if err != nil {
		return []problem{{field, fmt.Sprintf("cannot read %s: %v", path, unwrapPathError(err))}}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return []problem{{field, fmt.Sprintf("%s: %s", path, describeJSON(err))}}
	}
	if _, err := dec.Token(); err != io.EOF {
		return []problem{{field, fmt.Sprintf("%s: unexpected data after the JSON object", path)}}
	}
	return nil
}

// readPath reads a file, or standard input for "-".
func readPath(path string, stdin io.Reader) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(stdin)
	}
	return os.ReadFile(path)
}

func describeJSON(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("not valid JSON at byte %d: %v", syn.Offset, err)
	case errors.As(err, &typ) && typ.Field != "":
		return fmt.Sprintf("field %s: expected %s, got JSON %s", typ.Field, typ.Type, typ.Value)
	case errors.Is(err, io.EOF):
		return "empty file; expected the request body as a JSON object"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "not valid JSON: the text ends before the object does"
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if strings.HasPrefix(msg, "unknown field") {
		msg += " (not a field of the request)"
	}
	return msg
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// flagNamer names a request field by its flag.
func flagNamer(names map[string]string) namer {
	return func(field string) string {
		if n, ok := names[field]; ok {
			return n
		}
		return field
	}
}

// fromFlag reports whether a flag set the request field.
func fromFlag(names map[string]string, set map[string]bool) func(string) bool {
	return func(field string) bool {
		n, ok := names[field]
		return ok && set[n[2:]]
	}
}

// parseCommand parses a single-call command's flags and checks them with
// the global ones, so a bad value anywhere stops it before any request.
func parseCommand(c string, g *globals, args []string, register func(*flag.FlagSet)) (map[string]bool, error) {
	fs := newFlagSet(c, g)
	register(fs)
	return parseFlags(fs, args, g)
}

// runOne is what every single-call command does: parse its flags, check
// them all before anything is sent, build the client, make the one call
// (stopped by Ctrl-C), and print the answer.
func runOne[Req, Resp any](a *app, g *globals, args []string, name string,
	register func(*flag.FlagSet),
	request func(*app, map[string]bool) (Req, []problem),
	call func(*rhombus.Client, context.Context, Req) (Resp, error),
	print func(Req, Resp) error,
) error {
	set, err := parseCommand(name, g, args, register)
	if err != nil {
		return err
	}
	req, ps := request(a, set)
	if err := problems(append(g.validate(), ps...)...); err != nil {
		return err
	}
	c, err := newClient(a, g)
	if err != nil {
		return err
	}
	a.baseURL = c.BaseURL()
	ctx, stop := a.interruptContext()
	defer stop()
	resp, err := call(c, ctx, req)
	if err != nil {
		return err
	}
	return print(req, resp)
}
