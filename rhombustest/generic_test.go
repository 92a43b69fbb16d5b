package rhombustest_test

import (
	"bytes"
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

// genericSpec is a spec of its own, so that the tests below hold whatever
// openapi.yaml imports: an operation with a failure shape of its own (as
// unlockAccessControlledDoor has), a list in no resource family (as
// getMinimalCameraStateList), and a family of a create and a list (as
// createlocation and getLocations), each shaped as make import writes them.
const genericSpec = `openapi: 3.0.3
info: {title: t, version: "1"}
components:
  schemas:
    RUUID: {type: string, format: RUUID, pattern: "^[A-Za-z0-9_-]{21}[AQgw]$", nullable: true}
    Thing:
      type: object
      properties:
        uuid: {$ref: "#/components/schemas/RUUID"}
        name: {type: string, nullable: true}
  securitySchemes:
    ApiKey: {type: apiKey, in: header, name: x-auth-apikey}
security: [{ApiKey: []}]
paths:
  /api/test/unlockDoor:
    post:
      operationId: unlockDoor
      x-rhombus-auth-scheme: {type: string, enum: [api-token], default: api-token}
      x-rhombus-failure: {property: type, equals: ERROR, reason: [errorType]}
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, properties: {doorUuid: {$ref: "#/components/schemas/RUUID"}}}
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema:
                type: object
                properties:
                  error: {type: boolean, nullable: true}
                  errorMsg: {type: string, nullable: true}
                  warningMsg: {type: string, nullable: true}
                  type: {type: string, enum: [ERROR, SUCCESS]}
                  errorType: {type: string, nullable: true}
  /api/test/getStates:
    post:
      operationId: getStates
      x-rhombus-auth-scheme: {type: string, enum: [api-token], default: api-token}
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object}
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema:
                type: object
                properties:
                  error: {type: boolean, nullable: true}
                  errorMsg: {type: string, nullable: true}
                  warningMsg: {type: string, nullable: true}
                  states:
                    type: array
                    items:
                      type: object
                      properties:
                        uuid: {$ref: "#/components/schemas/RUUID"}
                        connected: {type: boolean, nullable: true}
  /api/test/createThing:
    post:
      operationId: createThing
      x-rhombus-auth-scheme: {type: string, enum: [api-token], default: api-token}
      x-rhombus-resource: {family: thing, role: create, object: thing, id: uuid, key: uuid}
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, properties: {thing: {$ref: "#/components/schemas/Thing"}}}
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema:
                type: object
                properties:
                  error: {type: boolean, nullable: true}
                  errorMsg: {type: string, nullable: true}
                  warningMsg: {type: string, nullable: true}
                  uuid: {$ref: "#/components/schemas/RUUID"}
  /api/test/getThings:
    post:
      operationId: getThings
      x-rhombus-auth-scheme: {type: string, enum: [api-token], default: api-token}
      x-rhombus-resource: {family: thing, role: list, items: things, key: uuid}
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object}
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema:
                type: object
                properties:
                  error: {type: boolean, nullable: true}
                  errorMsg: {type: string, nullable: true}
                  warningMsg: {type: string, nullable: true}
                  things: {type: array, items: {$ref: "#/components/schemas/Thing"}}
`

// genericOps is what the client knows of genericSpec's operations, as
// the generated table would say it.
var genericOps = []rhombus.Operation{
	{ID: "unlockDoor", Path: "/api/test/unlockDoor", RUUIDFields: []string{"doorUuid"},
		Failure: &rhombus.Failure{Property: "type", Equals: "ERROR", Reason: []string{"errorType"}}},
	{ID: "getStates", Path: "/api/test/getStates", Idempotent: true},
	{ID: "createThing", Path: "/api/test/createThing", IdentifyingFields: []string{"thing"}},
	{ID: "getThings", Path: "/api/test/getThings", Idempotent: true},
}

type (
	unlockAnswer struct {
		Type      string `json:"type"`
		ErrorType string `json:"errorType"`
	}
	statesAnswer struct {
		States []struct {
			UUID      rhombus.RUUID `json:"uuid"`
			Connected *bool         `json:"connected"`
		} `json:"states"`
	}
	thing struct {
		UUID rhombus.RUUID `json:"uuid,omitempty"`
		Name string        `json:"name,omitempty"`
	}
	thingsAnswer struct {
		Things []thing `json:"things"`
	}
)

// genericServer serves genericSpec, reporting to tb, with a client that
// knows its operations.
func genericServer(t *testing.T, tb rhombustest.TB) (*rhombustest.Server, *rhombus.Client) {
	t.Helper()
	s := rhombustest.NewServer(tb, rhombustest.WithSpec([]byte(genericSpec)), rhombustest.WithoutDefaults())
	key := s.AddAPIKey(s.AddOrg("Generic Inc"), rhombustest.OrgAPIToken)
	c, err := rhombus.New(rhombus.WithEndpoint(s.URL), rhombus.WithHTTPClient(s.HTTPClient()),
		rhombus.WithCredential(rhombus.APIToken(key)), rhombus.WithOperations(genericOps...))
	require.NoError(t, err)
	return s, c
}

// post sends body to the operation at path through c (credentials, the
// operation's RUUID checks and failure shape) and decodes a 200 into out.
func postOp(t *testing.T, c *rhombus.Client, base, path string, body any, out any) error {
	t.Helper()
	b, err := json.Marshal(body)
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, base+path, bytes.NewReader(b))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if out == nil {
		return nil
	}
	return json.NewDecoder(res.Body).Decode(out)
}

