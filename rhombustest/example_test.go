package rhombustest_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/rhombuskit/rhombus-go/api"
	"github.com/rhombuskit/rhombus-go/rhombustest"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// A user's own test needs three lines: a server, a call through the client
// it hands out, a check of the server's state. In a test, the first line is
// s := rhombustest.NewServer(t), which also closes the server when the test
// ends; an example has no t, so it passes nil and closes the server itself.
func Example() {
	s := rhombustest.NewServer(nil)
	defer s.Close()

	_, err := s.Client().CreateUser(context.Background(), api.CreateUserRequest{Email: "jane@example.com", Name: "Jane Doe"})
	fmt.Println(err, len(s.Users(s.DefaultOrg())))
	// Output: <nil> 1
}

// Faults are scripted per operation and per call; here the next createUser
// is refused with the envelope error a real server sends.
func ExampleServer_Fail() {
	s := rhombustest.NewServer(nil)
	defer s.Close()

	s.Fail(rhombustest.OpCreateUser, rhombustest.ErrorEnvelope("organisation suspended"))
	_, err := s.Client().CreateUser(context.Background(), api.CreateUserRequest{Email: "jane@example.com", Name: "Jane Doe"})
	fmt.Println(err, errors.Is(err, rhombus.ErrRefused))
	// Output: rhombus: createUser: HTTP 200 error: organisation suspended true
}

// The generated client can be used on its own, with the server's headers.
func Example_generatedClient() {
	s := rhombustest.NewServer(nil)
	defer s.Close()

	c, _ := api.NewClientWithResponses(s.URL, api.WithHTTPClient(s.HTTPClient()), api.WithRequestEditorFn(s.Credential(rhombustest.OrgAPIToken).EditRequest))
	res, _ := c.CreateUserWithResponse(context.Background(), api.CreateUserRequest{Email: "jane@example.com", Name: "Jane Doe"})

	fmt.Println(res.StatusCode(), res.JSON200.ResponseStatus, len(s.Users(s.DefaultOrg())))
	// Output: 200 SUCCESS 1
}
