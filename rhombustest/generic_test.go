package rhombustest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/api"
	"github.com/rhombuskit/rhombus-go/rhombustest"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// Every operation of the spec that the fake keeps no state for is answered
// with a 200 built from the spec, which passes the fake's own contract
// check and decodes into the generated result through the typed method.
func TestEveryOperationIsAnsweredFromTheSpec(t *testing.T) {
	tb := &recordingTB{TB: t}
	s := rhombustest.NewServer(tb)
	c := s.Client()
	ctx := context.Background()
	door := rhombus.MustParseRUUID("AAAAAAAAAAAAAAAAAAAAAA")

	unlock, err := c.UnlockAccessControlledDoor(ctx, api.UnlockAccessControlledDoorRequest{AccessControlledDoorUUID: door})
	require.NoError(t, err, "the built answer must not be the operation's own failure shape")
	assert.NotEqual(t, "ERROR", string(unlock.Type))

	// getMinimalCameraStateList is in no resource family (getLocations is,
	// and lists the locations created once createlocation is imported too).
	states, err := c.GetMinimalCameraStateList(ctx, api.GetMinimalCameraStateListRequest{})
	require.NoError(t, err)
	require.NotEmpty(t, states.CameraStates, "a built list has an item, so a test sees the item's shape")
	assert.NoError(t, states.CameraStates[0].UUID.Validate(), "a built RUUID is a valid one")

	for _, call := range []func() error{
		func() error {
			_, err := c.GetCameraMediaUris(ctx, api.GetCameraMediaUrisRequest{CameraUUID: string(door)})
			return err
		},
		func() error { _, err := c.GetLocations(ctx, api.GetLocationsRequest{}); return err },
		func() error {
			_, err := c.GetMinimalDoorStateList(ctx, api.GetMinimalDoorStateListRequest{})
			return err
		},
		func() error {
			_, err := c.CreateLocation(ctx, api.CreateLocationRequest{Location: api.LocationType{Name: "HQ"}})
			return err
		},
		func() error {
			_, err := c.FindUserMetadataFieldTemplates(ctx, api.FindUserMetadataFieldTemplatesRequest{})
			return err
		},
		func() error { _, err := c.UpdateUser(ctx, api.UpdateUserRequest{}); return err },
	} {
		assert.NoError(t, call())
	}
	assert.Empty(t, tb.reports(), "every built answer is within the spec")

	// The answer is the same on every call and every server: tests can
	// rely on it.
	again, err := rhombustest.NewServer(t).Client().GetMinimalCameraStateList(ctx, api.GetMinimalCameraStateListRequest{})
	require.NoError(t, err)
	assert.Equal(t, states.CameraStates, again.CameraStates)
}

