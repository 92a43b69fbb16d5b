package main

// These tests look at the binaries the go command builds, so they build
// them and run them as processes.

import (
	"os/exec"
	"strings"
	"testing"
)

// The binary links no test-only package: the demo and the fake run the
// server without testing or net/http/httptest.
func TestBinaryLinksNoTestOnlyPackage(t *testing.T) {
	t.Parallel()
	out, err := exec.Command(goTool(), "version", "-m", binary(t)).Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "github.com/rhombuskit/rhombus-go") {
		t.Fatalf("go version -m does not describe the binary:\n%s", out)
	}
	syms, err := exec.Command(goTool(), "tool", "nm", binary(t)).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(syms), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 {
			continue
		}
		name := f[len(f)-1]
		if strings.HasPrefix(name, "testing.") || strings.HasPrefix(name, "net/http/httptest.") {
			t.Fatalf("the binary links %s", name)
		}
	}
}

// Built with -tags nofake, the command line links neither the fake nor
// kin-openapi and its JSON-schema library, whose initialisation every
// invocation of the full build pays for; demo and fake say why they are
// missing.
func TestNoFakeBuild(t *testing.T) {
	t.Parallel()
	deps, err := exec.Command(goTool(), "list", "-tags", "nofake", "-deps", ".").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, dep := range strings.Fields(string(deps)) {
		if strings.Contains(dep, "kin-openapi") || strings.Contains(dep, "jsonschema") || strings.HasSuffix(dep, "/rhombustest") {
			t.Errorf("the nofake build links %s", dep)
		}
	}
	bin := t.TempDir() + "/rhombus-nofake"
	if out, err := exec.Command(goTool(), "build", "-tags", "nofake", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	cmd := exec.Command(bin, "demo")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "-tags nofake") {
		t.Errorf("demo in a nofake build: %v\n%s", err, out)
	}
}
