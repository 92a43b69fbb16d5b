package fullops

import _ "embed" // for Spec

// Spec is the whole API's OpenAPI document, repaired (see
// internal/upstream): the input of package fullapi and of Operations, and
// what `rhombus fake --spec whole` serves.
//
//go:embed openapi.json
var Spec []byte
