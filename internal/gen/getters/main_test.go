package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGenerate(t *testing.T) {
	in := filepath.Join(t.TempDir(), "models.go")
	src := `package m

import "time"

type Model struct {
	Flag  *bool      ` + "`json:\"flag,omitempty\"`" + `
	When  *time.Time ` + "`json:\"when,omitempty\"`" + `
	Name  string     ` + "`json:\"name,omitempty\"`" + `
	Taken *int32     ` + "`json:\"taken,omitempty\"`" + `
}

// GetTaken exists already: no getter may collide with it.
func (m *Model) GetTaken() int32 { return 1 }

type Client struct {
	Doer *int
}
`
	if err := os.WriteFile(in, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := generate(in)
	if err != nil {
		t.Fatal(err)
	}
	got := string(out)
	for _, want := range []string{
		"import (\n\t\"time\"\n)",
		"func (x *Model) GetFlag() bool {\n\tif x == nil || x.Flag == nil {",
		"func (x *Model) GetWhen() time.Time {",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	for _, not := range []string{"GetName", "func (x *Model) GetTaken", "GetDoer"} {
		if strings.Contains(got, not) {
			t.Errorf("output has %q:\n%s", not, got)
		}
	}
}
