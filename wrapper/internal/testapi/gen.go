// Package testapi is a client generated from a test-only spec holding an
// operation that openapi.yaml lacks. It exists to prove that the wrapper
// serves any generated operation without code of its own; nothing outside
// the wrapper's tests uses it.
package testapi

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config oapi-codegen.yaml openapi.yaml
