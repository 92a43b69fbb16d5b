package main

import (
	"errors"
	"fmt"

	"github.com/rhombuskit/rhombus-go/ruuid"
)

var ruuidCmd = &command{
	name: "ruuid", summary: "convert identifiers between the standard UUID form and RUUIDs",
	usage: ruuidUsage, flags: noFlags, run: runRUUID,
}

// runRUUID converts identifiers between the standard UUID form, which other
// systems and the Rhombus console's URLs use, and the RUUID the API takes:
// each argument one way or the other, saying which. Every argument is
// checked first; one that is neither form stops it with nothing printed.
func runRUUID(a *app, g *globals, args []string) error {
	fs := newFlagSet("ruuid", g)
	var ids []string
	// Identifiers and global flags may come in any order.
	for {
		set, err := parseFlagSet(fs, args, true)
		if err != nil {
			return err
		}
		for k := range set {
			g.set[k] = true
		}
		if fs.NArg() == 0 {
			break
		}
		ids = append(ids, fs.Arg(0))
		args = fs.Args()[1:]
	}
	ps := g.validate()
	if len(ids) == 0 {
		ps = append(ps, problem{"UUID", "give one or more: rhombus ruuid UUID|RUUID..."})
	}
	type row struct {
		Input     string `json:"input"`
		Converted string `json:"converted"` // "UUID to RUUID" or "RUUID to UUID"
		RUUID     string `json:"ruuid"`
		UUID      string `json:"uuid"`
	}
	rows := make([]row, 0, len(ids))
	for i, id := range ids {
		r, p := convertID(id)
		if p != "" {
			ps = append(ps, problem{fmt.Sprintf("argument %d", i+1), p})
			continue
		}
		rows = append(rows, row{r.input, r.direction, r.ruuid, r.uuid})
	}
	if err := problems(ps...); err != nil {
		return err
	}
	if g.output == "json" {
		return printJSON(a.stdout, rows)
	}
	t := [][]string{{"INPUT", "CONVERTED", "RESULT"}}
	for _, r := range rows {
		out := r.RUUID
		if r.Converted == "RUUID to UUID" {
			out = r.UUID
		}
		t = append(t, []string{r.Input, r.Converted, out})
	}
	return table(a.stdout, t)
}

// converted is one identifier in both forms.
type converted struct {
	input, direction, ruuid, uuid string
}

// convertID reads id as a standard UUID or a RUUID and gives both forms,
// or the rule it breaks.
func convertID(id string) (converted, string) {
	if r, err := ruuid.FromUUIDString(id); err == nil {
		u, _ := r.UUIDString() // lower case, as the RUUID gives it back
		return converted{id, "UUID to RUUID", string(r), u}, ""
	}
	r, err := ruuid.Parse(id)
	if err == nil {
		u, _ := r.UUIDString()
		return converted{id, "RUUID to UUID", string(r), u}, ""
	}
	var re *ruuid.Error
	if len(id) == 36 {
		_, err = ruuid.FromUUIDString(id) // the UUID's rule says more than the RUUID's
	}
	if errors.As(err, &re) {
		return converted{}, fmt.Sprintf("%q is neither a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx) nor a RUUID (22 characters of base64url): %s", re.Value, re.Rule)
	}
	return converted{}, err.Error()
}

const ruuidUsage = `
  rhombus ruuid UUID|RUUID...

Rhombus identifies every object by a RUUID: the 16 bytes of a UUID in
22 characters of base64url. Each argument in the standard UUID form
(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx) is converted to its RUUID, and each
RUUID to its UUID; the output says which was done. An argument that is
neither stops it, with nothing printed.

Example:
  rhombus ruuid 123e4567-e89b-12d3-a456-426614174000 --output table
`
