//go:build !nofake

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rhombuskit/rhombus-go/rhombustest"
)

// TestFakeProcessServesCalls starts `rhombus fake` as a process, reads the
// endpoint and key it prints, makes a call with `rhombus call` to each
// hand-written operation (each exit 0 with a JSON answer; the imported ones
// come and go with `make import`), and stops it with SIGTERM: it exits 0.
//
// It is the one test of the fake as a process, which is what scripts in
// other languages run: its lines on a pipe, its stop on a signal.
func TestFakeProcessServesCalls(t *testing.T) {
	t.Parallel()
	c := newCLI(t, nil)
	f, head := fakeProcessHead(t, c)
	wantFakeHead(t, f, head)
	url, key, stderr := f.url, f.key, f.stderr

	calls := [][]string{
		{"call", "getDeviceLicensesForOrg"},
		{"call", "createPendingRegistration", "--data", `{"serialNumber":"RH-E2E-1"}`},
		{"call", "createUser", "--data", "@" + c.file("user.json", `{"email":"e2e@example.com","name":"E2E"}`)},
	}
	for _, args := range calls {
		o := c.runRaw(append([]string{"--endpoint-url", url, "--api-key", key}, args...)...)
		if o.code != 0 {
			t.Errorf("%v: %s", args, o)
			continue
		}
		var answer map[string]any
		if err := json.Unmarshal([]byte(o.stdout), &answer); err != nil {
			t.Errorf("%v: the output is not a JSON object: %v\n%s", args, err, o)
		}
	}
	// An invalid RUUID is refused before sending: exit 2, the field named.
	o := c.runRaw("--endpoint-url", url, "--api-key", key, "call", "createPendingRegistration", "--data", `{"orgUuid":"nope"}`)
	if o.code != exitUsage || !strings.Contains(o.stderr, "field orgUuid") {
		t.Errorf("want exit 2 naming the field: %s", o)
	}

	if err := f.stop(); err != nil {
		t.Errorf("the fake did not stop cleanly on SIGTERM: %v\n%s", err, stderr)
	}
	for _, want := range []string{"getDeviceLicensesForOrg", "createUser", "has stopped"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("the fake's log lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr.String(), key) {
		t.Error("the fake's log holds the API key")
	}
}

// runningFake is a running `rhombus fake`, in this process or as a
// process of its own, and what it printed.
type runningFake struct {
	url, key string
	stderr   *bytes.Buffer // read once it has stopped
	stopped  bool
	// In this process: cancel interrupts it, and done has its exit status.
	cancel context.CancelFunc
	done   chan int
	// As a process.
	cmd *exec.Cmd
}

// fakeHead starts `rhombus fake` with args in this process and returns the
// lines it prints first ("name: value"), by name; it is interrupted when
// the test ends unless stopped.
func fakeHead(t *testing.T, c *cli, args ...string) (*runningFake, map[string]string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, stdout := io.Pipe()
	f := &runningFake{stderr: &bytes.Buffer{}, cancel: cancel, done: make(chan int, 1)}
	go func() {
		f.done <- run(ctx, append([]string{"fake", "--listen", "127.0.0.1:0"}, args...), c.getenv,
			strings.NewReader(""), stdout, f.stderr)
		stdout.Close()
	}()
	t.Cleanup(func() {
		if !f.stopped {
			cancel()
			<-f.done
		}
	})
	head := readFakeHead(t, out)
	f.url, f.key = head["endpoint url"], head["api key"]
	return f, head
}

// fakeProcessHead is fakeHead for `rhombus fake` as a process of its own;
// it is killed when the test ends unless stopped.
func fakeProcessHead(t *testing.T, c *cli, args ...string) (*runningFake, map[string]string) {
	t.Helper()
	cmd, _, stderr := c.command(append([]string{"fake", "--listen", "127.0.0.1:0"}, args...)...)
	cmd.Stdout = nil
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	f := &runningFake{cmd: cmd, stderr: stderr}
	t.Cleanup(func() {
		if !f.stopped {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	head := readFakeHead(t, out)
	f.url, f.key = head["endpoint url"], head["api key"]
	return f, head
}

// readFakeHead reads the five lines a fake prints first, by name, then
// drains the rest, so the fake never blocks on its stdout.
func readFakeHead(t *testing.T, out io.Reader) map[string]string {
	t.Helper()
	// The lines are read in the background: a fake that prints fewer must
	// fail the test, not hang it.
	type line struct{ k, v string }
	got := make(chan line)
	go func() {
		defer close(got)
		lines := bufio.NewScanner(out)
		for lines.Scan() {
			k, v, _ := strings.Cut(lines.Text(), ": ")
			got <- line{k, v}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	head := map[string]string{}
	// A guard against a hang, not a measure of speed: loading the whole
	// API's spec under -race, beside the other tests, takes tens of seconds.
	timeout := time.After(fakeWait)
	for len(head) < 5 {
		select {
		case l, ok := <-got:
			if !ok {
				t.Fatalf("the fake printed only the lines %v", names(head))
			}
			head[l.k] = l.v
		case <-timeout:
			t.Fatalf("the fake printed only the lines %v in %s", names(head), fakeWait)
		}
	}
	go func() {
		for range got { // keep draining
		}
	}()
	return head
}

// fakeWait bounds the wait for a fake to start or stop.
const fakeWait = 3 * time.Minute

// startFake starts `rhombus fake` with args in this process and reads the
// endpoint and key it prints.
func startFake(t *testing.T, c *cli, args ...string) *runningFake {
	t.Helper()
	f, head := fakeHead(t, c, args...)
	wantFakeHead(t, f, head)
	return f
}

func wantFakeHead(t *testing.T, f *runningFake, head map[string]string) {
	t.Helper()
	if !strings.HasPrefix(f.url, "http://127.0.0.1:") || len(f.key) < 20 {
		t.Fatalf("the fake printed the lines %v", names(head))
	}
}

// stop interrupts the fake (a process with SIGTERM) and waits for it to
// end; it must end with exit status 0.
func (f *runningFake) stop() error {
	done := make(chan error, 1)
	if f.cmd == nil {
		f.cancel()
		go func() {
			if code := <-f.done; code != exitOK {
				done <- fmt.Errorf("exit status %d", code)
			}
			close(done)
		}()
	} else {
		if err := f.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			return err
		}
		go func() { done <- f.cmd.Wait() }()
	}
	select {
	case err := <-done:
		f.stopped = true
		return err
	case <-time.After(fakeWait):
		return fmt.Errorf("no exit within %s of the interrupt", fakeWait)
	}
}

// `rhombus fake --spec whole` serves every operation of the Rhombus API:
// ones openapi.yaml does not carry, whichever those are now (any, when it
// carries every one), are called and answered from the spec.
func TestFakeServesTheWholeAPI(t *testing.T) {
	t.Parallel()
	c := newCLI(t, nil)
	f := startFake(t, c, "--spec", "whole")
	called := notInSpec(t, c, 2)
	for _, op := range wholeAPI(t, c) {
		if len(called) < 2 && op.NotCallable == "" && !slices.Contains(called, op) {
			called = append(called, op)
		}
	}
	for _, r := range called {
		op := r.OperationID
		o := c.runRaw("--endpoint-url", f.url, "--api-key", f.key, "call", op, "--data", "{}")
		var answer map[string]any
		if o.code != 0 || json.Unmarshal([]byte(o.stdout), &answer) != nil {
			t.Errorf("%s: %s", op, o)
		}
	}
	if err := f.stop(); err != nil {
		t.Fatal(err)
	}
	if o := c.runRaw("fake", "--spec", "most"); o.code != exitUsage || !strings.Contains(o.stderr, "--spec must be module") {
		t.Errorf("%s", o)
	}
}

// The fake listens on loopback only.
func TestFakeRefusesANonLoopbackAddress(t *testing.T) {
	t.Parallel()
	o := newCLI(t, nil).runRaw("fake", "--listen", "0.0.0.0:0")
	if o.code != exitUsage || !strings.Contains(o.stderr, "loopback") {
		t.Errorf("want exit 2 saying loopback only: %s", o)
	}
}

// `rhombus fake --keep-requests N --keep-body BYTES` bounds what the process
// keeps of the requests it receives; a bound below 0 is a usage error.
func TestFakeKeepFlags(t *testing.T) {
	t.Parallel()
	c := newCLI(t, nil)
	f := startFake(t, c, "--keep-requests", "0", "--keep-body", "0")
	// A hand-written operation: openapi.yaml carries it whatever is imported.
	o := c.runRaw("--endpoint-url", f.url, "--api-key", f.key, "call", "getDeviceLicensesForOrg")
	if o.code != 0 {
		t.Errorf("getDeviceLicensesForOrg: %s", o)
	}
	if err := f.stop(); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--keep-requests", "-1"}, {"--keep-body", "-5"}} {
		o := c.runRaw(append([]string{"fake"}, args...)...)
		if o.code != exitUsage || !strings.Contains(o.stderr, args[0]+": must be 0 or more") {
			t.Errorf("%v: want exit 2 naming the flag: %s", args, o)
		}
	}
	// The defaults are rhombustest's bounds.
	fs := flag.NewFlagSet("fake", flag.ContinueOnError)
	(&fakeFlags{}).register(fs)
	if got, want := fs.Lookup("keep-requests").DefValue+" "+fs.Lookup("keep-body").DefValue,
		fmt.Sprint(rhombustest.DefaultKeptRequests, rhombustest.DefaultKeptBody); got != want {
		t.Errorf("--keep-requests and --keep-body default to %s, rhombustest's bounds are %s", got, want)
	}
}

// BenchmarkFakeProcessMemory reports the resident memory of a `rhombus
// fake` process after 200 requests of 1 MB (rss-MB; hwm-MB is the peak),
// with the default bound and keeping no request (a process's memory, so a
// process of its own):
//
//	go test -run='^$' -bench=FakeProcessMemory -benchtime=1x ./cmd/rhombus/
func BenchmarkFakeProcessMemory(b *testing.B) {
	body := `{"serialNumber":"` + strings.Repeat("x", 1_000_000-20) + `"}`
	for _, mode := range []struct {
		name string
		args []string
	}{
		{"default", nil},
		{"keep-none", []string{"--keep-requests", "0"}},
	} {
		b.Run(mode.name, func(b *testing.B) {
			for b.Loop() {
				cmd := exec.Command(binary(b), append([]string{"fake", "--listen", "127.0.0.1:0"}, mode.args...)...)
				cmd.Env = append(os.Environ(), "HOME="+b.TempDir())
				out, err := cmd.StdoutPipe()
				if err != nil {
					b.Fatal(err)
				}
				if err := cmd.Start(); err != nil {
					b.Fatal(err)
				}
				head := map[string]string{}
				for lines := bufio.NewScanner(out); len(head) < 3 && lines.Scan(); {
					k, v, _ := strings.Cut(lines.Text(), ": ")
					head[k] = v
				}
				for range 200 {
					req, _ := http.NewRequest(http.MethodPost, head["endpoint url"]+"/api/org/createPendingRegistration", strings.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("x-auth-scheme", "api-token")
					req.Header.Set("x-auth-apikey", head["api key"])
					res, err := http.DefaultClient.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
				status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
				if err != nil {
					b.Fatal(err) // Linux only
				}
				for _, field := range []string{"VmRSS", "VmHWM"} {
					var kb float64
					if _, v, ok := strings.Cut(string(status), field+":"); ok {
						_, _ = fmt.Sscan(v, &kb)
					}
					b.ReportMetric(kb/1024, map[string]string{"VmRSS": "rss-MB", "VmHWM": "hwm-MB"}[field])
				}
				_ = cmd.Process.Signal(syscall.SIGTERM)
				_ = cmd.Wait()
			}
		})
	}
}

// names are the names of the lines read, without their values (keys).
func names(head map[string]string) []string {
	out := make([]string, 0, len(head))
	for k := range head {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
