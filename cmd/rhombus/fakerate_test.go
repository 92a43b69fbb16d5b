//go:build !nofake

package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `rhombus fake --rate-limit N --burst B` answers like the vendor beyond
// its organisation's bucket: 429 with Retry-After in whole seconds.
func TestFakeRateLimit(t *testing.T) {
	t.Parallel()
	c := newCLI(t, nil)
	f := startFake(t, c, "--rate-limit", "0.01", "--burst", "2")
	var statuses []string
	for range 3 {
		req, err := http.NewRequest(http.MethodPost, f.url+"/api/org/createPendingRegistration", strings.NewReader(fmt.Sprintf(`{"serialNumber":"RH%d"}`, len(statuses))))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("x-auth-apikey", f.key)
		req.Header.Set("x-auth-scheme", "api-token")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		statuses = append(statuses, fmt.Sprintf("%d %s", resp.StatusCode, resp.Header.Get("Retry-After")))
	}
	// A bucket of 2 refilled at one request every 100 s.
	if got, want := strings.Join(statuses, ", "), "200 , 200 , 429 100"; got != want {
		t.Errorf("answers: got %q, want %q", got, want)
	}
	if err := f.stop(); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct{ args, want []string }{
		{[]string{"--burst", "5"}, []string{"--burst", "needs --rate-limit"}},
		{[]string{"--rate-limit", "-1"}, []string{"--rate-limit", "0 for no limit, got -1"}},
		{[]string{"--rate-limit", "5", "--burst", "0"}, []string{"--burst", "at least 1, got 0"}},
	} {
		o := c.runRaw(append([]string{"fake"}, tc.args...)...)
		if o.code != exitUsage {
			t.Errorf("fake %v: want exit %d: %s", tc.args, exitUsage, o)
		}
		for _, w := range tc.want {
			if !strings.Contains(o.stderr, w) {
				t.Errorf("fake %v: the message lacks %q: %s", tc.args, w, o)
			}
		}
	}
}

// The bulk default from the command line against the fake process at
// 50/s, burst 20: every row created once, exit 0, and few 429s (the
// learned rate probes above the server's rate every few seconds, not
// every second). Not parallel: how many answers are 429 depends on the
// client's pace and the fake's bucket keeping time together, which tests
// running beside them would disturb.
func TestBulkDefaultAgainstRateLimitedFakeProcess(t *testing.T) {
	c := newCLI(t, nil)
	f := startFake(t, c, "--rate-limit", "50", "--burst", "20")
	var csv strings.Builder
	csv.WriteString("serialNumber\n")
	const rows = 100
	for i := range rows {
		fmt.Fprintf(&csv, "RH%06d\n", i)
	}
	path := filepath.Join(c.dir, "devices.csv")
	if err := os.WriteFile(path, []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	o := c.runRaw("--endpoint-url", f.url, "--api-key", f.key, "--output", "json", "register-devices", "--csv", path)
	var sum summary
	if o.code != 0 || json.Unmarshal([]byte(o.stdout), &sum) != nil || sum.Created != rows || sum.Sent != rows {
		t.Fatalf("want exit 0 with %d rows created: %s", rows, o)
	}
	if err := f.stop(); err != nil {
		t.Fatal(err)
	}
	log := f.stderr.String()
	if got := strings.Count(log, "createPendingRegistration"); got < rows {
		t.Errorf("the fake logged %d requests, want at least %d", got, rows)
	}
	if refused := strings.Count(log, "-> 429"); refused > 8 {
		t.Errorf("%d answers were 429, want at most 8 for %d rows", refused, rows)
	}
}
