package rhombus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/rhombuskit/rhombus-go/api"
)

// Option configures a [Client] in [New].
type Option func(*settings) error

type settings struct {
	endpoint string
	// endpointSet: an option or the configuration chose the endpoint.
	endpointSet bool
	// needEndpoint, when not empty, is why New refuses to fall back to the
	// default endpoint (a named profile's key with no endpoint of its own).
	needEndpoint string
	cred         Credential
	clientOrg    RUUID
	httpClient   *http.Client
	userAgent    string
	maxBody      int64
	warn         func(context.Context, Warning)
	logger       *slog.Logger
	operations   []Operation
	observe      func(Event)
	retry        RetryPolicy
	limiter      RateLimiter
	limiterSet   bool
}

// Region is a Rhombus region. An API key works only in the region it was made in.
type Region string

// The Rhombus regions.
const (
	RegionUS Region = "us"
	RegionEU Region = "eu"
)

// URL is the API endpoint of the region, from the spec's servers.
func (r Region) URL() string {
	if r == RegionEU {
		return api.ServerURLEuropeanUnion
	}
	return api.ServerURLUnitedStates
}

// ParseRegion accepts "us" or "eu" (any case).
func ParseRegion(s string) (Region, error) {
	switch Region(strings.ToLower(s)) {
	case RegionUS:
		return RegionUS, nil
	case RegionEU:
		return RegionEU, nil
	}
	return "", fmt.Errorf("rhombus: region %q: must be us or eu", s)
}

// WithRegion calls the region's endpoint. The default is [RegionUS].
func WithRegion(r Region) Option {
	return func(s *settings) error {
		if r != RegionUS && r != RegionEU {
			return fmt.Errorf("rhombus: WithRegion(%q): must be RegionUS or RegionEU", string(r))
		}
		s.endpoint, s.endpointSet = r.URL(), true
		return nil
	}
}

// WithEndpoint calls a custom base URL, such as a test server. It must be
// https, or http to a loopback host (localhost, 127.0.0.0/8, ::1).
func WithEndpoint(baseURL string) Option {
	return func(s *settings) error {
		if baseURL == "" {
			return errors.New("rhombus: WithEndpoint: the URL is empty")
		}
		s.endpoint, s.endpointSet = baseURL, true
		return nil
	}
}

// WithCredential sets how requests are authenticated; see [APIToken],
// [PartnerAPIToken], [CertificateKey], [OAuthToken] and [OAuthTokenSource].
func WithCredential(c Credential) Option {
	return func(s *settings) error {
		if c == nil {
			return errors.New("rhombus: WithCredential: the credential is nil")
		}
		s.cred = c
		return nil
	}
}

// WithClientOrg makes every call act inside the partner's client
// organisation org (the x-auth-org header); it needs a partner credential.
// It is the one way to set the header: a partner working for several
// client organisations builds a client for each (clients are cheap, and
// Rhombus counts each organisation's requests in a budget of its own).
func WithClientOrg(org RUUID) Option {
	return func(s *settings) error {
		if err := org.Validate(); err != nil {
			return fmt.Errorf("rhombus: WithClientOrg: %w", err)
		}
		s.clientOrg = org
		return nil
	}
}

// WithHTTPClient sends through hc instead of a default client. For a
// certificate credential its Transport must be nil or an *http.Transport; the
// client copies it and adds the certificate, leaving hc unchanged.
func WithHTTPClient(hc *http.Client) Option {
	return func(s *settings) error {
		if hc == nil {
			return errors.New("rhombus: WithHTTPClient: the client is nil")
		}
		s.httpClient = hc
		return nil
	}
}

// WithUserAgent replaces the User-Agent header; [DefaultUserAgent] by default.
func WithUserAgent(ua string) Option {
	return func(s *settings) error {
		if ua == "" {
			return errors.New("rhombus: WithUserAgent: the value is empty")
		}
		s.userAgent = ua
		return nil
	}
}

