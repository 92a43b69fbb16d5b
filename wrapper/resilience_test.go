package rhombus_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/api"
	"github.com/rhombuskit/rhombus-go/rhombustest"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// events records a client's events, safe for concurrent use.
type events struct {
	mu  sync.Mutex
	all []rhombus.Event
}

func (e *events) record(ev rhombus.Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.all = append(e.all, ev)
}

func (e *events) of(kind rhombus.EventKind) []rhombus.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []rhombus.Event
	for _, ev := range e.all {
		if ev.Kind == kind {
			out = append(out, ev)
		}
	}
	return out
}

var fastBackoff = rhombus.RetryPolicy{MaxAttempts: 4, BaseDelay: 5 * time.Millisecond, MaxDelay: 20 * time.Millisecond, AttemptTimeout: 5 * time.Second}

func registration(serial string) api.CreatePendingRegistrationRequest {
	return api.CreatePendingRegistrationRequest{SerialNumber: serial}
}

func TestRateLimitedThenSuccessWaitsRetryAfter(t *testing.T) {
	s := rhombustest.NewServer(t)
	var ev events
	c := s.Client(rhombus.WithObserver(ev.record))
	s.Fail(rhombustest.OpCreatePendingRegistration, rhombustest.RateLimited(time.Second))

	start := time.Now()
	_, err := c.CreatePendingRegistration(context.Background(), registration("RH1"))
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), time.Second, "the resend waited Retry-After")
	waits := ev.of(rhombus.EventWait)
	require.Len(t, waits, 1)
	assert.Equal(t, time.Second, waits[0].Wait)
	assert.Equal(t, http.StatusTooManyRequests, waits[0].Status)
	assert.Len(t, s.Registrations(s.DefaultOrg()), 1, "registered once")
	assert.Len(t, s.Requests(), 2)
}

func TestServerErrorOnReadIsRetried(t *testing.T) {
	s := rhombustest.NewServer(t)
	c := s.Client(rhombus.WithRetryPolicy(fastBackoff))
	s.Fail(rhombustest.OpGetDeviceLicensesForOrg, rhombustest.ServerError(503).Times(2))
	res, err := c.GetDeviceLicensesForOrg(context.Background(), api.GetDeviceLicensesForOrgRequest{OrgUUID: s.DefaultOrg()})
	require.NoError(t, err)
	assert.NotEmpty(t, res.DeviceLicenses)
	assert.Len(t, s.Requests(), 3)
}

func TestServerErrorOnWriteIsNotRetried(t *testing.T) {
	s := rhombustest.NewServer(t)
	c := s.Client(rhombus.WithRetryPolicy(fastBackoff))
	s.Fail(rhombustest.OpCreatePendingRegistration, rhombustest.ServerError(503))
	_, err := c.CreatePendingRegistration(context.Background(), registration("RH1"))
	assert.ErrorIs(t, err, rhombus.ErrServer)
	assert.Len(t, s.Requests(), 1, "a write answered 5xx is not resent")
}

// TestConnectionRefusedWriteIsRetried: a remote host that refuses the
// connection (a server restarting behind its address) never saw the write,
// so it is resent, and succeeds once the server is back.
func TestConnectionRefusedWriteIsRetried(t *testing.T) {
	s := rhombustest.NewServer(t)
	target, err := url.Parse(s.URL)
	require.NoError(t, err)
	var refused atomic.Bool
	var attempts []rhombus.Event
	c := s.Client(rhombus.WithEndpoint("https://api.rhombus.test"), rhombus.WithRetryPolicy(fastBackoff),
		rhombus.WithHTTPClient(&http.Client{Transport: fnTransport(func(r *http.Request) (*http.Response, error) {
			if !refused.Swap(true) {
				return nil, &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
			}
			r = r.Clone(r.Context())
			r.URL.Scheme, r.URL.Host = target.Scheme, target.Host
			return http.DefaultTransport.RoundTrip(r)
		})}),
		rhombus.WithObserver(func(e rhombus.Event) {
			if e.Kind == rhombus.EventAttempt {
				attempts = append(attempts, e)
			}
		}))
	_, err = c.CreatePendingRegistration(context.Background(), registration("RH1"))
	require.NoError(t, err)
	require.Len(t, attempts, 2)
	var opErr *net.OpError
	require.ErrorAs(t, attempts[0].Err, &opErr)
	assert.Equal(t, "dial", opErr.Op)
	assert.Len(t, s.Registrations(s.DefaultOrg()), 1)
}

