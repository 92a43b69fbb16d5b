package rhombus_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/rhombuskit/rhombus-go/api"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// TestOwnFailureShape: unlockAccessControlledDoor declares in the spec
// (x-rhombus-failure, written by make import) that a 200 with "type":
// "ERROR" is a failure; the client returns it as an *APIError with the
// reason, sent once, and a "SUCCESS" as a success. No code of the wrapper
// names the operation.
func TestOwnFailureShape(t *testing.T) {
	answer := `{"type":"ERROR","errorType":"DOOR_NOT_CONFIGURED_WITH_LOCK"}`
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		calls++
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, answer)
	}))
	defer srv.Close()
	c, err := rhombus.New(rhombus.WithCredential(rhombus.APIToken("test-key-failure")), rhombus.WithEndpoint(srv.URL), rhombus.WithLimiter(nil))
	if err != nil {
		t.Fatal(err)
	}
	door := api.AccesscontrolUnlockAccessControlledDoorWSRequest{AccessControlledDoorUUID: rhombus.MustParseRUUID("AAAAAAAAAAAAAAAAAAAAAA")}

	_, err = c.API().UnlockAccessControlledDoorWithResponse(context.Background(), door)
	var apiErr *rhombus.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, rhombus.ErrRefused) {
		t.Fatalf("want an *APIError matching ErrRefused, got %v", err)
	}
	if apiErr.ResponseStatus != "DOOR_NOT_CONFIGURED_WITH_LOCK" || apiErr.Message != "type ERROR: errorType DOOR_NOT_CONFIGURED_WITH_LOCK" {
		t.Errorf("ResponseStatus %q, Message %q", apiErr.ResponseStatus, apiErr.Message)
	}
	if errors.Is(err, rhombus.ErrOutcomeUnknown) || calls != 1 {
		t.Errorf("a refusal is not an unknown outcome, and is not resent: %v, %d calls", err, calls)
	}

	answer = `{"type":"SUCCESS"}`
	res, err := c.API().UnlockAccessControlledDoorWithResponse(context.Background(), door)
	if err != nil || res.JSON200 == nil {
		t.Fatalf("a success: %v", err)
	}
}
