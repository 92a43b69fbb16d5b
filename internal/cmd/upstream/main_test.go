package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/rhombuskit/rhombus-go/internal/cmd/upstream/docchange"
	"github.com/rhombuskit/rhombus-go/internal/specimport"
	"github.com/rhombuskit/rhombus-go/internal/upstream"
)

// The module root, from this package's folder.
const moduleRoot = "../../.."

// pinnedBytes is the pinned document, read once.
var pinnedBytes = sync.OnceValues(func() ([]byte, error) {
	return os.ReadFile(filepath.Join(moduleRoot, "upstream/openapi.json"))
})

// modified writes a copy of the pinned document with the named changes of
// package docchange made and returns its path.
func modified(t *testing.T, changes ...string) string {
	t.Helper()
	b, err := pinnedBytes()
	if err != nil {
		t.Fatal(err)
	}
	out, err := docchange.Apply(b, changes...)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "openapi.json")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// The files a report reads, and the only ones an update writes to outside
// the generated code.
var treeFiles = []string{"go.mod", "go.sum", "tools/go.mod", "tools/go.sum", "upstream/openapi.json", "upstream/README.md", "openapi.yaml"}

// scratchTree copies what a report needs into a new folder: enough to
// compare and to show that nothing is written when the update stops.
func scratchTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range treeFiles {
		b, err := os.ReadFile(filepath.Join(moduleRoot, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	importChanged(t, dir)
	return dir
}

// changedOps are the imported operations the modified copies change
// (docchange). A tree that has not imported them (make import-random
// N=none removes every import) gets them here, as reads, so the tests
// hold whatever openapi.yaml imports.
var changedOps = []string{"getCameraMediaUris", "getMinimalCameraStateList", "getMinimalDoorStateList"}

// importChanged imports changedOps into root's openapi.yaml, and says
// whether that changed it (not when they are imported already).
func importChanged(t *testing.T, root string) bool {
	t.Helper()
	path := filepath.Join(root, "openapi.yaml")
	spec, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := upstream.Read(filepath.Join(root, "upstream/openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := specimport.Import(spec, doc, changedOps, specimport.Decisions{ReadsGiven: true, Reads: changedOps})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(res.YAML, spec) {
		return false
	}
	if err := os.WriteFile(path, res.YAML, 0o644); err != nil {
		t.Fatal(err)
	}
	return true
}

// snapshot is the content of the tree's files.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	s := map[string]string{}
	for _, f := range treeFiles {
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		s[f] = string(b)
	}
	return s
}

func assertUnchanged(t *testing.T, root string, before map[string]string) {
	t.Helper()
	for f, b := range snapshot(t, root) {
		if b != before[f] {
			t.Errorf("%s was written", f)
		}
	}
}

// runIn runs the command on doc in root and returns its exit status and
// what it printed.
func runIn(t *testing.T, root, doc string, accept bool) (int, string) {
	t.Helper()
	var out bytes.Buffer
	code := run(config{root: root, doc: doc, accept: accept, today: "2027-01-02", source: "test copy", out: &out})
	t.Logf("exit status %d; report:\n%s", code, out.String())
	return code, out.String()
}

// section is what the report says about one operation of openapi.yaml:
// its line and the change lines under it.
func section(report, op string) string {
	lines := strings.Split(report, "\n")
	start := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "  "+op+" (") })
	if start < 0 {
		return ""
	}
	end := start + 1
	for end < len(lines) && strings.HasPrefix(lines[end], "    ") {
		end++
	}
	return strings.Join(lines[start:end], "\n")
}

