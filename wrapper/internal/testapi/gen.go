// Package testapi is a client generated from a test-only spec holding
// operations that openapi.yaml lacks; its operation table is in package
// testops, and the wrapper's typed methods of its operations in
// ../../testapi_calls.gen_test.go, compiled only into the wrapper's tests.
// It exists to prove that the wrapper serves any generated operation
// without code of its own; nothing outside the wrapper's tests uses it.
package testapi

//go:generate go tool -modfile=../../../tools/go.mod oapi-codegen -config oapi-codegen.yaml openapi.yaml
//go:generate go run ../../../internal/gen/operations -spec openapi.yaml -gen testapi.gen.go -out testops/operations.gen.go -pkg testops -var Operations -types github.com/rhombuskit/rhombus-go/wrapper/internal/testapi -op github.com/rhombuskit/rhombus-go/wrapper
//go:generate go run ../../../internal/gen/operations -spec openapi.yaml -gen testapi.gen.go -methods ../../testapi_calls.gen_test.go -pkg rhombus -types github.com/rhombuskit/rhombus-go/wrapper/internal/testapi
