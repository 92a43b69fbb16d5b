// Command rhombus calls the Rhombus API (cloud physical security) from the
// command line, through this module's client, so every call gets its
// credential handling, RUUID checks, retry rules and error model.
//
// It runs one operation per invocation (register-device, create-user,
// device-licenses), many from a CSV file with bounded concurrency and a
// results file that makes an interrupted run resumable without creating
// anything twice (register-devices, create-users), any operation of the
// spec or of the whole API by its operationId (call, operations), a
// self-contained demo against the in-process fake server (demo), which needs
// no account and no network, that fake as a process for tests in any
// language (fake), and the conversion between standard UUIDs and RUUIDs
// (ruuid). It is configured like the vendor's own command line tool
// (RHOMBUS_API_KEY, RHOMBUS_ENDPOINT_URL, RHOMBUS_PROFILE, ~/.rhombus), with
// flags overriding both.
//
// Exit status: 0 success; 1 the API refused or failed a call, or a bulk row
// failed or has an unknown outcome; 2 bad flags or input (a bulk run with
// every row invalid included), and nothing was sent.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/term"

	"github.com/rhombuskit/rhombus-go/ruuid"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// The exit codes.
const (
	exitOK     = 0
	exitFailed = 1 // the API refused or failed, or a bulk row did not end created
	exitUsage  = 2 // bad flags or input; nothing was sent
	// exitInterrupted: a bulk run stopped by an interrupt before every row
	// was started, with none failed or unknown; running it again resumes.
	// 128 + SIGINT, as shells report a command an interrupt ended.
	exitInterrupted = 130
)

// app is what a command reads and writes, so that every command prints
// through the same streams and reads nothing of its process but through it:
// tests run commands in their own process, side by side.
type app struct {
	// ctx ends the run: its end is an interrupt, as Ctrl-C is.
	ctx context.Context
	// osSignals says the process's interrupts (SIGINT, SIGTERM) reach the
	// run too; only main's run listens to them.
	osSignals bool
	getenv    func(string) string
	stdin     io.Reader
	stdout    io.Writer
	stderr    io.Writer
	// stdoutTTY: stdout is a terminal, where a bulk run draws its bar.
	stdoutTTY bool
	// stderrTTY: stderr is a terminal, where retries are announced as they
	// happen instead of leaving the user waiting in silence.
	stderrTTY bool
	// where names the profile and endpoint of the command's client once it
	// is built, so errors say where the request went.
	where string
	// baseURL is the endpoint of a single call's client, and partner says
	// the key was sent as a partner's (--partner): both for the hints.
	baseURL string
	partner bool
}

func main() {
	ctx := context.WithValue(context.Background(), osSignalsKey{}, true)
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr))
}

// osSignalsKey marks main's context: its run listens to the process's
// interrupts as well as to the context's end.
type osSignalsKey struct{}

// run runs the command line with args (without the program name) and
// returns its exit status. Everything it reads of its process comes through
// its arguments: the environment through getenv (HOME included), the
// standard streams, and interrupts through ctx, whose end is one, so that
// tests call it in-process, in parallel.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	// A command writes from several goroutines (rows in flight, warnings,
	// the fake's log): an *os.File takes that, a bytes.Buffer does not.
	a := &app{ctx: ctx, getenv: getenv, stdin: stdin, stdout: &lockedWriter{w: stdout}, stderr: &lockedWriter{w: stderr}}
	a.osSignals, _ = ctx.Value(osSignalsKey{}).(bool)
	// Only a terminal gets a progress bar and retry notices; a writer
	// that is not a file is not one.
	if f, ok := stdout.(*os.File); ok {
		a.stdoutTTY = term.IsTerminal(int(f.Fd()))
	}
	if f, ok := stderr.(*os.File); ok {
		a.stderrTTY = term.IsTerminal(int(f.Fd()))
	}
	return a.run(args)
}

// lockedWriter serialises the writes to w.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// interrupts delivers the run's interrupts on c: the end of its context,
// and with osSignals the process's SIGINT and SIGTERM, until stop is called.
func (a *app) interrupts(c chan os.Signal) (stop func()) {
	stopCtx := context.AfterFunc(a.ctx, func() {
		select {
		case c <- os.Interrupt:
		default:
		}
	})
	if !a.osSignals {
		return func() { stopCtx() }
	}
	signal.Notify(c, os.Interrupt, syscall.SIGTERM)
	return func() {
		signal.Stop(c)
		stopCtx()
	}
}

// interruptContext is cancelled by an interrupt: a single call then stops
// waiting, and the wrapper reports a write that was already sent as an
// outcome-unknown error rather than guessing.
func (a *app) interruptContext() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(a.ctx)
	sigs := make(chan os.Signal, 1)
	stop := a.interrupts(sigs)
	go func() {
		select {
		case <-sigs:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		stop()
		cancel()
	}
}

// home is the user's home directory as os.UserHomeDir finds it, from the
// run's environment: where ~/.rhombus is.
func (a *app) home() string {
	switch runtime.GOOS {
	case "windows":
		return a.getenv("USERPROFILE")
	case "plan9":
		return a.getenv("home")
	}
	return a.getenv("HOME")
}

