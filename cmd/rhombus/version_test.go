package main

import (
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// rhombus --version, -v and version print the module's version, the one
// the User-Agent sends.
func TestVersion(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--version"}, {"-v"}, {"version"}, {"--output", "table", "version"}} {
		o := runCLI(t, "", nil, args...)
		wantCode(t, o, exitOK)
		want := "rhombus " + rhombus.Version + " (" + runtime.Version()
		if !strings.HasPrefix(o.stdout, want) || strings.Count(o.stdout, "\n") != 1 {
			t.Errorf("%v: got %q, want one line starting %q", args, o.stdout, want)
		}
	}
	if !strings.Contains(rhombus.DefaultUserAgent, "rhombus-go/"+rhombus.Version+" ") {
		t.Errorf("the User-Agent %q does not send version %s", rhombus.DefaultUserAgent, rhombus.Version)
	}
}

// The commit is shown when the build recorded it.
func TestVersionTextNamesTheCommit(t *testing.T) {
	t.Parallel()
	info := &debug.BuildInfo{GoVersion: "go1.26.8", Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
		{Key: "vcs.modified", Value: "true"},
	}}
	want := "rhombus " + rhombus.Version + " (go1.26.8, commit 0123456789ab, modified)"
	if got := versionText(info); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	info.Settings = nil
	if got, want := versionText(info), "rhombus "+rhombus.Version+" (go1.26.8)"; got != want {
		t.Errorf("without a commit: got %q, want %q", got, want)
	}
}
