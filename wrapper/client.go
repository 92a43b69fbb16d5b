package rhombus

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/rhombuskit/rhombus-go/api"
)

// Version is this module's version, sent in the User-Agent header.
const Version = "0.1.0"

// DefaultUserAgent names the module and its version.
const DefaultUserAgent = "rhombus-go/" + Version + " (+https://github.com/rhombuskit/rhombus-go)"

// DefaultMaxResponseBytes caps how much of a response body is read, for
// operations whose spec sets no cap of its own: most Rhombus answers are
// small, and a larger body is a fault, not data. Operations that list what
// can grow large (getDeviceLicensesForOrg) carry their own, larger cap in
// the spec (x-rhombus-max-response-bytes); [WithMaxResponseBytes] sets one
// cap for every operation. A cap bounds decoding too: an answer whose
// decoding would allocate more than 4 times it is refused before it is
// decoded (see WithMaxResponseBytes).
const DefaultMaxResponseBytes = 10 << 20

// Client calls the Rhombus API. Build one with [New] and share it: it is safe
// for concurrent use, and its settings do not change after New.
type Client struct {
	base      *url.URL
	prefix    string // base without a trailing slash: prefix + "/api/..." is an operation's URL
	http      *http.Client
	cred      Credential
	clientOrg RUUID
	userAgent string
	// userAgentHeader is the header's value list, made once: net/http
	// only reads it.
	userAgentHeader []string
	maxBody         int64 // WithMaxResponseBytes; 0: each operation's own cap
	ops             *operations
	warn            func(context.Context, Warning)
	logger          *slog.Logger
	observe         func(Event)
	retry           RetryPolicy
	limiter         RateLimiter // nil: no client-side pacing
	// secrets returns the values to scrub from any text the client returns;
	// a func, so that no printer reaches them (see secret).
	secrets func() []string
	gen     *api.ClientWithResponses
}

// New returns a client configured by opts, applied in order (a later option
// overrides an earlier one). A credential is required. Without options that
// say otherwise it calls the US region with a default *http.Client.
func New(opts ...Option) (*Client, error) {
	s := settings{
		endpoint:  RegionUS.URL(),
		userAgent: DefaultUserAgent,
		retry:     DefaultRetryPolicy(),
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&s); err != nil {
			return nil, err
		}
	}
	return s.build()
}

func (s *settings) build() (*Client, error) {
	if s.cred == nil {
		return nil, &configError{is: ErrNoCredentials, msg: "no credential: pass WithCredential (APIToken, PartnerAPIToken, CertificateKey, OAuthToken, ...) or FromEnvironment"}
	}
	if s.needEndpoint != "" && !s.endpointSet {
		return nil, &configError{is: ErrNoEndpoint, msg: s.needEndpoint}
	}
	if err := s.cred.validate(); err != nil {
		return nil, err
	}
	base, err := parseEndpoint(s.endpoint)
	if err != nil {
		return nil, err
	}
	if s.clientOrg != "" {
		if err := checkClientOrg(s.cred, s.clientOrg); err != nil {
			return nil, err
		}
	}
	hc, err := httpClientFor(s.httpClient, s.cred)
	if err != nil {
		return nil, err
	}
	if err := s.retry.validate(); err != nil {
		return nil, err
	}
	if !s.limiterSet {
		// Each client gets its own limiter unless one is shared with WithLimiter.
		s.limiter, _ = NewLimiter(DefaultRate, DefaultBurst)
	}
	ops, err := newOperations(s.operations)
	if err != nil {
		return nil, err
	}
	c := &Client{
		base:            base,
		prefix:          strings.TrimSuffix(base.String(), "/"),
		http:            hc,
		cred:            s.cred,
		clientOrg:       s.clientOrg,
		userAgent:       s.userAgent,
		userAgentHeader: []string{s.userAgent},
		maxBody:         s.maxBody,
		ops:             ops,
		warn:            s.warn,
		logger:          s.logger,
		observe:         s.observe,
		retry:           s.retry,
		limiter:         s.limiter,
		secrets:         scrubList(s.cred),
	}
	c.bindGenerated()
	return c, nil
}

// bindGenerated points a generated client at this Client, so every generated
// call goes through Do (credentials, error and warning handling), or for a
// JSON body through DoJSON.
func (c *Client) bindGenerated() {
	// NewClientWithResponses fails only when an option does; WithHTTPClient never does.
	c.gen, _ = api.NewClientWithResponses(c.base.String(), api.WithHTTPClient(&generatedDoer{c: c}))
}

