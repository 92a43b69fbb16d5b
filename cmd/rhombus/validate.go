package main

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/rhombuskit/rhombus-go/api"
	"github.com/rhombuskit/rhombus-go/ruuid"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// The checks below run on every value before anything is sent, for flags,
// --cli-input-json fields and CSV cells alike; each returns the rule broken
// in words an operator can act on.

func checkRUUID(field, v string) *problem {
	if _, err := rhombus.ParseRUUID(v); err != nil {
		var re *ruuid.Error
		if hint := uuidHint(v); hint != "" {
			return &problem{field, fmt.Sprintf("%q is %s", v, hint)}
		}
		if errors.As(err, &re) {
			return &problem{field, fmt.Sprintf("%s (got %q)", re.Rule, re.Value)}
		}
		return &problem{field, err.Error()}
	}
	return nil
}

func parseRUUIDField(field, v string) (api.RUUID, *problem) {
	if p := checkRUUID(field, v); p != nil {
		return "", p
	}
	return api.RUUID(v), nil
}

// knownApps lists the RhombusApp values in the spec's order.
var knownApps = []api.RhombusApp{api.RhombusAppPARTNER, api.RhombusAppCONSOLE, api.RhombusAppRHOMBUSKEY, api.RhombusAppUNKNOWN}

func appNames() string {
	s := make([]string, len(knownApps))
	for i, a := range knownApps {
		s[i] = string(a)
	}
	return strings.Join(s, ", ")
}

// parseApps checks a set of app names: each known (any case), none twice,
// as the spec makes accessibleRhombusApps a set.
func parseApps(field string, vals []string) ([]api.RhombusApp, []problem) {
	var ps []problem
	out := make([]api.RhombusApp, 0, len(vals))
	seen := map[api.RhombusApp]bool{}
	for _, v := range vals {
		app := api.RhombusApp(strings.ToUpper(strings.TrimSpace(v)))
		switch {
		case !app.Valid():
			ps = append(ps, problem{field, fmt.Sprintf("unknown app %q; must be one of %s", v, appNames())})
		case seen[app]:
			ps = append(ps, problem{field, fmt.Sprintf("app %s is given twice (the apps are a set)", app)})
		default:
			seen[app] = true
			out = append(out, app)
		}
	}
	return out, ps
}

// checkApps checks apps that came from JSON, which are sent as written, so
// they must be spelled exactly.
func checkApps(field string, apps []api.RhombusApp) []problem {
	var ps []problem
	seen := map[api.RhombusApp]bool{}
	for _, app := range apps {
		switch {
		case !app.Valid():
			ps = append(ps, problem{field, fmt.Sprintf("unknown app %q; must be one of %s", string(app), appNames())})
		case seen[app]:
			ps = append(ps, problem{field, fmt.Sprintf("app %s is given twice (the apps are a set)", app)})
		}
		seen[app] = true
	}
	return ps
}

// parsePSKs decodes Wi-Fi pre-shared keys given as standard base64 with
// padding, the spec's format: byte.
func parsePSKs(field string, vals []string) ([][]byte, []problem) {
	var ps []problem
	out := make([][]byte, 0, len(vals))
	for i, v := range vals {
		b, err := base64.StdEncoding.Strict().DecodeString(v)
		if err != nil || v == "" {
			name := field
			if len(vals) > 1 {
				name = fmt.Sprintf("%s[%d]", field, i+1)
			}
			ps = append(ps, problem{name, "must be standard base64 with padding (RFC 4648 section 4), such as aSDinaTvuI8gbWludGxpZnk=" + base64Reason(v, err)})
			continue
		}
		out = append(out, b)
	}
	return out, ps
}

func base64Reason(v string, err error) string {
	var ce base64.CorruptInputError
	switch {
	case v == "":
		return "; got an empty value"
	case errors.As(err, &ce):
		return fmt.Sprintf("; invalid at character %d", int(ce)+1)
	}
	return ""
}

// parseTime reads an RFC 3339 date-time, as the API's date-time fields use.
func parseTime(field, v string) (time.Time, *problem) {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return t, &problem{field, fmt.Sprintf("must be an RFC 3339 date-time such as 2024-01-31T09:00:00Z, got %q", v)}
	}
	return t, nil
}

func parseBoolField(field, v string) (bool, *problem) {
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil {
		return false, &problem{field, fmt.Sprintf("must be true or false, got %q", v)}
	}
	return b, nil
}

func parseCount(field, v string) (int32, *problem) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < 0 || n > math.MaxInt32 {
		return 0, &problem{field, fmt.Sprintf("must be a whole number from 0 to %d, got %q", math.MaxInt32, v)}
	}
	return int32(n), nil
}

// checkEmail accepts a bare address such as jane@example.com.
func checkEmail(field, v string) *problem {
	if v == "" {
		return &problem{field, "must not be empty"}
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v {
		return &problem{field, fmt.Sprintf("must be an email address such as jane.doe@example.com, got %q", v)}
	}
	return nil
}

func checkSerial(field, v string) *problem {
	if strings.TrimSpace(v) == "" {
		return &problem{field, "must not be empty"}
	}
	if strings.TrimSpace(v) != v {
		return &problem{field, fmt.Sprintf("must not start or end with white space, got %q", v)}
	}
	return nil
}

func parseRegion(v string) (rhombus.Region, error) {
	r, err := rhombus.ParseRegion(v)
	if err != nil {
		return "", fmt.Errorf("must be us or eu, got %q", v)
	}
	return r, nil
}

// uuidHint is what the command line adds when a standard UUID was given
// where a RUUID is expected: the RUUID it stands for, and the command that
// converts. The Go error names Go functions, of no use on a command line.
func uuidHint(value string) string {
	r, err := ruuid.FromUUIDString(value)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("a standard UUID, not a RUUID: its RUUID is %s (rhombus ruuid %s converts it)", r, value)
}
