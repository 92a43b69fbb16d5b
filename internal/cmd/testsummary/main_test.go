package main

import (
	"strings"
	"testing"
)

// A run of two packages, one with a failed subtest, one that did not
// build, one without tests, and a line that is not an event.
const sample = `{"Action":"start","Package":"a"}
{"Action":"run","Package":"a","Test":"TestOK"}
{"Action":"output","Package":"a","Test":"TestOK","Output":"=== RUN   TestOK\n"}
{"Action":"output","Package":"a","Test":"TestOK","Output":"--- PASS: TestOK (0.00s)\n"}
{"Action":"pass","Package":"a","Test":"TestOK"}
{"Action":"run","Package":"a","Test":"TestT"}
{"Action":"run","Package":"a","Test":"TestT/sub"}
{"Action":"output","Package":"a","Test":"TestT/sub","Output":"    --- FAIL: TestT/sub (0.00s)\n"}
{"Action":"fail","Package":"a","Test":"TestT/sub"}
{"Action":"fail","Package":"a","Test":"TestT"}
{"Action":"skip","Package":"a","Test":"TestSkipped"}
{"Action":"output","Package":"a","Output":"FAIL\ta\t0.01s\n"}
{"Action":"fail","Package":"a"}
go: some message
{"Action":"build-output","ImportPath":"b","Output":"b/x.go:1: syntax error\n"}
{"Action":"fail","Package":"b","FailedBuild":"b"}
{"Action":"output","Package":"c","Output":"?   \tc\t[no test files]\n"}
{"Action":"skip","Package":"c"}
{"Action":"pass","Package":"d","Test":"ExampleX"}
{"Action":"pass","Package":"d"}
`

func TestSummarise(t *testing.T) {
	var out strings.Builder
	c, err := summarise(strings.NewReader(sample), &out)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.full(), "2 passed, 2 failed, 1 skipped in 3 packages"; got != want {
		t.Errorf("counts: got %q, want %q", got, want)
	}
	if got, want := strings.Join(c.failures, "; "), "a TestT/sub; a TestT; b"; got != want {
		t.Errorf("failures: got %q, want %q", got, want)
	}
	// The text is go test -v's: every output, and other lines as they came.
	want := "=== RUN   TestOK\n--- PASS: TestOK (0.00s)\n    --- FAIL: TestT/sub (0.00s)\nFAIL\ta\t0.01s\ngo: some message\nb/x.go:1: syntax error\n?   \tc\t[no test files]\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}
