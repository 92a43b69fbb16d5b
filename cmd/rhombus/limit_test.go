package main

import (
	"context"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/rhombuskit/rhombus-go/internal/redistest"
	"github.com/rhombuskit/rhombus-go/rhombustest"
)

// TestLimitURLSharesThroughRedis: with --limit-url, the call is paced by
// the bucket in Redis, named after the profile unless --limit-key says.
func TestLimitURLSharesThroughRedis(t *testing.T) {
	t.Parallel()
	rs := redistest.Start(t)
	s := rhombustest.NewServer(t)
	c := newCLI(t, s)
	o := c.run("--limit-url", rs.URL(), "register-device", "--serial-number", "RH-LIMIT-1")
	wantCode(t, o, 0)
	o = c.run("--limit-url", rs.URL(), "--limit-key", "acme", "register-device", "--serial-number", "RH-LIMIT-2")
	wantCode(t, o, 0)
	rdb := redis.NewClient(&redis.Options{Addr: rs.Addr()})
	defer rdb.Close()
	keys, err := rdb.Keys(context.Background(), "rhombus-go:limit:*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(keys, " ") != "rhombus-go:limit:acme rhombus-go:limit:profile:default" &&
		strings.Join(keys, " ") != "rhombus-go:limit:profile:default rhombus-go:limit:acme" {
		t.Errorf("buckets in Redis: %v", keys)
	}
	// The environment variable does the same as the flag.
	c.env = append(c.env, "RHOMBUS_LIMIT_URL="+rs.URL(), "RHOMBUS_LIMIT_KEY=env-org")
	wantCode(t, c.run("register-device", "--serial-number", "RH-LIMIT-3"), 0)
	if n, _ := rdb.Exists(context.Background(), "rhombus-go:limit:env-org").Result(); n != 1 {
		t.Error("RHOMBUS_LIMIT_URL/RHOMBUS_LIMIT_KEY were not used")
	}
}

// TestLimitURLUnreachable: with Redis down the call still goes, paced
// locally, and the user is told; a malformed URL is a usage error.
func TestLimitURLUnreachable(t *testing.T) {
	t.Parallel()
	rs := redistest.Start(t)
	rs.Stop()
	s := rhombustest.NewServer(t)
	c := newCLI(t, s)
	o := c.run("--limit-url", rs.URL(), "register-device", "--serial-number", "RH-DOWN")
	wantCode(t, o, 0)
	wantContains(t, "stderr", o.stderr, "Redis is unreachable, pacing with a local limiter")
	// Said once: go-redis's own lines (one per failed dial, four per check
	// with its default retries) are not printed besides.
	if n := strings.Count(strings.ToLower(o.stderr), "redis"); n != 2 || strings.Contains(o.stderr, "connection pool") {
		t.Errorf("want the outage said once (one line, naming redislimit and Redis), got:\n%s", o.stderr)
	}
	if n := len(s.Registrations(s.DefaultOrg())); n != 1 {
		t.Errorf("want 1 registration, got %d", n)
	}
	o = c.run("--limit-url", "http://127.0.0.1:1/0", "register-device", "--serial-number", "RH-BAD")
	wantCode(t, o, 2)
	wantContains(t, "stderr", o.stderr, "--limit-url")
}

// TestLimitURLErrorHoldsNoPassword: a malformed Redis URL, from the flag or
// the environment, is a usage error naming where it came from and the rule,
// without the password it carries.
func TestLimitURLErrorHoldsNoPassword(t *testing.T) {
	t.Parallel()
	s := rhombustest.NewServer(t)
	c := newCLI(t, s)
	// The output is not printed on failure: it may hold the password.
	check := func(source, rule string, o output) {
		t.Helper()
		switch {
		case o.code != 2:
			t.Errorf("%s: exit %d, want 2", source, o.code)
		case strings.Contains(o.stderr+o.stdout, "s3cr"):
			t.Errorf("%s: the output holds the password", source)
		case !strings.Contains(o.stderr, source) || !strings.Contains(o.stderr, rule):
			t.Errorf("%s: the error does not name %s and the rule %q", source, source, rule)
		}
	}
	for _, tc := range []struct{ url, rule string }{
		{"redis://user:s3cr%zzetpw@127.0.0.1:6379/0", "a % must start an escape"},
		{"redis://user:s3cretpw@127.0.0.1:63x79/0", "the port must be a number"},
	} {
		check("--limit-url", tc.rule, c.run("--limit-url", tc.url, "register-device", "--serial-number", "RH-BAD-URL"))
		env := newCLI(t, s)
		env.env = append(env.env, "RHOMBUS_LIMIT_URL="+tc.url)
		check("RHOMBUS_LIMIT_URL", tc.rule, env.run("register-device", "--serial-number", "RH-BAD-URL"))
	}
	if n := len(s.Registrations(s.DefaultOrg())); n != 0 {
		t.Errorf("a usage error sent %d requests", n)
	}
}

// TestBulkLimiterFlags: --no-limit cannot go with --rate.
func TestBulkLimiterFlags(t *testing.T) {
	t.Parallel()
	c := newCLI(t, rhombustest.NewServer(t))
	o := c.run("register-devices", "--csv", "x.csv", "--no-limit", "--rate", "5")
	wantCode(t, o, 2)
	wantContains(t, "stderr", o.stderr, "--no-limit", "cannot go with --rate")
}
