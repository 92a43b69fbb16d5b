package rhombustest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/rhombuskit/rhombus-go/api"
	"github.com/rhombuskit/rhombus-go/ruuid"
)

// The operationIds the fake keeps state for; every other operation of the
// spec is answered from the spec (see Handle).
const (
	OpCreatePendingRegistration = "createPendingRegistration"
	OpCreateUser                = "createUser"
	OpGetDeviceLicensesForOrg   = "getDeviceLicensesForOrg"
)

// dispatch runs an operation whose request has passed validation. warning,
// when set, is added to a successful answer (the Warning fault).
func (s *Server) dispatch(op string, c *caller, body []byte, warning *string) answer {
	if h := s.handler(op); h != nil {
		return s.runHandler(h, op, body, warning)
	}
	switch op {
	case OpCreatePendingRegistration:
		return s.createPendingRegistration(c, body, warning)
	case OpCreateUser:
		return s.createUser(c, body, warning)
	case OpGetDeviceLicensesForOrg:
		return s.getDeviceLicensesForOrg(c, body, warning)
	}
	if a, ok := s.familyAnswer(op, c, body, warning); ok {
		// A resource family's operation: its state (families.go); a list
		// in pages where the operation pages (pages.go).
		return s.pageFamily(op, a, body)
	}
	if a, ok := s.pagedAnswer(op, body, warning); ok {
		return a // an operation with x-rhombus-pagination: in pages (pages.go)
	}
	return s.specAnswer(s.spec.ops[op], warning)
}

// decode reads a body that already matched the schema into the generated
// model; it can still fail where the model is stricter than the schema.
func (s *Server) decode(body []byte, v any) (answer, bool) {
	err := json.Unmarshal(body, v)
	if err == nil {
		return answer{}, true
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return s.badRequest("Invalid value for field: " + te.Field), false
	}
	// For example base64url in wifiPsk, which the spec's "byte" pattern
	// allows and encoding/json does not; the message holds no value.
	return s.badRequest("Invalid request body: " + strings.TrimPrefix(err.Error(), "json: ")), false
}

// targetOrg is the organisation a body's orgUuid names, the acting one when
// it names none.
func (s *Server) targetOrg(c *caller, org ruuid.RUUID) (ruuid.RUUID, *answer) {
	if org == "" {
		return c.acting, nil
	}
	if !s.canAccess(c, org) {
		a := s.forbidden("Access Denied: the credential has no access to the organisation in orgUuid")
		return "", &a
	}
	return org, nil
}

func (s *Server) createPendingRegistration(c *caller, body []byte, warning *string) answer {
	var req api.CreatePendingRegistrationRequest
	if a, ok := s.decode(body, &req); !ok {
		return a
	}
	org, refused := s.targetOrg(c, req.OrgUUID)
	if refused != nil {
		return *refused
	}
	serial := strings.TrimSpace(req.SerialNumber)
	if serial == "" {
		return s.jsonAnswer(http.StatusOK, failed("serialNumber is required"))
	}
	reg := Registration{OrgUUID: org, SerialNumber: serial, WifiSsid: req.WifiSsid,
		WifiPsk: cloneBytes(req.WifiPsk), Created: time.Now(), LocationUUID: req.LocationUUID}
	dup, found := s.state.addRegistration(reg)
	switch {
	case !found:
		return s.jsonAnswer(http.StatusOK, failed("Organization not found"))
	case dup:
		return s.jsonAnswer(http.StatusOK, failed(fmt.Sprintf("A pending registration for serial number %s already exists", serial)))
	}
	return s.jsonAnswer(http.StatusOK, envelope{WarningMsg: warning})
}

type createUserAnswer struct {
	envelope
	ResponseStatus api.ResponseStatus `json:"responseStatus"`
	UserUUID       *ruuid.RUUID       `json:"userUuid,omitempty"`
}

// createUser answers failures in the envelope with a responseStatus. An
// unknown permission group is POLICY_NOT_FOUND: permission groups are the
// policies of the vendor's ResponseStatus enum, which has no
// PERMISSION_GROUP_NOT_FOUND. permissionGroupUuid itself is optional, as
// every field of the seed page is.
func (s *Server) createUser(c *caller, body []byte, warning *string) answer {
	var req api.CreateUserRequest
	if a, ok := s.decode(body, &req); !ok {
		return a
	}
	fail := func(status api.ResponseStatus, msg string) answer {
		return s.jsonAnswer(http.StatusOK, createUserAnswer{envelope: failed(msg), ResponseStatus: status})
	}
	// name is optional: the seed page and the vendor's document both give
	// it as a nullable string no request must carry, as openapi.yaml and
	// create-user --help do.
	email, name := strings.TrimSpace(req.Email), strings.TrimSpace(req.Name)
	if email == "" {
		return fail(api.ResponseStatusBADINPUT, "email is required")
	}
	u := User{OrgUUID: c.acting, Email: email, Name: name,
		AccessibleRhombusApps: append([]api.RhombusApp(nil), req.AccessibleRhombusApps...), Created: time.Now(),
		PermissionGroupUUID: req.PermissionGroupUUID}
	u, outcome := s.state.addUser(u)
	switch outcome {
	case userOrgNotFound:
		return fail(api.ResponseStatusORGNOTFOUND, "Organization not found")
	case userGroupNotFound:
		return fail(api.ResponseStatusPOLICYNOTFOUND, "Permission group not found")
	case userExists:
		return fail(api.ResponseStatusUSEREXISTS, "A user with this email already exists")
	}
	s.recordCreated(OpCreateUser, c.acting, body, u.UUID) // for the whole API's user family
	return s.jsonAnswer(http.StatusOK, createUserAnswer{
		envelope:       envelope{WarningMsg: warning},
		ResponseStatus: api.ResponseStatusSUCCESS,
		UserUUID:       &u.UUID,
	})
}

// licensesAnswer always carries deviceLicenses: an organisation without
// licenses gets [], not a missing field.
type licensesAnswer struct {
	DeviceLicenses []api.DeviceLicense `json:"deviceLicenses"`
	envelope
}

func (s *Server) getDeviceLicensesForOrg(c *caller, body []byte, warning *string) answer {
	var req api.GetDeviceLicensesForOrgRequest
	if a, ok := s.decode(body, &req); !ok {
		return a
	}
	org, refused := s.targetOrg(c, req.OrgUUID)
	if refused != nil {
		return *refused
	}
	return s.jsonAnswer(http.StatusOK, licensesAnswer{
		DeviceLicenses: s.state.licenses(org),
		envelope:       envelope{WarningMsg: warning},
	})
}