// TestReportNamesEachChangeWithItsOperation: each change made to a copy of
// the pinned document is reported under the operation of openapi.yaml it
// touches, breaking or additive; a breaking one stops the update with exit
// status 1 and nothing written.
func TestReportNamesEachChangeWithItsOperation(t *testing.T) {
	// Each works in a tree of its own; together they take the time of the
	// slowest, the additive update that regenerates everything.
	t.Parallel()
	tests := []struct {
		name   string
		change string // of package docchange
		op     string
		want   *regexp.Regexp // a line of the operation's section
		code   int
	}{
		{
			name:   "property removed from an imported operation's answer",
			change: "response-property-removed",
			op:     "getCameraMediaUris",
			want:   regexp.MustCompile("(?m)^    breaking  response-optional-property-removed: .*`wanLiveH264Uri`.*response"),
			code:   exitBreaking,
		},
		{
			name:   "request field whose type changed",
			change: "request-type-changed",
			op:     "getMinimalCameraStateList",
			want:   regexp.MustCompile("(?m)^    breaking  request-property-type-changed: .*`includeMummified`.*`boolean`.*`string`"),
			code:   exitBreaking,
		},
		{
			name:   "new required request field",
			change: "required-request-field",
			op:     "getCameraMediaUris",
			want:   regexp.MustCompile("(?m)^    breaking  new-required-request-property: .*`region`"),
			code:   exitBreaking,
		},
		{
			name:   "enum value removed",
			change: "enum-value-removed",
			op:     "createUser",
			want:   regexp.MustCompile("(?m)^    breaking  request-property-enum-value-removed: .*`UNKNOWN`"),
			code:   exitBreaking,
		},
		{
			name:   "operation removed",
			change: "operation-removed",
			op:     "getMinimalDoorStateList",
			want:   regexp.MustCompile(`(?m)^  getMinimalDoorStateList \(POST /api/door/getMinimalDoorStateList, imported\): GONE: the new document does not have it$`),
			code:   exitBreaking,
		},
		{
			// oasdiff sees an addition, and it is one: the re-import keeps
			// the Go names recorded for getCameraMediaUris's schemas, now
			// shared, so no type of api/ is renamed.
			name:   "new operation sharing an imported operation's schemas",
			change: "operation-sharing-schemas",
			op:     "getCameraMediaUris",
			want:   regexp.MustCompile(`(?m)^  getCameraMediaUris \(POST /api/camera/getMediaUris, imported\): no change$`),
			code:   exitOK,
		},
		{
			name:   "new operation and new optional property",
			change: "additive",
			op:     "getCameraMediaUris",
			want:   regexp.MustCompile("(?m)^    additive  response-optional-property-added: .*`wanLiveAv1Uri\\d*`"),
			code:   exitOK,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := modified(t, tc.change)
			root := scratchTree(t)
			before := snapshot(t, root)
			if tc.code == exitOK {
				// The update itself is TestAdditiveUpdate's; here the
				// report alone: without its provenance table the update
				// stops before anything is written.
				readme := strings.Replace(before["upstream/README.md"], "| sha256 |", "| checksum |", 1)
				if err := os.WriteFile(filepath.Join(root, "upstream/README.md"), []byte(readme), 0o644); err != nil {
					t.Fatal(err)
				}
				before = snapshot(t, root)
			}
			code, report := runIn(t, root, doc, false)
			sec := section(report, tc.op)
			if !tc.want.MatchString(sec) {
				t.Errorf("the report on %s has no line matching %s; it says:\n%s", tc.op, tc.want, sec)
			}
			if tc.code == exitBreaking {
				if code != exitBreaking {
					t.Errorf("exit status %d, want %d", code, exitBreaking)
				}
				if !strings.Contains(report, "stopped: ") || !strings.Contains(report[strings.Index(report, "stopped: "):], tc.op) {
					t.Errorf("the last word does not name %s", tc.op)
				}
			} else {
				if code != exitFailed || !strings.Contains(report, "upstream/README.md (nothing was written): want one row | sha256 |") {
					t.Errorf("exit status %d: the update did not stop at the provenance table", code)
				}
				if strings.Contains(sec, "breaking  ") || strings.Contains(report, "stopped: ") {
					t.Error("an additive change is reported as breaking")
				}
				if !regexp.MustCompile(`\n  added: getCameraMediaUrisV\d+\n`).MatchString(report) {
					t.Error("the new operation is not in the summary of the rest")
				}
			}
			assertUnchanged(t, root, before)
		})
	}
}

