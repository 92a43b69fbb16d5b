package main

import (
	"context"
	"flag"

	"github.com/rhombuskit/rhombus-go/api"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// command is one subcommand: its name, a one-line summary for the command
// list, its flags (for parsing and for the usage text) and what it does.
type command struct {
	name    string
	summary string
	usage   string                 // the command's help text after the synopsis
	flags   func(fs *flag.FlagSet) // registers the command's own flags
	run     func(a *app, g *globals, args []string) error
	// fake says the command needs the fake Rhombus server, which a
	// -tags nofake build leaves out; its help then leaves the command out.
	fake bool
}

// commands is in the order the usage text lists them.
var commands = []*command{
	{name: "register-device", summary: "register one device before it comes online (createPendingRegistration)",
		usage: registerDeviceUsage, flags: func(fs *flag.FlagSet) { (&deviceFlags{}).register(fs) },
		run: runRegisterDevice},
	{name: "create-user", summary: "create one user (createUser)",
		usage: createUserUsage, flags: func(fs *flag.FlagSet) { (&userFlags{}).register(fs) },
		run: runCreateUser},
	{name: "device-licenses", summary: "list an organisation's device licenses (getDeviceLicensesForOrg)",
		usage: deviceLicensesUsage, flags: func(fs *flag.FlagSet) { (&licenseFlags{}).register(fs) },
		run: runDeviceLicenses},
	{name: "register-devices", summary: "register every device of a CSV file, resumably",
		usage: registerDevicesUsage, flags: func(fs *flag.FlagSet) { (&bulkFlags{}).register(fs) },
		run: func(a *app, g *globals, args []string) error { return runBulk(a, g, args, deviceBulk) }},
	{name: "create-users", summary: "create every user of a CSV file, resumably",
		usage: createUsersUsage, flags: func(fs *flag.FlagSet) { (&bulkFlags{}).register(fs) },
		run: func(a *app, g *globals, args []string) error { return runBulk(a, g, args, userBulk) }},
	{name: "call", summary: "call any operation by its operationId with a JSON body",
		usage: callUsage, flags: func(fs *flag.FlagSet) { (&callFlags{}).register(fs) },
		run: runCall},
	{name: "operations", summary: "list the operations call can call",
		usage: operationsUsage, flags: func(fs *flag.FlagSet) { (&operationsFlags{}).register(fs) },
		run: runOperations},
	{name: "ruuid", summary: "convert identifiers between the standard UUID form and RUUIDs",
		usage: ruuidUsage, flags: func(*flag.FlagSet) {},
		run: runRUUID},
	{name: "demo", summary: "run the three operations against a built-in fake Rhombus (no account, no network)",
		usage: demoUsage, flags: func(*flag.FlagSet) {},
		run: runDemo, fake: true},
	{name: "fake", summary: "serve the fake Rhombus API on loopback for tests in any language",
		usage: fakeUsage, flags: func(fs *flag.FlagSet) { (&fakeFlags{}).register(fs) },
		run: runFake, fake: true},
	{name: "version", summary: "print the version (also rhombus --version, -v)",
		usage: versionUsage, flags: func(*flag.FlagSet) {},
		run: runVersion},
}

// built lists the commands this binary has, in the usage text's order.
func built() []*command {
	out := make([]*command, 0, len(commands))
	for _, c := range commands {
		if !c.fake || fakeBuilt {
			out = append(out, c)
		}
	}
	return out
}

// fakeFlags are fake's flags.
type fakeFlags struct {
	listen, spec           string
	rateLimit              float64
	burst                  int
	keepRequests, keepBody int
}

func (f *fakeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.listen, "listen", "127.0.0.1:0", "")
	fs.StringVar(&f.spec, "spec", "module", "")
	fs.Float64Var(&f.rateLimit, "rate-limit", 0, "")
	fs.IntVar(&f.burst, "burst", bulkBurst, "")
	// rhombustest.DefaultKeptRequests and DefaultKeptBody, written out: a
	// nofake build must not link the fake for them (fake_test.go checks).
	fs.IntVar(&f.keepRequests, "keep-requests", 1000, "")
	fs.IntVar(&f.keepBody, "keep-body", 64<<10, "")
}

func findCommand(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

func commandNames() []string {
	var names []string
	for _, c := range built() {
		names = append(names, c.name)
	}
	return names
}

// commandFlagNames lists a command's own flags, for the usage test.
func commandFlagNames(c *command) []string {
	fs := newFlagSet(c.name, nil)
	c.flags(fs)
	return flagNames(fs)
}

// deviceFlags are register-device's flags, named after the request fields.
type deviceFlags struct {
	input                                         string
	serialNumber, orgUUID, locationUUID, wifiSsid optString
	wifiPsk                                       stringList
}

var deviceFlagNames = map[string]string{
	"serialNumber": "--serial-number", "orgUuid": "--org-uuid", "locationUuid": "--location-uuid",
	"wifiSsid": "--wifi-ssid", "wifiPsk": "--wifi-psk",
}

func (f *deviceFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.input, "cli-input-json", "", "")
	fs.Var(&f.serialNumber, "serial-number", "")
	fs.Var(&f.orgUUID, "org-uuid", "")
	fs.Var(&f.locationUUID, "location-uuid", "")
	fs.Var(&f.wifiSsid, "wifi-ssid", "")
	fs.Var(&f.wifiPsk, "wifi-psk", "")
}

