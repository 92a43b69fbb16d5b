//go:build !nofake

package main

import (
	"regexp"
	"testing"

	"github.com/rhombuskit/rhombus-go/rhombustest"
)

// create-user --help, openapi.yaml and the fake agree that name is
// optional (rhombustest checks the two documents): a user made without
// --name is created.
func TestCreateUserWithoutName(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runInProcess(t, "create-user", "--help")
	if code != 0 {
		t.Fatalf("create-user --help: exit %d\n%s", code, stderr)
	}
	help := stdout + stderr
	if !regexp.MustCompile(`(?m)^\s+--name TEXT\s+\[name\]\s*$`).MatchString(help) {
		t.Errorf("create-user --help must list --name as optional:\n%s", help)
	}
	s := rhombustest.NewServer(t)
	code, stdout, stderr = runInProcess(t, "--endpoint-url", s.URL, "--api-key", s.Key(rhombustest.OrgAPIToken),
		"create-user", "--email", "noname@example.com")
	if code != 0 {
		t.Fatalf("create-user without --name: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if users := s.Users(s.DefaultOrg()); len(users) != 1 || users[0].Name != "" {
		t.Errorf("want one user without a name, got %+v", users)
	}
}
