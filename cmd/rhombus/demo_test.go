//go:build !nofake

package main

import (
	"strings"
	"testing"
)

// The README's first command: no account, no network, no flags, exit 0.
func TestDemo(t *testing.T) {
	t.Parallel()
	c := newCLI(t, nil)
	o := c.runRaw("demo")
	wantCode(t, o, 0)
	wantContains(t, "stdout", o.stdout,
		"1. Register a camera before it comes online (createPendingRegistration)",
		"POST /api/org/createPendingRegistration", `"serialNumber":"RHD-DEMO-0001"`, "pending registration created",
		"2. Create a user (createUser)", `"email":"jane.doe@example.com"`, "user created, userUuid ",
		"3. List the organisation's device licenses, as its partner (getDeviceLicensesForOrg)",
		"x-auth-scheme: partner-api-token", "2 device licenses:", "ENVIRONMENTAL_SENSOR",
		"warning  rhombus: createPendingRegistration: warning: ",
		"error    rhombus: createUser: HTTP 200 USER_EXISTS",
		"errors.Is(err, rhombus.ErrUserExists) = true",
		"2 pending registrations and 1 user",
	)
	if strings.Contains(o.stdout, "x-auth-apikey: ") && !strings.Contains(o.stdout, "x-auth-apikey: [REDACTED]") {
		t.Errorf("the demo prints a key")
	}
	if o.stderr != "" {
		t.Errorf("want nothing on stderr, got:\n%s", o.stderr)
	}
}

// TestDemoNextNamesTheCommandAsRun: after `go run`, nothing is installed, so
// the demo's suggestions must not name a bare "rhombus".
func TestDemoNextNamesTheCommandAsRun(t *testing.T) {
	t.Parallel()
	if got := demoNext("go run ./cmd/rhombus"); !strings.Contains(got, "  go run ./cmd/rhombus help") {
		t.Errorf("demoNext: %s", got)
	}
	// The test binary itself is built by the go command into a temporary
	// folder, as `go run` builds the program.
	if got := selfCommand(); got != "go run ./cmd/rhombus" {
		t.Errorf("selfCommand under go test = %q", got)
	}
	// A built binary is an installed-like program: how a program names
	// itself depends on the executable of its process, so this one runs
	// as a process.
	c := newCLI(t, nil)
	o := c.exec("demo")
	wantCode(t, o, 0)
	wantContains(t, "stdout", o.stdout, "\n  rhombus help")
}
