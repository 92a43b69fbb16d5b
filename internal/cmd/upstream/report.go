package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/rhombuskit/rhombus-go/internal/specimport"
	"github.com/rhombuskit/rhombus-go/internal/upstream"
)

// change is one entry of oasdiff's changelog in JSON.
type change struct {
	ID          string `json:"id"`
	Text        string `json:"text"`
	Level       int    `json:"level"` // 1 INFO, 2 WARN, 3 ERR
	Method      string `json:"operation"`
	OperationID string `json:"operationId"`
	Path        string `json:"path"`
}

// alsoBreaking are the changes oasdiff rates INFO (harmless to a client
// that decodes JSON loosely) that break a program using this module: each
// takes away a field, a constant, a variant or a method of the generated
// client, or changes a field's Go type. oasdiff's WARN and ERR are breaking
// too.
var alsoBreaking = map[string]bool{
	"response-optional-property-removed":   true,
	"response-property-enum-value-removed": true,
	"response-body-one-of-removed":         true,
	"response-property-one-of-removed":     true,
	"response-body-any-of-removed":         true,
	"response-property-any-of-removed":     true,
	"response-property-type-compatible":    true,
	"response-property-type-specialized":   true,
	"response-body-type-specialized":       true,
	"api-operation-id-removed":             true,
}

func (ch change) breaking() bool { return ch.Level >= 2 || alsoBreaking[ch.ID] }

// ourOp is an operation of openapi.yaml and what changed for it.
type ourOp struct {
	id, method, path string
	imported         bool
	inPin            bool // the pinned document has it: if the new one lacks it, it is gone
	gone             bool
	breaking         []change
	additive         []change
}

// report is what the comparison found.
type report struct {
	doc, sum           string
	samePin            bool
	version            string
	operations, schema int
	repairs            []string
	ours               []*ourOp

	added, removed, changed []string // the rest of the document, by operationId
	restBreaking            int      // of changed
	rest                    int      // operations of the new document not in openapi.yaml
	elsewhere               int      // changes outside any operation (components)

	// The re-import in memory (not when an operation is gone, or the
	// document is the pin): what update writes, and the Go types it
	// renames or removes that are no operation's request or answer.
	imported *specimport.Result
	types    []change

	newBytes []byte // the new document as given, to pin
}

// compare loads the new document, diffs it with the pin and sorts the
// changes by operation.
func compare(c config) (*report, error) {
	newBytes, err := os.ReadFile(c.doc)
	if err != nil {
		return nil, err
	}
	newDoc, err := upstream.Parse(newBytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.doc, err)
	}
	version, _ := newDoc.Root["openapi"].(string)
	if !strings.HasPrefix(version, "3.0") {
		return nil, fmt.Errorf("%s: openapi is %q; the vendor's document is OpenAPI 3.0", c.doc, version)
	}
	if _, err := newDoc.Load(); err != nil {
		return nil, fmt.Errorf("%s does not load, even after the repairs: %w", c.doc, err)
	}
	newOps := operations(newDoc.Root)
	if len(newOps) == 0 {
		return nil, fmt.Errorf("%s has no operations", c.doc)
	}
	pinPath := filepath.Join(c.root, upstream.File)
	pinBytes, err := os.ReadFile(pinPath)
	if err != nil {
		return nil, err
	}
	pinDoc, err := upstream.Parse(pinBytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", upstream.File, err)
	}
	pinOps := operations(pinDoc.Root)

	sum := sha256.Sum256(newBytes)
	r := &report{
		doc: c.doc, sum: hex.EncodeToString(sum[:]), samePin: bytes.Equal(newBytes, pinBytes),
		version: version, operations: len(newOps), schema: len(newDoc.Schemas()),
		repairs: newDoc.Repairs, newBytes: newBytes,
	}
	changes, err := oasdiff(c.root, pinDoc, newDoc)
	if err != nil {
		return nil, err
	}

	spec, err := os.ReadFile(filepath.Join(c.root, "openapi.yaml"))
	if err != nil {
		return nil, err
	}
	ours, err := specOperations(spec)
	if err != nil {
		return nil, err
	}
	byKey := map[string]*ourOp{}
	for _, o := range ours {
		k := key(o.method, o.path)
		_, o.inPin = pinOps[k]
		_, inNew := newOps[k]
		o.gone = o.inPin && !inNew
		byKey[k] = o
	}
	r.ours = ours

	// changed maps each other operation oasdiff reports to whether one of
	// its changes is breaking.
	changed := map[string]bool{}
	for _, ch := range changes {
		if ch.Path == "" {
			r.elsewhere++
			continue
		}
		k := key(ch.Method, ch.Path)
		if o := byKey[k]; o != nil {
			if ch.breaking() {
				o.breaking = append(o.breaking, ch)
			} else {
				o.additive = append(o.additive, ch)
			}
			continue
		}
		_, inPin := pinOps[k]
		_, inNew := newOps[k]
		if inPin && inNew {
			changed[k] = changed[k] || ch.breaking()
		}
	}
	// Added and removed from the two documents themselves, not from
	// oasdiff's wording; changed is what oasdiff reports for the rest.
	for k, id := range newOps {
		if _, ok := pinOps[k]; !ok && byKey[k] == nil {
			r.added = append(r.added, id)
		}
	}
	for k, id := range pinOps {
		if _, ok := newOps[k]; !ok && byKey[k] == nil {
			r.removed = append(r.removed, id)
		}
	}
	for k := range newOps {
		if byKey[k] == nil {
			r.rest++
		}
	}
	for k, b := range changed {
		r.changed = append(r.changed, newOps[k])
		if b {
			r.restBreaking++
		}
	}
	slices.Sort(r.added)
	slices.Sort(r.removed)
	slices.Sort(r.changed)
	return r, nil
}

