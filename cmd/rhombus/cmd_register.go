package main

import (
	"context"
	"flag"
	"io"

	"github.com/rhombuskit/rhombus-go/api"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// register-device and register-devices: createPendingRegistration, one
// from flags (and --cli-input-json), many from a CSV file. Both build the
// request from text through deviceInput, so both check it by the same rules.

var registerDeviceCmd = &command{
	name: "register-device", summary: "register one device before it comes online (createPendingRegistration)",
	usage: registerDeviceUsage, flags: func(fs *flag.FlagSet) { (&deviceFlags{}).register(fs) },
	run: runRegisterDevice,
}

var registerDevicesCmd = &command{
	name: "register-devices", summary: "register every device of a CSV file, resumably",
	usage: registerDevicesUsage, flags: func(fs *flag.FlagSet) { (&bulkFlags{}).register(fs) },
	run: func(a *app, g *globals, args []string) error { return runBulk(a, g, args, deviceBulk) },
}

func runRegisterDevice(a *app, g *globals, args []string) error {
	var f deviceFlags
	return runOne(a, g, args, "register-device", f.register, f.request, (*rhombus.Client).CreatePendingRegistration,
		func(req api.CreatePendingRegistrationRequest, resp *api.CreatePendingRegistrationResponse) error {
			return printRegistration(a.stdout, g.output, req, resp)
		})
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

var deviceColumns = []string{"serialNumber", "orgUuid", "locationUuid", "wifiSsid", "wifiPsk"}

func deviceRow(r csvRow) (any, string, []problem) {
	in := deviceInput{
		serialNumber: r.cell("serialNumber", true),
		orgUUID:      r.cell("orgUuid", true),
		locationUUID: r.cell("locationUuid", true),
		wifiSsid:     r.cell("wifiSsid", false), // an SSID may start or end with a space
		wifiPsk:      r.list("wifiPsk"),
	}
	var req api.CreatePendingRegistrationRequest
	ps := in.apply(&req, columnNamer)
	key := ""
	if in.serialNumber == nil {
		ps = append([]problem{{"serialNumber", "must not be empty"}}, ps...)
	} else {
		key = *in.serialNumber
	}
	return req, key, ps
}

var deviceBulk = &bulkOp{
	command: "register-devices", operation: "createPendingRegistration", keyColumn: "serialNumber",
	verb: "registered", doing: "registering", columns: deviceColumns, row: deviceRow,
	send: func(ctx context.Context, c *rhombus.Client, req any) (string, string, error) {
		resp, err := c.CreatePendingRegistration(ctx, req.(api.CreatePendingRegistrationRequest))
		if err != nil {
			return "", "", err
		}
		return "", resp.WarningMsg, nil
	},
}

func printRegistration(w io.Writer, format string, r api.CreatePendingRegistrationRequest, resp *api.CreatePendingRegistrationResponse) error {
	if format == "json" {
		return printJSON(w, resp)
	}
	return table(w, [][]string{
		{"SERIAL NUMBER", "ORG UUID", "LOCATION UUID", "WIFI SSID", "RESULT", "WARNING"},
		{r.SerialNumber, ruuidText(r.OrgUUID, "(the key's)"), ruuidText(r.LocationUUID, "-"), orDash(r.WifiSsid),
			"pending registration created", orDash(resp.WarningMsg)},
	})
}

const registerDeviceUsage = `
Registers hardware before it comes online; the registration completes when
the device first connects.

Flags (each sets the request field named in brackets):
  --serial-number TEXT   serial number of the device [serialNumber] (required)
  --org-uuid RUUID       organisation [orgUuid] (default: the key's own)
  --location-uuid RUUID  location [locationUuid]
  --wifi-ssid TEXT       Wi-Fi network name [wifiSsid]
  --wifi-psk BASE64      Wi-Fi pre-shared key as standard base64 [wifiPsk]; repeatable
  --cli-input-json FILE  the request body as JSON (- for stdin); flags given
                         explicitly override its fields

Example:
  rhombus register-device --serial-number RH123456789 --wifi-ssid Office_WiFi \
      --wifi-psk aSDinaTvuI8gbWludGxpZnk= --output table
`

const registerDevicesUsage = `
Registers the devices of a CSV file (createPendingRegistration per row).

Columns (header row required, any order, unknown columns refused):
  serialNumber (required), orgUuid, locationUuid, wifiSsid,
  wifiPsk (standard base64; several separated by ;)
` + bulkFlagsUsage + `
Example:
  rhombus register-devices --csv devices.csv --concurrency 8
`