func (f *deviceFlags) request(a *app, set map[string]bool) (api.CreatePendingRegistrationRequest, []problem) {
	var req api.CreatePendingRegistrationRequest
	if set["cli-input-json"] {
		if ps := readInputJSON(f.input, a.stdin, &req); ps != nil {
			return req, ps
		}
	}
	in := deviceInput{serialNumber: f.serialNumber.raw, orgUUID: f.orgUUID.raw,
		locationUUID: f.locationUUID.raw, wifiSsid: f.wifiSsid.raw}
	if set["wifi-psk"] {
		in.wifiPsk = f.wifiPsk
	}
	ps := in.apply(&req, flagNamer(deviceFlagNames))
	ps = append(ps, checkDeviceJSON(req, fromFlag(deviceFlagNames, set))...)
	if req.SerialNumber == "" {
		ps = append(ps, problem{"--serial-number", "is required (or serialNumber in --cli-input-json)"})
	}
	return req, ps
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

// licenseFlags are device-licenses' flags.
type licenseFlags struct {
	input   string
	orgUUID optString
}

func (f *licenseFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.input, "cli-input-json", "", "")
	fs.Var(&f.orgUUID, "org-uuid", "")
}

func (f *licenseFlags) request(a *app, set map[string]bool) (api.GetDeviceLicensesForOrgRequest, []problem) {
	var req api.GetDeviceLicensesForOrgRequest
	if set["cli-input-json"] {
		if ps := readInputJSON(f.input, a.stdin, &req); ps != nil {
			return req, ps
		}
	}
	if f.orgUUID.raw != nil {
		org, p := parseRUUIDField("--org-uuid", *f.orgUUID.raw)
		if p != nil {
			return req, []problem{*p}
		}
		req.OrgUUID = org
	} else if req.OrgUUID != "" {
		if p := checkRUUID(jsonField("orgUuid"), string(req.OrgUUID)); p != nil {
			return req, []problem{*p}
		}
	}
	if req.OrgUUID == "" {
		return req, []problem{{"--org-uuid", "is required (or orgUuid in --cli-input-json)"}}
	}
	return req, nil
}

// flagNamer names a request field by its flag.
func flagNamer(names map[string]string) namer {
	return func(field string) string {
		if n, ok := names[field]; ok {
			return n
		}
		return field
	}
}

// fromFlag reports whether a flag set the request field.
func fromFlag(names map[string]string, set map[string]bool) func(string) bool {
	return func(field string) bool {
		n, ok := names[field]
		return ok && set[n[2:]]
	}
}

// parseCommand parses a single-call command's flags and checks them with
// the global ones, so a bad value anywhere stops it before any request.
func parseCommand(c string, g *globals, args []string, register func(*flag.FlagSet)) (map[string]bool, error) {
	fs := newFlagSet(c, g)
	register(fs)
	return parseFlags(fs, args, g)
}

func runRegisterDevice(a *app, g *globals, args []string) error {
	var f deviceFlags
	return runOne(a, g, args, "register-device", f.register, f.request, (*rhombus.Client).CreatePendingRegistration,
		func(req api.CreatePendingRegistrationRequest, resp *api.CreatePendingRegistrationResponse) error {
			return printRegistration(a.stdout, g.output, req, resp)
		})
}

func runCreateUser(a *app, g *globals, args []string) error {
	var f userFlags
	return runOne(a, g, args, "create-user", f.register, f.request, (*rhombus.Client).CreateUser,
		func(req api.CreateUserRequest, resp *api.CreateUserResponse) error {
			return printUser(a.stdout, g.output, req, resp)
		})
}

func runDeviceLicenses(a *app, g *globals, args []string) error {
	var f licenseFlags
	return runOne(a, g, args, "device-licenses", f.register, f.request, (*rhombus.Client).GetDeviceLicensesForOrg,
		func(_ api.GetDeviceLicensesForOrgRequest, resp *api.GetDeviceLicensesForOrgResponse) error {
			return printLicenses(a.stdout, g.output, resp)
		})
}

// runOne is what every single-call command does: parse its flags, check
// them all before anything is sent, build the client, make the one call
// (stopped by Ctrl-C), and print the answer.
func runOne[Req, Resp any](a *app, g *globals, args []string, name string,
	register func(*flag.FlagSet),
	request func(*app, map[string]bool) (Req, []problem),
	call func(*rhombus.Client, context.Context, Req) (Resp, error),
	print func(Req, Resp) error,
) error {
	set, err := parseCommand(name, g, args, register)
	if err != nil {
		return err
	}
	req, ps := request(a, set)
	if err := problems(append(g.validate(), ps...)...); err != nil {
		return err
	}
	c, err := newClient(a, g)
	if err != nil {
		return err
	}
	a.baseURL = c.BaseURL()
	ctx, stop := a.interruptContext()
	defer stop()
	resp, err := call(c, ctx, req)
	if err != nil {
		return err
	}
	return print(req, resp)
}
