package main

import "flag"

// The command line's commands: each is one file, cmd_NAME.go, holding
// everything of it (flags, request, CSV row, printer, usage text) and its
// command value; this table lists them, and the help and the dispatch are
// derived from it. A new command is a new file and a row here.

// command is one subcommand: its name, a one-line summary for the command
// list, its flags (for parsing and for the usage text) and what it does.
type command struct {
	name    string
	summary string
	usage   string                 // the command's help text after the synopsis
	flags   func(fs *flag.FlagSet) // registers the command's own flags
	run     func(a *app, g *globals, args []string) error
	// fake says the command needs the fake Rhombus server, which a
	// -tags nofake build leaves out; its help then leaves the command out.
	fake bool
}

// commands is in the order the usage text lists them.
var commands = []*command{
	registerDeviceCmd,
	createUserCmd,
	deviceLicensesCmd,
	registerDevicesCmd,
	createUsersCmd,
	callCmd,
	operationsCmd,
	ruuidCmd,
	demoCmd,
	fakeCmd,
	versionCmd,
}

// noFlags is the flags of a command that has only the global ones.
func noFlags(*flag.FlagSet) {}

// built lists the commands this binary has, in the usage text's order.
func built() []*command {
	out := make([]*command, 0, len(commands))
	for _, c := range commands {
		if !c.fake || fakeBuilt {
			out = append(out, c)
		}
	}
	return out
}

func findCommand(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

func commandNames() []string {
	var names []string
	for _, c := range built() {
		names = append(names, c.name)
	}
	return names
}

// commandFlagNames lists a command's own flags, for the usage test.
func commandFlagNames(c *command) []string {
	fs := newFlagSet(c.name, nil)
	c.flags(fs)
	return flagNames(fs)
}
