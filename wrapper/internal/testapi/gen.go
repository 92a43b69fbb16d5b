// Package testapi is a client generated from a test-only spec holding
// operations that openapi.yaml lacks, and its operation table. It exists to
// prove that the wrapper serves any generated operation without code of its
// own; nothing outside the wrapper's tests uses it.
package testapi

//go:generate go tool -modfile=../../../tools/go.mod oapi-codegen -config oapi-codegen.yaml openapi.yaml
//go:generate go run ../../../internal/gen/operations -spec openapi.yaml -gen testapi.gen.go -out operations.gen.go -pkg testapi -var Operations -op github.com/rhombuskit/rhombus-go/wrapper
