//go:build !nofake

package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// The fake prints the client organisation and its permission group with
// the keys, so that the README's partner command succeeds against it, and
// a user can be made in the printed group.
func TestFakePrintsTheClientOrganisationForPartnerCommands(t *testing.T) {
	t.Parallel()
	c := newCLI(t, nil)
	f, head := fakeHead(t, c)
	org, group, partnerKey := head["client organisation"], head["permission group"], head["partner api key"]
	for name, v := range map[string]string{"client organisation": org, "permission group": group, "partner api key": partnerKey} {
		if v == "" {
			t.Fatalf("the fake printed no %s line, only %v", name, names(head))
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

// Against `rhombus fake --spec whole`, a user made with `rhombus call
// createUser` comes back from `rhombus call getUsersInOrg`, and the fake
// says at start how many families keep state.
func TestFakeWholeKeepsUsersAcrossCalls(t *testing.T) {
	t.Parallel()
	c := newCLI(t, nil)
	f, _ := fakeHead(t, c, "--spec", "whole")
	o := c.runRaw("--endpoint-url", f.url, "--api-key", f.key, "call", "createUser", "--data", `{"email":"kept@example.com","name":"Kept"}`)
	if o.code != 0 {
		t.Fatalf("createUser: %s", o)
	}
	var created struct {
		UserUUID string `json:"userUuid"`
	}
	if err := json.Unmarshal([]byte(o.stdout), &created); err != nil || created.UserUUID == "" {
		t.Fatalf("createUser answered no userUuid: %v\n%s", err, o)
	}
	o = c.runRaw("--endpoint-url", f.url, "--api-key", f.key, "call", "getUsersInOrg", "--data", `{}`)
	if o.code != 0 {
		t.Fatalf("getUsersInOrg: %s", o)
	}
	var list struct {
		Users []struct {
			UUID  string `json:"uuid"`
			Email string `json:"email"`
			Name  string `json:"name"`
		} `json:"users"`
	}
	if err := json.Unmarshal([]byte(o.stdout), &list); err != nil {
		t.Fatalf("getUsersInOrg: %v\n%s", err, o)
	}
	if len(list.Users) != 1 || list.Users[0].UUID != created.UserUUID || list.Users[0].Email != "kept@example.com" || list.Users[0].Name != "Kept" {
		t.Errorf("getUsersInOrg does not show the created user %s: %s", created.UserUUID, o.stdout)
	}
	if err := f.stop(); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`State is kept for \d+ resource families over \d+ operations`).MatchString(f.stderr.String()) {
		t.Errorf("the fake does not say which families keep state:\n%s", f.stderr)
	}
}