// A test's handler answers in place of the fake, checked against the spec;
// its error is the envelope failure; nil gives the fake's answer back.
func TestHandleAnswersAnOperation(t *testing.T) {
	tb := &recordingTB{TB: t}
	s := rhombustest.NewServer(tb)
	c := s.Client()
	ctx := context.Background()
	var got api.GetLocationsRequest
	s.Handle("getLocations", func(body []byte) (any, error) {
		if err := json.Unmarshal(body, &got); err != nil {
			return nil, err
		}
		return api.GetLocationsResponse{Locations: []api.LocationType{{Name: "Warehouse", UUID: rhombus.MustParseRUUID("BBBBBBBBBBBBBBBBBBBBBA")}}}, nil
	})
	res, err := c.GetLocations(ctx, api.GetLocationsRequest{})
	require.NoError(t, err, "%v", tb.reports())
	require.Len(t, res.Locations, 1)
	assert.Equal(t, "Warehouse", res.Locations[0].Name)

	s.Handle("getLocations", func([]byte) (any, error) { return nil, errors.New("no such location") })
	_, err = c.GetLocations(ctx, api.GetLocationsRequest{})
	var apiErr *rhombus.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "no such location", apiErr.Message)

	// A handler also replaces a modelled operation's state.
	s.Handle("createUser", func([]byte) (any, error) {
		return json.RawMessage(`{"error":false,"responseStatus":"SUCCESS","userUuid":"CCCCCCCCCCCCCCCCCCCCCA"}`), nil
	})
	u, err := c.CreateUser(ctx, api.CreateUserRequest{Email: "h@example.com", Name: "H"})
	require.NoError(t, err)
	assert.Equal(t, rhombus.RUUID("CCCCCCCCCCCCCCCCCCCCCA"), u.UserUUID)
	assert.Empty(t, s.Users(s.DefaultOrg()), "the handler answered, not the fake's state")

	// The fake's answer again: a built list, or, where getLocations keeps
	// its family's state, the location created here; never the handler's.
	s.Handle("getLocations", nil)
	_, err = c.CreateLocation(ctx, api.CreateLocationRequest{Location: api.LocationType{Name: "HQ"}})
	require.NoError(t, err)
	res, err = c.GetLocations(ctx, api.GetLocationsRequest{})
	require.NoError(t, err)
	require.NotEmpty(t, res.Locations)
	for _, l := range res.Locations {
		assert.NotEqual(t, "Warehouse", l.Name)
	}
	assert.Empty(t, tb.reports())

	// A handler's answer outside the spec is reported; so is an unknown
	// operation.
	s.Handle("getLocations", func([]byte) (any, error) { return map[string]any{"locations": "not a list"}, nil })
	_, _ = c.GetLocations(ctx, api.GetLocationsRequest{})
	s.Handle("noSuchOperation", func([]byte) (any, error) { return nil, nil })
	reports := strings.Join(tb.reports(), "\n")
	assert.Contains(t, reports, "answer 200 to getLocations is outside the spec")
	assert.Contains(t, reports, `Handle("noSuchOperation"): no such operation in the spec`)
}

// badExampleSpec has an example that its own schema refuses: count must be
// an integer.
const badExampleSpec = `openapi: 3.0.3
info: {title: t, version: "1"}
components:
  schemas:
    RUUID: {type: string, format: RUUID, pattern: "^[A-Za-z0-9_-]{22}$"}
  securitySchemes:
    ApiKey: {type: apiKey, in: header, name: x-auth-apikey}
security: [{ApiKey: []}]
paths:
  /api/thing/countThings:
    post:
      operationId: countThings
      x-rhombus-auth-scheme: {type: string, enum: [api-token], default: api-token}
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, properties: {thingUuid: {$ref: "#/components/schemas/RUUID"}}}
      responses:
        "200":
          description: OK
          content:
            application/json:
              example: {count: "many"}
              schema:
                type: object
                required: [count]
                properties:
                  count: {type: integer, minimum: 1}
                  thingUuid: {$ref: "#/components/schemas/RUUID"}
`

// A spec example that contradicts its schema is reported once and
// replaced by an answer built from the schema; the fake keeps answering.
func TestBadExampleIsReportedOnceAndReplaced(t *testing.T) {
	tb := &recordingTB{TB: t}
	s := rhombustest.NewServer(tb, rhombustest.WithSpec([]byte(badExampleSpec)), rhombustest.WithoutDefaults())
	key := s.AddAPIKey(s.AddOrg("Things Inc"), rhombustest.OrgAPIToken)
	c, err := rhombus.New(rhombus.WithEndpoint(s.URL), rhombus.WithHTTPClient(s.HTTPClient()), rhombus.WithCredential(rhombus.APIToken(key)))
	require.NoError(t, err)
	for range 3 {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, s.URL+"/api/thing/countThings", strings.NewReader(`{}`))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		res, err := c.Do(req)
		require.NoError(t, err)
		var body struct {
			Count     int    `json:"count"`
			ThingUUID string `json:"thingUuid"`
		}
		require.NoError(t, json.NewDecoder(res.Body).Decode(&body))
		res.Body.Close()
		assert.Equal(t, 1, body.Count, "built from the schema: its minimum")
		assert.Len(t, body.ThingUUID, 22)
	}
	notes := tb.notes()
	require.Len(t, notes, 1, "reported once: %v", notes)
	assert.Contains(t, notes[0], "example of the answer of countThings does not match its schema")
	assert.Empty(t, tb.reports(), "a mistake of the spec does not fail the test")
}
