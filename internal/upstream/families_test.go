package upstream

import (
	"fmt"
	"testing"
)

// The families of the pinned document: users, locations, permission
// groups and schedules among them, each operation with its role.
func TestResourceFamiliesInferred(t *testing.T) {
	d, err := Read("../../" + File)
	if err != nil {
		t.Fatal(err)
	}
	families, ops := d.InferResources()
	t.Logf("%d families, %d operations: %s", families, ops, d.Repairs[len(d.Repairs)-1])
	want := map[string]string{
		"createUser": "user/create", "getUsersInOrg": "user/list", "updateUser": "user/update", "deleteUser": "user/delete",
		"createlocation": "location/create", "getLocations": "location/list", "getLocation": "location/get",
		"updateLocation": "location/update", "deleteLocation": "location/delete",
		"createPermissionGroup": "permissionGroup/create", "getPermissionGroups": "permissionGroup/list",
		"updatePermissionGroup": "permissionGroup/update", "deletePermissionGroup": "permissionGroup/delete",
		"createSchedule": "schedule/create", "findSchedules": "schedule/list", "deleteSchedule": "schedule/delete",
	}
	for id, role := range want {
		_, _, op, ok := d.Operation(id)
		if !ok {
			t.Errorf("no %s", id)
			continue
		}
		ext, _ := op[ExtResource].(map[string]any)
		if got := fmt.Sprintf("%v/%v", ext["family"], ext["role"]); got != role {
			t.Errorf("%s: %s, want %s (%v)", id, got, role, ext)
		}
	}
	if _, _, op, _ := d.Operation("getLocationsByGeo"); op[ExtResource] != nil {
		t.Errorf("getLocationsByGeo is not the locations' list: %v", op[ExtResource])
	}
	if families < 10 {
		t.Errorf("only %d families", families)
	}
}

// A hand decision wins: an operation left out by ResourceOverrides is in
// no family, and one whose document carries the extension keeps it.
func TestResourceOverridesWin(t *testing.T) {
	d, err := Read("../../" + File)
	if err != nil {
		t.Fatal(err)
	}
	_, _, loc, _ := d.Operation("getLocations")
	hand := map[string]any{"family": "place", "role": "list", "items": "locations", "key": "uuid"}
	loc[ExtResource] = hand
	ResourceOverrides["deleteUser"] = false
	defer delete(ResourceOverrides, "deleteUser")
	families, ops := d.InferResources()
	if _, _, op, _ := d.Operation("deleteUser"); op[ExtResource] != nil {
		t.Errorf("deleteUser, left out by hand, is marked %v", op[ExtResource])
	}
	if fmt.Sprint(loc[ExtResource]) != fmt.Sprint(hand) {
		t.Errorf("the document's own extension was replaced: %v", loc[ExtResource])
	}
	if f2, o2 := d.InferResources(); f2 != families || o2 != ops {
		t.Errorf("a second run counts %d/%d, the first %d/%d", f2, o2, families, ops)
	}
}
