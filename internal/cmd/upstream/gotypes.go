package main

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/rhombuskit/rhombus-go/internal/specimport"
	"github.com/rhombuskit/rhombus-go/internal/upstream"
)

// The changes the re-import makes to the generated Go types, which oasdiff
// cannot see: a schema's Go name comes from openapi.yaml's x-go-name. The
// importer keeps a recorded one, so a new operation sharing an imported
// operation's schemas (an addition for oasdiff) renames nothing; this
// check stays as the guard that no re-import renames or removes a type
// users' code names.
const (
	goTypeRenamed = "go-type-renamed"
	goTypeRemoved = "go-type-removed"
)

// reimport re-imports the imported operations from the new document in
// memory, for update to write, and adds to the report each generated Go
// type it renames or removes: under the operations of openapi.yaml whose
// request or answer it is, else in r.types.
func (r *report) reimport(c config) error {
	spec, err := os.ReadFile(filepath.Join(c.root, "openapi.yaml"))
	if err != nil {
		return err
	}
	// A fresh parse: the importer adds the Go repairs to what it is given.
	doc, err := upstream.Parse(r.newBytes)
	if err != nil {
		return err
	}
	res, err := specimport.Import(spec, doc, nil, specimport.Decisions{})
	if err != nil {
		return fmt.Errorf("re-importing the imported operations from the new document (nothing was written): %w", err)
	}
	changes, err := goTypeChanges(spec, res.YAML)
	if err != nil {
		return err
	}
	users, err := schemaUsers(spec)
	if err != nil {
		return err
	}
	byID := map[string]*ourOp{}
	for _, o := range r.ours {
		byID[o.id] = o
	}
	for _, ch := range changes {
		ids := users[ch.schema]
		for _, id := range ids {
			if o := byID[id]; o != nil {
				o.breaking = append(o.breaking, ch.change)
			}
		}
		if len(ids) == 0 {
			r.types = append(r.types, ch.change)
		}
	}
	r.imported = res
	return nil
}

// typeChange is a change to the Go type of a schema of openapi.yaml.
type typeChange struct {
	schema string
	change
}

// specSchemas is what goTypeChanges and schemaUsers read of openapi.yaml.
type specSchemas struct {
	Paths      map[string]map[string]any `yaml:"paths"`
	Components struct {
		Schemas map[string]struct {
			GoName string `yaml:"x-go-name"`
		} `yaml:"schemas"`
	} `yaml:"components"`
}

func readSpec(spec []byte) (*specSchemas, error) {
	var s specSchemas
	if err := yaml.Unmarshal(spec, &s); err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	return &s, nil
}

// goTypeChanges lists the schemas of before whose Go type after renames
// or no longer has, by schema name.
func goTypeChanges(before, after []byte) ([]typeChange, error) {
	b, err := readSpec(before)
	if err != nil {
		return nil, err
	}
	a, err := readSpec(after)
	if err != nil {
		return nil, err
	}
	var out []typeChange
	for _, n := range slices.Sorted(maps.Keys(b.Components.Schemas)) {
		was := b.Components.Schemas[n].GoName
		now, ok := a.Components.Schemas[n]
		var text string
		switch {
		case !ok && was != "":
			text = fmt.Sprintf("the schema %s is no longer imported: api/ loses its Go type %s", n, was)
		case !ok:
			text = fmt.Sprintf("the schema %s is no longer imported: api/ loses its Go type, named after it", n)
		case now.GoName == was:
			continue
		case now.GoName == "":
			text = fmt.Sprintf("the Go type %s of the schema %s is renamed: the re-import drops its x-go-name, so it is named after the schema", was, n)
		case was == "":
			text = fmt.Sprintf("the Go type of the schema %s, named after it, is renamed %s", n, now.GoName)
		default:
			text = fmt.Sprintf("the Go type %s of the schema %s is renamed %s", was, n, now.GoName)
		}
		id := goTypeRenamed
		if !ok {
			id = goTypeRemoved
		}
		out = append(out, typeChange{n, change{ID: id, Text: text}})
	}
	return out, nil
}

// schemaUsers maps each schema of openapi.yaml to the operations that
// refer to it directly, in their request or answers.
func schemaUsers(spec []byte) (map[string][]string, error) {
	s, err := readSpec(spec)
	if err != nil {
		return nil, err
	}
	users := map[string][]string{}
	for _, item := range s.Paths {
		for m, op := range item {
			op, ok := op.(map[string]any)
			if !ok || !isMethod(m) {
				continue
			}
			id, _ := op["operationId"].(string)
			seen := map[string]bool{}
			refs(op, func(ref string) {
				if n, ok := strings.CutPrefix(ref, "#/components/schemas/"); ok && !seen[n] {
					seen[n] = true
					users[n] = append(users[n], id)
				}
			})
		}
	}
	for _, ids := range users {
		slices.Sort(ids)
	}
	return users, nil
}

// refs calls f with each $ref under v.
func refs(v any, f func(string)) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "$ref" {
				f(s)
				continue
			}
			refs(x, f)
		}
	case []any:
		for _, x := range v {
			refs(x, f)
		}
	}
}