// run parses the global flags, dispatches to the command and turns its
// error into a message and an exit code.
func (a *app) run(args []string) int {
	if isVersionFlag(args) {
		fmt.Fprintln(a.stdout, versionLine())
		return exitOK
	}
	g := newGlobals()
	name, rest, err := g.parseLeading(args)
	if err == nil && name == "" {
		err = &usageError{msg: "no command given"}
	}
	if errors.Is(err, errHelp) {
		fmt.Fprint(a.stdout, mainUsage())
		return exitOK
	}
	if err != nil {
		return a.fail("", err)
	}
	cmd := findCommand(name)
	if cmd == nil {
		return a.fail("", &usageError{msg: fmt.Sprintf("unknown command %q; the commands are %s", name, strings.Join(commandNames(), ", "))})
	}
	err = cmd.run(a, g, rest)
	a.partner = g.partner
	if err != nil {
		if errors.Is(err, errHelp) {
			fmt.Fprint(a.stdout, commandUsage(cmd))
			return exitOK
		}
		return a.fail(cmd.name, err)
	}
	return exitOK
}

// fail prints err for the command and returns its exit code.
func (a *app) fail(cmd string, err error) int {
	var ue *usageError
	var ve *rhombus.ValidationError
	var be *bulkError
	switch {
	case errors.As(err, &ue):
		ue.print(a.stderr, cmd)
		return exitUsage
	case errors.As(err, &be):
		// The bulk runner has reported its rows already.
		return be.code
	case errors.As(err, &ve):
		// Refused before sending: bad input, like a bad flag.
		fmt.Fprintln(a.stderr, err)
		var re *ruuid.Error
		if errors.As(err, &re) {
			if hint := uuidHint(re.Value); hint != "" {
				fmt.Fprintln(a.stderr, "  The value is "+hint+".")
			}
		}
		return exitUsage
	}
	fmt.Fprintln(a.stderr, err)
	if hint := a.hintFor(err); hint != "" {
		fmt.Fprintln(a.stderr, "  "+hint)
	}
	if a.where != "" {
		fmt.Fprintln(a.stderr, "  ("+a.where+")")
	}
	return exitFailed
}

// hintFor says what to do next about the errors an operator can act on.
func (a *app) hintFor(err error) string {
	var ae *rhombus.APIError
	if errors.As(err, &ae) && ae.StatusCode == http.StatusNotFound {
		return a.notFoundHint(ae.Operation)
	}
	switch {
	case errors.Is(err, rhombus.ErrOutcomeUnknown):
		return "The request may have been applied. Check in the Rhombus console before running the command again."
	case errors.Is(err, rhombus.ErrServer):
		return "A server failure can come after the request was applied. Check before running the command again."
	case errors.Is(err, rhombus.ErrUnauthorized) && a.partner:
		return "The key was sent as a partner API token (--partner); an organisation's API key is sent without --partner. Check the key, and the region: a key works only in the region it was made in (--region, --endpoint-url)."
	case errors.Is(err, rhombus.ErrUnauthorized):
		return "Check the API key, and the region: a key works only in the region it was made in (--region, --endpoint-url). A partner API token needs --partner (or is_partner = true in its profile); an organisation's API key needs neither."
	case errors.Is(err, rhombus.ErrForbidden):
		return "The key's user lacks the permission, or the key cannot act in that organisation."
	case errors.Is(err, rhombus.ErrRateLimited):
		return "The organisation's request budget is spent; wait and try again."
	case unreachable(err):
		return "No connection could be made: is the endpoint right? (--endpoint-url, --region, " + rhombus.EnvEndpointURL + ", endpoint_url in ~/.rhombus/config)"
	}
	return ""
}

// unreachable reports a failure to connect at all: a refused connection,
// a host name that does not resolve, or a dial that timed out.
func unreachable(err error) bool {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	return errors.As(err, &dnsErr) || (errors.As(err, &opErr) && opErr.Op == "dial")
}

// notFoundHint explains a 404: an endpoint URL with a path (the client adds
// each operation's path to it), or a server that does not serve the
// operation, such as the default fake asked for an operation of the whole
// API only; with the nearest name of those it may have meant.
func (a *app) notFoundHint(operation string) string {
	if u, err := url.Parse(a.baseURL); err == nil && strings.Trim(u.Path, "/") != "" {
		root := *u
		root.Path = ""
		return fmt.Sprintf("The endpoint URL must be the host root, without a path: --endpoint-url %s (the client adds each operation's path, /api/...).", root.String())
	}
	op, whole, ok := findOperation(operation)
	if !ok {
		return ""
	}
	if whole {
		hint := fmt.Sprintf("This server does not serve %s (%s), an operation of the whole Rhombus API that openapi.yaml does not carry; a rhombus fake serves it when started with --spec whole.", op.ID, op.Path)
		if near := nearestOperation(op.ID, false); near != "" {
			hint += fmt.Sprintf(" Or did you mean %s?", near)
		}
		return hint
	}
	return fmt.Sprintf("This server does not serve %s (%s): is the endpoint a Rhombus API?", op.ID, op.Path)
}

// endpointSource says where the endpoint URL came from, for a message about
// it: the flag beats the environment, which beats the profile's file.
func endpointSource(g *globals, getenv func(string) string, profile string) string {
	switch {
	case g.endpoint != "":
		return "from --endpoint-url"
	case getenv(rhombus.EnvEndpointURL) != "":
		return "from " + rhombus.EnvEndpointURL
	}
	return "from endpoint_url of profile " + profile + " in ~/.rhombus/config"
}
