//go:build nofake

package main

// Built with -tags nofake, the command line leaves out the fake Rhombus
// server, and with it kin-openapi and its JSON-schema library, whose
// package initialisation every invocation otherwise pays for (see
// BENCHMARKS.md). The help then leaves demo and fake out, and they only say
// why they are missing.

// fakeBuilt: the help leaves demo and fake out.
const fakeBuilt = false

var errNoFake = &usageError{msg: "this binary was built with -tags nofake, without the fake Rhombus server; build it without that tag to run demo and fake"}

// demoCmd and fakeCmd only say why they are missing; their help does too.
var (
	demoCmd = &command{name: "demo", flags: noFlags, run: noFake, fake: true}
	fakeCmd = &command{name: "fake", flags: noFlags, run: noFake, fake: true}
)

func noFake(*app, *globals, []string) error { return errNoFake }
