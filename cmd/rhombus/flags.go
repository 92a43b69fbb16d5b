package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// errHelp asks for a command's usage (-h, --help, rhombus help CMD).
var errHelp = errors.New("help requested")

// problem is one broken rule of one input field: a flag, a JSON field of
// --cli-input-json, or a CSV column.
type problem struct {
	field string // "--org-uuid", "orgUuid (--cli-input-json)", "wifiPsk"
	rule  string
}

func (p problem) String() string { return p.field + ": " + p.rule }

// usageError is bad input: it exits 2 and nothing has been sent.
type usageError struct {
	msg      string
	problems []problem
}

func (e *usageError) Error() string {
	if len(e.problems) == 0 {
		return e.msg
	}
	parts := make([]string, len(e.problems))
	for i, p := range e.problems {
		parts[i] = p.String()
	}
	return strings.Join(parts, "; ")
}

// print writes one line per problem, each naming the command, the field and
// the rule, then where to find the usage.
func (e *usageError) print(w io.Writer, cmd string) {
	prefix := "rhombus: "
	if cmd != "" {
		prefix += cmd + ": "
	}
	if e.msg != "" {
		fmt.Fprintln(w, prefix+e.msg)
	}
	for _, p := range e.problems {
		fmt.Fprintln(w, prefix+p.String())
	}
	if cmd != "" {
		fmt.Fprintf(w, "Run 'rhombus help %s' for usage.\n", cmd)
	} else {
		fmt.Fprintln(w, "Run 'rhombus help' for usage.")
	}
}

func problems(ps ...problem) error {
	if len(ps) == 0 {
		return nil
	}
	return &usageError{problems: ps}
}

// globals are the flags every command accepts, before or after its name.
type globals struct {
	profile    string
	apiKey     string
	endpoint   string
	region     string
	partnerOrg string
	partner    bool
	output     string
	verbose    bool
	limitURL   string          // a Redis URL: share the rate limit across processes
	limitKey   string          // the name of the shared bucket
	set        map[string]bool // the global flags given explicitly
}

func newGlobals() *globals { return &globals{output: "json", set: map[string]bool{}} }

func (g *globals) register(fs *flag.FlagSet) {
	fs.StringVar(&g.profile, "profile", g.profile, "")
	fs.StringVar(&g.apiKey, "api-key", g.apiKey, "")
	fs.StringVar(&g.endpoint, "endpoint-url", g.endpoint, "")
	fs.StringVar(&g.region, "region", g.region, "")
	fs.StringVar(&g.partnerOrg, "partner-org", g.partnerOrg, "")
	fs.BoolVar(&g.partner, "partner", g.partner, "")
	fs.StringVar(&g.output, "output", g.output, "")
	fs.BoolVar(&g.verbose, "verbose", g.verbose, "")
	fs.StringVar(&g.limitURL, "limit-url", g.limitURL, "")
	fs.StringVar(&g.limitKey, "limit-key", g.limitKey, "")
}

// globalFlagNames lists the global flags, for the usage text and its test.
func globalFlagNames() []string {
	fs := flag.NewFlagSet("", flag.ContinueOnError)
	newGlobals().register(fs)
	return flagNames(fs)
}

// parseLeading parses the global flags before the command name and returns
// the name and the arguments after it.
func (g *globals) parseLeading(args []string) (string, []string, error) {
	fs := newFlagSet("rhombus", g)
	set, err := parseFlagSet(fs, args, true)
	if err != nil {
		if !errors.Is(err, errHelp) && strings.Contains(err.Error(), "unknown flag") {
			err = &usageError{msg: err.Error() + " (a command's own flags go after the command name)"}
		}
		return "", nil, err
	}
	for k := range set {
		g.set[k] = true
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return "", nil, nil
	}
	if rest[0] == "help" {
		if len(rest) > 1 {
			if c := findCommand(rest[1]); c != nil {
				return c.name, []string{"-h"}, nil
			}
			return "", nil, &usageError{msg: fmt.Sprintf("help: unknown command %q", rest[1])}
		}
		return "", nil, errHelp
	}
	return rest[0], rest[1:], nil
}

