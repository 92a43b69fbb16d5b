//go:build tools

// This file pins the versions of the command-line tools the module runs
// (code generation and linting) in go.mod, so `go run` uses the same
// version on every machine.
package openapi

import (
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
	_ "honnef.co/go/tools/cmd/staticcheck"
)
