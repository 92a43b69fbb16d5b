// Command testsummary prints `go test -json` as the text `go test -v`
// would, then one line saying what passed, so a long run does not end
// silently:
//
//	go test -race -v -json ./... | go run ./internal/cmd/testsummary -save FILE
//
// It ends with "N passed, N failed" alone on a line (the form CI's reader
// recognises) and "make test: N passed, N failed, N skipped in N packages,
// DURATION". With -save it also writes the counts to FILE, for `make check`
// to repeat as its very last line after the steps that follow the tests.
// The exit status of the run is go test's (the Makefile's pipefail):
// this program fails only when it cannot read or save.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

// event is the part of a test2json event the summary needs.
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

// counts is what a run did.
type counts struct {
	passed, failed, skipped int
	pkgPassed, pkgFailed    int
	failures                []string // "pkg TestName", or "pkg" for a package without a failed test
}

func (c *counts) plain() string { return fmt.Sprintf("%d passed, %d failed", c.passed, c.failed) }

func (c *counts) full() string {
	return fmt.Sprintf("%s, %d skipped in %d packages", c.plain(), c.skipped, c.pkgPassed+c.pkgFailed)
}

func main() {
	save := flag.String("save", "", "write the counts to this file: the plain line, then the full one")
	label := flag.String("label", "make test", "what the last line is about")
	flag.Parse()
	start := time.Now()
	c, err := summarise(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testsummary:", err)
		os.Exit(1)
	}
	elapsed := time.Since(start).Round(time.Second)
	for _, f := range c.failures {
		fmt.Println("FAIL:", f)
	}
	fmt.Println(c.plain())
	fmt.Printf("%s: %s, %s\n", *label, c.full(), elapsed)
	if *save != "" {
		if err := os.WriteFile(*save, []byte(c.plain()+"\n"+c.full()+"\n"), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "testsummary:", err)
			os.Exit(1)
		}
	}
}

// summarise copies each event's output to w as it arrives and counts the
// results. A line that is not an event (go test's own messages) is copied
// as it is.
func summarise(r io.Reader, w io.Writer) (*counts, error) {
	c := &counts{}
	failedTests := map[string]int{} // per package
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &e) != nil {
			fmt.Fprintf(w, "%s\n", line)
			continue
		}
		io.WriteString(w, e.Output)
		switch {
		case e.Test != "" && e.Action == "pass":
			c.passed++
		case e.Test != "" && e.Action == "fail":
			c.failed++
			failedTests[e.Package]++
			c.failures = append(c.failures, e.Package+" "+e.Test)
		case e.Test != "" && e.Action == "skip":
			c.skipped++
		case e.Test == "" && e.Action == "pass":
			c.pkgPassed++
		case e.Test == "" && e.Action == "fail":
			c.pkgFailed++
			if failedTests[e.Package] == 0 { // a build failure, a panic, TestMain
				c.failures = append(c.failures, e.Package)
			}
		}
	}
	return c, sc.Err()
}
