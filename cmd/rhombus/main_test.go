package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/rhombuskit/rhombus-go/rhombustest"
)

// The tests run the command line in this process, through run, with their
// own environment and standard streams, so they run side by side; each
// starts a fake Rhombus in the test process and points the command at it
// with --endpoint-url and --api-key. A test where the process itself is
// what is tested (a signal, an exit status as a shell sees it, the binary
// a build makes) runs the built binary instead: see binary.

// testDir holds the binaries built for the tests that need a process.
var testDir string

func TestMain(m *testing.M) { os.Exit(testMain(m)) }

func testMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "rhombus-cli-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	testDir = dir
	return m.Run()
}

var rhombusBin struct {
	once sync.Once
	bin  string
	err  error
	out  []byte
}

// binary builds the command line once, for the tests that need it as a
// process, and returns its path.
func binary(t testing.TB) string {
	t.Helper()
	rhombusBin.once.Do(func() {
		rhombusBin.bin = filepath.Join(testDir, "rhombus")
		if runtime.GOOS == "windows" {
			rhombusBin.bin += ".exe"
		}
		args := []string{"build", "-o", rhombusBin.bin}
		if raceEnabled {
			args = append(args, "-race")
		}
		rhombusBin.out, rhombusBin.err = exec.Command(goTool(), append(args, ".")...).CombinedOutput()
	})
	if rhombusBin.err != nil {
		t.Fatalf("building the rhombus binary: %v\n%s", rhombusBin.err, rhombusBin.out)
	}
	return rhombusBin.bin
}

// goTool is the go command that runs these tests: the one on PATH, else
// the one of the toolchain that built the test.
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	//lint:ignore SA1019 only a fallback when PATH has no go command.
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

// cli runs the command line against one fake server with a clean
// configuration: HOME is a fresh directory and no RHOMBUS_* variable is
// inherited.
type cli struct {
	t    *testing.T
	s    *rhombustest.Server
	home string
	env  []string // KEY=VALUE; the last of a key counts
	dir  string   // for CSV and results files, and a process's working directory
}

func newCLI(t *testing.T, s *rhombustest.Server) *cli {
	t.Helper()
	c := &cli{t: t, s: s, home: t.TempDir(), dir: t.TempDir()}
	if s != nil {
		registerTestSecrets(s.Key(rhombustest.OrgAPIToken), s.Key(rhombustest.PartnerAPIToken), s.Key(rhombustest.OrgCertificateKey), s.Key(rhombustest.PartnerCertificateKey))
	}
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "RHOMBUS_") || strings.HasPrefix(kv, "HOME=") {
			continue
		}
		c.env = append(c.env, kv)
	}
	c.env = append(c.env, "HOME="+c.home)
	if raceEnabled {
		// A race-enabled binary otherwise sleeps a second at exit; a data
		// race still fails it with exit code 66.
		c.env = append(c.env, "GORACE=atexit_sleep_ms=0 exitcode=66")
	}
	return c
}

type output struct {
	code           int
	stdout, stderr string
}

func (o output) String() string {
	return redactTestSecrets(fmt.Sprintf("exit %d\n--- stdout\n%s--- stderr\n%s", o.code, o.stdout, o.stderr))
}

// testSecrets holds every key a test server of this package hands out, so
// that a failure message quoting the command's output never shows one, even
// when the failure is that the command leaked it.
var testSecrets sync.Map

func registerTestSecrets(keys ...string) {
	for _, k := range keys {
		if k != "" {
			testSecrets.Store(k, true)
		}
	}
}

// redactTestSecrets replaces every registered key in text.
func redactTestSecrets(text string) string {
	testSecrets.Range(func(k, _ any) bool {
		text = strings.ReplaceAll(text, k.(string), "[a test key]")
		return true
	})
	return text
}

// run runs the command line with the server's endpoint and organisation
// API key given as global flags before args.
func (c *cli) run(args ...string) output {
	c.t.Helper()
	return c.runRaw(append(c.serverFlags(), args...)...)
}

func (c *cli) serverFlags() []string {
	if c.s == nil {
		return nil
	}
	return []string{"--endpoint-url", c.s.URL, "--api-key", c.s.Key(rhombustest.OrgAPIToken)}
}

// runRaw runs the command line in this process with exactly args and an
// empty stdin.
func (c *cli) runRaw(args ...string) output {
	c.t.Helper()
	return c.runStdin(strings.NewReader(""), args...)
}

// runStdin runs the command line in this process with exactly args,
// reading stdin.
func (c *cli) runStdin(stdin io.Reader, args ...string) output {
	c.t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, c.getenv, stdin, &stdout, &stderr)
	return output{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// getenv reads the cli's environment, as os.Getenv reads a process's.
func (c *cli) getenv(key string) string {
	v := ""
	for _, kv := range c.env {
		if k, val, _ := strings.Cut(kv, "="); k == key {
			v = val
		}
	}
	return v
}

// exec runs the built binary with exactly args, in the cli's working
// directory and environment: for a test of what only a process shows.
func (c *cli) exec(args ...string) output {
	c.t.Helper()
	cmd, stdout, stderr := c.command(args...)
	err := cmd.Run()
	o := output{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		o.code = ee.ExitCode()
	default:
		c.t.Fatalf("running rhombus %v: %v", args, err)
	}
	return o
}

// command is the built binary with args, ready to start.
func (c *cli) command(args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	cmd := exec.Command(binary(c.t), args...)
	cmd.Env = c.env
	cmd.Dir = c.dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	return cmd, &stdout, &stderr
}

// file writes content to name in the working directory and returns its path.
func (c *cli) file(name, content string) string {
	c.t.Helper()
	p := filepath.Join(c.dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		c.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		c.t.Fatal(err)
	}
	return p
}

func wantCode(t *testing.T, o output, code int) {
	t.Helper()
	if o.code != code {
		t.Fatalf("want exit %d, got:\n%s", code, o)
	}
}

func wantContains(t *testing.T, what, text string, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(text, s) {
			t.Errorf("%s does not contain %q:\n%s", what, redactTestSecrets(s), redactTestSecrets(text))
		}
	}
}

// wantNoRequests checks that nothing reached the server.
func wantNoRequests(t *testing.T, s *rhombustest.Server) {
	t.Helper()
	if n := len(s.Requests()); n != 0 {
		t.Errorf("want no request at the server, got %d", n)
	}
}

// A failure message that quotes a command's output must not show a key,
// even when the failure is that the command printed it.
func TestFailureTextHidesTestKeys(t *testing.T) {
	t.Parallel()
	s := rhombustest.NewServer(t)
	newCLI(t, s)
	o := output{stdout: "sent " + s.Key(rhombustest.OrgAPIToken), stderr: "echoed " + s.Key(rhombustest.PartnerAPIToken)}
	for _, k := range []string{s.Key(rhombustest.OrgAPIToken), s.Key(rhombustest.PartnerAPIToken)} {
		if strings.Contains(o.String(), k) || strings.Contains(redactTestSecrets("x"+k+"y"), k) {
			t.Fatal("a test key survives in failure text")
		}
	}
	if !strings.Contains(o.String(), "[a test key]") {
		t.Fatal("the redaction marker is missing from the failure text")
	}
}
