package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/rhombuskit/rhombus-go/api"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// create-user and create-users: createUser, one from flags (and
// --cli-input-json), many from a CSV file. Both build the request from text
// through userInput, so both check it by the same rules.

var createUserCmd = &command{
	name: "create-user", summary: "create one user (createUser)",
	usage: createUserUsage, flags: func(fs *flag.FlagSet) { (&userFlags{}).register(fs) },
	run: runCreateUser,
}

var createUsersCmd = &command{
	name: "create-users", summary: "create every user of a CSV file, resumably",
	usage: createUsersUsage, flags: func(fs *flag.FlagSet) { (&bulkFlags{}).register(fs) },
	run: func(a *app, g *globals, args []string) error { return runBulk(a, g, args, userBulk) },
}

func runCreateUser(a *app, g *globals, args []string) error {
	var f userFlags
	return runOne(a, g, args, "create-user", f.register, f.request, (*rhombus.Client).CreateUser,
		func(req api.CreateUserRequest, resp *api.CreateUserResponse) error {
			return printUser(a.stdout, g.output, req, resp)
		})
}

// userFlags are create-user's flags, named after the request fields.
type userFlags struct {
	input                                                string
	email, name, permissionGroupUUID                     optString
	apps                                                 stringList
	suppressWelcomeEmail, suppressRhombusKeyWelcomeEmail optBool
	bypassSaml, remoteUnlock, rhombusKeyAccess           optBool
	maxCreds, startDate, endDate                         optString
}

var userFlagNames = map[string]string{
	"email": "--email", "name": "--name", "permissionGroupUuid": "--permission-group-uuid",
	"accessibleRhombusApps": "--app", "suppressWelcomeEmail": "--suppress-welcome-email",
	"suppressRhombusKeyWelcomeEmail": "--suppress-rhombus-key-welcome-email",
	"bypassSaml":                     "--bypass-saml", "remoteUnlockEnabled": "--remote-unlock",
	"rhombusKeyAccessEnabled": "--rhombus-key-access", "maxMobileCredsAllowed": "--max-mobile-creds",
	"startDate": "--start-date", "endDate": "--end-date",
}

func (f *userFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.input, "cli-input-json", "", "")
	fs.Var(&f.email, "email", "")
	fs.Var(&f.name, "name", "")
	fs.Var(&f.permissionGroupUUID, "permission-group-uuid", "")
	fs.Var(&f.apps, "app", "")
	fs.Var(&f.suppressWelcomeEmail, "suppress-welcome-email", "")
	fs.Var(&f.suppressRhombusKeyWelcomeEmail, "suppress-rhombus-key-welcome-email", "")
	fs.Var(&f.bypassSaml, "bypass-saml", "")
	fs.Var(&f.remoteUnlock, "remote-unlock", "")
	fs.Var(&f.rhombusKeyAccess, "rhombus-key-access", "")
	fs.Var(&f.maxCreds, "max-mobile-creds", "")
	fs.Var(&f.startDate, "start-date", "")
	fs.Var(&f.endDate, "end-date", "")
}