// generatedDoer is the doer of the client API returns: Do, and DoJSON,
// which the generated client (api/templates/client.tmpl) calls instead of
// Do for a JSON body sent with no request editor. The type is unexported,
// so its methods add nothing to the package's API.
type generatedDoer struct{ c *Client }

// Do is Client.Do.
func (d *generatedDoer) Do(req *http.Request) (*http.Response, error) { return d.c.Do(req) }

// DoJSON sends body, JSON, to url as Do sends a request, with what the
// client knows: the request is built here, so, like a typed call's, the
// first attempt sends it as it is, with body as it was marshalled, not
// read back from a copy. The response is Do's, its Request the one sent,
// without the credential headers.
func (d *generatedDoer) DoJSON(ctx context.Context, method, url string, body []byte) (*http.Response, error) {
	c := d.c
	r, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		// A nil context, say: refused, naming the operation.
		op := c.ops.lookup(strings.TrimPrefix(url, c.prefix))
		return nil, &RequestError{Operation: op.ID, Err: c.scrubErr(err)}
	}
	r.Header["Content-Type"] = jsonContentType
	return c.sendAs(r, body, nil, true)
}

// NilContextError is the error of a generated call given a nil context,
// which the generated client asks its doer for (api/templates/client.tmpl):
// a RequestError naming the operation at path, as a typed call's, on every
// path of c.API(), with editors or without.
func (d *generatedDoer) NilContextError(path string) error {
	return &RequestError{Operation: d.c.ops.lookup(path).ID, Err: errNilContext}
}

// API returns the generated client for this module's spec, sending through
// this Client: every operation in openapi.yaml, including ones added after
// this package was written, gets the same credentials and error handling.
// A call with a JSON body costs what the typed method costs: the client
// builds the request, and decodes the answer once, for the parser too.
func (c *Client) API() *api.ClientWithResponses { return c.gen }

// BaseURL is the endpoint the client calls, for building generated clients of
// other specs with [Client.Do] as their HTTP doer.
func (c *Client) BaseURL() string { return c.base.String() }

// String describes the client without its credential.
func (c *Client) String() string {
	s := fmt.Sprintf("rhombus.Client{endpoint: %s, credential: %s", c.base, c.cred)
	if c.clientOrg != "" {
		s += ", clientOrg: " + string(c.clientOrg)
	}
	return s + "}"
}

// GoString keeps %#v from printing the credential.
func (c *Client) GoString() string { return c.String() }

// authorize sets the headers of the credential, the client organisation and
// the User-Agent. Credential headers already on the request are replaced, so
// exactly the credential's are sent; an x-auth-org a request editor set for
// one call is checked like the client's and wins over it.
func (c *Client) authorize(req *http.Request) error {
	// Every spelling of x-auth-org moves to canonOrg, to be checked before
	// the credential applies: a token source is not asked for a request
	// that is refused anyway.
	clearCredentialHeaders(req.Header)
	// The map, not Header.Get, tells an empty value (sent as it is) from no
	// header.
	vals := req.Header[canonOrg]
	if len(vals) > 0 {
		if err := checkOrgHeader(c.cred, vals, c.scrub); err != nil {
			return err
		}
	}
	if err := c.cred.apply(req); err != nil {
		return err
	}
	if len(vals) == 0 && c.clientOrg != "" {
		req.Header[canonOrg] = []string{string(c.clientOrg)}
	}
	req.Header["User-Agent"] = c.userAgentHeader
	return nil
}

// checkOrgHeader checks the x-auth-org values a request editor set as
// WithClientOrg's: one value, a valid RUUID (so not empty), and a partner
// credential. The errors' Operation is set by refusal.
func checkOrgHeader(c Credential, vals []string, redact func(string) string) error {
	field := "header " + headerOrg
	if len(vals) > 1 {
		return &ValidationError{Field: field, Err: fmt.Errorf("has %d values; a request acts in one organisation", len(vals))}
	}
	if err := checkRUUID("", RUUID(vals[0]), field, redact); err != nil {
		return err
	}
	if !c.Partner() {
		return &ValidationError{Field: field, Err: fmt.Errorf("needs a partner credential, not %v", c)}
	}
	return nil
}

