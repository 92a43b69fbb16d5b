//go:build nofake

package main

import "errors"

// Built with -tags nofake, the command line leaves out the fake Rhombus
// server, and with it kin-openapi and its JSON-schema library, whose
// package initialisation every invocation otherwise pays for (see
// BENCHMARKS.md). demo and fake then only say so.

var errNoFake = errors.New("rhombus: this binary was built with -tags nofake, without the fake Rhombus server; build it without that tag to run demo and fake")

func runDemo(*app, *globals, []string) error { return errNoFake }

func runFake(*app, *globals, []string) error { return errNoFake }