// WithMaxResponseBytes caps how many bytes of a response body are read, for
// every operation; a longer body is a *DecodeError naming the limit. Without
// it, an operation's own cap from the spec applies (x-rhombus-max-response-bytes,
// see [Operation]), else [DefaultMaxResponseBytes]. A compressed answer is
// counted as it decompresses.
//
// The cap bounds decoding too. Before a 200 answer is decoded into its
// result type, the client estimates what decoding will allocate (each list
// element at its Go size, with the arrays a growing list leaves behind,
// pointers, strings, map entries, values in `any` fields), and refuses with
// a *DecodeError, decoding nothing, an answer estimated at more than 4
// times the cap, or one nesting arrays and objects deeper than 256 levels.
// So a call's memory stays within about 6 times the cap: the body, a copy
// while a body of unknown length is read, and up to 4 times the cap
// decoded, garbage included (the highest peak measured is 4.1 times, see
// BENCHMARKS.md). Honest answers allocate about their size decoded; a list
// of empty objects (3 bytes each) would take a hundred times its size, and
// is refused. Raising the cap raises both limits. Through the generated
// client, [Client.API], the generated parser decodes the answer a second
// time, growing its lists as it goes (measured: up to 11 times the cap);
// an answer with no result type (an operation added with [WithOperations]
// without NewResult) is bounded by the cap alone, and decoding it is the
// caller's.
func WithMaxResponseBytes(n int64) Option {
	return func(s *settings) error {
		if n <= 0 {
			return fmt.Errorf("rhombus: WithMaxResponseBytes: the limit must be positive, got %d", n)
		}
		s.maxBody = n
		return nil
	}
}

// WithWarningHandler calls h with the warningMsg of every successful call
// that carries one. Warnings are also on the result; this is off by default.
func WithWarningHandler(h func(context.Context, Warning)) Option {
	return func(s *settings) error {
		s.warn = h
		return nil
	}
}

// WithLogger logs to l: warnings and give-ups at level Warn, each attempt
// and each wait before a resend at level Debug. No log line ever holds a
// credential. Off by default.
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) error {
		s.logger = l
		return nil
	}
}

// WithOperations adds operations to those the client knows by path (the
// operations of openapi.yaml, see [Operations]), so that their retry rule,
// identifying fields, RUUID checks and result type apply. A generated table
// of another spec can be passed whole (package fullapi/fullops holds the
// whole API's); an operation of openapi.yaml keeps its own entry, whose
// decisions were made for it. Operations the
// client does not know are still sent, named by the last segment of their
// path and never resent once they may have reached the server.
func WithOperations(ops ...Operation) Option {
	return func(s *settings) error {
		s.operations = append(s.operations, ops...)
		return nil
	}
}

// WithRetryPolicy replaces [DefaultRetryPolicy]; MaxAttempts 1 turns retries off.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(s *settings) error {
		if err := p.validate(); err != nil {
			return err
		}
		s.retry = p
		return nil
	}
}

// WithLimiter paces the client's requests with l; share one limiter
// between all clients of one organisation, as Rhombus keeps one budget per
// organisation: a [*Limiter] within a process, or one from package
// redislimit across processes and machines. nil turns client-side pacing
// off. By default each client has its own limiter at [DefaultRate] and
// [DefaultBurst].
func WithLimiter(l RateLimiter) Option {
	return func(s *settings) error {
		if lim, ok := l.(*Limiter); ok && lim == nil {
			l = nil // a nil *Limiter in the interface would be called
		}
		s.limiter, s.limiterSet = l, true
		return nil
	}
}

// WithObserver calls f with every attempt, wait and give-up of every call,
// for metrics or tracing. f must be quick and safe for concurrent use.
func WithObserver(f func(Event)) Option {
	return func(s *settings) error {
		s.observe = f
		return nil
	}
}
