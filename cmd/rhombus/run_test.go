package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rhombuskit/rhombus-go/rhombustest"
)

// run reads the environment it is given, never the process's: here the
// process's RHOMBUS_API_KEY, RHOMBUS_ENDPOINT_URL and HOME (with a profile)
// all point at another server, and the call still goes where run's
// environment says. Not parallel: it sets the process's environment.
func TestRunReadsOnlyItsEnvironment(t *testing.T) {
	mine, other := rhombustest.NewServer(t), rhombustest.NewServer(t)
	registerTestSecrets(mine.Key(rhombustest.OrgAPIToken), other.Key(rhombustest.OrgAPIToken))
	otherHome := t.TempDir()
	writeFile(t, filepath.Join(otherHome, ".rhombus", "credentials"), "[default]\napi_key = "+other.Key(rhombustest.OrgAPIToken)+"\n")
	writeFile(t, filepath.Join(otherHome, ".rhombus", "config"), "[default]\nendpoint_url = "+other.URL+"\n")
	t.Setenv("HOME", otherHome)
	t.Setenv("RHOMBUS_API_KEY", other.Key(rhombustest.OrgAPIToken))
	t.Setenv("RHOMBUS_ENDPOINT_URL", other.URL)
	t.Setenv("RHOMBUS_PROFILE", "")

	c := newCLI(t, nil)
	c.env = append(c.env, "RHOMBUS_API_KEY="+mine.Key(rhombustest.OrgAPIToken), "RHOMBUS_ENDPOINT_URL="+mine.URL)
	o := c.runRaw("register-device", "--serial-number", "RH-ENV-1")
	wantCode(t, o, exitOK)
	if len(mine.Registrations(mine.DefaultOrg())) != 1 || len(other.Requests()) != 0 {
		t.Errorf("want the registration at run's endpoint only; got %d there, %d requests at the process's",
			len(mine.Registrations(mine.DefaultOrg())), len(other.Requests()))
	}

	// Without a key in run's environment, its HOME is read: an empty one
	// has no profile, whatever the process's HOME holds.
	c = newCLI(t, nil)
	c.env = append(c.env, "RHOMBUS_ENDPOINT_URL="+mine.URL)
	o = c.runRaw("register-device", "--serial-number", "RH-ENV-2")
	wantCode(t, o, exitUsage)
	wantContains(t, "stderr", o.stderr, "configuration: ")
	if n := len(other.Requests()); n != 0 {
		t.Errorf("the process's profile was used: %d requests at its server", n)
	}
}

// The end of run's context is an interrupt: a bulk run stops starting
// rows, lets those in flight finish, says how to resume, and exits 130;
// the same command run again creates the rest, nothing twice.
func TestRunContextEndInterruptsABulkRun(t *testing.T) {
	t.Parallel()
	s := rhombustest.NewServer(t)
	c := newCLI(t, s)
	const n = 60
	csvPath := c.file("devices.csv", deviceCSV(s, n, nil))
	resultsPath := filepath.Join(c.dir, "results.csv")
	args := append(c.serverFlags(), append([]string{"register-devices", "--csv", csvPath, "--results", resultsPath}, fast...)...)

	s.Fail(rhombustest.OpCreatePendingRegistration, rhombustest.Slow(40*time.Millisecond).Always())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, args, c.getenv, strings.NewReader(""), &stdout, &stderr) }()
	waitForCreated(t, resultsPath, n/3)
	cancel()
	code := <-done
	o := output{code: code, stdout: stdout.String(), stderr: stderr.String()}
	wantCode(t, o, exitInterrupted)
	wantContains(t, "stderr", o.stderr, "interrupted", "run the same command again to resume")
	if got := len(s.Registrations(s.DefaultOrg())); got >= n {
		t.Fatalf("the run was not interrupted: %d of %d registered", got, n)
	}
	for _, r := range results(t, resultsPath) {
		if r.outcome != outcomeCreated {
			t.Errorf("after an interrupt every row sent is known: line %d %+v", r.line, r)
		}
	}

	s.ClearFaults()
	o = c.runRaw(args...)
	wantCode(t, o, exitOK)
	wantRegisteredOnce(t, s, n, nil)
}
