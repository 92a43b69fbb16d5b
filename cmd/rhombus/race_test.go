//go:build race

package main

// raceEnabled builds the binary under test with the race detector when the
// tests themselves run with it, so the bulk runner's concurrency is checked
// end to end.
const raceEnabled = true
