package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/rhombuskit/rhombus-go/api"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// device-licenses: getDeviceLicensesForOrg, a partner's view of a client
// organisation's licenses.

var deviceLicensesCmd = &command{
	name: "device-licenses", summary: "list an organisation's device licenses (getDeviceLicensesForOrg)",
	usage: deviceLicensesUsage, flags: func(fs *flag.FlagSet) { (&licenseFlags{}).register(fs) },
	run: runDeviceLicenses,
}

func runDeviceLicenses(a *app, g *globals, args []string) error {
	var f licenseFlags
	return runOne(a, g, args, "device-licenses", f.register, f.request, (*rhombus.Client).GetDeviceLicensesForOrg,
		func(_ api.GetDeviceLicensesForOrgRequest, resp *api.GetDeviceLicensesForOrgResponse) error {
			return printLicenses(a.stdout, g.output, resp)
		})
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

func printLicenses(w io.Writer, format string, resp *api.GetDeviceLicensesForOrgResponse) error {
	if format == "json" {
		return printJSON(w, resp)
	}
	return licenseTable(w, resp.DeviceLicenses)
}

func licenseTable(w io.Writer, ls []api.DeviceLicense) error {
	if len(ls) == 0 {
		_, err := fmt.Fprintln(w, "no device licenses")
		return err
	}
	// The columns a person scans for; --output json has every field.
	rows := [][]string{{"UUID", "DEVICE TYPE", "LICENSE", "STATE", "PRODUCT CODE", "TRIAL", "DEVICE UUID"}}
	for _, l := range ls {
		rows = append(rows, []string{
			ruuidText(l.UUID, "-"), enumText(l.DeviceType), enumText(l.LicenseType),
			enumText(l.State), orDash(l.ProductCode), boolText(l.Trial), ruuidText(l.DeviceUUID, "-"),
		})
	}
	return table(w, rows)
}

const deviceLicensesUsage = `
Lists the device licenses of an organisation: a partner's view of a client
organisation (the vendor marks the operation deprecated).

Flags:
  --org-uuid RUUID       organisation [orgUuid] (required)
  --cli-input-json FILE  the request body as JSON (- for stdin); --org-uuid overrides it

Example:
  rhombus --partner --api-key KEY device-licenses --org-uuid AAAAAAAAAAAAAAAAAAAAAA --output table
`
