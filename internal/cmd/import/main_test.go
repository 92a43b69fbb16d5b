package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// PAGINATION on the command line: a malformed or repeated decision is
// refused before anything is read; a decision is written into the spec,
// a change of it printed, and an import that does not name it keeps it
// byte for byte.
func TestPaginationFlag(t *testing.T) {
	t.Chdir("../../..") // upstream.File is relative to the module's root
	spec := filepath.Join(t.TempDir(), "openapi.yaml")
	orig, err := os.ReadFile("openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(spec, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	const op = "getAlertMonitoringThreatCases"
	ops := []string{op}
	for flag, want := range map[string]string{
		op + "=lastEvaluatedKey,threatCases":                                    "want op=cursor,next,items[,pageSize]",
		op + "=a,b,c " + op + "=a,b,c":                                          op + " is named twice",
		op + "=lastEvaluatedKey,lastEvaluatedKey,threatCases,maxPageSize,extra": "want op=cursor,next,items[,pageSize]",
		"getLocations=lastEvaluatedKey,lastEvaluatedKey,locations":              "getLocations: PAGINATION names it, but OPS does not",
		op + "=lastEvaluatedKey,lastEvaluatedKey,threatCases,pageSize":          `pageSize "pageSize" is not a top-level field of its request`,
		op + "=lastEvaluatedKey,items[-1].threatCaseId,threatCases,maxPageSize": `the items of threatCases have no field "threatCaseId"`,
	} {
		err := run(new(bytes.Buffer), spec, ops, op, "", flag)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("PAGINATION=%q: %v, want an error saying %q", flag, err, want)
		}
	}
	if now, _ := os.ReadFile(spec); !bytes.Equal(now, orig) {
		t.Fatal("a refused PAGINATION changed the spec")
	}

	var out bytes.Buffer
	if err := run(&out, spec, ops, op, "", op+"=lastEvaluatedKey,lastEvaluatedKey,threatCases,maxPageSize"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), op+": paging undecided") {
		t.Errorf("a decided operation is noted as undecided:\n%s", out.String())
	}
	decided, _ := os.ReadFile(spec)
	const decision = "x-rhombus-pagination:\n        cursor: lastEvaluatedKey\n        items: threatCases\n        next: lastEvaluatedKey\n        pageSize: maxPageSize\n"
	if !strings.Contains(string(decided), decision) {
		t.Fatal("the decided pagination is not in the spec")
	}

	// Imported again without PAGINATION (nor READS): kept byte for byte,
	// no change.
	out.Reset()
	if err := run(&out, spec, ops, "\x00", "", ""); err != nil {
		t.Fatal(err)
	}
	if again, _ := os.ReadFile(spec); !bytes.Equal(again, decided) || strings.Contains(out.String(), "changed:") {
		t.Errorf("an import without PAGINATION changed the decision:\n%s", out.String())
	}
	// Another operation imported, with its own decision (whether or not
	// openapi.yaml carries it already): the decision stays, no change of it.
	out.Reset()
	if err := run(&out, spec, []string{"getLocations"}, "getLocations", "", ""); err != nil {
		t.Fatal(err)
	}
	if again, _ := os.ReadFile(spec); !strings.Contains(string(again), decision) ||
		strings.Contains(out.String(), "changed: "+op) {
		t.Errorf("importing another operation changed the decision:\n%s", out.String())
	}

	// Changed: printed.
	out.Reset()
	if err := run(&out, spec, ops, "\x00", "", op+"=lastUuid,items[-1].uuid,threatCases,maxResults"); err != nil {
		t.Fatal(err)
	}
	want := "changed: " + op + ": pagination lastEvaluatedKey,lastEvaluatedKey,threatCases,maxPageSize -> lastUuid,items[-1].uuid,threatCases,maxResults\n"
	if !strings.Contains(out.String(), want) {
		t.Errorf("the change is not printed as %q:\n%s", want, out.String())
	}
}
