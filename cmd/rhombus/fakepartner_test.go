//go:build !nofake

package main

import (
	"bufio"
	"strings"
	"testing"
)

// fakeHead starts `rhombus fake` with args and returns the lines it
// prints first ("name: value"), by name.
func fakeHead(t *testing.T, c *cli, args ...string) (*runningFake, map[string]string) {
	t.Helper()
	cmd, _, stderr := c.command(append([]string{"fake", "--listen", "127.0.0.1:0"}, args...)...)
	cmd.Stdout = nil
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	f := &runningFake{cmd: cmd, stderr: stderr}
	t.Cleanup(func() {
		if !f.stopped {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	lines := bufio.NewScanner(out)
	head := map[string]string{}
	for len(head) < 5 && lines.Scan() {
		k, v, ok := strings.Cut(lines.Text(), ": ")
		if !ok {
			t.Fatalf("unexpected line %q", lines.Text())
		}
		head[k] = v
	}
	f.url, f.key = head["endpoint url"], head["api key"]
	return f, head
}

// The fake prints the client organisation and its permission group with
// the keys, so that the README's partner command succeeds against it, and
// a user can be made in the printed group.
func TestFakePrintsTheClientOrganisationForPartnerCommands(t *testing.T) {
	c := newCLI(t, nil)
	f, head := fakeHead(t, c)
	org, group, partnerKey := head["client organisation"], head["permission group"], head["partner api key"]
	for name, v := range map[string]string{"client organisation": org, "permission group": group, "partner api key": partnerKey} {
		if v == "" {
			t.Fatalf("the fake printed no %s line: %v", name, head)
		}
	}
	// The README's command, with the printed values.
	o := c.runRaw("--endpoint-url", f.url, "--api-key", partnerKey,
		"--partner", "--partner-org", org, "device-licenses", "--org-uuid", org)
	if o.code != 0 || !strings.Contains(o.stdout, "deviceLicenses") {
		t.Errorf("the README's partner command: %s", o)
	}
	// The group is the client organisation's: a user is made in it with
	// the organisation's key (createUser's page admits api-token only).
	o = c.runRaw("--endpoint-url", f.url, "--api-key", f.key,
		"create-user", "--email", "grouped@example.com", "--permission-group-uuid", group)
	if o.code != 0 || !strings.Contains(o.stdout, "SUCCESS") {
		t.Errorf("create-user in the printed group: %s", o)
	}
	if err := f.stop(); err != nil {
		t.Fatal(err)
	}
}
