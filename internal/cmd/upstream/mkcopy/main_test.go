package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rhombuskit/rhombus-go/internal/cmd/upstream/docchange"
)

const pin = "../../../../upstream/openapi.json"

// TestWritesTheCopy: the file written is the pin with the named changes.
func TestWritesTheCopy(t *testing.T) {
	out := filepath.Join(t.TempDir(), "copy.json")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-pin", pin, "-o", out, "additive", "operation-removed"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit status %d: %s", code, stderr.String())
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(pin)
	if err != nil {
		t.Fatal(err)
	}
	want, err := docchange.Apply(b, "additive", "operation-removed")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("the copy written is not the pin with the changes made")
	}
}

// TestRefuses: no output file, no change, or an unknown change is a usage
// error, status 2, and nothing is written.
func TestRefuses(t *testing.T) {
	out := filepath.Join(t.TempDir(), "copy.json")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-pin", pin, "additive"}, "usage: mkcopy -o FILE CHANGE..."},
		{[]string{"-pin", pin, "-o", out}, "usage: mkcopy -o FILE CHANGE..."},
		{[]string{"-pin", pin, "-o", out, "additive", "bogus"}, `no change "bogus"`},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(tc.args, &stdout, &stderr); code != 2 {
			t.Errorf("%q: exit status %d, want 2", tc.args, code)
		}
		if !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%q: it says %q, want %q", tc.args, stderr.String(), tc.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("%q: the copy was written", tc.args)
		}
	}
}
