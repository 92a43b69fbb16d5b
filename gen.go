// Package openapi is the root of the Rhombus Go client module. It holds the
// spec of record, openapi.yaml, and the go:generate step that compiles it
// into package api; it has no code of its own. Users import the wrapper
// package (github.com/rhombuskit/rhombus-go/wrapper, package rhombus).
package openapi

// The generator runs at the version pinned in go.mod through tools.go, so the
// output is the same on every machine.
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config api/oapi-codegen.yaml openapi.yaml
// Nil-safe getters for the pointer fields the models keep (booleans, numbers).
//go:generate go run ./internal/gen/getters -in api/api.gen.go -out api/getters.gen.go
