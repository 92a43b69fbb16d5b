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
	door := api.UnlockAccessControlledDoorRequest{AccessControlledDoorUUID: rhombus.MustParseRUUID("AAAAAAAAAAAAAAAAAAAAAA")}

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

// TestImportedOperationsAreTypedAndChecked: operations brought in by make
// import get a generated typed method, and an invalid RUUID in their
// request, at any depth, is refused with its field path before anything is
// sent, on the typed method and on c.API() alike.
func TestImportedOperationsAreTypedAndChecked(t *testing.T) {
	c, calls := answering(t, jsonAnswer(200, `{"type":"ERROR","errorType":"DOOR_NOT_CONFIGURED_WITH_LOCK"}`))
	ctx := context.Background()
	bad := rhombus.RUUID("123e4567-e89b-12d3-a456-426614174000")
	door := api.UnlockAccessControlledDoorRequest{AccessControlledDoorUUID: bad}
	loc := api.CreateLocationRequest{Location: api.LocationType{
		Name:       "HQ",
		FloorPlans: []api.FloorPlanType{{MediaUUID: rhombus.MustParseRUUID("AAAAAAAAAAAAAAAAAAAAAA")}, {MediaUUID: bad}},
	}}
	for _, tc := range []struct {
		name, op, field string
		call            func() error
	}{
		{"typed door", "unlockAccessControlledDoor", "accessControlledDoorUuid", func() error {
			_, err := c.UnlockAccessControlledDoor(ctx, door)
			return err
		}},
		{"API door", "unlockAccessControlledDoor", "accessControlledDoorUuid", func() error {
			_, err := c.API().UnlockAccessControlledDoorWithResponse(ctx, door)
			return err
		}},
		{"typed location", "createlocation", "location.floorPlans[1].mediaUuid", func() error {
			_, err := c.CreateLocation(ctx, loc)
			return err
		}},
		{"API location", "createlocation", "location.floorPlans[1].mediaUuid", func() error {
			_, err := c.API().CreatelocationWithResponse(ctx, loc)
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			var ve *rhombus.ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, rhombus.ErrInvalidRequest) {
				t.Fatalf("want a *ValidationError matching ErrInvalidRequest, got %T %v", err, err)
			}
			if ve.Operation != tc.op || ve.Field != tc.field {
				t.Errorf("operation %q field %q, want %q %q", ve.Operation, ve.Field, tc.op, tc.field)
			}
		})
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("%d requests reached the server; an invalid request must not be sent", n)
	}

	// The typed method obeys the operation's own failure shape too.
	door.AccessControlledDoorUUID = rhombus.MustParseRUUID("AAAAAAAAAAAAAAAAAAAAAA")
	_, err := c.UnlockAccessControlledDoor(ctx, door)
	var apiErr *rhombus.APIError
	if !errors.As(err, &apiErr) || apiErr.ResponseStatus != "DOOR_NOT_CONFIGURED_WITH_LOCK" {
		t.Errorf("want an *APIError with the door's reason, got %v", err)
	}
}
