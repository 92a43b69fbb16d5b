package rhombus

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// The headers Rhombus reads a credential from.
const (
	headerScheme      = "x-auth-scheme"
	headerAPIKey      = "x-auth-apikey"
	headerAccessToken = "x-auth-access-token"
	headerOrg         = "x-auth-org"
)

// The x-auth-scheme values; Credential.Scheme reports a credential's.
const (
	schemeAPIToken        = "api-token"
	schemePartnerAPIToken = "partner-api-token"
	schemeCertificate     = "api"
	schemePartnerCert     = "partner-api"
	schemeOAuthToken      = "api-oauth-token"
)

// Credential authenticates requests. Build one with [APIToken],
// [PartnerAPIToken], [CertificateKey], [PartnerCertificateKey],
// [LoadCertificateKey], [OAuthToken] or [OAuthTokenSource]. A Credential
// prints as its kind only: its secret never appears in %v, %+v or %#v.
type Credential interface {
	// Scheme is the x-auth-scheme value the credential sends.
	Scheme() string
	// Partner reports whether the credential is a partner's, which may act
	// inside a client organisation.
	Partner() bool
	// EditRequest sets exactly the credential's headers on req. Its
	// signature is the generated client's RequestEditorFn, so it can be used
	// with api.WithRequestEditorFn directly.
	EditRequest(ctx context.Context, req *http.Request) error

	apply(req *http.Request) error
	validate() error
	secrets() []string
	// changing reports whether the values sent can differ from secrets()
	// (a token source), so each call must note what it sent.
	changing() bool
	certificate() *tls.Certificate
}

// secret holds a credential where no printer can reach it: fmt and other
// reflection-based printers show a func value as an address, even through
// unexported fields and %+v of a struct value.
type secret func() string

func hide(s string) secret { return func() string { return s } }

func hideCert(c tls.Certificate) func() *tls.Certificate {
	return func() *tls.Certificate { return &c }
}

// keyCredential is an API key (organisation or partner), optionally bound
// to a client certificate for mutual TLS.
type keyCredential struct {
	key     secret
	scheme  string
	schemes []string // scheme as a header value list, made once
	partner bool
	cert    func() *tls.Certificate // a func for the same reason as secret: the private key
}

// APIToken is an organisation API token: x-auth-apikey with x-auth-scheme api-token.
func APIToken(key string) Credential {
	return &keyCredential{key: hide(key), scheme: schemeAPIToken, schemes: []string{schemeAPIToken}}
}

// PartnerAPIToken is a partner API token: x-auth-apikey with x-auth-scheme
// partner-api-token. Combine it with [WithClientOrg] to act inside a client
// organisation.
func PartnerAPIToken(key string) Credential {
	return &keyCredential{key: hide(key), scheme: schemePartnerAPIToken, schemes: []string{schemePartnerAPIToken}, partner: true}
}

// CertificateKey is an organisation certificate key: the client certificate
// is presented on the TLS connection (mutual TLS) and the key is sent as
// x-auth-apikey with x-auth-scheme api. See [LoadCertificateKey] to read
// the certificate from PEM files.
func CertificateKey(key string, cert tls.Certificate) Credential {
	return &keyCredential{key: hide(key), scheme: schemeCertificate, schemes: []string{schemeCertificate}, cert: hideCert(cert)}
}

// PartnerCertificateKey is [CertificateKey] for a partner: x-auth-scheme partner-api.
func PartnerCertificateKey(key string, cert tls.Certificate) Credential {
	return &keyCredential{key: hide(key), scheme: schemePartnerCert, schemes: []string{schemePartnerCert}, partner: true, cert: hideCert(cert)}
}

func (k *keyCredential) Scheme() string { return k.scheme }
func (k *keyCredential) Partner() bool  { return k.partner }

func (k *keyCredential) EditRequest(_ context.Context, req *http.Request) error {
	return k.apply(req)
}

func (k *keyCredential) apply(req *http.Request) error {
	clearCredentialHeaders(req.Header)
	req.Header[canonAPIKey] = []string{k.key()}
	req.Header[canonScheme] = k.schemeHeader()
	return nil
}

func (k *keyCredential) validate() error {
	if err := checkSecret(k.key(), "API key"); err != nil {
		return err
	}
	if c := k.certificate(); c != nil && (len(c.Certificate) == 0 || c.PrivateKey == nil) {
		return errors.New("rhombus: certificate credential: the tls.Certificate needs a certificate and its private key")
	}
	return nil
}

func (k *keyCredential) secrets() []string { return []string{k.key()} }
func (k *keyCredential) changing() bool    { return false }

// schemeHeader is the scheme header's value list; net/http only reads it,
// so every request can share one.
func (k *keyCredential) schemeHeader() []string {
	if len(k.schemes) != 1 || k.schemes[0] != k.scheme {
		return []string{k.scheme}
	}
	return k.schemes
}
func (k *keyCredential) certificate() *tls.Certificate {
	if k.cert == nil {
		return nil
	}
	return k.cert()
}

