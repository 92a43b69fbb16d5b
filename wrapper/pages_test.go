package rhombus_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

var pagedOp = rhombus.Operation{ID: "findThings", Path: "/api/thing/findThings", Idempotent: true,
	Pagination: &rhombus.Pagination{Cursor: "lastUuid", ItemCursor: "uuid", Items: "things", PageSize: "maxResults"}}

// pagedServer answers findThings in the lastUuid style: pages of two
// things after the one named, and a 403 for the page after "c".
func pagedServer(t *testing.T) (*rhombus.Client, *atomic.Int64) {
	t.Helper()
	things := []string{"AAAAAAAAAAAAAAAAAAAAAa", "AAAAAAAAAAAAAAAAAAAAAb", "AAAAAAAAAAAAAAAAAAAAAc", "AAAAAAAAAAAAAAAAAAAAAd"}
	hits := new(atomic.Int64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		var req struct {
			LastUUID string `json:"lastUuid"`
		}
		b, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(b, &req)
		w.Header().Set("Content-Type", "application/json")
		start := 0
		for i, th := range things {
			if th == req.LastUUID {
				start = i + 1
			}
		}
		if req.LastUUID == things[1] {
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"error":true,"errorMsg":"not yours"}`))
			return
		}
		page := []map[string]string{}
		for _, th := range things[start:min(start+2, len(things))] {
			page = append(page, map[string]string{"uuid": th})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"error": false, "things": page})
	}))
	t.Cleanup(srv.Close)
	c, err := rhombus.New(rhombus.WithEndpoint(srv.URL), rhombus.WithCredential(rhombus.APIToken(testKey)),
		rhombus.WithHTTPClient(srv.Client()), rhombus.WithOperations(pagedOp), rhombus.WithLimiter(nil))
	require.NoError(t, err)
	return c, hits
}

// A page that fails ends the walk with its error, after the items of the
// pages before it, and nothing more is sent.
func TestItemsFailedPageEndsTheWalk(t *testing.T) {
	c, hits := pagedServer(t)
	var got []string
	var last error
	req := map[string]any{"maxResults": 2}
	for it, err := range rhombus.Items[json.RawMessage, map[string]json.RawMessage](context.Background(), c, pagedOp, req) {
		if err != nil {
			last = err
			continue
		}
		var th struct{ UUID string }
		require.NoError(t, json.Unmarshal(it, &th))
		got = append(got, th.UUID)
	}
	assert.Equal(t, []string{"AAAAAAAAAAAAAAAAAAAAAa", "AAAAAAAAAAAAAAAAAAAAAb"}, got)
	var apiErr *rhombus.APIError
	require.ErrorAs(t, last, &apiErr)
	assert.Equal(t, 403, apiErr.StatusCode)
	assert.EqualValues(t, 2, hits.Load())
}

// The walk starts at the cursor the request carries; a short page is the
// last of the lastUuid style; breaking out sends nothing more; an
// operation without pagination is refused before sending.
func TestPagesStartsAtTheRequestsCursor(t *testing.T) {
	c, hits := pagedServer(t)
	n := 0
	for page, err := range rhombus.Pages[map[string]json.RawMessage](context.Background(), c, pagedOp, map[string]any{"lastUuid": "AAAAAAAAAAAAAAAAAAAAAc", "maxResults": 2}) {
		require.NoError(t, err)
		assert.JSONEq(t, `[{"uuid":"AAAAAAAAAAAAAAAAAAAAAd"}]`, string((*page)["things"]))
		n++
	}
	assert.Equal(t, 1, n)
	assert.EqualValues(t, 1, hits.Load())

	for range rhombus.Items[json.RawMessage, map[string]json.RawMessage](context.Background(), c, pagedOp, map[string]any{"maxResults": 2}) {
		break
	}
	assert.EqualValues(t, 2, hits.Load())

	plain := pagedOp
	plain.Pagination = nil
	for _, err := range rhombus.Pages[map[string]json.RawMessage](context.Background(), c, plain, map[string]any{}) {
		require.ErrorContains(t, err, "findThings: the operation has no usable x-rhombus-pagination")
	}
	assert.EqualValues(t, 2, hits.Load())
}
