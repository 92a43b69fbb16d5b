// Package fullops is the operation table of the whole Rhombus API: for each
// operation of the vendor's document (as repaired for package fullapi) its
// operationId, path and the JSON paths of the RUUIDs in its request. It is
// generated,
// and small: a program can know, check and call every operation (as the
// command line's `rhombus call` does) without compiling package fullapi.
//
// Give it to the wrapper to have RUUIDs checked before sending for every
// operation of package fullapi:
//
//	c, err := rhombus.New(rhombus.FromEnvironment(), rhombus.WithOperations(fullops.Operations...))
//
// The client sends every request as a JSON body with POST, so an operation
// of another method is not in Operations but in OperationsLeftOut: the one
// there is authorize (GET /api/oauth/authorize, the step of the OAuth flow
// a user takes in a browser). Together they are every operation of the
// document.
//
// The vendor's document records no decision about resending, so every
// operation here is a write to the wrapper: resent only after a 429 or when
// the request provably never left. Operations imported into openapi.yaml
// carry their decisions in the wrapper's own table, which wins.
package fullops

//go:generate go run ../../internal/gen/operations -spec openapi.json -out operations.gen.go -pkg fullops -var Operations -leftout OperationsLeftOut -op github.com/rhombuskit/rhombus-go/wrapper
