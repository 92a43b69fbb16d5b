package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/rhombuskit/rhombus-go/api"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// The request of each operation is built from text in one place, whether
// the text comes from flags or from a CSV row, so both are checked by the
// same rules. Fields are named by their JSON names; namer turns a name into
// what the operator typed (a flag or a column) for messages.

type namer func(field string) string

// deviceInput is a createPendingRegistration request as text; nil means
// not given.
type deviceInput struct {
	serialNumber, orgUUID, locationUUID, wifiSsid *string
	wifiPsk                                       []string // nil: not given
}

func (in deviceInput) apply(req *api.CreatePendingRegistrationRequest, name namer) []problem {
	var ps []problem
	add := func(p *problem) {
		if p != nil {
			ps = append(ps, *p)
		}
	}
	if in.serialNumber != nil {
		add(checkSerial(name("serialNumber"), *in.serialNumber))
		req.SerialNumber = *in.serialNumber
	}
	if in.orgUUID != nil {
		var p *problem
		req.OrgUUID, p = parseRUUIDField(name("orgUuid"), *in.orgUUID)
		add(p)
	}
	if in.locationUUID != nil {
		var p *problem
		req.LocationUUID, p = parseRUUIDField(name("locationUuid"), *in.locationUUID)
		add(p)
	}
	if in.wifiSsid != nil {
		req.WifiSsid = *in.wifiSsid
	}
	if in.wifiPsk != nil {
		psk, pp := parsePSKs(name("wifiPsk"), in.wifiPsk)
		ps = append(ps, pp...)
		req.WifiPsk = psk
	}
	return ps
}

// checkDeviceJSON checks the fields of a request read from JSON that no
// flag replaced (fromFlag reports the ones a flag set).
func checkDeviceJSON(req api.CreatePendingRegistrationRequest, fromFlag func(string) bool) []problem {
	var ps []problem
	for _, f := range []struct {
		name string
		v    api.RUUID
	}{{"orgUuid", req.OrgUUID}, {"locationUuid", req.LocationUUID}} {
		if f.v != "" && !fromFlag(f.name) {
			if p := checkRUUID(jsonField(f.name), string(f.v)); p != nil {
				ps = append(ps, *p)
			}
		}
	}
	if req.SerialNumber != "" && !fromFlag("serialNumber") {
		if p := checkSerial(jsonField("serialNumber"), req.SerialNumber); p != nil {
			ps = append(ps, *p)
		}
	}
	return ps
}

// userInput is a createUser request as text; nil means not given.
type userInput struct {
	email, name, permissionGroupUUID                                   *string
	apps                                                               []string // nil: not given
	suppressWelcomeEmail, suppressRhombusKeyWelcomeEmail               *string
	bypassSaml, remoteUnlockEnabled, rhombusKeyAccessEnabled, maxCreds *string
	startDate, endDate                                                 *string
}