// validate checks the global flags' values; it sends nothing.
func (g *globals) validate() []problem {
	var ps []problem
	switch g.output {
	case "json", "table":
	default:
		ps = append(ps, problem{"--output", fmt.Sprintf("must be json or table, got %q", g.output)})
	}
	if g.region != "" {
		if _, err := parseRegion(g.region); err != nil {
			ps = append(ps, problem{"--region", err.Error()})
		}
	}
	if g.region != "" && g.endpoint != "" {
		ps = append(ps, problem{"--region", "give --region or --endpoint-url, not both"})
	}
	if g.set["endpoint-url"] && g.endpoint == "" {
		ps = append(ps, problem{"--endpoint-url", "must not be empty"})
	}
	if g.set["api-key"] && strings.TrimSpace(g.apiKey) == "" {
		ps = append(ps, problem{"--api-key", "must not be empty"})
	}
	if g.set["profile"] && g.profile == "" {
		ps = append(ps, problem{"--profile", "must not be empty"})
	}
	if g.partnerOrg != "" || g.set["partner-org"] {
		if p := checkRUUID("--partner-org", g.partnerOrg); p != nil {
			ps = append(ps, *p)
		}
	}
	return ps
}

// newFlagSet returns a flag set for a command with the global flags
// registered, so they are accepted after the command name too. It prints
// nothing: the command prints its own errors and usage.
func newFlagSet(name string, g *globals) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	if g != nil {
		g.register(fs)
	}
	return fs
}

// parseFlags parses a command's arguments and returns the flags given
// explicitly, which override the fields of --cli-input-json. It records the
// global flags given after the command in g.
func parseFlags(fs *flag.FlagSet, args []string, g *globals) (map[string]bool, error) {
	set, err := parseFlagSet(fs, args, false)
	if err != nil {
		return nil, err
	}
	for k := range set {
		g.set[k] = true
	}
	return set, nil
}

func parseFlagSet(fs *flag.FlagSet, args []string, allowArgs bool) (map[string]bool, error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, errHelp
		}
		return nil, &usageError{msg: flagErrorText(err)}
	}
	if !allowArgs && fs.NArg() > 0 {
		return nil, &usageError{msg: fmt.Sprintf("unexpected argument %q (every value is given with a flag)", fs.Arg(0))}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set, nil
}

// flagErrorText rewrites the flag package's messages, which name flags with
// one dash, in this command's spelling.
func flagErrorText(err error) string {
	msg := err.Error()
	for _, r := range []struct{ from, to string }{
		{"flag provided but not defined: -", "unknown flag --"},
		{"flag needs an argument: -", "a value is missing after --"},
		{" for -", " for --"},
		{" for flag -", " for flag --"},
	} {
		msg = strings.Replace(msg, r.from, r.to, 1)
	}
	return msg
}

func flagNames(fs *flag.FlagSet) []string {
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	return names
}

// stringList is a repeatable flag.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// optBool is a boolean flag that remembers whether it was given, so an
// absent flag leaves the field unset (null) instead of sending false. Its
// value is checked later, with the other fields.
type optBool struct{ raw *string }

func (b *optBool) String() string {
	if b == nil || b.raw == nil {
		return ""
	}
	return *b.raw
}

func (b *optBool) Set(v string) error {
	b.raw = &v
	return nil
}

// IsBoolFlag lets the flag be given without a value (--bypass-saml means true).
func (b *optBool) IsBoolFlag() bool { return true }

// optString is a string flag that remembers whether it was given.
type optString struct{ raw *string }

func (s *optString) String() string {
	if s == nil || s.raw == nil {
		return ""
	}
	return *s.raw
}

func (s *optString) Set(v string) error {
	s.raw = &v
	return nil
}
