// Command upstream replaces the vendor's pinned document
// (upstream/openapi.json) by a new version of it, saying first what changed
// for the operations of openapi.yaml; `make upstream DOC=path [ACCEPT=1]`
// runs it.
//
//	go run ./internal/cmd/upstream -doc path/to/openapi.json [-accept] [-source "RhombusSystems/rhombus-cli, commit abc123"]
//
// It loads the new document after the repairs package upstream makes (each
// listed), compares it with the pin using oasdiff (a tool of the tools
// module, run as `go tool -modfile=tools/go.mod oasdiff changelog` and read
// in JSON), and reports every change to an operation of openapi.yaml,
// breaking or additive, and a summary for the rest of the document. A
// breaking change to an operation of openapi.yaml stops it unless -accept;
// an operation of openapi.yaml that the new document lacks stops it even
// then, as it is never dropped silently. Otherwise it re-pins the document
// with its provenance (upstream/README.md: source, date, sha256),
// re-imports the imported operations keeping their decisions, runs
// go generate and the conformance test. Given the pinned document itself it
// reports no change and writes nothing, so running it twice is running it
// once.
//
// Exit status: 0 updated, or nothing to update; 1 stopped by a breaking
// change or a disappeared operation, nothing written; 2 anything else (the
// document does not load, a step failed).
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// The exit statuses.
const (
	exitOK       = 0
	exitBreaking = 1
	exitFailed   = 2
)

// config is one run: what to compare, where, and where to say it.
type config struct {
	root   string // the module root: upstream/, openapi.yaml, tools/go.mod
	doc    string // the new document
	source string // where it came from, for the provenance; doc if empty
	accept bool   // update despite breaking changes
	today  string // the date the provenance records, YYYY-MM-DD
	out    io.Writer
}

func main() {
	c := config{root: ".", out: os.Stdout, today: time.Now().UTC().Format(time.DateOnly)}
	flag.StringVar(&c.doc, "doc", "", "the new version of the vendor's document (JSON)")
	flag.StringVar(&c.source, "source", "", `where it comes from, recorded in upstream/README.md (default: the -doc path), e.g. "RhombusSystems/rhombus-cli, commit abc123"`)
	flag.BoolVar(&c.accept, "accept", false, "update even though operations of openapi.yaml have breaking changes")
	flag.Parse()
	os.Exit(run(c))
}

// run compares, reports, and updates when it may; it returns the exit
// status.
func run(c config) int {
	if c.doc == "" {
		fmt.Fprintln(c.out, "upstream: name the new document: make upstream DOC=path/to/openapi.json")
		return exitFailed
	}
	if strings.ContainsAny(c.source, "|\n\r") {
		fmt.Fprintln(c.out, "upstream: SOURCE is one line without |: it is a cell of the table in upstream/README.md")
		return exitFailed
	}
	r, err := compare(c)
	if err != nil {
		fmt.Fprintln(c.out, "upstream:", err)
		return exitFailed
	}
	r.write(c.out)

	if gone := r.gone(); len(gone) > 0 {
		fmt.Fprintf(c.out, "\nstopped: %s in openapi.yaml but not in the new document. An operation is never dropped silently, with ACCEPT=1 neither: "+
			"remove it from openapi.yaml first (an imported one: make unimport OPS=\"%s\"; a hand-written one by hand), then run again. Nothing was written.\n",
			joinOr(gone, "is", "are"), spaced(r.goneImported()))
		return exitBreaking
	}
	if broken := r.broken(); len(broken) > 0 {
		if !c.accept {
			fmt.Fprintf(c.out, "\nstopped: breaking changes to %s. Nothing was written; "+
				"make upstream DOC=%s ACCEPT=1 updates anyway (then fix what uses them).\n", comma(broken), c.doc)
			return exitBreaking
		}
		fmt.Fprintf(c.out, "\nACCEPT=1: updating despite breaking changes to %s.\n", comma(broken))
	}
	if r.samePin {
		fmt.Fprintln(c.out, "\nthe new document is the pinned one: nothing to update.")
		return exitOK
	}
	if err := update(c, r); err != nil {
		fmt.Fprintln(c.out, "upstream:", err)
		return exitFailed
	}
	fmt.Fprintln(c.out, "\nupdated: review git diff, run make check, and commit upstream/, openapi.yaml and the generated files together.")
	return exitOK
}