// oasdiff runs oasdiff's changelog on the two documents, repaired, as the
// tools module pins it.
func oasdiff(root string, base, revision *upstream.Doc) ([]change, error) {
	dir, err := os.MkdirTemp("", "upstream-diff-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	files := [2]string{filepath.Join(dir, "pinned.json"), filepath.Join(dir, "new.json")}
	for i, d := range []*upstream.Doc{base, revision} {
		b, err := d.JSON()
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(files[i], b, 0o600); err != nil {
			return nil, err
		}
	}
	// External $refs are refused: the documents are self-contained, and a
	// downloaded one must not make oasdiff fetch anything.
	cmd := exec.Command("go", "tool", "-modfile=tools/go.mod", "oasdiff", "changelog", files[0], files[1],
		"--format", "json", "--allow-external-refs=false")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go tool oasdiff changelog: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	var changes []change
	if err := json.Unmarshal(out, &changes); err != nil {
		return nil, fmt.Errorf("reading oasdiff's changelog: %w", err)
	}
	return changes, nil
}

// key names an operation by method and path, as oasdiff does.
func key(method, path string) string { return strings.ToUpper(method) + " " + path }

// operations maps each operation of a document, by key, to its
// operationId (its key if it has none).
func operations(root map[string]any) map[string]string {
	ops := map[string]string{}
	paths, _ := root["paths"].(map[string]any)
	for p, item := range paths {
		item, _ := item.(map[string]any)
		for m, op := range item {
			op, ok := op.(map[string]any)
			if !ok || !isMethod(m) {
				continue
			}
			id, _ := op["operationId"].(string)
			if id == "" {
				id = key(m, p)
			}
			ops[key(m, p)] = id
		}
	}
	return ops
}

func isMethod(m string) bool {
	switch m {
	case "get", "put", "post", "delete", "options", "head", "patch", "trace":
		return true
	}
	return false
}

// specOperations lists the operations of openapi.yaml, by operationId.
func specOperations(spec []byte) ([]*ourOp, error) {
	var doc struct {
		Paths map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(spec, &doc); err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	var ours []*ourOp
	for p, item := range doc.Paths {
		for m, op := range item {
			op, ok := op.(map[string]any)
			if !ok || !isMethod(m) {
				continue
			}
			id, _ := op["operationId"].(string)
			imported, _ := op["x-rhombus-imported"].(bool)
			ours = append(ours, &ourOp{id: id, method: strings.ToUpper(m), path: p, imported: imported})
		}
	}
	if len(ours) == 0 {
		return nil, errors.New("openapi.yaml has no operations")
	}
	slices.SortFunc(ours, func(a, b *ourOp) int { return strings.Compare(a.id, b.id) })
	return ours, nil
}

// gone lists the operations of openapi.yaml the new document lacks.
func (r *report) gone() []string {
	var ids []string
	for _, o := range r.ours {
		if o.gone {
			ids = append(ids, o.id)
		}
	}
	return ids
}

// goneImported is gone, the imported ones only: those make unimport removes.
func (r *report) goneImported() []string {
	var ids []string
	for _, o := range r.ours {
		if o.gone && o.imported {
			ids = append(ids, o.id)
		}
	}
	return ids
}

// broken lists the operations of openapi.yaml with a breaking change, then
// "Go types" if the re-import changes others.
func (r *report) broken() []string {
	var ids []string
	for _, o := range r.ours {
		if len(o.breaking) > 0 || o.gone {
			ids = append(ids, o.id)
		}
	}
	if len(r.types) > 0 {
		ids = append(ids, fmt.Sprintf("%d Go types of api/", len(r.types)))
	}
	return ids
}

// write prints the report: the document, its repairs, each operation of
// openapi.yaml with every change, and a summary for the rest.
func (r *report) write(w io.Writer) {
	fmt.Fprintf(w, "new document: %s\n  OpenAPI %s, %d operations, %d schemas, sha256 %s\n", r.doc, r.version, r.operations, r.schema, r.sum)
	fmt.Fprintf(w, "  loads after %d repairs:\n", len(r.repairs))
	for _, rep := range r.repairs {
		fmt.Fprintf(w, "    repaired: %s\n", rep)
	}

	fmt.Fprintf(w, "\noperations of openapi.yaml (%d), compared with the pin (%s):\n", len(r.ours), upstream.File)
	for _, o := range r.ours {
		kind := "hand-written"
		if o.imported {
			kind = "imported"
		}
		var status string
		switch {
		case o.gone:
			status = "GONE: the new document does not have it"
		case !o.inPin:
			status = "not in the pinned document"
		case len(o.breaking)+len(o.additive) == 0:
			status = "no change"
		default:
			status = fmt.Sprintf("%d breaking, %d additive", len(o.breaking), len(o.additive))
		}
		fmt.Fprintf(w, "  %s (%s %s, %s): %s\n", o.id, o.method, o.path, kind, status)
		for _, ch := range o.breaking {
			fmt.Fprintf(w, "    breaking  %s: %s\n", ch.ID, ch.Text)
		}
		for _, ch := range o.additive {
			fmt.Fprintf(w, "    additive  %s: %s\n", ch.ID, ch.Text)
		}
	}

	if len(r.types) > 0 {
		fmt.Fprintf(w, "\nGo types of api/ that are no operation's request or answer (%d breaking):\n", len(r.types))
		for _, ch := range r.types {
			fmt.Fprintf(w, "    breaking  %s: %s\n", ch.ID, ch.Text)
		}
	}

	fmt.Fprintf(w, "\nthe rest of the document (%d operations): %d added, %d removed, %d changed (%d of them breaking)\n",
		r.rest, len(r.added), len(r.removed), len(r.changed), r.restBreaking)
	for _, l := range []struct {
		name string
		ids  []string
	}{{"added", r.added}, {"removed", r.removed}, {"changed", r.changed}} {
		if len(l.ids) > 0 {
			fmt.Fprintf(w, "  %s: %s\n", l.name, strings.Join(l.ids, ", "))
		}
	}
	if r.elsewhere > 0 {
		fmt.Fprintf(w, "  %d changes outside any operation (components)\n", r.elsewhere)
	}
}

func comma(ids []string) string  { return strings.Join(ids, ", ") }
func spaced(ids []string) string { return strings.Join(ids, " ") }

// joinOr is "a is" or "a, b are".
func joinOr(ids []string, one, many string) string {
	if len(ids) == 1 {
		return ids[0] + " " + one
	}
	return comma(ids) + " " + many
}
