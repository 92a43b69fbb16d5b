package openapi

import _ "embed"

// Spec is the text of openapi.yaml, the spec of record, for programs that
// read the spec itself (the fake server in rhombustest validates requests
// and answers against it). Nothing the client needs at run time parses it.
//
//go:embed openapi.yaml
var Spec []byte
