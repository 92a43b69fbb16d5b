package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/rhombuskit/rhombus-go/rhombustest"
)

const (
	aUUID  = "123e4567-e89b-12d3-a456-426614174000"
	aRUUID = "Ej5FZ-ibEtOkVkJmFBdAAA" // aUUID's 16 bytes in base64url
)

// rhombus ruuid converts each argument one way or the other and says which.
func TestRUUIDCommand(t *testing.T) {
	t.Parallel()
	o := runCLI(t, "", nil, "ruuid", strings.ToUpper(aUUID), aRUUID)
	wantCode(t, o, exitOK)
	var rows []struct{ Input, Converted, RUUID, UUID string }
	if err := json.Unmarshal([]byte(o.stdout), &rows); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, o)
	}
	want := []struct{ Input, Converted, RUUID, UUID string }{
		{strings.ToUpper(aUUID), "UUID to RUUID", aRUUID, aUUID},
		{aRUUID, "RUUID to UUID", aRUUID, aUUID},
	}
	if len(rows) != 2 || rows[0] != want[0] || rows[1] != want[1] {
		t.Errorf("got %+v, want %+v", rows, want)
	}

	o = runCLI(t, "", nil, "ruuid", aUUID, "--output", "table")
	wantCode(t, o, exitOK)
	wantContains(t, "stdout", o.stdout, "CONVERTED", aUUID+"  UUID to RUUID  "+aRUUID)

	// Every argument is checked; one that is neither form prints nothing.
	o = runCLI(t, "", nil, "ruuid", aUUID, "not-an-id", aRUUID[:21]+"B")
	wantCode(t, o, exitUsage)
	wantContains(t, "stderr", o.stderr, `argument 2: "not-an-id" is neither a UUID`, "argument 3:", "not canonical")
	if o.stdout != "" {
		t.Errorf("stdout must stay empty, got %q", o.stdout)
	}
	if o := runCLI(t, "", nil, "ruuid"); o.code != exitUsage || !strings.Contains(o.stderr, "rhombus ruuid UUID|RUUID") {
		t.Errorf("no argument:\n%s", o)
	}
}

// A standard UUID where a RUUID is expected is refused before sending,
// with its RUUID and the command that converts, in a flag and in a JSON
// body alike.
func TestUUIDWhereARUUIDIsExpectedNamesTheCommand(t *testing.T) {
	t.Parallel()
	s := rhombustest.NewServer(t)
	o := runCLI(t, "", nil, "--endpoint-url", s.URL, "--api-key", s.Key(rhombustest.OrgAPIToken), "device-licenses", "--org-uuid", aUUID)
	wantCode(t, o, exitUsage)
	wantContains(t, "stderr", o.stderr, "--org-uuid:", "its RUUID is "+aRUUID, "rhombus ruuid "+aUUID)
	o = runCLI(t, "", nil, "--endpoint-url", s.URL, "--api-key", s.Key(rhombustest.OrgAPIToken), "call", "getDeviceLicensesForOrg",
		"--data", `{"orgUuid":"`+aUUID+`"}`)
	wantCode(t, o, exitUsage)
	wantContains(t, "stderr", o.stderr, "field orgUuid", "its RUUID is "+aRUUID, "rhombus ruuid "+aUUID)
	wantNoRequests(t, s)
}