func (f *userFlags) request(a *app, set map[string]bool) (api.CreateUserRequest, []problem) {
	var req api.CreateUserRequest
	if set["cli-input-json"] {
		if ps := readInputJSON(f.input, a.stdin, &req); ps != nil {
			return req, ps
		}
	}
	in := userInput{email: f.email.raw, name: f.name.raw, permissionGroupUUID: f.permissionGroupUUID.raw,
		suppressWelcomeEmail: f.suppressWelcomeEmail.raw, suppressRhombusKeyWelcomeEmail: f.suppressRhombusKeyWelcomeEmail.raw,
		bypassSaml: f.bypassSaml.raw, remoteUnlockEnabled: f.remoteUnlock.raw, rhombusKeyAccessEnabled: f.rhombusKeyAccess.raw,
		maxCreds: f.maxCreds.raw, startDate: f.startDate.raw, endDate: f.endDate.raw}
	if set["app"] {
		in.apps = f.apps
	}
	ps := in.apply(&req, flagNamer(userFlagNames))
	ps = append(ps, checkUserJSON(req, fromFlag(userFlagNames, set))...)
	if req.Email == "" {
		ps = append(ps, problem{"--email", "is required (or email in --cli-input-json)"})
	}
	return req, ps
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

var userColumns = []string{"email", "name", "permissionGroupUuid", "apps", "suppressWelcomeEmail",
	"suppressRhombusKeyWelcomeEmail", "bypassSaml", "remoteUnlockEnabled", "rhombusKeyAccessEnabled",
	"maxMobileCredsAllowed", "startDate", "endDate"}

func userRow(r csvRow) (any, string, []problem) {
	in := userInput{
		email:                          r.cell("email", true),
		name:                           r.cell("name", true),
		permissionGroupUUID:            r.cell("permissionGroupUuid", true),
		apps:                           r.list("apps"),
		suppressWelcomeEmail:           r.cell("suppressWelcomeEmail", true),
		suppressRhombusKeyWelcomeEmail: r.cell("suppressRhombusKeyWelcomeEmail", true),
		bypassSaml:                     r.cell("bypassSaml", true),
		remoteUnlockEnabled:            r.cell("remoteUnlockEnabled", true),
		rhombusKeyAccessEnabled:        r.cell("rhombusKeyAccessEnabled", true),
		maxCreds:                       r.cell("maxMobileCredsAllowed", true),
		startDate:                      r.cell("startDate", true),
		endDate:                        r.cell("endDate", true),
	}
	var req api.CreateUserRequest
	ps := in.apply(&req, columnNamer)
	key := ""
	if in.email == nil {
		ps = append([]problem{{"email", "must not be empty"}}, ps...)
	} else {
		key = *in.email
	}
	return req, key, ps
}

var userBulk = &bulkOp{
	command: "create-users", operation: "createUser", keyColumn: "email",
	verb: "created", doing: "creating", columns: userColumns, row: userRow,
	send: func(ctx context.Context, c *rhombus.Client, req any) (string, string, error) {
		resp, err := c.CreateUser(ctx, req.(api.CreateUserRequest))
		if err != nil {
			return "", "", err
		}
		return ruuidText(resp.UserUUID, ""), resp.WarningMsg, nil
	},
}

func printUser(w io.Writer, format string, req api.CreateUserRequest, resp *api.CreateUserResponse) error {
	if format == "json" {
		return printJSON(w, resp)
	}
	status := string(resp.ResponseStatus)
	return table(w, [][]string{
		{"EMAIL", "NAME", "USER UUID", "STATUS", "WARNING"},
		{req.Email, orDash(req.Name), ruuidText(resp.UserUUID, "-"), orDash(status), orDash(resp.WarningMsg)},
	})
}

const createUserUsage = `
Creates a user in the organisation. A user whose email exists already is
refused (USER_EXISTS, exit 1).

Flags (each sets the request field named in brackets):
  --email ADDRESS                       [email] (required)
  --name TEXT                           [name]
  --permission-group-uuid RUUID         [permissionGroupUuid]
  --app APP                             [accessibleRhombusApps]; repeatable:
                                        PARTNER, CONSOLE, RHOMBUS_KEY, UNKNOWN
  --suppress-welcome-email[=BOOL]       [suppressWelcomeEmail]
  --suppress-rhombus-key-welcome-email[=BOOL]
                                        [suppressRhombusKeyWelcomeEmail]
  --bypass-saml[=BOOL]                  [rhombusKeySettings.bypassSaml]
  --remote-unlock[=BOOL]                [rhombusKeySettings.remoteUnlockEnabled]
  --rhombus-key-access[=BOOL]           [rhombusKeySettings.rhombusKeyAccessEnabled]
  --max-mobile-creds N                  [...credentialProvisioningRules.maxMobileCredsAllowed]
  --start-date RFC3339                  [...credentialProvisioningRules.startDateProvisioner]
  --end-date RFC3339                    [...credentialProvisioningRules.endDateProvisioner]
  --cli-input-json FILE                 the request body as JSON (- for stdin); flags
                                        given explicitly override its fields

A boolean flag left out leaves its field unset; --bypass-saml alone means true.
Dates are RFC 3339 (2024-01-31T09:00:00Z) and are sent as epoch seconds.

Example:
  rhombus create-user --email jane.doe@example.com --name "Jane Doe" --app CONSOLE
`

const createUsersUsage = `
Creates the users of a CSV file (createUser per row).

Columns (header row required, any order, unknown columns refused):
  email (required), name, permissionGroupUuid, apps (separated by ;),
  suppressWelcomeEmail, suppressRhombusKeyWelcomeEmail, bypassSaml,
  remoteUnlockEnabled, rhombusKeyAccessEnabled (true or false),
  maxMobileCredsAllowed, startDate, endDate (RFC 3339)
` + bulkFlagsUsage + `
Example:
  rhombus create-users --csv users.csv --results users.results.csv
`