// TestConnectionFailuresThatWaitingCannotCure: nothing listening on a
// loopback port, or a host name that does not resolve, fails at once
// instead of after a series of backoffs that cannot help.
func TestConnectionFailuresThatWaitingCannotCure(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	for _, tc := range []struct {
		name string
		opts []rhombus.Option
		is   func(t *testing.T, err error)
	}{
		{"loopback port with nothing listening", []rhombus.Option{rhombus.WithEndpoint("http://" + addr)},
			func(t *testing.T, err error) { assert.ErrorIs(t, err, syscall.ECONNREFUSED) }},
		{"host name that does not resolve", []rhombus.Option{rhombus.WithEndpoint("https://api.rhombus.invalid"),
			rhombus.WithHTTPClient(&http.Client{Transport: fnTransport(func(*http.Request) (*http.Response, error) {
				return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "api.rhombus.invalid", IsNotFound: true}}
			})})},
			func(t *testing.T, err error) {
				var dnsErr *net.DNSError
				assert.ErrorAs(t, err, &dnsErr)
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var attempts atomic.Int64
			opts := append([]rhombus.Option{rhombus.WithCredential(rhombus.APIToken(testKey)), rhombus.WithRetryPolicy(fastBackoff),
				rhombus.WithObserver(func(e rhombus.Event) {
					if e.Kind == rhombus.EventAttempt {
						attempts.Add(1)
					}
				})}, tc.opts...)
			c, err := rhombus.New(opts...)
			require.NoError(t, err)
			_, err = c.GetDeviceLicensesForOrg(context.Background(), api.GetDeviceLicensesForOrgRequest{OrgUUID: someOrg})
			var reqErr *rhombus.RequestError
			require.ErrorAs(t, err, &reqErr)
			tc.is(t, err)
			assert.Equal(t, int64(1), attempts.Load(), "not retried")
		})
	}
}

func TestWriteDroppedAfterSendingIsOutcomeUnknown(t *testing.T) {
	s := rhombustest.NewServer(t)
	c := s.Client(rhombus.WithRetryPolicy(fastBackoff))
	s.Fail(rhombustest.OpCreatePendingRegistration, rhombustest.CloseAfterApply())
	org := s.DefaultOrg()
	_, err := c.CreatePendingRegistration(context.Background(), api.CreatePendingRegistrationRequest{
		SerialNumber: "RH42", OrgUUID: org})
	require.ErrorIs(t, err, rhombus.ErrOutcomeUnknown)
	var unknown *rhombus.OutcomeUnknownError
	require.ErrorAs(t, err, &unknown)
	assert.Equal(t, "createPendingRegistration", unknown.Operation)
	assert.Equal(t, map[string]string{"serialNumber": "RH42", "orgUuid": string(org)}, unknown.Fields)
	assert.Contains(t, err.Error(), "rhombus: createPendingRegistration: outcome unknown (orgUuid="+string(org)+", serialNumber=RH42): the request may have been applied and was not resent: ")
	assert.Len(t, s.Requests(), 1, "never resent")
	assert.Len(t, s.Registrations(org), 1, "the server applied it once")
}

// TestCancelDuringWaitReturnsPromptly: cancelling while the client waits
// out a 30 s Retry-After returns at once (no time passes in the bubble),
// with the cancellation and the 429 both reachable.
func TestCancelDuringWaitReturnsPromptly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var n atomic.Int64
		ctx, cancel := context.WithCancel(context.Background())
		c := inMemory(t, func(r *http.Request) (*http.Response, error) {
			n.Add(1)
			a := memAnswer(r, 429, "text/plain", "calm")
			a.Header.Set("Retry-After", "30")
			return a, nil
		}, rhombus.WithObserver(func(e rhombus.Event) {
			if e.Kind == rhombus.EventWait {
				cancel()
			}
		}))
		start := time.Now()
		_, err := c.GetDeviceLicensesForOrg(ctx, api.GetDeviceLicensesForOrgRequest{OrgUUID: someOrg})
		assert.ErrorIs(t, err, context.Canceled)
		assert.ErrorIs(t, err, rhombus.ErrRateLimited)
		assert.Zero(t, time.Since(start), "the call returned when it was cancelled")
		assert.Equal(t, int64(1), n.Load())
	})
}

