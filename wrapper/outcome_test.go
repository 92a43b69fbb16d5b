package rhombus_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/api"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
	"github.com/rhombuskit/rhombus-go/wrapper/internal/testapi"
	"github.com/rhombuskit/rhombus-go/wrapper/internal/testapi/testops"
)

func badOrg() rhombus.RUUID { return "bad" }

// unreadable200s are 200 answers no result type can be read from.
var unreadable200s = []struct {
	name string
	a    answer
}{
	{"truncated", jsonAnswer(200, `{`)},
	{"array", jsonAnswer(200, `[]`)},
	{"null", jsonAnswer(200, `null`)},
	{"HTML", answer{status: 200, contentType: "text/html", body: "<html>ok</html>"}},
	{"BOM", jsonAnswer(200, "\ufeff{}")},
	{"oversized", jsonAnswer(200, `{"warningMsg":"`+strings.Repeat("x", 2000)+`"}`)},
	{"warningMsg of the wrong type", jsonAnswer(200, `{"warningMsg":12345}`)},
}

// writeCalls are every way to send each write operation, with an answer
// that only that operation's result type cannot read (a field of the
// wrong type, the envelope saying success).
var writeCalls = []struct {
	name     string
	mismatch answer
	call     func(*rhombus.Client) error
}{
	{"CreateUser", jsonAnswer(200, `{"responseStatus":"SUCCESS","userUuid":12345}`), func(c *rhombus.Client) error {
		_, err := c.CreateUser(context.Background(), api.CreateUserRequest{Email: "a@example.com"})
		return err
	}},
	{"API().CreateUserWithResponse", jsonAnswer(200, `{"responseStatus":"SUCCESS","userUuid":12345}`), func(c *rhombus.Client) error {
		_, err := c.API().CreateUserWithResponse(context.Background(), api.CreateUserRequest{Email: "a@example.com"})
		return err
	}},
	{"API().CreateUserWithBodyWithResponse", jsonAnswer(200, `{"responseStatus":"SUCCESS","userUuid":12345}`), func(c *rhombus.Client) error {
		_, err := c.API().CreateUserWithBodyWithResponse(context.Background(), "application/json", strings.NewReader(`{"email":"a@example.com"}`))
		return err
	}},
	{"API().CreateUser", jsonAnswer(200, `{"responseStatus":"SUCCESS","userUuid":12345}`), func(c *rhombus.Client) error {
		resp, err := c.API().ClientInterface.(*api.Client).CreateUser(context.Background(), api.CreateUserRequest{Email: "a@example.com"})
		if err == nil {
			resp.Body.Close()
		}
		return err
	}},
	{"CreatePendingRegistration", jsonAnswer(200, `{"warningMsg":{}}`), func(c *rhombus.Client) error {
		_, err := c.CreatePendingRegistration(context.Background(), api.CreatePendingRegistrationRequest{SerialNumber: "RH1"})
		return err
	}},
	{"API().CreatePendingRegistrationWithResponse", jsonAnswer(200, `{"warningMsg":{}}`), func(c *rhombus.Client) error {
		_, err := c.API().CreatePendingRegistrationWithResponse(context.Background(), api.CreatePendingRegistrationRequest{SerialNumber: "RH1"})
		return err
	}},
	{"API().CreatePendingRegistrationWithBodyWithResponse", jsonAnswer(200, `{"warningMsg":{}}`), func(c *rhombus.Client) error {
		_, err := c.API().CreatePendingRegistrationWithBodyWithResponse(context.Background(), "application/json", strings.NewReader(`{"serialNumber":"RH1"}`))
		return err
	}},
	// An operation openapi.yaml lacks, generated from the test-only spec
	// and known to the client through its generated table.
	{"testapi UpdateCameraConfigWithResponse", jsonAnswer(200, `{"cameraUuid":"AAAAAAAAAAAAAAAAAAAAAA","version":"two"}`), func(c *rhombus.Client) error {
		cam, err := testapi.NewClientWithResponses(c.BaseURL(), testapi.WithHTTPClient(c))
		if err != nil {
			return err
		}
		_, err = cam.UpdateCameraConfigWithResponse(context.Background(), testapi.UpdateCameraConfigRequest{CameraUUID: someOrg})
		return err
	}},
}

// TestUnreadable200ToAWriteIsOutcomeUnknown: whatever way a write is sent,
// a 200 that cannot be read into its result is of unknown outcome, and the
// request went out once.
func TestUnreadable200ToAWriteIsOutcomeUnknown(t *testing.T) {
	for _, w := range writeCalls {
		shapes := append(unreadable200s[:len(unreadable200s):len(unreadable200s)], struct {
			name string
			a    answer
		}{"field of the wrong type", w.mismatch})
		for _, shape := range shapes {
			t.Run(w.name+"/"+shape.name, func(t *testing.T) {
				c, hits := answering(t, shape.a, rhombus.WithMaxResponseBytes(1000), rhombus.WithOperations(testops.Operations...))
				err := w.call(c)
				require.Error(t, err)
				assert.ErrorIs(t, err, rhombus.ErrOutcomeUnknown)
				assert.ErrorIs(t, err, rhombus.ErrDecode)
				var unknown *rhombus.OutcomeUnknownError
				require.ErrorAs(t, err, &unknown)
				assert.NotEmpty(t, unknown.Fields, "the fields that identify the write are named")
				assert.Equal(t, int64(1), hits.Load(), "sent once, never resent")
			})
		}
	}
}

// TestReadableAnswersStillSucceed: the same calls succeed on an answer
// their result type reads, so the table above is not a broken client.
func TestReadableAnswersStillSucceed(t *testing.T) {
	for _, w := range writeCalls {
		t.Run(w.name, func(t *testing.T) {
			c, hits := answering(t, jsonAnswer(200, `{"responseStatus":"SUCCESS","userUuid":"AAAAAAAAAAAAAAAAAAAAAA","cameraUuid":"AAAAAAAAAAAAAAAAAAAAAA","version":2}`),
				rhombus.WithOperations(testops.Operations...))
			require.NoError(t, w.call(c))
			assert.Equal(t, int64(1), hits.Load())
		})
	}
}