// checkEditorOrg is checkOrgHeader on the x-auth-org values of h, under
// any spelling of the name, without changing h; nil when there are none.
func checkEditorOrg(c Credential, h http.Header, redact func(string) string) error {
	var vals []string
	for name, vs := range h {
		if len(name) == len(headerOrg) && strings.EqualFold(name, headerOrg) {
			vals = append(vals, vs...)
		}
	}
	if len(vals) == 0 {
		return nil
	}
	return checkOrgHeader(c, vals, redact)
}

// refusal is the error of a request authorize refused: the
// *ValidationError it made, for op; any other failure (a token source's)
// as a *RequestError.
func refusal(op string, err error) error {
	var vErr *ValidationError
	if errors.As(err, &vErr) {
		vErr.Operation = op
		return vErr
	}
	return &RequestError{Operation: op, Err: err}
}

// readCapped reads a body of at most limit bytes; size is its announced
// length, -1 when unknown. Refusing a longer body costs about limit bytes of
// memory: an announced length over the limit is refused after reading only
// the start (for the error's excerpt), and a body of unknown length is read
// in chunks that stop one byte past the limit, never into a buffer that
// doubles past it.
func readCapped(r io.Reader, size, limit int64) ([]byte, error) {
	if size > limit {
		head := make([]byte, min(limit, 256))
		n, _ := io.ReadFull(r, head)
		return head[:n], &tooLargeError{limit: limit}
	}
	if size >= 0 {
		b := make([]byte, size)
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, err
		}
		return b, nil
	}
	var chunks [][]byte
	var total int64
	chunk := int64(32 << 10)
	for {
		buf := make([]byte, min(chunk, limit+1-total))
		n, err := readFull(r, buf)
		chunks = append(chunks, buf[:n])
		total += int64(n)
		if total > limit {
			return chunks[0], &tooLargeError{limit: limit}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		chunk *= 2
	}
	if len(chunks) == 1 {
		return chunks[0], nil
	}
	return bytes.Join(chunks, nil), nil
}

// readFull fills buf from r; it returns io.EOF when r ended first, and any
// other error of r as it is (io.ReadFull would turn an early end into
// io.ErrUnexpectedEOF, which a truncated HTTP body also reports).
func readFull(r io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		k, err := r.Read(buf[n:])
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

type tooLargeError struct {
	limit int64
	from  string // where the limit came from, and how to raise it
}

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("body exceeds the limit of %d bytes (%s)", e.limit, e.from)
}

// bodyLimit is the cap on op's answer, and where it comes from: the
// client's WithMaxResponseBytes, else the operation's own
// x-rhombus-max-response-bytes, else DefaultMaxResponseBytes.
func (c *Client) bodyLimit(op Operation) (int64, string) {
	limit, from := int64(DefaultMaxResponseBytes), "DefaultMaxResponseBytes; raise it with WithMaxResponseBytes"
	switch {
	case c.maxBody > 0:
		limit, from = c.maxBody, "set by WithMaxResponseBytes"
	case op.MaxResponseBytes > 0:
		limit, from = op.MaxResponseBytes, "the operation's x-rhombus-max-response-bytes; raise it with WithMaxResponseBytes"
	}
	if op.StreamItems != "" && op.ID != "" {
		// The answer that outgrows its cap is the one to stream.
		from += fmt.Sprintf("; %s%sItems reads its %s one at a time, uncapped", strings.ToUpper(op.ID[:1]), op.ID[1:], op.StreamItems)
	}
	return limit, from
}

func parseEndpoint(raw string) (*url.URL, error) {
	// Without a scheme the URL parser's words ("first path segment in URL
	// cannot contain colon") do not say what is missing.
	if !strings.Contains(raw, "://") {
		return nil, fmt.Errorf("rhombus: endpoint %q: the endpoint URL must start with https:// (or http:// for a loopback host), for example https://api2.rhombussystems.com", raw)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("rhombus: endpoint %q is not a URL: %w", raw, err)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("rhombus: endpoint %q has no host; expected for example https://api2.rhombussystems.com", raw)
	}
	if u.User != nil {
		return nil, fmt.Errorf("rhombus: endpoint %s: user information in the URL is not allowed", u.Redacted())
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("rhombus: endpoint %q: credentials are never sent over plain http except to a loopback host; use https", raw)
		}
	default:
		return nil, fmt.Errorf("rhombus: endpoint %q: scheme must be https (or http to a loopback host)", raw)
	}
	u.RawQuery, u.Fragment = "", ""
	u.Path = strings.TrimSuffix(u.Path, "/")
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
