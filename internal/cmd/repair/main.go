// Command repair writes the vendor's pinned document with every repair of
// package upstream applied, for the Go generator of package fullapi; the
// repairs made are printed.
//
//	go run ./internal/cmd/repair -in upstream/openapi.json -out fullapi/openapi.json
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/rhombuskit/rhombus-go/internal/upstream"
)

func main() {
	in := flag.String("in", upstream.File, "the pinned document")
	out := flag.String("out", "", "where to write the repaired document")
	quiet := flag.Bool("q", false, "do not list the repairs")
	flag.Parse()
	if err := run(*in, *out, *quiet); err != nil {
		fmt.Fprintln(os.Stderr, "repair:", err)
		os.Exit(1)
	}
}

func run(in, out string, quiet bool) error {
	if out == "" {
		return fmt.Errorf("-out is required")
	}
	d, err := upstream.Read(in)
	if err != nil {
		return err
	}
	d.RepairForGo()
	d.RepairAuthScheme()
	d.InferResources()
	// The paginated operations get x-rhombus-pagination where their shapes
	// leave one reading; the others are listed, to be decided by hand.
	undecided := d.MarkPagination()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(d.Root); err != nil {
		return err
	}
	if !quiet {
		for _, r := range d.Repairs {
			fmt.Println("repaired:", r)
		}
		for _, u := range undecided {
			fmt.Println("pagination undecided:", u)
		}
	}
	return os.WriteFile(out, buf.Bytes(), 0o644)
}