// TestDisappearedOperationIsNeverDropped: with ACCEPT=1 too, an operation
// of openapi.yaml the new document lacks stops the update by name, with
// how to remove it: make unimport for an imported one, by hand for a
// hand-written one.
func TestDisappearedOperationIsNeverDropped(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		changes []string
		want    []string
	}{
		{
			name:    "imported",
			changes: []string{"operation-removed", "additive"},
			want: []string{
				"stopped: getMinimalDoorStateList is in openapi.yaml but not in the new document",
				`(make unimport OPS="getMinimalDoorStateList")`,
			},
		},
		{
			name:    "imported and hand-written",
			changes: []string{"operation-removed", "hand-written-operation-removed"},
			want: []string{
				"stopped: createUser, getMinimalDoorStateList are in openapi.yaml but not in the new document",
				`(the imported ones with make unimport OPS="getMinimalDoorStateList", the hand-written ones by hand)`,
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := modified(t, tc.changes...)
			root := scratchTree(t)
			before := snapshot(t, root)
			code, report := runIn(t, root, doc, true)
			if code != exitBreaking {
				t.Errorf("exit status %d, want %d", code, exitBreaking)
			}
			for _, want := range tc.want {
				if !strings.Contains(report, want) {
					t.Errorf("the report lacks %q", want)
				}
			}
			assertUnchanged(t, root, before)
		})
	}
}

// TestUsageErrors: a run without a document, with one that cannot be read,
// or with words the flags do not take stops with exit status 2 and says
// why, before reading anything else.
func TestUsageErrors(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "openapi.json")
	tests := []struct {
		name string
		c    config
		want string
	}{
		{"no document", config{}, "upstream: name the new document: make upstream DOC=path/to/openapi.json"},
		{"a document that is not there", config{doc: missing}, "upstream: open " + missing + ": no such file or directory"},
		{"a word after the flags", config{doc: missing, args: []string{"ACCEPT=1"}}, `upstream: unexpected "ACCEPT=1" after the flags`},
		{"a source that is not one cell", config{doc: missing, source: "a | b"}, "upstream: SOURCE is one line without |"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			tc.c.root, tc.c.out = t.TempDir(), &out
			if code := run(tc.c); code != exitFailed {
				t.Errorf("exit status %d, want %d", code, exitFailed)
			}
			if !strings.HasPrefix(out.String(), tc.want) {
				t.Errorf("it says %q, want it to start %q", out.String(), tc.want)
			}
		})
	}
}

