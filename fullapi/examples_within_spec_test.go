package fullapi_test

import (
	"bytes"
	"log"
	"os"
	"testing"
)

// TestPagesExampleIsWithinTheSpec runs the example as a reader sees it: the
// fake it starts has no test to fail, so it reports an answer outside the
// spec (a door uuid that is not a RUUID) to the standard logger, which the
// example's output does not show. Nothing may be reported.
func TestPagesExampleIsWithinTheSpec(t *testing.T) {
	var logged bytes.Buffer
	out, flags := log.Writer(), log.Flags()
	log.SetOutput(&logged)
	log.SetFlags(0)
	defer func() { log.SetOutput(out); log.SetFlags(flags) }()
	// The example prints its result; the test needs only the reports.
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	stdout := os.Stdout
	os.Stdout = devNull
	defer func() { os.Stdout = stdout }()

	ExampleFindAccessControlledDoorsItems()

	os.Stdout = stdout
	if logged.Len() > 0 {
		t.Errorf("the example's fake reported:\n%s", logged.String())
	}
}
