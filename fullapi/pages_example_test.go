package fullapi_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/rhombuskit/rhombus-go/fullapi"
	"github.com/rhombuskit/rhombus-go/fullapi/fullops"
	"github.com/rhombuskit/rhombus-go/rhombustest"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// Every door of the organisation, page after page, against the fake of the
// whole API serving 250 doors in pages.
func ExampleFindAccessControlledDoorsItems() {
	fake := rhombustest.NewUnstartedServer(nil, rhombustest.WithSpec(fullops.Spec))
	if err := fake.Start(); err != nil {
		fmt.Println(err)
		return
	}
	defer fake.Close()
	var doors []json.RawMessage
	for i := range 250 {
		doors = append(doors, json.RawMessage(fmt.Sprintf(`{"uuid":"AAAAAAAAAAAAAAAAAA%03dA","name":"door %d"}`, i, i)))
	}
	fake.ServePages("findAccessControlledDoors", doors)
	c, err := rhombus.New(rhombus.WithEndpoint(fake.URL), rhombus.WithCredential(fake.Credential(rhombustest.OrgAPIToken)), rhombus.WithOperations(fullops.Operations...))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	size := int32(100)
	names := map[string]bool{}
	req := fullapi.ComponentFindAccessControlledDoorsWSRequest{MaxPageSize: &size}
	for door, err := range fullapi.FindAccessControlledDoorsItems(ctx, c, req) {
		if err != nil {
			fmt.Println(err) // the error that ended the walk, always the last value
			return
		}
		names[door.UUID] = true
	}
	fmt.Println(len(names), "doors")
	// Output: 250 doors
}