// TestPinAgainstItself: the current pin compared with itself has no
// change; nothing is written.
func TestPinAgainstItself(t *testing.T) {
	t.Parallel()
	root := scratchTree(t)
	before := snapshot(t, root)
	code, report := runIn(t, root, filepath.Join(moduleRoot, "upstream/openapi.json"), false)
	if code != exitOK {
		t.Errorf("exit status %d, want 0", code)
	}
	ours, err := specOperations([]byte(before["openapi.yaml"]))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range ours {
		if !regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(o.id) + ` \(.*\): no change$`).MatchString(report) {
			t.Errorf("%s: not reported as unchanged", o.id)
		}
	}
	for _, want := range []string{": 0 added, 0 removed, 0 changed (0 of them breaking)\n", "the new document is the pinned one: nothing to update."} {
		if !strings.Contains(report, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	assertUnchanged(t, root, before)
}

// TestAdditiveUpdate: an additive-only document updates a clone of the
// repository with exit status 0: pinned with its provenance, the new
// property imported, regenerated, conformance passing; the same document
// a second time changes nothing. A later document that no longer differs
// where the conformance allow-list allows a difference gets the entry
// reported.
func TestAdditiveUpdate(t *testing.T) {
	t.Parallel()
	top, err := exec.Command("git", "-C", moduleRoot, "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(t.TempDir(), "repo")
	git(t, "", "clone", "-q", strings.TrimSpace(string(top)), root)
	if importChanged(t, root) {
		goIn(t, root, "generate", "./...")
		git(t, root, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qam", "import the operations the copies change")
	}
	doc := modified(t, "additive")
	newBytes, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	oldBytes, err := os.ReadFile(filepath.Join(root, "upstream/openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	props, paths := additions(t, oldBytes, newBytes)
	newDoc, err := upstream.Parse(newBytes)
	if err != nil {
		t.Fatal(err)
	}
	contents := fmt.Sprintf("| contents | OpenAPI 3.0.1, %d operations, %d schemas |", len(operations(newDoc.Root)), len(newDoc.Schemas()))

	code, report := runIn(t, root, doc, false)
	if code != exitOK {
		t.Fatalf("exit status %d, want 0", code)
	}
	pinned, err := os.ReadFile(filepath.Join(root, "upstream/openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pinned, newBytes) {
		t.Error("upstream/openapi.json is not the new document byte for byte")
	}
	readme, err := os.ReadFile(filepath.Join(root, "upstream/README.md"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(newBytes)
	for _, row := range []string{"| source | test copy |", "| pinned | 2027-01-02 |", "| sha256 | " + hex.EncodeToString(sum[:]) + " |", contents} {
		if !bytes.Contains(readme, []byte("\n"+row+"\n")) {
			t.Errorf("upstream/README.md lacks the row %s", row)
		}
	}
	// The new property is imported and generated, the new operation is in
	// fullapi, and the imported operation's types keep their names.
	want := [][2]string{{"api/api.gen.go", "type GetCameraMediaUrisResponse struct"}}
	for _, p := range props {
		want = append(want, [2]string{"openapi.yaml", p + ":"}, [2]string{"api/api.gen.go", `json:"` + p})
	}
	for _, p := range paths {
		want = append(want, [2]string{"fullapi/fullapi.gen.go", `"` + p + `"`})
	}
	for _, fw := range want {
		file, want := fw[0], fw[1]
		b, err := os.ReadFile(filepath.Join(root, file))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("%s lacks %s", file, want)
		}
	}
	if !strings.Contains(report, "--- PASS: TestVendorConformance ") {
		t.Error("the conformance check did not pass")
	}
	// What make check would run first on the result: it builds, and the
	// pin matches its provenance.
	goIn(t, root, "build", "./...")
	goIn(t, root, "test", "-count=1", "-run", "^TestPinnedDocumentIsUnchanged$", "./internal/upstream")

	status := git(t, root, "status", "--porcelain")
	code, report = runIn(t, root, doc, false)
	if code != exitOK || !strings.Contains(report, "the new document is the pinned one: nothing to update.") {
		t.Errorf("the second run: exit status %d, and not nothing to update", code)
	}
	if again := git(t, root, "status", "--porcelain"); again != status {
		t.Errorf("the second run changed the tree:\n%s\nthen:\n%s", status, again)
	}

	// The allow-list re-checked against a newer document: the vendor now
	// says what createPendingRegistration's entry allowed a difference
	// from (wifiPsk's items are not null). That is breaking for a request,
	// so ACCEPT=1 updates; the conformance check reports the entry.
	doc = modified(t, "additive", "allow-list-difference-gone")
	code, report = runIn(t, root, doc, true)
	if code != exitFailed {
		t.Errorf("exit status %d, want %d: the conformance check fails on the stale entry", code, exitFailed)
	}
	if !regexp.MustCompile(`allow-list entry .*wifiPsk.* matches no difference`).MatchString(report) {
		t.Error("the allow-list entry for wifiPsk is not reported as matching no difference")
	}
}

// additions lists what the additive change added to before: the properties
// of getCameraMediaUris's answer, and the paths.
func additions(t *testing.T, before, after []byte) (props, paths []string) {
	t.Helper()
	var docs [2]struct {
		Paths      map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]struct {
				Properties map[string]any `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	for i, b := range [][]byte{before, after} {
		if err := json.Unmarshal(b, &docs[i]); err != nil {
			t.Fatal(err)
		}
	}
	const answer = "Camera_GetMediaUrisWSResponse"
	for p := range docs[1].Components.Schemas[answer].Properties {
		if _, ok := docs[0].Components.Schemas[answer].Properties[p]; !ok {
			props = append(props, p)
		}
	}
	for p := range docs[1].Paths {
		if _, ok := docs[0].Paths[p]; !ok {
			paths = append(paths, p)
		}
	}
	if len(props) == 0 || len(paths) == 0 {
		t.Fatalf("the additive copy adds properties %v and paths %v, want some of each", props, paths)
	}
	return props, paths
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	if dir != "" {
		args = append([]string{"-C", dir}, args...)
	}
	out, err := exec.Command("git", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func goIn(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}
