package rhombus_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
	"github.com/rhombuskit/rhombus-go/wrapper/internal/testapi"
	"github.com/rhombuskit/rhombus-go/wrapper/internal/testapi/testops"
)

// These tests use the operations of the test-only spec
// (internal/testapi/openapi.yaml): its table, generated client and typed
// methods are generated as those of openapi.yaml are, under paths and names
// no Rhombus document has, so the tests hold whatever openapi.yaml imports.

// TestOwnFailureShape: an operation that declares in the spec
// (x-rhombus-failure, as make import writes it for
// unlockAccessControlledDoor) that a 200 with "type": "ERROR" is a
// failure: the client returns it as an *APIError with the reason, sent
// once, and a "SUCCESS" as a success, through the typed method and the
// generated client alike. No code of the wrapper names the operation.
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
	c, err := rhombus.New(rhombus.WithCredential(rhombus.APIToken("test-key-failure")), rhombus.WithEndpoint(srv.URL),
		rhombus.WithLimiter(nil), rhombus.WithOperations(testops.Operations...))
	if err != nil {
		t.Fatal(err)
	}
	gen, err := testapi.NewClientWithResponses(c.BaseURL(), testapi.WithHTTPClient(c))
	if err != nil {
		t.Fatal(err)
	}
	door := testapi.UnlockDoorRequest{DoorUUID: rhombus.MustParseRUUID("AAAAAAAAAAAAAAAAAAAAAA")}
	for _, path := range []struct {
		name string
		call func() (ok bool, err error)
	}{
		{"typed", func() (bool, error) {
			res, err := c.TestSpecUnlockDoor(context.Background(), door)
			return res != nil, err
		}},
		{"generated client", func() (bool, error) {
			res, err := gen.UnlockDoorWithResponse(context.Background(), door)
			return res != nil && res.JSON200 != nil, err
		}},
	} {
		t.Run(path.name, func(t *testing.T) {
			answer, calls = `{"type":"ERROR","errorType":"DOOR_NOT_CONFIGURED_WITH_LOCK"}`, 0
			_, err := path.call()
			var apiErr *rhombus.APIError
			if !errors.As(err, &apiErr) || !errors.Is(err, rhombus.ErrRefused) {
				t.Fatalf("want an *APIError matching ErrRefused, got %v", err)
			}
			if apiErr.Operation != "unlockDoor" || apiErr.ResponseStatus != "DOOR_NOT_CONFIGURED_WITH_LOCK" || apiErr.Message != "type ERROR: errorType DOOR_NOT_CONFIGURED_WITH_LOCK" {
				t.Errorf("Operation %q, ResponseStatus %q, Message %q", apiErr.Operation, apiErr.ResponseStatus, apiErr.Message)
			}
			if errors.Is(err, rhombus.ErrOutcomeUnknown) || calls != 1 {
				t.Errorf("a refusal is not an unknown outcome, and is not resent: %v, %d calls", err, calls)
			}

			answer = `{"type":"SUCCESS"}`
			if ok, err := path.call(); err != nil || !ok {
				t.Fatalf("a success: %v", err)
			}
		})
	}
}

// TestOperationsOfASpecAreTypedAndChecked: an operation added to a spec
// (as make import adds one to openapi.yaml) gets a generated typed method,
// and an invalid RUUID in its request, at any depth, is refused with its
// field path before anything is sent, on the typed method and on the
// generated client alike.
func TestOperationsOfASpecAreTypedAndChecked(t *testing.T) {
	c, calls := answering(t, jsonAnswer(200, `{"type":"ERROR","errorType":"DOOR_NOT_CONFIGURED_WITH_LOCK"}`), rhombus.WithOperations(testops.Operations...))
	gen, err := testapi.NewClientWithResponses(c.BaseURL(), testapi.WithHTTPClient(c))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	bad := rhombus.RUUID("123e4567-e89b-12d3-a456-426614174000")
	door := testapi.UnlockDoorRequest{DoorUUID: bad}
	cam := testapi.UpdateCameraConfigRequest{CameraUUID: rhombus.MustParseRUUID("AAAAAAAAAAAAAAAAAAAAAA")}
	cam.Neighbours = make([]struct {
		UUID testapi.RUUID `json:"uuid,omitempty,omitzero"`
	}, 2)
	cam.Neighbours[0].UUID = rhombus.MustParseRUUID("AAAAAAAAAAAAAAAAAAAAAA")
	cam.Neighbours[1].UUID = bad
	for _, tc := range []struct {
		name, op, field string
		call            func() error
	}{
		{"typed door", "unlockDoor", "doorUuid", func() error {
			_, err := c.TestSpecUnlockDoor(ctx, door)
			return err
		}},
		{"generated door", "unlockDoor", "doorUuid", func() error {
			_, err := gen.UnlockDoorWithResponse(ctx, door)
			return err
		}},
		{"typed camera", "updateCameraConfig", "neighbours[1].uuid", func() error {
			_, err := c.TestSpecUpdateCameraConfig(ctx, cam)
			return err
		}},
		{"generated camera", "updateCameraConfig", "neighbours[1].uuid", func() error {
			_, err := gen.UpdateCameraConfigWithResponse(ctx, cam)
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
	door.DoorUUID = rhombus.MustParseRUUID("AAAAAAAAAAAAAAAAAAAAAA")
	_, err = c.TestSpecUnlockDoor(ctx, door)
	var apiErr *rhombus.APIError
	if !errors.As(err, &apiErr) || apiErr.ResponseStatus != "DOOR_NOT_CONFIGURED_WITH_LOCK" {
		t.Errorf("want an *APIError with the door's reason, got %v", err)
	}
}
