package fullapi_test

import (
	"context"
	"fmt"
	"log"

	"github.com/rhombuskit/rhombus-go/fullapi"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// Any operation of the Rhombus API, through the wrapper's Do: credentials,
// errors, warnings, the limiter and retries apply to it.
func Example() {
	c, err := rhombus.New(rhombus.FromEnvironment())
	if err != nil {
		log.Fatal(err)
	}
	full, err := fullapi.NewClientWithResponses(c.BaseURL(), fullapi.WithHTTPClient(c))
	if err != nil {
		log.Fatal(err)
	}
	locs, err := full.GetLocationsWithResponse(context.Background(), nil, fullapi.LocationGetLocationsWSRequest{})
	if err != nil {
		log.Fatal(err)
	}
	for _, l := range locs.JSON200.Locations {
		fmt.Println(l.Name, l.UUID)
	}
}