// Every operation of a spec that the fake keeps no state for is answered
// with a 200 built from the spec, which passes the fake's own contract
// check, is not the operation's own failure shape, and decodes into the
// result; a built list has an item with a valid RUUID; the answer is the
// same on every call and every server.
func TestEveryOperationIsAnsweredFromTheSpec(t *testing.T) {
	tb := &recordingTB{TB: t}
	s, c := genericServer(t, tb)

	var unlock unlockAnswer
	require.NoError(t, postOp(t, c, s.URL, "/api/test/unlockDoor", map[string]string{"doorUuid": "AAAAAAAAAAAAAAAAAAAAAA"}, &unlock),
		"the built answer must not be the operation's own failure shape")
	assert.Equal(t, "SUCCESS", unlock.Type)

	var states statesAnswer
	require.NoError(t, postOp(t, c, s.URL, "/api/test/getStates", map[string]any{}, &states))
	require.NotEmpty(t, states.States, "a built list has an item, so a test sees the item's shape")
	assert.NoError(t, states.States[0].UUID.Validate(), "a built RUUID is a valid one")
	assert.Empty(t, tb.reports(), "every built answer is within the spec")

	s2, c2 := genericServer(t, t)
	var again statesAnswer
	require.NoError(t, postOp(t, c2, s2.URL, "/api/test/getStates", map[string]any{}, &again))
	assert.Equal(t, states, again)
}

// Every operation of openapi.yaml, whichever are imported, called with an
// empty request through the client (its operation table: RUUID checks,
// failure shape, result type): each answer is a success that decodes into
// the operation's result type and is not its failure shape, or the fake's
// refusal of the request (a required field missing); none is outside the
// spec. A form upload is left to the content tests.
func TestEveryOperationOfOpenAPIYAMLIsAnswered(t *testing.T) {
	tb := &recordingTB{TB: t}
	s := rhombustest.NewServer(tb)
	c := s.Client()
	answered := 0
	for _, op := range rhombus.Operations() {
		if op.RequestContentType != "" {
			continue
		}
		err := postOp(t, c, s.URL, op.Path, map[string]any{}, nil)
		var apiErr *rhombus.APIError
		switch {
		case err == nil:
			answered++
		case errors.As(err, &apiErr) && apiErr.StatusCode/100 != 5 && (op.Failure == nil || !strings.HasPrefix(apiErr.Message, op.Failure.Property+" "+op.Failure.Equals+":")):
			// The fake refused the empty request, from its state model.
		default:
			t.Errorf("%s: %v", op.ID, err)
		}
	}
	assert.NotZero(t, answered, "some operation answers an empty request")
	// An operation the vendor's document makes unanswerable (imported, it
	// brings the fault along) is reported, as it should be; it is named
	// with the fault, every other report is a failure.
	var reports []string
	for _, r := range tb.reports() {
		if op, ok := documentFault(r); ok {
			t.Logf("%s: no answer can match its schema: %s", op, rhombustest.DocumentFaults[op])
			continue
		}
		reports = append(reports, r)
	}
	assert.Empty(t, reports, "every answer is within the spec")
}

