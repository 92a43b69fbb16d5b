package upstream

import (
	"testing"
)

func TestInferPagination(t *testing.T) {
	d, err := Read("../../" + File)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		op   string
		want *Pagination
		why  string
	}{
		{"findAccessControlledDoors", &Pagination{Cursor: "lastEvaluatedKey", Next: "lastEvaluatedKey", Items: "accessControlledDoors", PageSize: "maxPageSize"}, ""},
		{"getClipsWithProgress", &Pagination{Cursor: "pageToken", Next: "pageToken", Items: "savedClips", PageSize: "pageSize"}, ""},
		{"getPolicyAlertsV2", &Pagination{Cursor: "lastUuid", ItemCursor: "uuid", Items: "policyAlerts", PageSize: "maxResults"}, ""},
		{"getAlertMonitoringThreatCases", nil, "has more than one cursor field: lastEvaluatedKey, lastUuid"},
		{"getPolicyAlertGroupsV2", nil, "takes lastUuid but the items of policyAlertGroups have no uuid"},
		{"getLocations", nil, ""},
	}
	for _, c := range cases {
		_, _, op, ok := d.Operation(c.op)
		if !ok {
			t.Fatalf("%s: not in the document", c.op)
		}
		got, why := d.InferPagination(op)
		if (got == nil) != (c.want == nil) || (got != nil && *got != *c.want) || why != c.why {
			t.Errorf("%s: got %+v %q, want %+v %q", c.op, got, why, c.want, c.why)
		}
		if got != nil {
			back, err := ParsePagination(got.Extension())
			if err != nil || *back != *got {
				t.Errorf("%s: extension does not read back: %+v, %v", c.op, back, err)
			}
		}
	}
	if n := len(d.MarkPagination()); n != 5 {
		t.Errorf("MarkPagination left %d undecided, want 5", n)
	}
}

func TestParsePaginationFlag(t *testing.T) {
	op, p, err := ParsePaginationFlag("getPolicyAlertGroupsV2=lastUuid,items[-1].policyAlertGroupUuid,policyAlertGroups,maxResults")
	if err != nil || op != "getPolicyAlertGroupsV2" || *p != (Pagination{Cursor: "lastUuid", ItemCursor: "policyAlertGroupUuid", Items: "policyAlertGroups", PageSize: "maxResults"}) {
		t.Fatalf("got %q %+v %v", op, p, err)
	}
	for _, bad := range []string{"x", "x=a,b", "=a,b,c", "x=a,b,c,d,e", "x=,b,c"} {
		if _, _, err := ParsePaginationFlag(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	if _, err := ParsePagination(map[string]any{"cursor": "a", "items": "b", "next": "a", "itemCursor": "uuid"}); err == nil {
		t.Error("both next and itemCursor: no error")
	}
}
