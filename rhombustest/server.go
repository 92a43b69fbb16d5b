package rhombustest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Server is a running fake Rhombus API. Its methods are safe for concurrent
// use, including while requests are being answered.
type Server struct {
	// URL is the base URL of the server, http://127.0.0.1:port, with no
	// trailing slash. It is empty until the server is started.
	URL string

	cfg     config
	spec    *spec
	initErr error

	state    *store
	entities entities // the resource families' (families.go)
	def      defaults

	hs        *http.Server
	client    *http.Client
	served    chan struct{} // closed when Serve has returned
	ln        *countingListener
	done      chan struct{} // closed by Close, so slow answers stop waiting
	closeOnce sync.Once

	mu       sync.Mutex
	handlers map[string]Handler
	faults   map[string][]*scriptedFault
	requests []*Request // the last ones, as WithRequestLog bounds them
	dropped  int        // how many older ones were dropped
	started  bool

	limits      rateLimits
	rateLimited atomic.Int64
}

// Option configures a Server at construction.
type Option func(*config)

// TB is the part of testing.TB the server uses; *testing.T, *testing.B and
// *testing.F satisfy it. It is an interface of the package's own so that
// programs (the command line's demo and fake) can run the server without
// linking the testing package.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
	Cleanup(func())
}

type config struct {
	tb         TB
	logf       func(format string, args ...any)
	rateSet    bool
	rate       float64
	burst      int
	skipSeeded bool
	specData   []byte
	addr       string

	keepSet                bool // WithRequestLog was given
	keepRequests, keepBody int
}

// WithAddr listens on addr (host:port) instead of an ephemeral port of
// 127.0.0.1, for a fake that other programs are told the address of. The
// host must be a loopback address or localhost: the fake is never
// reachable from another machine.
func WithAddr(addr string) Option {
	return func(c *config) { c.addr = addr }
}

// WithSpec serves another OpenAPI document (YAML or JSON) instead of the
// module's openapi.yaml: every operation in it is validated and answered
// as described on Handle. Its format: RUUID strings are checked with the
// pattern of components.schemas.RUUID, its own or else openapi.yaml's; an
// operation's accepted x-auth-scheme values are its x-rhombus-auth-scheme,
// else the schema of its x-auth-scheme header parameter.
func WithSpec(doc []byte) Option {
	return func(c *config) { c.specData = doc }
}

// WithLogf sends one line per answered request (operation, status, fault;
// never a credential) to logf, and reports that have no TB to go to.
// Without it, reports go to the standard logger and requests are not logged.
func WithLogf(logf func(format string, args ...any)) Option {
	return func(c *config) { c.logf = logf }
}

// WithRateLimit turns on the vendor's rate limit: one token bucket per
// organisation, shared by all its credentials, starting full and refilled
// at ratePerSecond with room for burst requests. A burst of 0 leaves the
// limit off; a rate of 0 allows burst requests in all. Over the limit, the
// answer is 429 with Retry-After computed from the bucket. A request takes
// a token once its credential is accepted, whether or not its body is
// valid; the bucket is the one of the credential's own organisation (a
// partner's, for partner credentials). The limit is set for the server's
// life.
func WithRateLimit(ratePerSecond float64, burst int) Option {
	return func(c *config) { c.rateSet, c.rate, c.burst = true, ratePerSecond, burst }
}

// WithoutDefaults leaves out the default organisation, partner, keys,
// permission group and licenses, for tests that seed everything
// themselves. DefaultOrg, Key and the other accessors of the defaults
// then return zero values.
func WithoutDefaults() Option {
	return func(c *config) { c.skipSeeded = true }
}

// NewServer starts a server for the test tb and closes it when the test
// ends. It seeds the defaults described on DefaultOrg. If the server cannot
// start, the test fails. A program or an example, which has no test,
// passes nil and must call Close; NewServer then panics if the server
// cannot start, as httptest.NewServer does (NewUnstartedServer and Start
// return the error instead).
func NewServer(tb TB, opts ...Option) *Server {
	if tb != nil {
		tb.Helper()
	}
	s := NewUnstartedServer(tb, opts...)
	if err := s.Start(); err != nil && tb == nil {
		panic("rhombustest: " + err.Error())
	}
	return s
}

// NewUnstartedServer returns a seeded server that is not listening yet, so
// that a test can seed or script faults before the first connection; Start
// starts it. tb may be nil, as on NewServer.
func NewUnstartedServer(tb TB, opts ...Option) *Server {
	cfg := config{tb: tb}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	s := &Server{
		cfg:    cfg,
		state:  newStore(),
		done:   make(chan struct{}),
		faults: make(map[string][]*scriptedFault),
	}
	if cfg.specData != nil {
		// A document without a RUUID schema borrows the module's.
		own, err := loadSpec()
		if err == nil {
			s.spec, err = parseSpec(cfg.specData, "the spec given to WithSpec", own.ruuid)
		}
		s.initErr = err
	} else {
		s.spec, s.initErr = loadSpec()
	}
	if cfg.rateSet {
		s.setRateLimit(cfg.rate, cfg.burst)
	}
	if !cfg.skipSeeded {
		s.seedDefaults()
	}
	return s
}

