package specimport

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/rhombuskit/rhombus-go/internal/upstream"
)

// The import writes x-rhombus-pagination where the shapes leave one
// reading, notes an operation whose paging is ambiguous, and keeps a
// pagination written by hand on the next import.
func TestImportInfersPagination(t *testing.T) {
	doc, err := upstream.Read("../../" + upstream.File)
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{"findAccessControlledDoors", "getAlertMonitoringThreatCases"}
	res, err := Import(testSpec(t), doc, ids, Decisions{ReadsGiven: true, Reads: ids})
	if err != nil {
		t.Fatal(err)
	}
	y := string(res.YAML)
	if !strings.Contains(y, "x-rhombus-pagination:\n        cursor: lastEvaluatedKey\n        items: accessControlledDoors\n        next: lastEvaluatedKey\n        pageSize: maxPageSize\n") {
		t.Errorf("findAccessControlledDoors has no inferred x-rhombus-pagination:\n%s", pagingSection(y, "findAccessControlledDoors"))
	}
	if n := paginations(y); n != 1 {
		t.Errorf("want one x-rhombus-pagination, got %d", n)
	}
	if !slices.ContainsFunc(res.Notes, func(n string) bool {
		return strings.HasPrefix(n, "getAlertMonitoringThreatCases: paging undecided: it has more than one cursor field")
	}) {
		t.Errorf("no note on the ambiguous paging: %q", res.Notes)
	}

	// Decided by hand, then imported again: kept.
	decided := strings.Replace(y, "operationId: getAlertMonitoringThreatCases\n", "operationId: getAlertMonitoringThreatCases\n      x-rhombus-pagination: {cursor: lastEvaluatedKey, next: lastEvaluatedKey, items: threatCases, pageSize: maxPageSize}\n", 1)
	again, err := Import([]byte(decided), doc, nil, Decisions{})
	if err != nil {
		t.Fatal(err)
	}
	if n := paginations(string(again.YAML)); n != 2 {
		t.Errorf("after deciding by hand: %d x-rhombus-pagination, want 2\n%s", n, pagingSection(string(again.YAML), "getAlertMonitoringThreatCases"))
	}
	if slices.ContainsFunc(again.Notes, func(n string) bool { return strings.Contains(n, "paging undecided") }) {
		t.Errorf("a decided operation is still noted: %q", again.Notes)
	}
}

// paginations counts the operations that carry x-rhombus-pagination: the
// extension as a key, not where the spec's comments mention it.
func paginations(y string) int {
	return len(regexp.MustCompile(`(?m)^ +x-rhombus-pagination:`).FindAllStringIndex(y, -1))
}

func pagingSection(y, id string) string {
	i := strings.Index(y, "operationId: "+id)
	if i < 0 {
		return "(absent)"
	}
	return y[max(0, i-200):min(len(y), i+1500)]
}