func TestDeadlineShorterThanRetryAfterGivesUpAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := inMemory(t, func(r *http.Request) (*http.Response, error) {
			a := memAnswer(r, 429, "text/plain", "calm")
			a.Header.Set("Retry-After", "10")
			return a, nil
		})
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		start := time.Now()
		_, err := c.GetDeviceLicensesForOrg(ctx, api.GetDeviceLicensesForOrgRequest{OrgUUID: someOrg})
		assert.ErrorIs(t, err, rhombus.ErrRateLimited, "the 429 is returned rather than a wait past the deadline")
		assert.Zero(t, time.Since(start), "it did not wait for the deadline")
		assert.NoError(t, ctx.Err())
	})
}

// drainCheck sits between the client and the fake's plain transport and
// counts the answers whose body the client read to the end before closing
// it: net/http puts a connection back in its pool only then.
type drainCheck struct {
	base             http.RoundTripper
	answers, drained atomic.Int64
}

func (d *drainCheck) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := d.base.RoundTrip(r)
	if err == nil {
		d.answers.Add(1)
		resp.Body = &drainBody{ReadCloser: resp.Body, d: d}
	}
	return resp, err
}

type drainBody struct {
	io.ReadCloser
	d           *drainCheck
	eof, closed bool
}

func (b *drainBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.eof = true
	}
	return n, err
}

func (b *drainBody) Close() error {
	if b.eof && !b.closed {
		b.d.drained.Add(1)
	}
	b.closed = true
	return b.ReadCloser.Close()
}

// sequentialCalls makes 1000 sequential calls to the fake, with before(i)
// run ahead of call i, and checks what the client controls: every answer,
// faults included, was read to its end and closed before the call returned,
// so the calls share one TCP connection.
//
// They run in a synctest bubble around the fake on loopback. Time stands
// still there while the fake waits on its socket, so net/http's own timer
// cannot fire: it drops a connection whose request write it has not seen
// completed within 50 ms of the answer, which a loaded machine exceeds now
// and then (3 connections for 1000 calls at a load average of 34). Outside
// the bubble the count depended on the scheduler; inside it, only on the
// client.
func sequentialCalls(t *testing.T, opts []rhombus.Option, before func(s *rhombustest.Server, i int), check func(t *testing.T, i int, err error)) {
	synctest.Test(t, func(t *testing.T) {
		s := rhombustest.NewServer(t)
		d := &drainCheck{base: s.HTTPClient().Transport}
		// The fake's plain transport: s.Client's contract check would read
		// the answers itself, whatever the client does with them.
		c := s.Client(append([]rhombus.Option{rhombus.WithLimiter(nil),
			rhombus.WithHTTPClient(&http.Client{Transport: d})}, opts...)...)
		for i := range 1000 {
			if before != nil {
				before(s, i)
			}
			_, err := c.GetDeviceLicensesForOrg(context.Background(), api.GetDeviceLicensesForOrgRequest{OrgUUID: s.DefaultOrg()})
			check(t, i, err)
			if a, n := d.answers.Load(), d.drained.Load(); a != n {
				t.Fatalf("call %d: %d answers, %d of them read to the end and closed", i, a, n)
			}
		}
		assert.Equal(t, int64(1000), d.answers.Load())
		assert.Equal(t, 1, s.Connections(), "1000 sequential calls over one TCP connection")
	})
}

func TestSequentialCallsReuseOneConnection(t *testing.T) {
	sequentialCalls(t, nil, nil, func(t *testing.T, i int, err error) { require.NoError(t, err, "call %d", i) })
}

func TestSharedLimiterPacesClients(t *testing.T) {
	s := rhombustest.NewServer(t, rhombustest.WithRateLimit(20, 5))
	lim, err := rhombus.NewLimiter(20, 5)
	require.NoError(t, err)
	a := s.Client(rhombus.WithLimiter(lim))
	b := s.Client(rhombus.WithLimiter(lim))
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := a
			if i%2 == 1 {
				c = b
			}
			_, err := c.CreatePendingRegistration(context.Background(), registration("RH"+strconv.Itoa(i)))
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	assert.Len(t, s.Registrations(s.DefaultOrg()), 30)
	assert.LessOrEqual(t, s.RateLimited(), 2, "two clients sharing one limiter stay within the organisation's budget")
}

