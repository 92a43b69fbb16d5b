// Command import copies operations of the vendor's pinned document into
// openapi.yaml (see package specimport); `make import OPS="..."` runs it.
//
//	go run ./internal/cmd/import -ops "opA opB" [-reads "opA"] [-identifying "opB=field,field"] [-pagination "opA=cursor,next,items[,pageSize]"]
//	go run ./internal/cmd/import -unimport -ops "opA"
//
// -reads given (even empty) decides every named operation: those listed
// are safe to resend, the rest are writes. Without it, an operation not
// imported before is refused until that is decided. A decision recorded
// before is kept unless the command changes it, and each change is printed.
// -pagination decides how an operation's list comes in pages where its
// shapes leave more than one reading (or overrides what they read); without
// it, paging is inferred, and inferred again on every import.
// -unimport removes imported operations (`make unimport OPS="..."`).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/rhombuskit/rhombus-go/internal/specimport"
	"github.com/rhombuskit/rhombus-go/internal/upstream"
)

func main() {
	ops := flag.String("ops", "", "operationIds to import, separated by spaces")
	reads := flag.String("reads", "\x00", "operationIds that only read (safe to resend); the other named ones are writes")
	ident := flag.String("identifying", "", `per write, the request fields that identify what it creates: "opA=f1,f2 opB=f3"`)
	paging := flag.String("pagination", "", `per paginated operation, its paging: "opA=cursor,next,items[,pageSize] ..." (next may be items[-1].field)`)
	spec := flag.String("spec", "openapi.yaml", "the spec to import into")
	remove := flag.Bool("unimport", false, "remove the imported operations -ops instead")
	flag.Parse()
	var err error
	if *remove {
		err = unimport(*spec, strings.Fields(*ops))
	} else {
		err = run(os.Stdout, *spec, strings.Fields(*ops), *reads, *ident, *paging)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(out io.Writer, specPath string, ops []string, reads, ident, paging string) error {
	if len(ops) == 0 {
		return errors.New(`import: name the operations: make import OPS="operationId ..." READS="the ones that only read"`)
	}
	dec := specimport.Decisions{ReadsGiven: reads != "\x00", Identifying: map[string][]string{}, Pagination: map[string]*upstream.Pagination{}}
	if dec.ReadsGiven {
		dec.Reads = strings.Fields(reads)
	}
	for _, kv := range strings.Fields(ident) {
		op, fields, ok := strings.Cut(kv, "=")
		if !ok || op == "" {
			return fmt.Errorf("import: IDENTIFYING: %q is not opId=field,field", kv)
		}
		dec.Identifying[op] = []string{}
		for _, f := range strings.Split(fields, ",") {
			if f = strings.TrimSpace(f); f != "" {
				dec.Identifying[op] = append(dec.Identifying[op], f)
			}
		}
	}
	for _, kv := range strings.Fields(paging) {
		op, p, err := upstream.ParsePaginationFlag(kv)
		if err != nil {
			return fmt.Errorf("import: PAGINATION: %w", err)
		}
		if _, twice := dec.Pagination[op]; twice {
			return fmt.Errorf("import: PAGINATION: %s is named twice", op)
		}
		dec.Pagination[op] = p
	}
	for _, r := range dec.Reads {
		if !contains(ops, r) {
			return fmt.Errorf("import: READS names %s, which OPS does not", r)
		}
	}
	spec, err := os.ReadFile(specPath)
	if err != nil {
		return err
	}
	doc, err := upstream.Read(upstream.File)
	if err != nil {
		return err
	}
	res, err := specimport.Import(spec, doc, ops, dec)
	if err != nil {
		return err
	}
	if err := os.WriteFile(specPath, res.YAML, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(out, "imported into %s: %s\n", specPath, strings.Join(res.Imported, ", "))
	for _, r := range res.Repairs {
		fmt.Fprintln(out, "repaired:", r)
	}
	for _, c := range res.Changes {
		fmt.Fprintln(out, "changed:", c)
	}
	for _, n := range res.Notes {
		fmt.Fprintln(out, "note:", n)
	}
	return nil
}

func unimport(specPath string, ops []string) error {
	if len(ops) == 0 {
		return errors.New(`unimport: name the operations: make unimport OPS="operationId ..."`)
	}
	spec, err := os.ReadFile(specPath)
	if err != nil {
		return err
	}
	doc, err := upstream.Read(upstream.File)
	if err != nil {
		return err
	}
	res, err := specimport.Unimport(spec, doc, ops)
	if err != nil {
		return err
	}
	if err := os.WriteFile(specPath, res.YAML, 0o644); err != nil {
		return err
	}
	fmt.Printf("removed from %s: %s\n", specPath, strings.Join(res.Removed, ", "))
	if len(res.Imported) > 0 {
		fmt.Printf("still imported: %s\n", strings.Join(res.Imported, ", "))
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