// PAGINATION decides an ambiguous operation's paging: recorded as decided
// (not in x-rhombus-inferred), it is kept by an import that does not name
// it, changed (and the change printed) by one that does, and a decision
// whose fields the operation lacks is refused with the field and the rule.
func TestImportPaginationDecided(t *testing.T) {
	doc, err := upstream.Read("../../" + upstream.File)
	if err != nil {
		t.Fatal(err)
	}
	const threats = "getAlertMonitoringThreatCases"
	ids := []string{"findAccessControlledDoors", threats}
	decide := func(flag string) map[string]*upstream.Pagination {
		t.Helper()
		op, p, err := upstream.ParsePaginationFlag(flag)
		if err != nil {
			t.Fatal(err)
		}
		return map[string]*upstream.Pagination{op: p}
	}
	res, err := Import(testSpec(t), doc, ids, Decisions{ReadsGiven: true, Reads: ids,
		Pagination: decide(threats + "=lastEvaluatedKey,lastEvaluatedKey,threatCases,maxPageSize")})
	if err != nil {
		t.Fatal(err)
	}
	y := string(res.YAML)
	if n := paginations(y); n != 2 {
		t.Errorf("want 2 x-rhombus-pagination, got %d", n)
	}
	if got := inferredOf(t, y, threats); got != nil {
		t.Errorf("%s: a decided pagination is listed as inferred: %q", threats, got)
	}
	if got := inferredOf(t, y, "findAccessControlledDoors"); !slices.Contains(got, "x-rhombus-pagination") {
		t.Errorf("findAccessControlledDoors: x-rhombus-inferred = %q, without x-rhombus-pagination", got)
	}
	if slices.ContainsFunc(res.Notes, func(n string) bool { return strings.Contains(n, "paging undecided") }) {
		t.Errorf("a decided operation is noted as undecided: %q", res.Notes)
	}

	// Imported again without PAGINATION: kept, byte for byte.
	again, err := Import(res.YAML, doc, nil, Decisions{})
	if err != nil {
		t.Fatal(err)
	}
	if string(again.YAML) != y || len(again.Changes) > 0 {
		t.Errorf("re-import changed the spec or reported changes: %q", again.Changes)
	}

	// Changed on the command line: written, and the change printed.
	changed, err := Import(again.YAML, doc, []string{threats}, Decisions{Pagination: decide(threats + "=lastUuid,items[-1].uuid,threatCases,maxResults")})
	if err != nil {
		t.Fatal(err)
	}
	want := threats + ": pagination lastEvaluatedKey,lastEvaluatedKey,threatCases,maxPageSize -> lastUuid,items[-1].uuid,threatCases,maxResults"
	if !slices.Equal(changed.Changes, []string{want}) {
		t.Errorf("changes %q, want [%q]", changed.Changes, want)
	}
	if p := paginationOf(t, string(changed.YAML), threats); p == nil || p.ItemCursor != "uuid" || p.Cursor != "lastUuid" || p.PageSize != "maxResults" {
		t.Errorf("%s: pagination %+v after the change", threats, p)
	}

	// A decision the shapes cannot carry, or for an operation OPS does not
	// name, is refused: nothing is written.
	_, err = Import(again.YAML, doc, []string{threats}, Decisions{Pagination: decide(threats + "=nextToken,items[-1].id,cases,pageSize")})
	var refused *RefusedError
	if !errors.As(err, &refused) {
		t.Fatalf("a decision naming absent fields: %v, want a *RefusedError", err)
	}
	for _, want := range []string{
		`cursor "nextToken" is not a top-level field of its request`,
		`pageSize "pageSize" is not a top-level field of its request`,
		`items "cases" is not a list at the top level of its answer`,
	} {
		if !strings.Contains(err.Error(), threats+": PAGINATION: "+want) {
			t.Errorf("the refusal does not say %q:\n%v", want, err)
		}
	}
	_, err = Import(again.YAML, doc, []string{"findAccessControlledDoors"}, Decisions{Pagination: decide(threats + "=lastUuid,items[-1].uuid,threatCases")})
	if !errors.As(err, &refused) || !strings.Contains(err.Error(), threats+": PAGINATION names it, but OPS does not") {
		t.Errorf("PAGINATION for an operation OPS does not name: %v", err)
	}
}

