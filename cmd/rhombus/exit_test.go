package main

import (
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/rhombuskit/rhombus-go/rhombustest"
)

// register-devices --skip-invalid with every row invalid sends nothing and
// exits 2, as a bad CSV row does without --skip-invalid: exit 0 says every
// row was created.
func TestSkipInvalidWithEveryRowInvalid(t *testing.T) {
	t.Parallel()
	s := rhombustest.NewServer(t)
	dir := t.TempDir()
	csv := filepath.Join(dir, "devices.csv")
	writeFile(t, csv, "serialNumber,orgUuid\nRH-1,"+aUUID+"\nRH-2,short\n")
	o := runCLI(t, "", nil, "--endpoint-url", s.URL, "--api-key", s.Key(rhombustest.OrgAPIToken),
		"register-devices", "--csv", csv, "--skip-invalid")
	wantCode(t, o, exitUsage)
	wantContains(t, "stderr", o.stderr, "all 2 rows are invalid, so nothing was sent", "line 2: orgUuid", "line 3: orgUuid")
	wantNoRequests(t, s)

	// One valid row is sent, the invalid one skipped: exit 0.
	writeFile(t, csv, "serialNumber,orgUuid\nRH-1,"+string(s.DefaultOrg())+"\nRH-2,short\n")
	o = runCLI(t, "", nil, "--endpoint-url", s.URL, "--api-key", s.Key(rhombustest.OrgAPIToken),
		"register-devices", "--csv", csv, "--skip-invalid")
	wantCode(t, o, exitOK)
	if n := len(s.Requests()); n != 1 {
		t.Errorf("want the valid row sent, got %d requests", n)
	}
}

var nofake struct {
	once sync.Once
	bin  string
	err  error
	out  []byte
}

// nofakeBinary builds the command line with -tags nofake, once.
func nofakeBinary(t *testing.T) string {
	t.Helper()
	nofake.once.Do(func() {
		nofake.bin = filepath.Join(testDir, "rhombus-nofake")
		nofake.out, nofake.err = exec.Command(goTool(), "build", "-tags", "nofake", "-o", nofake.bin, ".").CombinedOutput()
	})
	if nofake.err != nil {
		t.Fatalf("building with -tags nofake: %v\n%s", nofake.err, nofake.out)
	}
	return nofake.bin
}

// A -tags nofake build lists only the commands it has and does not point a
// newcomer to the demo it lacks; the full build lists both. A nofake
// build is another binary than the test's, so it runs as a process.
func TestNoFakeHelpListsOnlyItsCommands(t *testing.T) {
	t.Parallel()
	out, err := exec.Command(nofakeBinary(t), "help").Output()
	if err != nil {
		t.Fatalf("rhombus help in a nofake build: %v\n%s", err, out)
	}
	help := string(out)
	for _, line := range strings.Split(help, "\n") {
		f := strings.Fields(line)
		if len(f) > 0 && (f[0] == "demo" || f[0] == "fake") {
			t.Errorf("the nofake help lists %s:\n%s", f[0], help)
		}
	}
	if strings.Contains(help, "rhombus demo") {
		t.Errorf("the nofake help suggests rhombus demo:\n%s", help)
	}
	wantContains(t, "nofake help", help, "  register-device ", "  ruuid ", "  version ")
	// The commands it lacks, and their help, say why, as bad input.
	o := newCLI(t, nil)
	for _, args := range [][]string{{"demo"}, {"help", "fake"}} {
		cmd := exec.Command(nofakeBinary(t), args...)
		cmd.Env = o.env
		b, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != exitUsage || !strings.Contains(string(b), "-tags nofake") {
			t.Errorf("rhombus %v in a nofake build: %v\n%s", args, err, b)
		}
	}

	full := runCLI(t, "", nil, "help")
	wantContains(t, "help", full.stdout, "  demo ", "  fake ", "New here? Run: rhombus demo")
}
