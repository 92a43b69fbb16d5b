package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/rhombuskit/rhombus-go/api"
)

// --output json prints the API's answer as the typed model decoded it, so a
// script sees the same fields the API documents; --output table prints what
// a person needs to read at a glance.

func printJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// table writes rows aligned in columns; the first row is the header.
func table(w io.Writer, rows [][]string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
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

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func ruuidText(r api.RUUID, none string) string {
	if r == "" {
		return none
	}
	return string(r)
}

// enumText prints any of the API's string enums, including values this
// build does not know: the server adds them without notice.
func enumText[T ~string](v T) string {
	if v == "" {
		return "-"
	}
	return string(v)
}

func boolText(p *bool) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprint(*p)
}
