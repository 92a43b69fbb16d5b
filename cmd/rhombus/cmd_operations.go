package main

import (
	"flag"
	"fmt"
	"sort"

	"github.com/rhombuskit/rhombus-go/fullapi/fullops"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

var operationsCmd = &command{
	name: "operations", summary: "list the operations call can call",
	usage: operationsUsage, flags: func(fs *flag.FlagSet) { (&operationsFlags{}).register(fs) },
	run: runOperations,
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

const operationsUsage = `
Lists the operations of openapi.yaml that rhombus call can call, with their
path and whether they are resent after a failure (reads) or not (writes).

  --all         also list every other operation of the whole Rhombus API
`
