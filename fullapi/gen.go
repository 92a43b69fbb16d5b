package fullapi

// The vendor's pinned document, repaired (internal/upstream lists each
// repair), then compiled by the generator pinned in tools/go.mod.
//go:generate go run ../internal/cmd/repair -q -in ../upstream/openapi.json -out fullops/openapi.json
//go:generate go tool -modfile=../tools/go.mod oapi-codegen -config oapi-codegen.yaml fullops/openapi.json

// The paginators of the operations with x-rhombus-pagination, over the
// wrapper's generic Pages and Items.
//go:generate go run ../internal/gen/operations -spec fullops/openapi.json -gen fullapi.gen.go -pages pages.gen.go -pkg fullapi -op github.com/rhombuskit/rhombus-go/wrapper