func TestAdaptiveLimiterSlowsOn429(t *testing.T) {
	lim, err := rhombus.NewLimiter(100, 10, rhombus.Adaptive())
	require.NoError(t, err)
	s := rhombustest.NewServer(t)
	c := s.Client(rhombus.WithLimiter(lim))
	s.Fail(rhombustest.OpGetDeviceLicensesForOrg, rhombustest.RateLimited(time.Second))
	_, err = c.GetDeviceLicensesForOrg(context.Background(), api.GetDeviceLicensesForOrgRequest{OrgUUID: s.DefaultOrg()})
	require.NoError(t, err)
	assert.Less(t, lim.Rate(), 100.0, "a 429 lowered the rate")
	before := lim.Rate()
	for range 10 {
		_, err = c.GetDeviceLicensesForOrg(context.Background(), api.GetDeviceLicensesForOrgRequest{OrgUUID: s.DefaultOrg()})
		require.NoError(t, err)
	}
	assert.Greater(t, lim.Rate(), before, "successes raise it again")
}

func TestRetryPolicyValidation(t *testing.T) {
	for _, tc := range []struct {
		p    rhombus.RetryPolicy
		want string
	}{
		{rhombus.RetryPolicy{}, "rhombus: RetryPolicy.MaxAttempts must be at least 1, got 0"},
		{rhombus.RetryPolicy{MaxAttempts: 2, BaseDelay: -1}, "rhombus: RetryPolicy durations must not be negative"},
		{rhombus.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Second, MaxDelay: time.Millisecond}, "rhombus: RetryPolicy.MaxDelay (1ms) is below BaseDelay (1s)"},
	} {
		_, err := rhombus.New(rhombus.WithCredential(rhombus.APIToken("k")), rhombus.WithRetryPolicy(tc.p))
		assert.EqualError(t, err, tc.want)
	}
	_, err := rhombus.NewLimiter(0, 1)
	assert.EqualError(t, err, "rhombus: NewLimiter: the rate must be positive, got 0")
	_, err = rhombus.NewLimiter(1, 0)
	assert.EqualError(t, err, "rhombus: NewLimiter: the burst must be at least 1, got 0")
}

// TestAttemptsWaitsAndGiveUpsAreLogged checks that every attempt, wait and
// give-up reaches the logger with the operation, attempt, status and wait,
// and that no line holds the key.
func TestAttemptsWaitsAndGiveUpsAreLogged(t *testing.T) {
	s := rhombustest.NewServer(t)
	var logs strings.Builder
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(lockedWriter{&mu, &logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := s.Client(rhombus.WithLogger(logger), rhombus.WithRetryPolicy(fastBackoff))
	s.Fail(rhombustest.OpGetDeviceLicensesForOrg, rhombustest.ServerError(503).Always())

	_, err := c.GetDeviceLicensesForOrg(context.Background(), api.GetDeviceLicensesForOrgRequest{OrgUUID: s.DefaultOrg()})
	require.ErrorIs(t, err, rhombus.ErrServer)

	mu.Lock()
	out := logs.String()
	mu.Unlock()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 2*fastBackoff.MaxAttempts, "an attempt line per attempt, a wait line between them, one give-up:\n%s", out)
	assert.Contains(t, lines[0], `level=DEBUG msg="rhombus attempt" operation=getDeviceLicensesForOrg attempt=1 status=503`)
	assert.Contains(t, lines[1], `level=DEBUG msg="rhombus wait" operation=getDeviceLicensesForOrg attempt=1 status=503 wait=`)
	assert.Contains(t, lines[len(lines)-1], `level=WARN msg="rhombus give-up" operation=getDeviceLicensesForOrg attempt=4`)
	assert.NotContains(t, out, s.Key(rhombustest.OrgAPIToken), "no log line holds the key")
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestRateLimitedWithoutRetryAfterBacksOff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var at []time.Time
		c := inMemory(t, func(r *http.Request) (*http.Response, error) {
			at = append(at, time.Now())
			if len(at) == 1 {
				return memAnswer(r, 429, "text/plain", "Too many api requests. Enhance your calm."), nil
			}
			return memAnswer(r, 200, "application/json", `{}`), nil
		}, rhombus.WithRetryPolicy(fastBackoff))
		_, err := c.CreatePendingRegistration(context.Background(), registration("RH1"))
		require.NoError(t, err)
		require.Len(t, at, 2, "a 429 is resent even for a write")
		assert.Equal(t, fastBackoff.BaseDelay, at[1].Sub(at[0]), "without Retry-After the wait is the policy's backoff")
	})
}

