package openapi

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strings"
	"testing"
)

// quoteMark precedes every Go block of the README: the block must be, to
// the byte, a declaration (or the whole file) that go test compiles.
var quoteMark = regexp.MustCompile(`<!-- quoted from ([^ #]+)(?:#(\w+))? -->`)

// TestReadmeQuotesCompiledCode checks every ```go block of README.md against
// the source it says it quotes, so the README can only show code that
// compiles and runs under go test.
func TestReadmeQuotesCompiledCode(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(readme), "\n")
	blocks := 0
	for i := 0; i < len(lines); i++ {
		if lines[i] != "```go" {
			continue
		}
		start := i + 1
		end := start
		for end < len(lines) && lines[end] != "```" {
			end++
		}
		block := strings.Join(lines[start:end], "\n") + "\n"
		blocks++
		if i == 0 || !quoteMark.MatchString(lines[i-1]) {
			t.Errorf("README.md line %d: a Go block must follow a line <!-- quoted from FILE#Name --> naming the compiled code it shows", i+1)
			i = end
			continue
		}
		m := quoteMark.FindStringSubmatch(lines[i-1])
		want, err := quotedSource(m[1], m[2])
		if err != nil {
			t.Errorf("README.md line %d: %v", i+1, err)
		} else if block != want {
			t.Errorf("README.md line %d: the block differs from %s %s; it must be a copy of it.\n--- README\n%s--- %s\n%s", i+1, m[1], m[2], block, m[1], want)
		}
		i = end
	}
	if blocks == 0 {
		t.Error("README.md has no Go block; the check would pass vacuously")
	}
}

// quotedSource returns the whole file, or the top-level function name in it
// with its doc comment left out.
func quotedSource(file, name string) (string, error) {
	src, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	if name == "" {
		return string(src), nil
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.ParseComments)
	if err != nil {
		return "", err
	}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Name.Name != name || fd.Recv != nil {
			continue
		}
		from, to := fset.Position(fd.Pos()).Offset, fset.Position(fd.End()).Offset
		return string(bytes.TrimRight(src[from:to], "\n")) + "\n", nil
	}
	return "", &missingError{file: file, name: name}
}

type missingError struct{ file, name string }

func (e *missingError) Error() string { return e.file + " has no function " + e.name }
