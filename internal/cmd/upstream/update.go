package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/rhombuskit/rhombus-go/internal/upstream"
)

// provenanceFile records where the pin came from, in a table that
// TestPinnedDocumentIsUnchanged reads the checksum from.
const provenanceFile = "upstream/README.md"

// conformanceTests are run after regenerating: the comparison with the new
// pin, whose allow-list reports an entry that no longer matches a
// difference, and the decisions every operation must carry.
var conformanceTests = []string{"TestVendorConformance", "TestSpecOperations"}

// update re-pins the new document with its provenance, writes openapi.yaml
// as re-imported from it (report.reimport, decisions kept), regenerates,
// and runs the conformance test. What can refuse (the import, the
// provenance table) is done in memory before anything is written.
func update(c config, r *report) error {
	specPath := filepath.Join(c.root, "openapi.yaml")
	res := r.imported
	if res == nil {
		return fmt.Errorf("the imported operations were not re-imported (nothing was written)")
	}
	readmePath := filepath.Join(c.root, provenanceFile)
	readme, err := os.ReadFile(readmePath)
	if err != nil {
		return err
	}
	source := c.source
	if source == "" {
		source = c.doc
	}
	readme, err = provenance(readme, [][2]string{
		{"source", source},
		{"pinned", c.today},
		{"sha256", r.sum},
		{"contents", fmt.Sprintf("OpenAPI %s, %d operations, %d schemas", r.version, r.operations, r.schema)},
	})
	if err != nil {
		return fmt.Errorf("%s (nothing was written): %w", provenanceFile, err)
	}

	if err := os.WriteFile(filepath.Join(c.root, upstream.File), r.newBytes, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(readmePath, readme, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(specPath, res.YAML, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(c.out, "\npinned: %s (sha256 %s); %s records source %q, pinned %s\n", upstream.File, r.sum, provenanceFile, source, c.today)
	fmt.Fprintf(c.out, "re-imported into openapi.yaml, decisions kept: %s\n", comma(res.Imported))
	for _, rep := range res.Repairs {
		fmt.Fprintln(c.out, "  repaired:", rep)
	}
	for _, n := range res.Notes {
		fmt.Fprintln(c.out, "  note:", n)
	}
	for _, ch := range res.Changes {
		fmt.Fprintln(c.out, "  decision changed:", ch)
	}

	if err := step(c, nil, "go", "generate", "./..."); err != nil {
		return fmt.Errorf("go generate ./...: %w; the pin and openapi.yaml are updated: fix, then make check", err)
	}
	var out bytes.Buffer
	run := "^(" + strings.Join(conformanceTests, "|") + ")$"
	if err := step(c, &out, "go", "test", "-count=1", "-v", "-run", run, "."); err != nil {
		return fmt.Errorf("the conformance check failed (above): the pin and openapi.yaml are updated; "+
			"an allow-list entry that matches no difference any more can go, any other difference needs fixing: %w", err)
	}
	for _, name := range conformanceTests {
		if !strings.Contains(out.String(), "--- PASS: "+name+" ") {
			return fmt.Errorf("the conformance check did not run %s", name)
		}
	}
	return nil
}

// step runs a program in the module root, its output shown and, if
// capture is given, kept.
func step(c config, capture *bytes.Buffer, name string, args ...string) error {
	fmt.Fprintf(c.out, "\n%s %s\n", name, strings.Join(args, " "))
	cmd := exec.Command(name, args...)
	cmd.Dir = c.root
	var w io.Writer = c.out
	if capture != nil {
		w = io.MultiWriter(c.out, capture)
	}
	cmd.Stdout, cmd.Stderr = w, w
	return cmd.Run()
}

// provenance rewrites the rows of the provenance table: "| name | value |".
func provenance(readme []byte, rows [][2]string) ([]byte, error) {
	for _, row := range rows {
		if strings.ContainsAny(row[1], "|\n\r") {
			return nil, fmt.Errorf("%s %q: a table cell holds one line without |", row[0], row[1])
		}
		re := regexp.MustCompile(`(?m)^\| ` + regexp.QuoteMeta(row[0]) + ` \| .* \|$`)
		if len(re.FindAllIndex(readme, -1)) != 1 {
			return nil, fmt.Errorf("want one row | %s | ... | in its table", row[0])
		}
		readme = re.ReplaceAllLiteral(readme, []byte("| "+row[0]+" | "+row[1]+" |"))
	}
	return readme, nil
}