func TestRetryAfterAsHTTPDateIsHonoured(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var at []time.Time
		c := inMemory(t, func(r *http.Request) (*http.Response, error) {
			at = append(at, time.Now())
			if len(at) == 1 {
				a := memAnswer(r, 429, "text/plain", "calm")
				a.Header.Set("Retry-After", time.Now().Add(2*time.Second).UTC().Format(http.TimeFormat))
				return a, nil
			}
			return memAnswer(r, 200, "application/json", `{}`), nil
		}, rhombus.WithRetryPolicy(fastBackoff))
		_, err := c.CreatePendingRegistration(context.Background(), registration("RH1"))
		require.NoError(t, err)
		require.Len(t, at, 2)
		assert.Equal(t, 2*time.Second, at[1].Sub(at[0]))
	})
}

// TestBudgetBoundsACall: a read answered 503 again and again is retried
// until the budget would run out during the next wait, then the last answer
// is returned. Attempts at 0, 70, ..., 280 ms; the wait after the fifth
// would end past 300 ms.
func TestBudgetBoundsACall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var n atomic.Int64
		c := inMemory(t, func(r *http.Request) (*http.Response, error) {
			n.Add(1)
			return memAnswer(r, 503, "text/plain", "down"), nil
		}, rhombus.WithRetryPolicy(rhombus.RetryPolicy{MaxAttempts: 1000, BaseDelay: 70 * time.Millisecond, MaxDelay: 70 * time.Millisecond, Budget: 300 * time.Millisecond}))
		start := time.Now()
		_, err := c.GetDeviceLicensesForOrg(context.Background(), api.GetDeviceLicensesForOrgRequest{OrgUUID: someOrg})
		assert.ErrorIs(t, err, rhombus.ErrServer, "the last answer is returned when the budget runs out")
		assert.Equal(t, int64(5), n.Load(), "the budget, not MaxAttempts, ended the call")
		assert.Equal(t, 280*time.Millisecond, time.Since(start))
	})
}

// TestFailedTokenSourceIsFinal: a request the client could not authorize
// never left, but resending cannot help either; it fails at once.
func TestFailedTokenSourceIsFinal(t *testing.T) {
	s := rhombustest.NewServer(t)
	var asked atomic.Int64
	src := rhombus.TokenSourceFunc(func(context.Context) (string, error) {
		asked.Add(1)
		return "", errors.New("refresh token revoked")
	})
	c, err := rhombus.New(rhombus.WithEndpoint(s.URL), rhombus.WithCredential(rhombus.OAuthTokenSource(src)), rhombus.WithRetryPolicy(fastBackoff))
	require.NoError(t, err)
	_, err = c.GetDeviceLicensesForOrg(context.Background(), api.GetDeviceLicensesForOrgRequest{OrgUUID: s.DefaultOrg()})
	assert.EqualError(t, err, "rhombus: getDeviceLicensesForOrg: OAuth token source: refresh token revoked")
	var reqErr *rhombus.RequestError
	assert.ErrorAs(t, err, &reqErr)
	assert.Equal(t, int64(1), asked.Load(), "not retried")
	assert.Empty(t, s.Requests(), "nothing was sent")
}

// TestFaultsKeepTheConnection: 1000 sequential calls where every tenth
// answer is a 429 or a 500 still use one TCP connection: an error answer's
// body is read to the end, so its connection goes back to the pool.
func TestFaultsKeepTheConnection(t *testing.T) {
	var failed int
	sequentialCalls(t, []rhombus.Option{rhombus.WithRetryPolicy(rhombus.RetryPolicy{MaxAttempts: 1})},
		func(s *rhombustest.Server, i int) {
			switch i % 20 {
			case 9:
				s.Fail(rhombustest.OpGetDeviceLicensesForOrg, rhombustest.RateLimited(time.Second))
			case 19:
				s.Fail(rhombustest.OpGetDeviceLicensesForOrg, rhombustest.ServerError(500))
			}
		},
		func(t *testing.T, i int, err error) {
			if err != nil {
				require.True(t, errors.Is(err, rhombus.ErrRateLimited) || errors.Is(err, rhombus.ErrServer), "call %d: %v", i, err)
				failed++
			}
		})
	assert.Equal(t, 100, failed, "every tenth answer was a fault")
}
