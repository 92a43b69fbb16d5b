// Command pickops chooses operations of the vendor's pinned document that
// openapi.yaml does not have yet, at random with a given seed, and derives
// the decisions `make import` needs the way a person in a hurry might: an
// operation whose name starts with get, find or list only reads; any other
// is a write identified by the top-level request fields ending in Uuid. It
// prints three lines, for OPS, READS and IDENTIFYING. It exists to try the
// importer on the document's variety (scripts/import-random.sh); the
// decisions it derives are a guess, not a review.
//
//	go run ./internal/cmd/pickops -n 60 -seed 1   # -n 0: every operation
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/rhombuskit/rhombus-go/internal/upstream"
)

func main() {
	n := flag.Int("n", 60, "how many operations (0: all)")
	seed := flag.Uint64("seed", 1, "the seed of the choice")
	spec := flag.String("spec", "openapi.yaml", "the spec whose operations are left out")
	flag.Parse()
	if err := run(*n, *seed, *spec); err != nil {
		fmt.Fprintln(os.Stderr, "pickops:", err)
		os.Exit(1)
	}
}

func run(n int, seed uint64, specPath string) error {
	if n < 0 {
		return fmt.Errorf("-n must be 0 or more, got %d", n)
	}
	b, err := os.ReadFile(specPath)
	if err != nil {
		return err
	}
	var spec struct {
		Paths map[string]map[string]struct {
			OperationID string `yaml:"operationId"`
		} `yaml:"paths"`
	}
	if err := yaml.Unmarshal(b, &spec); err != nil {
		return fmt.Errorf("%s: %w", specPath, err)
	}
	have := map[string]bool{}
	for _, item := range spec.Paths {
		for _, op := range item {
			have[op.OperationID] = true
		}
	}
	doc, err := upstream.Read(upstream.File)
	if err != nil {
		return err
	}
	paths, _ := doc.Root["paths"].(map[string]any)
	var ids []string
	req := map[string]map[string]any{}
	for _, p := range slices.Sorted(keys(paths)) {
		item, _ := paths[p].(map[string]any)
		op, _ := item["post"].(map[string]any)
		id, _ := op["operationId"].(string)
		if id != "" && !have[id] {
			ids = append(ids, id)
			req[id] = op
		}
	}
	slices.Sort(ids)
	rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)).Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	if n > 0 && n < len(ids) {
		ids = ids[:n]
	}
	slices.Sort(ids)
	var reads, ident []string
	for _, id := range ids {
		lower := strings.ToLower(id)
		if strings.HasPrefix(lower, "get") || strings.HasPrefix(lower, "find") || strings.HasPrefix(lower, "list") {
			reads = append(reads, id)
			continue
		}
		var fields []string
		for f := range requestFields(doc, req[id]) {
			if strings.HasSuffix(f, "Uuid") {
				fields = append(fields, f)
			}
		}
		if len(fields) > 0 {
			slices.Sort(fields)
			ident = append(ident, id+"="+strings.Join(fields, ","))
		}
	}
	fmt.Println(strings.Join(ids, " "))
	fmt.Println(strings.Join(reads, " "))
	fmt.Println(strings.Join(ident, " "))
	return nil
}

// requestFields is the set of top-level fields of the JSON request body.
func requestFields(doc *upstream.Doc, op map[string]any) map[string]bool {
	rb, _ := op["requestBody"].(map[string]any)
	c, _ := rb["content"].(map[string]any)
	j, _ := c["application/json"].(map[string]any)
	out := map[string]bool{}
	var add func(s map[string]any)
	add = func(s map[string]any) {
		props, _ := s["properties"].(map[string]any)
		for k := range props {
			out[k] = true
		}
		all, _ := s["allOf"].([]any)
		for _, m := range all {
			add(doc.Resolve(m))
		}
	}
	add(doc.Resolve(j["schema"]))
	return out
}

func keys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
