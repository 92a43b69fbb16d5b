//go:build !nofake

package main

// fakeBuilt says this build has the fake Rhombus server, and so the demo
// and fake commands; a -tags nofake build leaves them out (see nofake.go).
const fakeBuilt = true