func (in userInput) apply(req *api.CreateUserRequest, name namer) []problem {
	var ps []problem
	add := func(p *problem) {
		if p != nil {
			ps = append(ps, *p)
		}
	}
	if in.email != nil {
		add(checkEmail(name("email"), *in.email))
		req.Email = *in.email
	}
	if in.name != nil {
		req.Name = *in.name
	}
	if in.permissionGroupUUID != nil {
		var p *problem
		req.PermissionGroupUUID, p = parseRUUIDField(name("permissionGroupUuid"), *in.permissionGroupUUID)
		add(p)
	}
	if in.apps != nil {
		apps, pp := parseApps(name("accessibleRhombusApps"), in.apps)
		ps = append(ps, pp...)
		req.AccessibleRhombusApps = apps
	}
	boolField := func(field string, raw *string, dst **bool) {
		if raw == nil {
			return
		}
		b, p := parseBoolField(name(field), *raw)
		add(p)
		*dst = &b
	}
	boolField("suppressWelcomeEmail", in.suppressWelcomeEmail, &req.SuppressWelcomeEmail)
	boolField("suppressRhombusKeyWelcomeEmail", in.suppressRhombusKeyWelcomeEmail, &req.SuppressRhombusKeyWelcomeEmail)

	// The Rhombus Key settings are sent only when one of them is given: an
	// empty struct is left out of the JSON (the fields are omitzero).
	keySettings := func() *api.RhombusKeyAppSettings { return &req.RhombusKeySettings }
	rules := func() *api.CredentialProvisioningRules { return &req.RhombusKeySettings.CredentialProvisioningRules }
	if in.bypassSaml != nil {
		boolField("bypassSaml", in.bypassSaml, &keySettings().BypassSaml)
	}
	if in.remoteUnlockEnabled != nil {
		boolField("remoteUnlockEnabled", in.remoteUnlockEnabled, &keySettings().RemoteUnlockEnabled)
	}
	if in.rhombusKeyAccessEnabled != nil {
		boolField("rhombusKeyAccessEnabled", in.rhombusKeyAccessEnabled, &keySettings().RhombusKeyAccessEnabled)
	}
	if in.maxCreds != nil {
		n, p := parseCount(name("maxMobileCredsAllowed"), *in.maxCreds)
		add(p)
		rules().MaxMobileCredsAllowed = &n
	}
	var start, end *problem
	if in.startDate != nil {
		t, p := parseTime(name("startDate"), *in.startDate)
		add(p)
		start = p
		rules().StartDateProvisioner = rhombus.StaticEpochSeconds(t)
	}
	if in.endDate != nil {
		t, p := parseTime(name("endDate"), *in.endDate)
		add(p)
		end = p
		rules().EndDateProvisioner = rhombus.StaticEpochSeconds(t)
	}
	if in.startDate != nil && in.endDate != nil && start == nil && end == nil {
		s, _ := parseTime("", *in.startDate)
		e, _ := parseTime("", *in.endDate)
		if !e.After(s) {
			add(&problem{name("endDate"), fmt.Sprintf("must be after %s (%s)", name("startDate"), *in.startDate)})
		}
	}
	return ps
}

// checkUserJSON checks the fields of a request read from JSON that no flag
// replaced.
func checkUserJSON(req api.CreateUserRequest, fromFlag func(string) bool) []problem {
	var ps []problem
	if req.Email != "" && !fromFlag("email") {
		if p := checkEmail(jsonField("email"), req.Email); p != nil {
			ps = append(ps, *p)
		}
	}
	if req.PermissionGroupUUID != "" && !fromFlag("permissionGroupUuid") {
		if p := checkRUUID(jsonField("permissionGroupUuid"), string(req.PermissionGroupUUID)); p != nil {
			ps = append(ps, *p)
		}
	}
	if req.AccessibleRhombusApps != nil && !fromFlag("accessibleRhombusApps") {
		ps = append(ps, checkApps(jsonField("accessibleRhombusApps"), req.AccessibleRhombusApps)...)
	}
	return ps
}

func jsonField(name string) string { return name + " (in --cli-input-json)" }

// readInputJSON reads the request body of --cli-input-json (a file, or -
// for standard input) into v. Unknown fields are refused: a misspelt field
// would otherwise be dropped without a word.
func readInputJSON(path string, stdin io.Reader, v any) []problem {
	field := "--cli-input-json"
	b, err := readPath(path, stdin)
	if err != nil {
		return []problem{{field, fmt.Sprintf("cannot read %s: %v", path, unwrapPathError(err))}}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return []problem{{field, fmt.Sprintf("%s: %s", path, describeJSON(err))}}
	}
	if _, err := dec.Token(); err != io.EOF {
		return []problem{{field, fmt.Sprintf("%s: unexpected data after the JSON object", path)}}
	}
	return nil
}

// readPath reads a file, or standard input for "-".
func readPath(path string, stdin io.Reader) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(stdin)
	}
	return os.ReadFile(path)
}

func describeJSON(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("not valid JSON at byte %d: %v", syn.Offset, err)
	case errors.As(err, &typ) && typ.Field != "":
		return fmt.Sprintf("field %s: expected %s, got JSON %s", typ.Field, typ.Type, typ.Value)
	case errors.Is(err, io.EOF):
		return "empty file; expected the request body as a JSON object"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "not valid JSON: the text ends before the object does"
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if strings.HasPrefix(msg, "unknown field") {
		msg += " (not a field of the request)"
	}
	return msg
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
