package specimport

import (
	"strings"
	"testing"

	"github.com/rhombuskit/rhombus-go/internal/upstream"
)

// An imported operation of a resource family carries its x-rhombus-resource
// as the whole API infers it, so the fake keeps its state once the family's
// create and list are both in openapi.yaml.
func TestImportWritesResourceFamilies(t *testing.T) {
	doc, err := upstream.Read("../../" + upstream.File)
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{"createlocation", "getLocations"}
	res, err := Import(testSpec(t), doc, ids, Decisions{ReadsGiven: true, Reads: []string{"getLocations"}})
	if err != nil {
		t.Fatal(err)
	}
	y := string(res.YAML)
	for _, want := range []string{"family: location\n        id: uuid\n        key: uuid\n        object: location\n        role: create", "family: location\n        items: locations\n        key: uuid\n        role: list"} {
		if !strings.Contains(y, want) {
			t.Errorf("no %q in the imported operations", want)
		}
	}
}

// An operation the vendor answers under default alone (revertToDefaults)
// is imported with that answer as its 200, the one conformance compares.
func TestImportDefaultAnswerIsThe200(t *testing.T) {
	doc, err := upstream.Read("../../" + upstream.File)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Import(testSpec(t), doc, []string{"revertToDefaults"}, Decisions{ReadsGiven: true, Identifying: map[string][]string{"revertToDefaults": {"cameraUuid"}}})
	if err != nil {
		t.Fatal(err)
	}
	y := string(res.YAML)
	if !strings.Contains(y, "#/components/schemas/Camera_RevertCameraToDefaultsWSResponse") {
		t.Error("the vendor's default answer was not imported as the 200")
	}
}
