package main

import (
	"fmt"
	"runtime/debug"
	"strings"

	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

var versionCmd = &command{
	name: "version", summary: "print the version (also rhombus --version, -v)",
	usage: versionUsage, flags: noFlags, run: runVersion,
}

// versionLine is what rhombus --version prints: the module's version (the
// one the User-Agent sends), the Go release that built the binary, and the
// commit it was built from when the build recorded one.
func versionLine() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "rhombus " + rhombus.Version
	}
	return versionText(info)
}

func versionText(info *debug.BuildInfo) string {
	parts := []string{info.GoVersion}
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if modified == "true" {
			rev += ", modified"
		}
		parts = append(parts, "commit "+rev)
	}
	return fmt.Sprintf("rhombus %s (%s)", rhombus.Version, strings.Join(parts, ", "))
}

// isVersionFlag reports a request for the version before any command:
// rhombus --version, or -v as most command line tools spell it.
func isVersionFlag(args []string) bool {
	if len(args) == 0 {
		return false
	}
	switch args[0] {
	case "-v", "--version", "-version":
		return true
	}
	return false
}

func runVersion(a *app, g *globals, args []string) error {
	fs := newFlagSet("version", g)
	if _, err := parseFlags(fs, args, g); err != nil {
		return err
	}
	_, err := fmt.Fprintln(a.stdout, versionLine())
	return err
}

const versionUsage = `
Prints the version of this command line (the one its requests send in their
User-Agent), the Go release that built it, and the commit it was built from
when the build recorded one.
`