func (k *keyCredential) String() string {
	kind := map[string]string{
		schemeAPIToken:        "APIToken",
		schemePartnerAPIToken: "PartnerAPIToken",
		schemeCertificate:     "CertificateKey",
		schemePartnerCert:     "PartnerCertificateKey",
	}[k.scheme]
	return "rhombus." + kind + "([REDACTED])"
}

func (k *keyCredential) GoString() string { return k.String() }

// TokenSource supplies OAuth access tokens; it is asked before every request,
// so it can refresh (and should cache) the token.
type TokenSource interface {
	Token(ctx context.Context) (string, error)
}

// TokenSourceFunc adapts a function to [TokenSource], for example one that
// wraps a golang.org/x/oauth2 TokenSource.
type TokenSourceFunc func(ctx context.Context) (string, error)

// Token calls f.
func (f TokenSourceFunc) Token(ctx context.Context) (string, error) { return f(ctx) }

type oauthCredential struct {
	fixed secret
	src   TokenSource
}

// OAuthToken is a fixed OAuth access token ("Sign in with Rhombus"):
// x-auth-access-token with x-auth-scheme api-oauth-token.
func OAuthToken(token string) Credential { return &oauthCredential{fixed: hide(token)} }

// OAuthTokenSource is like [OAuthToken] with a token from src on every request.
func OAuthTokenSource(src TokenSource) Credential { return &oauthCredential{fixed: hide(""), src: src} }

func (o *oauthCredential) Scheme() string { return schemeOAuthToken }
func (o *oauthCredential) Partner() bool  { return false }

func (o *oauthCredential) EditRequest(_ context.Context, req *http.Request) error {
	return o.apply(req)
}

func (o *oauthCredential) apply(req *http.Request) error {
	tok := o.fixed()
	if o.src != nil {
		var err error
		if tok, err = o.src.Token(req.Context()); err != nil {
			return fmt.Errorf("rhombus: OAuth token source: %w", err)
		}
		if err := checkSecret(tok, "OAuth access token from the token source"); err != nil {
			return err
		}
	}
	clearCredentialHeaders(req.Header)
	req.Header[canonAccessToken] = []string{tok}
	req.Header[canonScheme] = oauthSchemeHeader
	return nil
}

// oauthSchemeHeader is the scheme header's value list of every OAuth
// request, shared: net/http only reads it.
var oauthSchemeHeader = []string{schemeOAuthToken}

// clearCredentialHeaders removes every credential header from h, whatever
// the case of its name, so that exactly the credential's are sent: a header
// set through the map (req.Header["x-auth-apikey"] = ...) is not in
// canonical form, Header.Del and Header.Set miss it, and it would go out
// next to the credential's own. A non-canonical x-auth-org is moved under
// its canonical name, so that the client checks it like any other.
func clearCredentialHeaders(h http.Header) {
	for name, vals := range h {
		switch {
		case strings.EqualFold(name, headerAPIKey), strings.EqualFold(name, headerScheme), strings.EqualFold(name, headerAccessToken):
			delete(h, name)
		case strings.EqualFold(name, headerOrg):
			if name != canonOrg {
				delete(h, name)
				h[canonOrg] = append(h[canonOrg], vals...)
			}
		}
	}
}

// The canonical forms of the credential headers, set directly so that no
// call spends an allocation canonicalising a constant.
var (
	canonAPIKey      = http.CanonicalHeaderKey(headerAPIKey)
	canonScheme      = http.CanonicalHeaderKey(headerScheme)
	canonAccessToken = http.CanonicalHeaderKey(headerAccessToken)
	canonOrg         = http.CanonicalHeaderKey(headerOrg)
)

func (o *oauthCredential) validate() error {
	if o.src != nil {
		return nil
	}
	return checkSecret(o.fixed(), "OAuth access token")
}

// A token from a source is known only once it is sent: Client.Do scrubs the
// values each attempt actually sent, whatever the credential.
func (o *oauthCredential) secrets() []string             { return []string{o.fixed()} }
func (o *oauthCredential) certificate() *tls.Certificate { return nil }
func (o *oauthCredential) changing() bool                { return o.src != nil }

func (o *oauthCredential) String() string {
	if o.src != nil {
		return "rhombus.OAuthTokenSource([REDACTED])"
	}
	return "rhombus.OAuthToken([REDACTED])"
}

func (o *oauthCredential) GoString() string { return o.String() }

// checkSecret refuses values that cannot be a header value; it never quotes
// the value.
func checkSecret(v, what string) error {
	switch {
	case v == "":
		return fmt.Errorf("rhombus: the %s is empty", what)
	case strings.TrimSpace(v) != v:
		return fmt.Errorf("rhombus: the %s has leading or trailing white space", what)
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c == 0x7f {
			return fmt.Errorf("rhombus: the %s contains a control character at byte %d", what, i+1)
		}
	}
	return nil
}

func checkClientOrg(c Credential, org RUUID) error {
	if err := org.Validate(); err != nil {
		return fmt.Errorf("rhombus: client organisation: %w", err)
	}
	if !c.Partner() {
		return fmt.Errorf("rhombus: client organisation (x-auth-org) needs a partner credential, not %v", c)
	}
	return nil
}
