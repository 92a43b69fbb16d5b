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
// change or a disappeared operation, nothing written; 2 anything else (a
// usage error, the document cannot be read or does not load, a step of the
// update failed). `go run` reports each of 1 and 2 as 1, so a script that
// tells them apart builds the command and runs it from the module root, as
// the Makefile does:
//
//	go build -o /tmp/upstream ./internal/cmd/upstream && /tmp/upstream -doc path/to/openapi.json
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
	root   string   // the module root: upstream/, openapi.yaml, tools/go.mod
	doc    string   // the new document
	source string   // where it came from, for the provenance; doc if empty
	accept bool     // update despite breaking changes
	args   []string // what follows the flags: nothing, or a mistake
	today  string   // the date the provenance records, YYYY-MM-DD
	out    io.Writer
}

func main() {
	c := config{root: ".", out: os.Stdout, today: time.Now().UTC().Format(time.DateOnly)}
	flag.StringVar(&c.doc, "doc", "", "the new version of the vendor's document (JSON)")
	flag.StringVar(&c.source, "source", "", `where it comes from, recorded in upstream/README.md (default: the -doc path), e.g. "RhombusSystems/rhombus-cli, commit abc123"`)
	flag.BoolVar(&c.accept, "accept", false, "update even though operations of openapi.yaml have breaking changes")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: make upstream DOC=path/to/openapi.json [ACCEPT=1] [SOURCE=...]\n   or: upstream -doc path/to/openapi.json [-accept] [-source ...], in the module root")
		flag.PrintDefaults()
	}
	flag.Parse()
	c.args = flag.Args()
	os.Exit(run(c))
}

// run compares, reports, and updates when it may; it returns the exit
// status.
func run(c config) int {
	if len(c.args) > 0 {
		fmt.Fprintf(c.out, "upstream: unexpected %q after the flags: the document is -doc (make upstream DOC=path), accepting is -accept (ACCEPT=1)\n", strings.Join(c.args, " "))
		return exitFailed
	}
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
	// The re-import, in memory, is part of the report: it can rename Go
	// types where oasdiff sees nothing breaking. An operation gone stops
	// the update anyway, and the importer would refuse it.
	if len(r.gone()) == 0 && !r.samePin {
		if err := r.reimport(c); err != nil {
			r.write(c.out)
			fmt.Fprintln(c.out, "\nupstream:", err)
			return exitFailed
		}
	}
	r.write(c.out)

	if gone := r.gone(); len(gone) > 0 {
		how := "by hand: hand-written operations are not imported"
		if imp := r.goneImported(); len(imp) == len(gone) {
			how = fmt.Sprintf("make unimport OPS=\"%s\"", spaced(imp))
		} else if len(imp) > 0 {
			how = fmt.Sprintf("the imported ones with make unimport OPS=\"%s\", the hand-written ones by hand", spaced(imp))
		}
		fmt.Fprintf(c.out, "\nstopped: %s in openapi.yaml but not in the new document. An operation is never dropped silently, with ACCEPT=1 neither: "+
			"remove it from openapi.yaml first (%s), then run again. Nothing was written.\n",
			joinOr(gone, "is", "are"), how)
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
