package api_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The templates in api/templates are oapi-codegen's, at the version pinned
// in tools/go.mod, with blocks of ours marked "rhombus:" (see the comment at
// the top of each): taken out, and the upstream lines a block quotes put
// back, each file is upstream's byte for byte. An upgrade of oapi-codegen
// that changes a template fails here, saying what to re-apply, rather than
// generating a client from an older copy.
func TestTemplatesAreUpstreamsWithOurBlocks(t *testing.T) {
	dir, version := upstreamModule(t)
	ours, err := filepath.Glob("templates/*.tmpl")
	if err != nil || len(ours) == 0 {
		t.Fatalf("no templates in api/templates (%v)", err)
	}
	for _, path := range ours {
		name := filepath.Base(path)
		mine, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		upstream, err := os.ReadFile(filepath.Join(dir, "pkg", "codegen", "templates", name))
		if err != nil {
			t.Errorf("api/templates/%s: oapi-codegen %s has no template of that name (%v): it is no longer a user template to override", name, version, err)
			continue
		}
		header := fmt.Sprintf("oapi-codegen %s's %s", version, name)
		if first, _, _ := strings.Cut(string(mine), "\n"); !strings.Contains(first, header) {
			t.Errorf("api/templates/%s: its first line should say it is %s, the version pinned in tools/go.mod; it is %q", name, header, first)
		}
		got, err := takeOutOurBlocks(string(mine))
		if err != nil {
			t.Errorf("api/templates/%s: %v", name, err)
			continue
		}
		if line, g, w, differ := firstDifference(got, string(upstream)); differ {
			t.Errorf("api/templates/%s, its blocks marked \"rhombus:\" taken out, is not oapi-codegen %s's %s:\n"+
				"at line %d of upstream's (line %d of ours)\n  ours:     %q\n  upstream: %q\n"+
				"Copy %s over api/templates/%s again, re-apply the blocks marked \"rhombus:\" (git diff shows them), "+
				"run go generate ./... and check the generated client.",
				name, version, name, line, g.ours, g.text, w, filepath.Join(dir, "pkg", "codegen", "templates", name), name)
		}
	}
}

// upstreamModule returns the directory and version of oapi-codegen as pinned
// in tools/go.mod, from the module cache; it fails the test, saying how to
// fill the cache, when the module is not there.
func upstreamModule(t *testing.T) (dir, version string) {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to find oapi-codegen in the module cache: %v", err)
	}
	cmd := exec.Command(goTool, "list", "-modfile=tools/go.mod", "-m", "-f", "{{.Dir}}\t{{.Version}}", "github.com/oapi-codegen/oapi-codegen/v2")
	cmd.Dir = ".." // the module root
	// Look in the cache only: no network, no workspace.
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOWORK=off")
	out, err := cmd.Output()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		out = append(out, exit.Stderr...)
	}
	dir, version, _ = strings.Cut(strings.TrimSpace(string(out)), "\t")
	if err != nil || dir == "" {
		t.Fatalf("oapi-codegen, at the version pinned in tools/go.mod, is not in the module cache: "+
			"run `go mod download -modfile=tools/go.mod` at the module root (go list: %v; %s)", err, bytes.TrimSpace(out))
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("oapi-codegen %s is not in the module cache at %s: run `go mod download -modfile=tools/go.mod` at the module root (%v)", version, dir, err)
	}
	return dir, version
}

// line is a line of a template with our blocks taken out, and its number
// in our file (where a put-back line is quoted).
type line struct {
	text string
	ours int
}

var (
	// A block opens on a line with a template comment "rhombus: ...", and
	// closes on the line with the comment "rhombus: end".
	blockOpens  = regexp.MustCompile(`\{\{-?\s*/\*\s*rhombus:`)
	blockCloses = regexp.MustCompile(`/\*\s*rhombus:\s*end\s*\*/`)
)

