package rhombus_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/api"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// allocatedDuring returns what f allocated on the heap, in bytes (the
// loopback server's writes included, which are small: it streams).
func allocatedDuring(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestHostileAnswersAreRefusedBeforeDecoding: an answer within the byte cap
// whose Go values would take far more room than its bytes (a list of
// empty objects: 3 bytes of JSON, a DeviceLicense of some 300 bytes each),
// or that nests deeper than 256 levels, is refused before it is decoded,
// so the call allocates about the body and no more; an honest answer of
// the same size is decoded.
func TestHostileAnswersAreRefusedBeforeDecoding(t *testing.T) {
	const limit = 1 << 20
	org := api.GetDeviceLicensesForOrgRequest{OrgUUID: rhombus.MustParseRUUID("AAAAAAAAAAAAAAAAAAAAAA")}
	shapes := hostileShapes(limit - 1000)
	want := map[string]string{
		"tiny-items":   fmt.Sprintf("decoding it would take more than %d bytes of memory, 4 times the limit of %d bytes (set by WithMaxResponseBytes; GetDeviceLicensesForOrgItems reads its deviceLicenses one at a time, uncapped)", 4*limit, limit),
		"deep-nesting": "the answer nests deeper than 256 levels",
		"long-string":  "",
		"gzip-bomb":    "",
	}
	for _, h := range shapes {
		t.Run(h.name, func(t *testing.T) {
			srv, _ := serveHostile(t, h)
			c, err := rhombus.New(rhombus.WithEndpoint(srv.URL), rhombus.WithCredential(rhombus.PartnerAPIToken(testKey)),
				rhombus.WithHTTPClient(srv.Client()), rhombus.WithLimiter(nil), rhombus.WithRetryPolicy(noRetry),
				rhombus.WithMaxResponseBytes(limit))
			require.NoError(t, err)
			var res *api.GetDeviceLicensesForOrgResponse
			alloc := allocatedDuring(func() { res, err = c.GetDeviceLicensesForOrg(context.Background(), org) })
			if want[h.name] == "" {
				require.NoError(t, err)
				require.Len(t, res.DeviceLicenses, 1)
				assert.Len(t, res.DeviceLicenses[0].ProductCode, int(h.size())-len(`{"deviceLicenses":[{"productCode":""}]}`))
				return
			}
			require.ErrorIs(t, err, rhombus.ErrDecode)
			assert.Contains(t, err.Error(), want[h.name])
			// The body (read whole: it has a Content-Length), an excerpt,
			// the connection's buffers; not the decoded values.
			assert.Less(t, alloc, uint64(2*limit), "a refused answer of %d bytes allocated %d bytes", h.size(), alloc)
		})
	}
}

// TestGzipAnswerIsCappedUncompressed: the cap counts the bytes of an
// answer after decompression, so some 40 KB of gzip expanding to 40 MB is
// refused once 32 MiB (getDeviceLicensesForOrg's cap) have come out, and
// refusing it costs about the cap.
func TestGzipAnswerIsCappedUncompressed(t *testing.T) {
	const limit = 32 << 20
	ops := rhombus.Operations()
	for _, op := range ops {
		if op.ID == "getDeviceLicensesForOrg" {
			require.Equal(t, int64(limit), op.MaxResponseBytes)
		}
	}
	bomb := hostileShapes(40_000_000)[3]
	require.True(t, bomb.gzip)
	srv, wire := serveHostile(t, bomb)
	require.Less(t, wire, int64(200_000))
	c, err := rhombus.New(rhombus.WithEndpoint(srv.URL), rhombus.WithCredential(rhombus.PartnerAPIToken(testKey)),
		rhombus.WithHTTPClient(srv.Client()), rhombus.WithLimiter(nil), rhombus.WithRetryPolicy(noRetry))
	require.NoError(t, err)
	org := api.GetDeviceLicensesForOrgRequest{OrgUUID: rhombus.MustParseRUUID("AAAAAAAAAAAAAAAAAAAAAA")}
	alloc := allocatedDuring(func() { _, err = c.GetDeviceLicensesForOrg(context.Background(), org) })
	require.ErrorIs(t, err, rhombus.ErrDecode)
	assert.Contains(t, err.Error(), fmt.Sprintf("body exceeds the limit of %d bytes (the operation's x-rhombus-max-response-bytes; raise it with WithMaxResponseBytes; GetDeviceLicensesForOrgItems reads its deviceLicenses one at a time, uncapped)", limit))
	assert.Less(t, alloc, uint64(limit*5/4), "refusing a gzip answer allocated %d bytes", alloc)
	assert.False(t, strings.Contains(err.Error(), testKey), "the error holds the key")
}
