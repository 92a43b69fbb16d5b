package rhombustest

import (
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
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

	state *store
	def   defaults

	ts        *httptest.Server
	ln        *countingListener
	done      chan struct{} // closed by Close, so slow answers stop waiting
	closeOnce sync.Once

	mu       sync.Mutex
	faults   map[string][]*scriptedFault
	requests []*Request
	started  bool

	limits      rateLimits
	rateLimited atomic.Int64
}

// Option configures a Server at construction.
type Option func(*config)

type config struct {
	tb         testing.TB
	logf       func(format string, args ...any)
	rateSet    bool
	rate       float64
	burst      int
	skipSeeded bool
}

// WithTB ties the server to a test: contract violations and misuse of the
// seeding helpers fail it through tb.Errorf, and Start registers Close with
// tb.Cleanup. NewServer sets it.
func WithTB(tb testing.TB) Option {
	return func(c *config) { c.tb = tb }
}

// WithLogf sends one line per answered request (operation, status, fault;
// never a credential) to logf, and reports that have no testing.TB to go to.
// Without it, reports go to the standard logger and requests are not logged.
func WithLogf(logf func(format string, args ...any)) Option {
	return func(c *config) { c.logf = logf }
}

// WithRateLimit turns on the vendor's rate limit: one token bucket per
// organisation, shared by all its credentials, refilled at ratePerSecond
// with room for burst requests. See SetRateLimit.
func WithRateLimit(ratePerSecond float64, burst int) Option {
	return func(c *config) { c.rateSet, c.rate, c.burst = true, ratePerSecond, burst }
}

// WithoutDefaults leaves out the default organisation, partner, keys,
// permission group and licenses, for tests that seed everything
// themselves. The accessors such as APIKey then return zero values.
func WithoutDefaults() Option {
	return func(c *config) { c.skipSeeded = true }
}

// NewServer starts a server for the test tb and closes it when the test
// ends. It seeds the defaults described on DefaultOrg.
func NewServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := NewUnstartedServer(append([]Option{WithTB(tb)}, opts...)...)
	s.Start()
	return s
}

// NewUnstartedServer returns a seeded server that is not listening yet, so
// that a test can seed or script faults before the first connection. Call
// Start, then Close (or pass WithTB, and Close is registered for you).
func NewUnstartedServer(opts ...Option) *Server {
	var cfg config
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
	s.spec, s.initErr = loadSpec()
	if cfg.rateSet {
		s.SetRateLimit(cfg.rate, cfg.burst)
	}
	if !cfg.skipSeeded {
		s.seedDefaults()
	}
	return s
}

// Start starts a server made by NewUnstartedServer. If the server cannot
// listen, it fails the test given by WithTB, or panics without one (as
// httptest does); programs should use the package-level Start instead.
func (s *Server) Start() {
	if err := s.start(); err != nil {
		if tb := s.cfg.tb; tb != nil {
			tb.Helper()
			tb.Fatalf("rhombustest: %v", err)
			return
		}
		panic("rhombustest: " + err.Error())
	}
}

// Start starts a seeded server for a program such as a demo, which must
// call Close. Reports go to WithLogf's function or the standard logger.
func Start(opts ...Option) (*Server, error) {
	s := NewUnstartedServer(opts...)
	if err := s.start(); err != nil {
		return nil, err
	}
	return s, nil
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
	ln, err := listenLoopback()
	if err != nil {
		return err
	}
	s.started = true
	s.ln = &countingListener{Listener: ln}
	s.ts = &httptest.Server{Listener: s.ln, Config: &http.Server{Handler: http.HandlerFunc(s.serveHTTP)}}
	s.ts.Start()
	s.URL = s.ts.URL
	if tb := s.cfg.tb; tb != nil {
		tb.Cleanup(s.Close)
	}
	return nil
}

// listenLoopback listens on an ephemeral loopback port: the fake must never
// be reachable from another machine.
func listenLoopback() (net.Listener, error) {
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
	if s.ts == nil {
		return nil
	}
	return s.ts.Client()
}

// Close stops the server: slow answers stop waiting, then it blocks until
// the requests in flight have finished. It is safe to call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		if s.ts != nil {
			s.ts.Close()
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

// logf logs one answered request when WithLogf was given.
func (s *Server) logf(format string, args ...any) {
	if s.cfg.logf != nil {
		s.cfg.logf("rhombustest: "+format, args...)
	}
}