// takeOutOurBlocks returns template without its blocks marked "rhombus:":
// each block, from the line of its opening comment to the line of its
// "rhombus: end", is taken out; when the opening comment ends with
// "upstream had:", the lines it quotes, up to the line that closes the
// comment, are put in its place. Markers out of order are an error.
func takeOutOurBlocks(template string) ([]line, error) {
	src := strings.SplitAfter(template, "\n")
	var out []line
	for i := 0; i < len(src); i++ {
		n := i + 1
		if blockCloses.MatchString(src[i]) {
			return nil, fmt.Errorf("line %d closes a block marked \"rhombus:\" that no line opened", n)
		}
		if !blockOpens.MatchString(src[i]) {
			out = append(out, line{src[i], n})
			continue
		}
		opened := n
		quotes := strings.HasSuffix(strings.TrimSpace(src[i]), "upstream had:")
		if !strings.Contains(src[i], "*/") { // the comment goes on
			for i++; i < len(src) && !strings.Contains(src[i], "*/"); i++ {
				if quotes {
					out = append(out, line{src[i], i + 1})
				}
			}
			if i == len(src) {
				return nil, fmt.Errorf("the comment that opens the block marked \"rhombus:\" at line %d is not closed", opened)
			}
		} else if quotes {
			return nil, fmt.Errorf("line %d says upstream had some lines but quotes none", opened)
		}
		for i++; i < len(src) && !blockCloses.MatchString(src[i]); i++ {
			if blockOpens.MatchString(src[i]) {
				return nil, fmt.Errorf("line %d opens a block marked \"rhombus:\" inside the one opened at line %d", i+1, opened)
			}
		}
		if i == len(src) {
			return nil, fmt.Errorf("the block marked \"rhombus:\" opened at line %d has no \"rhombus: end\"", opened)
		}
	}
	return out, nil
}

// firstDifference compares got, line by line, with want: the number of the
// first line of want that differs, got's line there (empty past its end),
// and want's line (empty past its end).
func firstDifference(got []line, want string) (n int, g line, w string, differ bool) {
	ws := strings.SplitAfter(want, "\n")
	for i := 0; i < max(len(got), len(ws)); i++ {
		g, w = line{}, ""
		if i < len(got) {
			g = got[i]
		}
		if i < len(ws) {
			w = ws[i]
		}
		if g.text != w {
			return i + 1, g, w, true
		}
	}
	return 0, line{}, "", false
}

// Taking our blocks out gives upstream's text back: a header, an addition,
// and a replacement that quotes upstream's lines; a line that differs
// outside a block is found, at its line; markers out of order are errors.
func TestTakingOutOurBlocks(t *testing.T) {
	const upstream = "// a header\nfunc F() {\n    a := 1\n    b := 2\n}\n"
	const ours = `{{- /* rhombus: upstream's f.tmpl, with blocks of ours.
  The blocks: ...
*/ -}}
{{- /* rhombus: end */ -}}
// a header
func F() {
    {{- /* rhombus: an addition. */}}
    x := 0
    {{- /* rhombus: end */}}
    a := 1
    {{- /* rhombus: b is 3; upstream had:
    b := 2
    */}}
    b := 3
    {{- /* rhombus: end */}}
}
`
	got, err := takeOutOurBlocks(ours)
	if err != nil {
		t.Fatal(err)
	}
	if n, g, w, differ := firstDifference(got, upstream); differ {
		t.Fatalf("line %d: got %q (our line %d), want %q", n, g.text, g.ours, w)
	}

	// A line changed outside the blocks.
	got, err = takeOutOurBlocks(strings.Replace(ours, "    a := 1", "    a := 10", 1))
	if err != nil {
		t.Fatal(err)
	}
	n, g, w, differ := firstDifference(got, upstream)
	if !differ || n != 3 || g.ours != 10 || g.text != "    a := 10\n" || w != "    a := 1\n" {
		t.Errorf("a changed line: differ %v at upstream's line %d, our line %d, %q against %q; want upstream's line 3, ours 10, %q against %q",
			differ, n, g.ours, g.text, w, "    a := 10\n", "    a := 1\n")
	}
	// An upstream line missing from the end.
	got, err = takeOutOurBlocks(strings.TrimSuffix(ours, "}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if n, _, w, differ := firstDifference(got, upstream); !differ || n != 5 || w != "}\n" {
		t.Errorf("a missing last line: differ %v at line %d (%q); want line 5, %q", differ, n, w, "}\n")
	}

	for name, bad := range map[string]string{
		"no end":           "a\n{{- /* rhombus: x. */}}\nb\n",
		"end with no open": "a\n{{- /* rhombus: end */}}\n",
		"nested":           "{{- /* rhombus: x. */}}\n{{- /* rhombus: y. */}}\n{{- /* rhombus: end */}}\n",
		"unclosed comment": "{{- /* rhombus: x; upstream had:\na\n",
	} {
		if _, err := takeOutOurBlocks(bad); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
