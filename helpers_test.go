package openapi

import (
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/internal/upstream"
)

const (
	specPath = "openapi.yaml"

	// ruuidPattern is the canonical RUUID: 22 characters of base64url whose
	// last one has its 4 unused low bits zero. It must match the pattern of
	// the RUUID schema in openapi.yaml.
	ruuidPattern = `^[A-Za-z0-9_-]{21}[AQgw]$`
)

// kin-openapi consults only its global registry both when Validate checks
// that a format is known and when an example is checked against its schema,
// so the RUUID format is registered there, once, before any test runs.
func init() {
	openapi3.DefineStringFormatValidator("RUUID", openapi3.NewRegexpFormatValidator(ruuidPattern))
}

// loadUpstream loads the vendor's pinned document, repaired in memory as
// the importer sees it.
func loadUpstream(t *testing.T) *openapi3.T {
	t.Helper()
	d, err := upstream.Read(upstream.File)
	require.NoError(t, err)
	doc, err := d.Load()
	require.NoError(t, err)
	return doc
}

// loadSpec loads an OpenAPI document from a file, refusing external
// references: both documents must be self-contained.
func loadSpec(t *testing.T, path string) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromFile(path)
	require.NoError(t, err, "loading %s", path)
	return doc
}

// pointer appends reference tokens to a JSON pointer, escaping them as RFC
// 6901 requires ("/api/x" becomes "~1api~1x").
func pointer(base string, tokens ...string) string {
	var b strings.Builder
	b.WriteString(base)
	for _, tok := range tokens {
		b.WriteByte('/')
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(tok))
	}
	return b.String()
}
