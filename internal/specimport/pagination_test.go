package specimport

import (
	"regexp"
	"slices"
	"strings"
	"testing"

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