// An inferred x-rhombus-pagination or x-rhombus-resource is inferred again
// on every import, so a newer vendor document refreshes it (the change
// printed); the same extension decided (written by hand, not listed in
// x-rhombus-inferred) is kept.
func TestImportReinfersInferred(t *testing.T) {
	doc, err := upstream.Read("../../" + upstream.File)
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{"findAccessControlledDoors", "getLocations"}
	res, err := Import(testSpec(t), doc, ids, Decisions{ReadsGiven: true, Reads: ids})
	if err != nil {
		t.Fatal(err)
	}
	y := string(res.YAML)
	for _, c := range []struct{ id, ext string }{{"findAccessControlledDoors", "x-rhombus-pagination"}, {"getLocations", upstream.ExtResource}} {
		if got := inferredOf(t, y, c.id); !slices.Contains(got, c.ext) {
			t.Fatalf("%s: x-rhombus-inferred = %q, without %s", c.id, got, c.ext)
		}
	}

	// A newer vendor document: the doors' list is renamed.
	newer, err := upstream.Read("../../" + upstream.File)
	if err != nil {
		t.Fatal(err)
	}
	s := newer.Schemas()["Component_FindAccessControlledDoorsWSResponse"].(map[string]any)["properties"].(map[string]any)
	s["doors"] = s["accessControlledDoors"]
	delete(s, "accessControlledDoors")
	// And the spec as an older import wrote getLocations' family.
	stale := strings.Replace(y, "items: locations\n        key: uuid\n        role: list\n", "items: locations\n        key: uuid\n        role: get\n", 1)
	if stale == y {
		t.Fatal("getLocations has no role: list to make stale")
	}
	again, err := Import([]byte(stale), newer, nil, Decisions{})
	if err != nil {
		t.Fatal(err)
	}
	if p := paginationOf(t, string(again.YAML), "findAccessControlledDoors"); p == nil || p.Items != "doors" {
		t.Errorf("the inferred pagination was not inferred again from the newer document: %+v", p)
	}
	wantChanges := []string{
		`findAccessControlledDoors: resource {"family":"accessControlledDoor","items":"accessControlledDoors","key":"uuid","role":"list"} -> {"family":"accessControlledDoor","items":"doors","key":"uuid","role":"list"}`,
		"findAccessControlledDoors: pagination lastEvaluatedKey,lastEvaluatedKey,accessControlledDoors,maxPageSize (inferred) -> lastEvaluatedKey,lastEvaluatedKey,doors,maxPageSize (inferred)",
		`getLocations: resource {"family":"location","items":"locations","key":"uuid","role":"get"} -> {"family":"location","items":"locations","key":"uuid","role":"list"}`,
	}
	if !slices.Equal(again.Changes, wantChanges) {
		t.Errorf("changes:\n%q\nwant:\n%q", again.Changes, wantChanges)
	}

	// The same two decided by hand (x-rhombus-inferred removed): kept.
	decided := regexp.MustCompile(`(?m)^      x-rhombus-inferred:\n(        - .*\n)+`).ReplaceAllString(stale, "")
	kept, err := Import([]byte(decided), newer, nil, Decisions{})
	if err != nil {
		t.Fatal(err)
	}
	if p := paginationOf(t, string(kept.YAML), "findAccessControlledDoors"); p == nil || p.Items != "accessControlledDoors" {
		t.Errorf("a decided pagination was not kept: %+v", p)
	}
	if !strings.Contains(string(kept.YAML), "items: locations\n        key: uuid\n        role: get\n") || len(kept.Changes) > 0 {
		t.Errorf("a decided resource was not kept, or changes were reported: %q", kept.Changes)
	}
	for _, id := range ids {
		if got := inferredOf(t, string(kept.YAML), id); got != nil {
			t.Errorf("%s: decided extensions listed as inferred: %q", id, got)
		}
	}
}

// opOf is the imported operation id of the spec y.
func opOf(t *testing.T, y, id string) map[string]any {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal([]byte(y), &doc); err != nil {
		t.Fatal(err)
	}
	for _, item := range doc.Paths {
		for _, op := range item {
			if op["operationId"] == id {
				return op
			}
		}
	}
	t.Fatalf("%s is not in the spec", id)
	return nil
}

func inferredOf(t *testing.T, y, id string) []string {
	t.Helper()
	list, _ := opOf(t, y, id)["x-rhombus-inferred"].([]any)
	var out []string
	for _, v := range list {
		out = append(out, v.(string))
	}
	return out
}

func paginationOf(t *testing.T, y, id string) *upstream.Pagination {
	t.Helper()
	p, err := upstream.ParsePagination(opOf(t, y, id)["x-rhombus-pagination"])
	if err != nil {
		t.Fatal(err)
	}
	return p
}
