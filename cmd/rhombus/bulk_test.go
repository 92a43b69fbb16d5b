package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rhombuskit/rhombus-go/api"
	"github.com/rhombuskit/rhombus-go/rhombustest"
	"github.com/rhombuskit/rhombus-go/ruuid"
)

// fast lifts the client-side limit so tests are not paced at the vendor's
// 10 requests a second.
var fast = []string{"--rate", "2000", "--burst", "200"}

// location is a valid RUUID for row i.
func location(i int) string {
	var b [16]byte
	b[0], b[1] = byte(i>>8), byte(i)
	return string(ruuid.FromBytes(b))
}

func serial(i int) string { return fmt.Sprintf("RH-%04d", i) }

// deviceCSV writes n data rows (lines 2..n+1) with the columns in an order
// of their own; bad maps a data row number (1-based) to a replacement row.
func deviceCSV(s *rhombustest.Server, n int, bad map[int]string) string {
	var b strings.Builder
	b.WriteString("wifiSsid,serialNumber,wifiPsk,orgUuid,locationUuid\n")
	for i := 1; i <= n; i++ {
		if row, ok := bad[i]; ok {
			b.WriteString(row + "\n")
			continue
		}
		org := ""
		if i%2 == 0 {
			org = string(s.DefaultOrg())
		}
		fmt.Fprintf(&b, "Office_WiFi,%s,%s,%s,%s\n", serial(i), psk, org, location(i))
	}
	return b.String()
}

// tenBadRows are ten ways a row can be wrong, at data rows whose file line
// is the row number plus one.
func tenBadRows() (map[int]string, []int) {
	bad := map[int]string{
		3:   "Office_WiFi,RH-BAD-03," + psk + ",abc,",                                  // orgUuid too short
		17:  "Office_WiFi,RH-BAD-17," + psk + ",,AAAAAAAAAAAAAAAAAAAAAB",               // locationUuid not canonical
		30:  "Office_WiFi,RH-BAD-30,###,,",                                             // wifiPsk not base64
		44:  "Office_WiFi,," + psk + ",,",                                              // serialNumber missing
		58:  "Office_WiFi," + serial(5) + "," + psk + ",,",                             // serialNumber repeated
		71:  "Office_WiFi,RH-BAD-71," + psk + ",,,extra",                               // a field too many
		99:  "Office_WiFi,RH-BAD-99," + psk + ",123e4567-e89b-12d3-a456-426614174000,", // a UUID, not a RUUID
		120: "Office_WiFi,RH-BAD-120,aSDinaTvuI8gbWludGxpZnk,,",                        // base64 without padding
		150: `Office_WiFi,RH"BAD,` + psk + ",,",                                        // a bare quote
		199: "Office_WiFi,RH-BAD-199," + psk + ";@@,,",                                 // the second key is bad
	}
	var lines []int
	for row := range bad {
		lines = append(lines, row+1)
	}
	slices.Sort(lines)
	return bad, lines
}

var reportedLine = regexp.MustCompile(`(?m)^  line (\d+): `)