// Start starts a server made by NewUnstartedServer. With a test, it
// registers Close with tb.Cleanup, and a server that cannot start (its
// address is taken, its spec is broken) fails the test; the error is
// returned either way.
func (s *Server) Start() error {
	err := s.start()
	if err != nil && s.cfg.tb != nil {
		s.cfg.tb.Helper()
		s.cfg.tb.Fatalf("rhombustest: %v", err)
	}
	return err
}

func (s *Server) start() error {
	if s.initErr != nil {
		return s.initErr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return errors.New("server already started")
	}
	ln, err := listenLoopback(s.cfg.addr)
	if err != nil {
		return err
	}
	s.started = true
	s.ln = &countingListener{Listener: ln}
	s.hs = &http.Server{
		Handler: http.HandlerFunc(s.serveHTTP),
		// A client that hangs up mid-answer is a case the tests provoke;
		// net/http's own log lines about it are noise.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	s.served = make(chan struct{})
	go func() {
		defer close(s.served)
		_ = s.hs.Serve(s.ln)
	}()
	s.URL = "http://" + ln.Addr().String()
	// Like httptest's client: a transport of its own, so Close can release
	// its connections, with net/http's default pool size per host.
	s.client = &http.Client{Transport: &http.Transport{}}
	if tb := s.cfg.tb; tb != nil {
		tb.Cleanup(s.Close)
	}
	return nil
}

// listenLoopback listens on addr, or an ephemeral loopback port when addr
// is empty: the fake must never be reachable from another machine.
func listenLoopback(addr string) (net.Listener, error) {
	if addr != "" {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, fmt.Errorf("listen address %q: %w", addr, err)
		}
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return nil, fmt.Errorf("listen address %q: the host must be a loopback address (127.0.0.1, ::1) or localhost", addr)
		}
		return net.Listen("tcp", addr)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err == nil {
		return ln, nil
	}
	ln, err6 := net.Listen("tcp6", "[::1]:0")
	if err6 == nil {
		return ln, nil
	}
	return nil, fmt.Errorf("cannot listen on a loopback port: %w", errors.Join(err, err6))
}

// HTTPClient returns a client set up for this server, with its own
// connection pool (keep-alive) that Close releases. It is nil before Start.
func (s *Server) HTTPClient() *http.Client {
	return s.client
}

// Close stops the server: slow answers stop waiting, then it blocks until
// the requests in flight have finished. It is safe to call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		if s.hs == nil {
			return
		}
		// Shutdown waits for the answers in flight; a connection that sent
		// nothing is not worth waiting for long.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if s.hs.Shutdown(ctx) != nil {
			_ = s.hs.Close()
		}
		<-s.served
		if t, ok := s.client.Transport.(*http.Transport); ok {
			t.CloseIdleConnections()
		}
	})
}

// Connections reports how many TCP connections the server has accepted.
// With keep-alive, many requests share one connection.
func (s *Server) Connections() int {
	if s.ln == nil {
		return 0
	}
	return int(s.ln.accepted.Load())
}

// RateLimited reports how many 429 answers the server has sent, from the
// rate limit and from injected faults alike.
func (s *Server) RateLimited() int { return int(s.rateLimited.Load()) }

// reportf reports a broken contract or misuse of the package: it fails the
// test when there is one, else it logs.
func (s *Server) reportf(format string, args ...any) {
	if tb := s.cfg.tb; tb != nil {
		tb.Errorf("rhombustest: "+format, args...)
		return
	}
	if s.cfg.logf != nil {
		s.cfg.logf("rhombustest: "+format, args...)
		return
	}
	log.Printf("rhombustest: "+format, args...)
}

// notef reports a mistake of the spec the fake works around, such as an
// example its own schema refuses: it is logged, not failed, since the
// answer the test gets is still within the spec.
func (s *Server) notef(format string, args ...any) {
	switch {
	case s.cfg.tb != nil:
		s.cfg.tb.Logf("rhombustest: "+format, args...)
	case s.cfg.logf != nil:
		s.cfg.logf("rhombustest: "+format, args...)
	default:
		log.Printf("rhombustest: "+format, args...)
	}
}

// logf logs one answered request when WithLogf was given.
func (s *Server) logf(format string, args ...any) {
	if s.cfg.logf != nil {
		s.cfg.logf("rhombustest: "+format, args...)
	}
}
