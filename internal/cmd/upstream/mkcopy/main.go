// Command mkcopy writes a copy of the vendor's pinned document with changes
// made (package docchange), for trying `make upstream` on a new document
// whose differences are known: scripts/upstream-e2e.sh runs it.
//
//	go run ./internal/cmd/upstream/mkcopy -o /tmp/additive.json additive
//	go run ./internal/cmd/upstream/mkcopy -list
//
// Exit status: 0 written; 2 a usage error or a change that does not apply.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/rhombuskit/rhombus-go/internal/cmd/upstream/docchange"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mkcopy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	pin := fs.String("pin", "upstream/openapi.json", "the document to copy")
	out := fs.String("o", "", "where to write the copy")
	list := fs.Bool("list", false, "list the changes")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: mkcopy -o FILE CHANGE...\nchanges: %s\n", strings.Join(docchange.Names(), ", "))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *list {
		fmt.Fprintln(stdout, strings.Join(docchange.Names(), "\n"))
		return 0
	}
	if *out == "" || fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	b, err := os.ReadFile(*pin)
	if err != nil {
		fmt.Fprintln(stderr, "mkcopy:", err)
		return 2
	}
	copied, err := docchange.Apply(b, fs.Args()...)
	if err != nil {
		fmt.Fprintf(stderr, "mkcopy: %s: %v\n", *pin, err)
		return 2
	}
	if err := os.WriteFile(*out, copied, 0o644); err != nil {
		fmt.Fprintln(stderr, "mkcopy:", err)
		return 2
	}
	return 0
}