func reportedLines(stderr string) []int {
	var out []int
	for _, m := range reportedLine.FindAllStringSubmatch(stderr, -1) {
		n, _ := strconv.Atoi(m[1])
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

func TestBulkInvalidRowsSendNothing(t *testing.T) {
	t.Parallel()
	s := rhombustest.NewServer(t)
	c := newCLI(t, s)
	bad, lines := tenBadRows()
	csvPath := c.file("devices.csv", deviceCSV(s, 200, bad))
	o := c.run(append([]string{"register-devices", "--csv", csvPath}, fast...)...)
	wantCode(t, o, 2)
	if got := reportedLines(o.stderr); !slices.Equal(got, lines) {
		t.Errorf("want exactly lines %v reported, got %v\n%s", lines, got, o.stderr)
	}
	wantContains(t, "stderr", o.stderr, "10 of 200 rows are invalid, so nothing was sent",
		"line 4: orgUuid: must be exactly 22 characters", "line 59: serialNumber: \"RH-0005\" is on line 6 already",
		"line 72: (row): has 6 fields", "line 45: serialNumber: must not be empty", "line 31: wifiPsk: must be standard base64")
	if n := len(s.Requests()); n != 0 {
		t.Fatalf("want zero requests at the server, got %d", n)
	}
	if _, err := os.Stat(csvPath + ".results.csv"); !os.IsNotExist(err) {
		t.Errorf("a run that sent nothing left a results file (%v)", err)
	}
}

func TestBulkSkipInvalid(t *testing.T) {
	t.Parallel()
	s := rhombustest.NewServer(t)
	c := newCLI(t, s)
	bad, lines := tenBadRows()
	csvPath := c.file("devices.csv", deviceCSV(s, 200, bad))
	o := c.run(append([]string{"register-devices", "--csv", csvPath, "--skip-invalid"}, fast...)...)
	wantCode(t, o, 0)
	if got := reportedLines(o.stderr); !slices.Equal(got, lines) {
		t.Errorf("want exactly lines %v reported, got %v", lines, got)
	}
	wantContains(t, "stderr", o.stderr, "skipping 10 invalid rows of 200", "registered 190/190")

	var sum summary
	if err := json.Unmarshal([]byte(o.stdout), &sum); err != nil {
		t.Fatalf("stdout is not the summary: %v\n%s", err, o)
	}
	if sum.Rows != 200 || sum.Sent != 190 || sum.Created != 190 || sum.Skipped != 10 || sum.Failed+sum.Unknown != 0 {
		t.Errorf("summary: %+v", sum)
	}
	wantRegisteredOnce(t, s, 200, bad)
	if n := len(s.Requests()); n != 190 {
		t.Errorf("want 190 requests, got %d", n)
	}

	res := results(t, csvPath+".results.csv")
	if len(res) != 200 {
		t.Fatalf("want 200 result lines, got %d", len(res))
	}
	for _, r := range res {
		want := outcomeCreated
		if slices.Contains(lines, r.line) {
			want = outcomeSkipped
		}
		if r.outcome != want {
			t.Errorf("line %d: want %s, got %+v", r.line, want, r)
		}
	}
}

// A storm of 429s slows the run down but creates every row exactly once.
func TestBulkRateLimitStorm(t *testing.T) {
	t.Parallel()
	s := rhombustest.NewServer(t)
	c := newCLI(t, s)
	s.Fail(rhombustest.OpCreatePendingRegistration, rhombustest.RateLimited(time.Second).Times(20))
	csvPath := c.file("devices.csv", deviceCSV(s, 40, nil))
	start := time.Now()
	o := c.run("register-devices", "--csv", csvPath, "--rate", "100", "--burst", "10")
	wantCode(t, o, 0)
	t.Logf("40 rows through 20 429s in %s", time.Since(start).Round(time.Millisecond))
	if n := s.RateLimited(); n != 20 {
		t.Errorf("want the 20 scripted 429s answered, got %d", n)
	}
	wantRegisteredOnce(t, s, 40, nil)
	for _, r := range results(t, csvPath+".results.csv") {
		if r.outcome != outcomeCreated {
			t.Errorf("line %d: %+v", r.line, r)
		}
	}
}

// An interrupted run resumes where it stopped, creating nothing twice.
// The first run is a process: what is tested is a signal to it, SIGINT or
// SIGKILL, which no run in this process can take.
func TestBulkResumeAfterInterrupt(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		signal func(*os.Process) error
		resume []string // flags the resumed run needs
	}{
		// Ctrl-C: the rows in flight finish, so every outcome is known.
		{"SIGINT", func(p *os.Process) error { return p.Signal(os.Interrupt) }, nil},
		// Killed: the rows in flight stay unknown, and are resent only
		// when the operator says so.
		{"SIGKILL", func(p *os.Process) error { return p.Kill() }, []string{"--resend-unknown"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := rhombustest.NewServer(t)
			c := newCLI(t, s)
			const n = 100
			csvPath := c.file("devices.csv", deviceCSV(s, n, nil))
			resultsPath := c.file("out/results.csv", "")
			args := append([]string{"register-devices", "--csv", csvPath, "--results", resultsPath}, fast...)

			s.Fail(rhombustest.OpCreatePendingRegistration, rhombustest.Slow(40*time.Millisecond).Always())
			cmd, stdout, stderr := c.command(append(c.serverFlags(), args...)...)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waitForCreated(t, resultsPath, n/2)
			if err := tc.signal(cmd.Process); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			first := len(s.Registrations(s.DefaultOrg()))
			t.Logf("first run: %v, %d of %d registered\n%s", err, first, n, stderr)
			if first >= n {
				t.Fatalf("the first run was not interrupted")
			}
			if tc.name == "SIGINT" {
				ee, ok := err.(*exec.ExitError)
				if !ok || ee.ExitCode() != exitInterrupted {
					t.Errorf("want exit %d after an interrupt, got %v\n%s%s", exitInterrupted, err, stdout, stderr)
				}
				wantContains(t, "stderr", stderr.String(), "interrupted", "run the same command again to resume")
				for _, r := range results(t, resultsPath) {
					if r.outcome != outcomeCreated {
						t.Errorf("after a graceful stop every row sent is known: line %d %+v", r.line, r)
					}
				}
			} else {
				// Without the flag, the unknown rows are listed, not resent.
				// A killed run leaves the log form: the last line of a row wins.
				last, err := loadResults(resultsPath)
				if err != nil {
					t.Fatal(err)
				}
				unknown := 0
				for _, r := range last {
					if r.outcome == outcomeUnknown {
						unknown++
					}
				}
				t.Logf("%d rows in flight when killed", unknown)
				s.ClearFaults()
				o := c.run(args...)
				if unknown > 0 {
					wantCode(t, o, 1)
					wantContains(t, "stderr", o.stderr, "unknown outcome", "--resend-unknown")
				}
			}

			s.ClearFaults()
			o := c.run(append(args, tc.resume...)...)
			wantCode(t, o, 0)
			wantContains(t, "stderr", o.stderr, "resuming from")
			wantRegisteredOnce(t, s, n, nil)
			res := results(t, resultsPath)
			if len(res) != n {
				t.Fatalf("want %d result lines, got %d:\n%s", n, len(res), readFile(t, resultsPath))
			}
			for i, r := range res {
				if r.line != i+2 || r.key != serial(i+1) || r.outcome != outcomeCreated {
					t.Errorf("result %d: %+v", i, r)
				}
			}
		})
	}
}

// create-users: a row's outcome decides what a re-run does with it.
func TestCreateUsersResume(t *testing.T) {
	t.Parallel()
	s := rhombustest.NewServer(t)
	c := newCLI(t, s)
	if _, err := s.Client().CreateUser(context.Background(), api.CreateUserRequest{Email: "existing@example.com", Name: "Existing"}); err != nil {
		t.Fatal(err)
	}
	group := string(s.PermissionGroup())
	csvPath := c.file("users.csv", "email,name,permissionGroupUuid,apps,suppressWelcomeEmail,bypassSaml,maxMobileCredsAllowed,startDate\n"+
		"alice@example.com,Alice,"+group+",CONSOLE;RHOMBUS_KEY,true,false,2,2024-01-31T09:00:00Z\n"+
		"bob@example.com,Bob,,,,,,\n"+
		"carol@example.com,Carol,,PARTNER,,,,\n"+
		"existing@example.com,Existing,,,,,,\n"+
		"dave@example.com,Dave,,,,,,\n")
	resultsPath := csvPath + ".results.csv"
	args := []string{"create-users", "--csv", csvPath, "--concurrency", "1"} // one at a time, so the faults hit known rows

	// alice passes; bob is refused with a 403 (not applied); carol's
	// connection drops after the server created her (unknown); existing
	// exists already; dave gets a 503, which may come after a write was
	// applied (unknown).
	s.Fail(rhombustest.OpCreateUser, rhombustest.Pass())
	s.Fail(rhombustest.OpCreateUser, rhombustest.Forbidden())
	s.Fail(rhombustest.OpCreateUser, rhombustest.CloseAfterApply())
	s.Fail(rhombustest.OpCreateUser, rhombustest.Pass())
	s.Fail(rhombustest.OpCreateUser, rhombustest.ServerError(503))
	o := c.run(args...)
	wantCode(t, o, 1)
	wantContains(t, "stderr", o.stderr, "line 3 bob@example.com: failed: rhombus: createUser: HTTP 403",
		"line 4 carol@example.com: outcome unknown: ", "line 5 existing@example.com: failed", "USER_EXISTS",
		"line 6 dave@example.com: outcome unknown: HTTP 503")
	// The heading says once what an unknown outcome means; no row repeats it.
	if n := strings.Count(o.stderr, "may have been applied"); n != 1 {
		t.Errorf("want the explanation once, got it %d times:\n%s", n, o.stderr)
	}
	want := map[int][2]string{2: {outcomeCreated, "false"}, 3: {outcomeFailed, "true"}, 4: {outcomeUnknown, "false"},
		5: {outcomeFailed, "false"}, 6: {outcomeUnknown, "false"}}
	checkResults(t, resultsPath, want)
	alice := userByEmail(t, s, "alice@example.com")
	if !slices.Equal(alice.AccessibleRhombusApps, []api.RhombusApp{api.RhombusAppCONSOLE, api.RhombusAppRHOMBUSKEY}) || alice.PermissionGroupUUID != s.PermissionGroup() {
		t.Errorf("alice: %+v", alice)
	}
	if r := results(t, resultsPath)[0]; r.uuid != string(alice.UUID) {
		t.Errorf("want alice's userUuid %s in the results, got %+v", alice.UUID, r)
	}

	// Re-run: only bob is resent; carol and dave are listed for the operator.
	before := len(s.Requests())
	o = c.run(append(args, "--output", "table")...)
	wantCode(t, o, 1)
	if n := len(s.Requests()) - before; n != 1 {
		t.Errorf("want 1 request (bob), got %d", n)
	}
	wantContains(t, "stderr", o.stderr, "2 rows have an unknown outcome", "carol@example.com (unknown since an earlier run)",
		"dave@example.com (unknown since an earlier run)", "existing@example.com")
	wantContains(t, "stdout", o.stdout, "already created", "not resent")
	want[3] = [2]string{outcomeCreated, "false"}
	checkResults(t, resultsPath, want)

	// --resend-unknown: carol is found to exist, so the earlier request had
	// created her; dave had not been created, and is now.
	o = c.run(append(args, "--resend-unknown")...)
	wantCode(t, o, 1) // existing@ failed for good
	want[4] = [2]string{outcomeCreated, "false"}
	want[6] = [2]string{outcomeCreated, "false"}
	checkResults(t, resultsPath, want)
	if r := results(t, resultsPath)[2]; !strings.Contains(r.detail, "had been applied") {
		t.Errorf("carol's result should say the earlier request had been applied: %+v", r)
	}
	for _, email := range []string{"alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com", "existing@example.com"} {
		userByEmail(t, s, email)
	}
	if n := len(s.Users(s.DefaultOrg())); n != 5 {
		t.Errorf("want 5 users, got %d", n)
	}
}

func TestBulkHeaderErrors(t *testing.T) {
	t.Parallel()
	s := rhombustest.NewServer(t)
	c := newCLI(t, s)
	for _, tc := range []struct{ content, want string }{
		{"serialNumber,colour\nRH-1,red\n", `unknown column "colour"`},
		{"orgUuid\nAAAAAAAAAAAAAAAAAAAAAA\n", "required column serialNumber is missing"},
		{"serialNumber,SERIALNUMBER\nRH-1,RH-2\n", "column serialNumber appears twice"},
		{"", "the file is empty"},
	} {
		o := c.run("register-devices", "--csv", c.file("h.csv", tc.content))
		wantCode(t, o, 2)
		wantContains(t, "stderr", o.stderr, tc.want)
	}
	o := c.run("create-users", "--csv", c.file("u.csv", "\ufeffEmail,apps\nok@example.com,CONSOLE\nbad,ADMIN\n"))
	wantCode(t, o, 2)
	wantContains(t, "stderr", o.stderr, "line 3: email: must be an email address", `line 3: apps: unknown app "ADMIN"`)
	o = c.run("create-users", "--csv", "nope.csv")
	wantCode(t, o, 2)
	wantContains(t, "stderr", o.stderr, "--csv: cannot read nope.csv")
	wantNoRequests(t, s)
}

// waitForCreated waits until the results file records n created rows.
func waitForCreated(t *testing.T, path string, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		b, _ := os.ReadFile(path)
		rs, _ := parseResults(b)
		created := 0
		for _, r := range rs {
			if r.outcome == outcomeCreated {
				created++
			}
		}
		if created >= n {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("the results file never recorded %d created rows", n)
}

// results reads a results file, which a finished run leaves with one line
// per row in line order.
func results(t *testing.T, path string) []result {
	t.Helper()
	rs, err := parseResults([]byte(readFile(t, path)))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, r := range rs {
		if seen[r.line] {
			t.Errorf("line %d has more than one result after the run ended:\n%s", r.line, readFile(t, path))
		}
		seen[r.line] = true
	}
	return rs
}

func checkResults(t *testing.T, path string, want map[int][2]string) {
	t.Helper()
	got := map[int][2]string{}
	for _, r := range results(t, path) {
		got[r.line] = [2]string{r.outcome, strconv.FormatBool(r.retrySafe)}
	}
	for line, w := range want {
		if got[line] != w {
			t.Errorf("line %d: want %v, got %v\n%s", line, w, got[line], readFile(t, path))
		}
	}
}

// wantRegisteredOnce checks that every valid row of deviceCSV(n, bad) is
// registered exactly once, and nothing else is.
func wantRegisteredOnce(t *testing.T, s *rhombustest.Server, n int, bad map[int]string) {
	t.Helper()
	count := map[string]int{}
	for _, r := range s.Registrations(s.DefaultOrg()) {
		count[r.SerialNumber]++
	}
	for i := 1; i <= n; i++ {
		if _, isBad := bad[i]; isBad {
			continue
		}
		if count[serial(i)] != 1 {
			t.Errorf("%s registered %d times", serial(i), count[serial(i)])
		}
		delete(count, serial(i))
	}
	if len(count) > 0 {
		t.Errorf("unexpected registrations: %v", count)
	}
}

func userByEmail(t *testing.T, s *rhombustest.Server, email string) rhombustest.User {
	t.Helper()
	var found []rhombustest.User
	for _, u := range s.Users(s.DefaultOrg()) {
		if u.Email == email {
			found = append(found, u)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want user %s exactly once, got %d", email, len(found))
	}
	return found[0]
}
