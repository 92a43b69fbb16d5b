package rhombustest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/rhombuskit/rhombus-go/fullapi/fullops"
	"github.com/rhombuskit/rhombus-go/internal/upstream"
)

const (
	createDoorOp = "createAccessControlledDoor"
	findDoorsOp  = "findAccessControlledDoors"
)

// wholeServerWithDoors is a fake serving the whole API whose default
// organisation has n doors, "door 0" to "door n-1" in that order, and the
// path of the doors' list.
func wholeServerWithDoors(tb TB, n int) (*Server, string) {
	s := NewServer(tb, WithSpec(fullops.Spec))
	for i := range n {
		body := fmt.Sprintf(`{"accessControlledDoor":{"name":"door %d"}}`, i)
		s.recordCreated(createDoorOp, s.DefaultOrg(), []byte(body), newRUUID())
	}
	path := ""
	for p, item := range s.spec.doc.Paths.Map() {
		for _, o := range item.Operations() {
			if o.OperationID == findDoorsOp {
				path = p
			}
		}
	}
	return s, path
}

// postJSON posts body to the fake as the default organisation and decodes
// the answer.
func postJSON(tb TB, s *Server, path, body string) map[string]json.RawMessage {
	tb.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL+path, bytes.NewReader([]byte(body)))
	if err != nil {
		tb.Fatalf("%v", err)
	}
	if err := s.Credential(OrgAPIToken).EditRequest(req.Context(), req); err != nil {
		tb.Fatalf("%v", err)
	}
	req.Header.Set("Content-Type", contentJSON)
	res, err := s.HTTPClient().Do(req)
	if err != nil {
		tb.Fatalf("%v", err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var m map[string]json.RawMessage
	if res.StatusCode != http.StatusOK || json.Unmarshal(b, &m) != nil {
		tb.Fatalf("%s: status %d: %.300s", path, res.StatusCode, b)
	}
	return m
}

func (s *Server) listedEntities() int {
	s.entities.mu.Lock()
	defer s.entities.mu.Unlock()
	return s.entities.listed
}

// TestAFamilyPageShapesOnlyItsOwnEntities walks a family's list of 2,000
// in pages of 100 and counts the entities the fake shapes for each: a
// page's own 100, not the whole list's 2,000 (which made a walk cost the
// square of the list); every entity still comes once, in order.
func TestAFamilyPageShapesOnlyItsOwnEntities(t *testing.T) {
	const doors, size = 2000, 100
	s, path := wholeServerWithDoors(t, doors)
	if path == "" {
		t.Fatalf("the whole API has no %s", findDoorsOp)
	}
	cursor, pages, seen := "", 0, 0
	for {
		req := map[string]any{"maxPageSize": size}
		if cursor != "" {
			req["lastEvaluatedKey"] = cursor
		}
		before := s.listedEntities()
		m := postJSON(t, s, path, string(mustJSON(req)))
		shaped := s.listedEntities() - before
		var items []struct {
			Name string `json:"name"`
		}
		if err := json.Unmarshal(m["accessControlledDoors"], &items); err != nil {
			t.Fatalf("page %d: %v", pages, err)
		}
		if shaped != len(items) {
			t.Fatalf("page %d: %d entities shaped for a page of %d", pages, shaped, len(items))
		}
		for _, it := range items {
			if want := fmt.Sprintf("door %d", seen); it.Name != want {
				t.Fatalf("page %d: %q where %q comes", pages, it.Name, want)
			}
			seen++
		}
		if string(m["error"]) != "false" {
			t.Errorf("page %d: error is %s", pages, m["error"])
		}
		pages++
		cursor = ""
		if raw, ok := m["lastEvaluatedKey"]; ok {
			if err := json.Unmarshal(raw, &cursor); err != nil {
				t.Fatalf("page %d: the cursor %s is not a string", pages, raw)
			}
		}
		if cursor == "" || pages > doors/size {
			break
		}
	}
	if seen != doors || pages != doors/size {
		t.Errorf("%d doors in %d pages; want %d in %d", seen, pages, doors, doors/size)
	}
}

// TestAFamilyPageRefusesACursorTheFakeDidNotGive: the family's pages check
// the cursor as before, a position past the list or not the fake's form.
func TestAFamilyPageRefusesACursorTheFakeDidNotGive(t *testing.T) {
	s, path := wholeServerWithDoors(t, 10)
	for _, cursor := range []string{"page:MTE", "page:MA", "MTA", "page:!!"} { // 11, 0, no prefix, not base64
		m := postJSON(t, s, path, fmt.Sprintf(`{"maxPageSize":4,"lastEvaluatedKey":%q}`, cursor))
		var msg string
		_ = json.Unmarshal(m["errorMsg"], &msg)
		if string(m["error"]) != "true" || msg != "lastEvaluatedKey: not a cursor this server gave" {
			t.Errorf("cursor %q: error %s, errorMsg %q", cursor, m["error"], msg)
		}
	}
	// The last page's cursor: position 8 of 10, the last two doors.
	m := postJSON(t, s, path, `{"maxPageSize":4,"lastEvaluatedKey":"page:OA"}`)
	var items []map[string]any
	_ = json.Unmarshal(m["accessControlledDoors"], &items)
	if len(items) != 2 || items[0]["name"] != "door 8" || m["lastEvaluatedKey"] != nil {
		t.Errorf("after page:OA: %d doors, the first %v, next %s", len(items), items, m["lastEvaluatedKey"])
	}
}

// TestEntityListIndexFollowsCreatesAndDeletes: the index from RUUID to
// position that get, update and a lastUuid cursor use agrees with the
// list after entities are added and removed.
func TestEntityListIndexFollowsCreatesAndDeletes(t *testing.T) {
	l := &entityList{}
	ids := []string{"a", "b", "c", "d"}
	for _, id := range ids[:2] {
		l.add("uuid", map[string]any{"uuid": id})
	}
	if i, ok := l.position("uuid", "b"); !ok || i != 1 {
		t.Fatalf("b at %d, %v; want 1", i, ok)
	}
	for _, id := range ids[2:] {
		l.add("uuid", map[string]any{"uuid": id}) // the index, built, follows adds
	}
	l.add("uuid", map[string]any{"uuid": "a"}) // a second "a": the first is found
	if i, ok := l.position("uuid", "d"); !ok || i != 3 {
		t.Errorf("d at %d, %v; want 3", i, ok)
	}
	if i, ok := l.position("uuid", "a"); !ok || i != 0 {
		t.Errorf("a at %d, %v; want 0", i, ok)
	}
	l.remove(1) // b: c and d move up
	if _, ok := l.position("uuid", "b"); ok {
		t.Error("b found after its delete")
	}
	if i, ok := l.position("uuid", "d"); !ok || i != 2 {
		t.Errorf("d at %d, %v after b's delete; want 2", i, ok)
	}
	if _, ok := l.position("uuid", ""); ok {
		t.Error("an empty RUUID found")
	}
}

// TestServePagesIndexAgreesWithReadingTheItems: in the lastUuid style a
// ServePages list's cursors are found by an index built once; every page
// is the one reading the items finds, and a cursor no item has is refused.
func TestServePagesIndexAgreesWithReadingTheItems(t *testing.T) {
	p := &upstream.Pagination{Cursor: "lastUuid", ItemCursor: "uuid", Items: "things", PageSize: "maxResults"}
	var items []json.RawMessage
	for i := range 7 {
		items = append(items, json.RawMessage(fmt.Sprintf(`{"uuid":"u%d","n":%d}`, i%6, i))) // u0 twice
	}
	at := itemCursorIndex(p, items)
	for _, cursor := range []string{"", "u0", "u3", "u5", "nope"} {
		body := fmt.Sprintf(`{"maxResults":2,"lastUuid":%q}`, cursor)
		want, wantErr := page(p, items, []byte(body), nil)
		got, err := page(p, items, []byte(body), at)
		if fmt.Sprint(err) != fmt.Sprint(wantErr) || !bytes.Equal(got, want) {
			t.Errorf("cursor %q: %s, %v; reading the items: %s, %v", cursor, got, err, want, wantErr)
		}
		if cursor == "nope" && err == nil {
			t.Errorf("cursor %q: not refused", cursor)
		}
	}
}
