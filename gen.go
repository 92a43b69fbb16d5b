// Package openapi is the root of the Rhombus Go client module. It holds the
// spec of record, openapi.yaml, and the go:generate step that compiles it
// into package api; it has no code of its own. Users import the wrapper
// package (github.com/rhombuskit/rhombus-go/wrapper, package rhombus).
package openapi

// The generator runs at the version pinned in tools/go.mod, a module of its
// own so that programs importing this one do not inherit its requirements;
// the output is the same on every machine.
//go:generate go tool -modfile=tools/go.mod oapi-codegen -config api/oapi-codegen.yaml openapi.yaml
// Nil-safe getters for the pointer fields the models keep (booleans, numbers).
//go:generate go run ./internal/gen/getters -in api/api.gen.go -out api/getters.gen.go
