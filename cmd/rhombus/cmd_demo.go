//go:build !nofake

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/rhombuskit/rhombus-go/api"
	"github.com/rhombuskit/rhombus-go/rhombustest"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

var demoCmd = &command{
	name: "demo", summary: "run the three operations against a built-in fake Rhombus (no account, no network)",
	usage: demoUsage, flags: noFlags, run: runDemo, fake: true,
}

// runDemo shows a newcomer what the client does, with nothing to set up:
// it starts the in-process fake Rhombus, makes the three calls through the
// wrapper, and then shows a warning and a refused duplicate, so the error
// model is visible too. It never touches the network.
func runDemo(a *app, g *globals, args []string) error {
	fs := newFlagSet("demo", g)
	if _, err := parseFlags(fs, args, g); err != nil {
		return err
	}
	s := rhombustest.NewUnstartedServer(nil)
	err := s.Start()
	if err != nil {
		return fmt.Errorf("rhombus: demo: starting the fake server: %w", err)
	}
	defer s.Close()

	rec := &recorder{base: s.HTTPClient().Transport}
	hc := &http.Client{Transport: rec}
	var warnings []rhombus.Warning
	var wmu sync.Mutex
	onWarning := rhombus.WithWarningHandler(func(_ context.Context, w rhombus.Warning) {
		wmu.Lock()
		defer wmu.Unlock()
		warnings = append(warnings, w)
	})
	orgClient, err := rhombus.New(rhombus.WithEndpoint(s.URL), rhombus.WithCredential(s.Credential(rhombustest.OrgAPIToken)), rhombus.WithHTTPClient(hc), onWarning)
	if err != nil {
		return fmt.Errorf("rhombus: demo: %w", err)
	}
	partnerClient, err := rhombus.New(rhombus.WithEndpoint(s.URL), rhombus.WithCredential(s.Credential(rhombustest.PartnerAPIToken)), rhombus.WithHTTPClient(hc), onWarning)
	if err != nil {
		return fmt.Errorf("rhombus: demo: %w", err)
	}
	ctx := context.Background()
	d := &demoPrinter{w: a.stdout, rec: rec}

	d.intro(s.URL)

	// 1. createPendingRegistration
	d.step(1, "Register a camera before it comes online", "createPendingRegistration")
	psk := []byte("correct horse battery")
	_, err = orgClient.CreatePendingRegistration(ctx, api.CreatePendingRegistrationRequest{
		SerialNumber: "RHD-DEMO-0001",
		WifiSsid:     "Office_WiFi",
		WifiPsk:      [][]byte{psk},
	})
	d.exchange()
	if err != nil {
		return d.unexpected(err)
	}
	d.result("result", "pending registration created; it completes when the device first connects")
	d.note("(wifiPsk is bytes in the model; the client sends it as base64, the spec's format: byte)")

	// 2. createUser
	d.step(2, "Create a user", "createUser")
	jane := api.CreateUserRequest{
		Email:                 "jane.doe@example.com",
		Name:                  "Jane Doe",
		PermissionGroupUUID:   s.PermissionGroup(),
		AccessibleRhombusApps: []api.RhombusApp{api.RhombusAppCONSOLE},
		SuppressWelcomeEmail:  new(true),
	}
	user, err := orgClient.CreateUser(ctx, jane)
	d.exchange()
	if err != nil {
		return d.unexpected(err)
	}
	d.result("result", fmt.Sprintf("user created, userUuid %s", ruuidText(user.UserUUID, "(none)")))

	// 3. getDeviceLicensesForOrg, as the organisation's partner
	d.step(3, "List the organisation's device licenses, as its partner", "getDeviceLicensesForOrg")
	lic, err := partnerClient.GetDeviceLicensesForOrg(ctx, api.GetDeviceLicensesForOrgRequest{OrgUUID: s.DefaultOrg()})
	d.exchange()
	if err != nil {
		return d.unexpected(err)
	}
	d.result("result", fmt.Sprintf("%d device licenses:", len(lic.DeviceLicenses)))
	var tb bytes.Buffer
	_ = licenseTable(&tb, lic.DeviceLicenses)
	d.block(tb.String())
	d.note("(the vendor marks this operation deprecated; it is still served)")

	// 4. A warning on a success.
	d.step(4, "A success that carries a warning", "createPendingRegistration")
	d.note("The fake is told to add a warningMsg to its next answer, as the real API sometimes does.")
	s.Fail(rhombustest.OpCreatePendingRegistration, rhombustest.Warning("Wi-Fi settings will be applied when the device first connects"))
	reg, err := orgClient.CreatePendingRegistration(ctx, api.CreatePendingRegistrationRequest{
		SerialNumber: "RHD-DEMO-0002",
	})
	d.exchange()
	if err != nil {
		return d.unexpected(err)
	}
	d.result("result", "pending registration created: a warning is not an error")
	wmu.Lock()
	for _, w := range warnings {
		d.result("warning", w.String()+"   (from WithWarningHandler)")
	}
	wmu.Unlock()
	d.result("", fmt.Sprintf("resp.WarningMsg = %q", reg.WarningMsg))

	// 5. A refused duplicate.
	d.step(5, "A refused duplicate: the same user again", "createUser")
	_, err = orgClient.CreateUser(ctx, jane)
	d.exchange()
	if err == nil {
		return d.unexpected(errors.New("the duplicate user was accepted"))
	}
	d.result("error", err.Error())
	d.result("", fmt.Sprintf("errors.Is(err, rhombus.ErrUserExists) = %t", errors.Is(err, rhombus.ErrUserExists)))
	var apiErr *rhombus.APIError
	if errors.As(err, &apiErr) {
		d.result("", fmt.Sprintf("errors.As(err, &apiErr): StatusCode %d, ResponseStatus %s, Message %q",
			apiErr.StatusCode, apiErr.ResponseStatus, apiErr.Message))
	}
	d.note(`A 200 answer whose envelope says "error": true is an error here; the vendor's own tool`)
	d.note("passes it on as a success.")

	org := s.DefaultOrg()
	fmt.Fprintf(a.stdout, "\nThe fake now holds %d pending registrations and %d user in organisation %s.\n",
		len(s.Registrations(org)), len(s.Users(org)), org)
	fmt.Fprint(a.stdout, demoNext(selfCommand()))
	return nil
}

