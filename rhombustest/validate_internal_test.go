package rhombustest

import (
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The spec's RUUID schema has a pattern too; this proves the format
// validator registered for "RUUID" works on its own.
func TestRUUIDFormatValidator(t *testing.T) {
	sp, err := loadSpec()
	require.NoError(t, err)
	onlyFormat := &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}, Format: "RUUID"}
	for v, ok := range map[string]bool{
		"AAAAAAAAAAAAAAAAAAAAAA":  true,
		"abcdefghij-_0123456789w": false, // 23 characters
		"abcdefghij-_012345678w":  true,
		"AAAAAAAAAAAAAAAAAAAAAB":  false, // low bits of the last character set
		"AAAAAAAAAAAAAAAAAAAA+A":  false, // standard, not url-safe, alphabet
		"":                        false,
	} {
		why := sp.checkValue(onlyFormat, v)
		if ok {
			assert.Empty(t, why, v)
		} else {
			assert.Contains(t, why, `format "RUUID"`, v)
		}
	}
}

func TestSpecOperationsAreKnown(t *testing.T) {
	sp, err := loadSpec()
	require.NoError(t, err)
	for _, id := range []string{OpCreatePendingRegistration, OpCreateUser, OpGetDeviceLicensesForOrg} {
		op := sp.ops[id]
		require.NotNil(t, op, id)
		assert.NotNil(t, op.authScheme, "%s has x-rhombus-auth-scheme", id)
		assert.True(t, op.accessToken, "%s allows AccessToken", id)
	}
	assert.Empty(t, sp.checkValue(sp.ops[OpCreateUser].authScheme, "api-token"))
	assert.NotEmpty(t, sp.checkValue(sp.ops[OpCreateUser].authScheme, "partner-api-token"))
	assert.Empty(t, sp.checkValue(sp.ops[OpGetDeviceLicensesForOrg].authScheme, "partner-api"))
}

func TestRetrySeconds(t *testing.T) {
	assert.Equal(t, 1, retrySeconds(0))
	assert.Equal(t, 1, retrySeconds(-time.Second))
	assert.Equal(t, 1, retrySeconds(time.Millisecond))
	assert.Equal(t, 2, retrySeconds(1001*time.Millisecond))
	assert.Equal(t, 5, retrySeconds(5*time.Second))
}