// documentFault says whether a report of the fake is about an operation of
// rhombustest.DocumentFaults.
func documentFault(report string) (string, bool) {
	for op := range rhombustest.DocumentFaults {
		if strings.Contains(report, " to "+op+" is outside the spec") {
			return op, true
		}
	}
	return "", false
}

// A test's handler answers in place of the fake, checked against the spec;
// its error is the envelope failure; nil gives the fake's answer back.
func TestHandleAnswersAnOperation(t *testing.T) {
	tb := &recordingTB{TB: t}
	s, c := genericServer(t, tb)
	var got map[string]any
	s.Handle("getThings", func(body []byte) (any, error) {
		if err := json.Unmarshal(body, &got); err != nil {
			return nil, err
		}
		return thingsAnswer{Things: []thing{{Name: "Warehouse", UUID: rhombus.MustParseRUUID("BBBBBBBBBBBBBBBBBBBBBA")}}}, nil
	})
	var res thingsAnswer
	require.NoError(t, postOp(t, c, s.URL, "/api/test/getThings", map[string]any{"probe": 1}, &res), "%v", tb.reports())
	require.Len(t, res.Things, 1)
	assert.Equal(t, "Warehouse", res.Things[0].Name)
	assert.Equal(t, map[string]any{"probe": 1.0}, got, "the handler gets the request's body")

	s.Handle("getThings", func([]byte) (any, error) { return nil, errors.New("no such thing") })
	err := postOp(t, c, s.URL, "/api/test/getThings", map[string]any{}, nil)
	var apiErr *rhombus.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "no such thing", apiErr.Message)

	// The fake's answer again: where getThings keeps its family's state,
	// the thing created here; never the handler's.
	s.Handle("getThings", nil)
	require.NoError(t, postOp(t, c, s.URL, "/api/test/createThing", map[string]any{"thing": map[string]string{"name": "HQ"}}, nil))
	res = thingsAnswer{}
	require.NoError(t, postOp(t, c, s.URL, "/api/test/getThings", map[string]any{}, &res))
	require.Len(t, res.Things, 1)
	assert.Equal(t, "HQ", res.Things[0].Name)
	assert.Empty(t, tb.reports())

	// A handler's answer outside the spec is reported; so is an unknown
	// operation.
	s.Handle("getThings", func([]byte) (any, error) { return map[string]any{"things": "not a list"}, nil })
	_ = postOp(t, c, s.URL, "/api/test/getThings", map[string]any{}, nil)
	s.Handle("noSuchOperation", func([]byte) (any, error) { return nil, nil })
	reports := strings.Join(tb.reports(), "\n")
	assert.Contains(t, reports, "answer 200 to getThings is outside the spec")
	assert.Contains(t, reports, `Handle("noSuchOperation"): no such operation in the spec`)
}

// A handler also replaces an operation of openapi.yaml whose state the
// fake models (createUser, hand-written).
func TestHandleReplacesAModelledOperation(t *testing.T) {
	tb := &recordingTB{TB: t}
	s := rhombustest.NewServer(tb)
	c := s.Client()
	s.Handle("createUser", func([]byte) (any, error) {
		return json.RawMessage(`{"error":false,"responseStatus":"SUCCESS","userUuid":"CCCCCCCCCCCCCCCCCCCCCA"}`), nil
	})
	u, err := c.CreateUser(context.Background(), api.CreateUserRequest{Email: "h@example.com", Name: "H"})
	require.NoError(t, err)
	assert.Equal(t, rhombus.RUUID("CCCCCCCCCCCCCCCCCCCCCA"), u.UserUUID)
	assert.Empty(t, s.Users(s.DefaultOrg()), "the handler answered, not the fake's state")
	assert.Empty(t, tb.reports())
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