// demoNext says what to try next, naming the command the way it was run:
// "go run ./cmd/rhombus" installs nothing, so "rhombus" alone would not be
// found.
func demoNext(self string) string {
	return fmt.Sprintf(`
Next:
  %[1]s help                          every command and its flags
  %[1]s register-devices --csv FILE   register many devices, resumably
  Against your organisation: set RHOMBUS_API_KEY (or use ~/.rhombus/credentials, as the
  vendor's tool does), then for example:
  %[1]s create-user --email jane.doe@example.com --name "Jane Doe" --output table
`, self)
}

// selfCommand is how the user ran this program: "go run ./cmd/rhombus" when
// the binary is one the go command built into a temporary folder.
func selfCommand() string {
	exe, err := os.Executable()
	if err == nil && strings.Contains(filepath.ToSlash(exe), "/go-build") {
		return "go run ./cmd/rhombus"
	}
	return "rhombus"
}

// demoPrinter lays the demo out for a reader who has never seen the API.
type demoPrinter struct {
	w   io.Writer
	rec *recorder
}

func (d *demoPrinter) intro(url string) {
	fmt.Fprintf(d.w, `Rhombus API demo
================
A fake Rhombus API is running inside this program at %s.
It answers like the real one (the same spec, the same error bodies) and keeps
state; no account and no network are needed. Each step is one call through
the Go client (package rhombus, ./wrapper), shown as it was sent and answered.
`, url)
}

func (d *demoPrinter) step(n int, title, op string) {
	fmt.Fprintf(d.w, "\n%d. %s (%s)\n", n, title, op)
}

func (d *demoPrinter) note(text string) { fmt.Fprintf(d.w, "   %s\n", text) }

// result prints a labelled line; an empty label continues the one above.
func (d *demoPrinter) result(label, text string) {
	fmt.Fprintf(d.w, "   %-8s %s\n", label, text)
}

func (d *demoPrinter) block(text string) {
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		fmt.Fprintf(d.w, "            %s\n", line)
	}
}

// exchange prints the last request and answer the client sent and got.
func (d *demoPrinter) exchange() {
	x := d.rec.last()
	if x == nil {
		return
	}
	d.result("request", x.method+" "+x.path)
	d.result("", fmt.Sprintf("x-auth-scheme: %s   x-auth-apikey: %s", x.scheme, redacted))
	d.result("", shorten(oneLine(x.reqBody, false), 300)) // demo data: nothing to hide
	if x.status == 0 {
		d.result("answer", "none")
		return
	}
	d.result("answer", fmt.Sprintf("HTTP %d %s", x.status, shorten(oneLine(x.respBody, false), 120)))
}

func (d *demoPrinter) unexpected(err error) error {
	return fmt.Errorf("rhombus: demo: unexpected failure: %w", err)
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + fmt.Sprintf("... (%d bytes)", len(s))
}

// recorder keeps the last exchange, so the demo shows exactly what went
// over the wire rather than a reconstruction of it.
type recorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	x    *exchange
}

type exchange struct {
	method, path, scheme string
	reqBody, respBody    []byte
	status               int
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	x := &exchange{method: req.Method, path: req.URL.Path, scheme: req.Header.Get("x-auth-scheme")}
	if req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			x.reqBody, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	resp, err := r.base.RoundTrip(req)
	if err == nil {
		b, rerr := io.ReadAll(resp.Body)
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(b))
		if rerr == nil {
			x.status, x.respBody = resp.StatusCode, b
		}
	}
	r.mu.Lock()
	r.x = x
	r.mu.Unlock()
	return resp, err
}

func (r *recorder) last() *exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.x
}

const demoUsage = `
Starts a fake Rhombus API inside this program, makes the three calls
through the Go client, and shows a warning and a refused duplicate. It needs
no account, no network and no flags.
`
