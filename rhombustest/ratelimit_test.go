package rhombustest_test

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/rhombustest"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// With burst N, N+10 immediate calls give exactly 10 answers of 429. The
// rate is slow (one token per 5 s) so refill during the burst cannot add a
// success.
func TestRateLimitBurst(t *testing.T) {
	const burst = 5
	s := rhombustest.NewServer(t, rhombustest.WithRateLimit(0.2, burst))
	var limited int
	for i := range burst + 10 {
		r := post(t, s, pathUser, headers(s.Credential(rhombustest.OrgAPIToken)), userBody(fmt.Sprintf("u%d@example.com", i)))
		switch r.status {
		case http.StatusOK:
			require.Less(t, i, burst, "call %d should have been limited", i)
		case http.StatusTooManyRequests:
			limited++
			secs, err := strconv.Atoi(r.header.Get("Retry-After"))
			require.NoError(t, err)
			assert.True(t, secs >= 1 && secs <= 5, "Retry-After %d: whole seconds until one token, at least 1", secs)
			assert.Equal(t, "Too many api requests. Enhance your calm.", string(r.body))
		default:
			t.Fatalf("call %d: status %d", i, r.status)
		}
	}
	assert.Equal(t, 10, limited)
	assert.Equal(t, 10, s.RateLimited())
	assert.Len(t, s.Users(s.DefaultOrg()), burst, "limited calls change nothing")
}

// The bucket belongs to the organisation: every key of it shares the
// bucket, another organisation has its own.
func TestRateLimitIsPerOrganisation(t *testing.T) {
	s := rhombustest.NewServer(t, rhombustest.WithRateLimit(0, 2))
	for range 2 {
		require.Equal(t, http.StatusOK, post(t, s, pathLicenses, headers(s.Credential(rhombustest.OrgAPIToken)), `{}`).status)
	}
	assert.Equal(t, http.StatusTooManyRequests, post(t, s, pathLicenses, headers(s.Credential(rhombustest.OAuthAccessToken)), `{}`).status)
	assert.Equal(t, http.StatusTooManyRequests, post(t, s, pathLicenses, headers(s.Credential(rhombustest.OrgCertificateKey)), `{}`).status)
	assert.Equal(t, http.StatusOK, post(t, s, pathLicenses, headers(s.Credential(rhombustest.PartnerAPIToken)), `{}`).status, "the partner has its own bucket")

	other := s.AddOrg("Other")
	key := s.AddAPIKey(other, rhombustest.OrgAPIToken)
	assert.Equal(t, http.StatusOK, post(t, s, pathLicenses, headers(rhombus.APIToken(key)), `{}`).status)
	assert.Equal(t, 2, s.RateLimited())
}

// A burst of 0 leaves the limit off, whatever the rate.
func TestRateLimitBurstZeroIsOff(t *testing.T) {
	s := rhombustest.NewServer(t, rhombustest.WithRateLimit(0, 0))
	for range 3 {
		assert.Equal(t, http.StatusOK, post(t, s, pathLicenses, headers(s.Credential(rhombustest.OrgAPIToken)), `{}`).status)
	}
	assert.Zero(t, s.RateLimited())
}
