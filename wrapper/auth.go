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

// The x-auth-scheme values.
const (
	SchemeAPIToken        = "api-token"
	SchemePartnerAPIToken = "partner-api-token"
	SchemeCertificate     = "api"
	SchemePartnerCert     = "partner-api"
	SchemeOAuthToken      = "api-oauth-token"
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
	certificate() *tls.Certificate
}

// keyCredential is an API key (organisation or partner), optionally bound
// to a client certificate for mutual TLS.
type keyCredential struct {
	key     string
	scheme  string
	partner bool
	cert    *tls.Certificate
}

// APIToken is an organisation API token: x-auth-apikey with x-auth-scheme api-token.
func APIToken(key string) Credential {
	return &keyCredential{key: key, scheme: SchemeAPIToken}
}

// PartnerAPIToken is a partner API token: x-auth-apikey with x-auth-scheme
// partner-api-token. Combine it with [WithClientOrg] to act inside a client
// organisation.
func PartnerAPIToken(key string) Credential {
	return &keyCredential{key: key, scheme: SchemePartnerAPIToken, partner: true}
}

// CertificateKey is an organisation certificate key: the client certificate
// is presented on the TLS connection (mutual TLS) and the key is sent as
// x-auth-apikey with x-auth-scheme api. See [LoadCertificateKey] to read
// the certificate from PEM files.
func CertificateKey(key string, cert tls.Certificate) Credential {
	return &keyCredential{key: key, scheme: SchemeCertificate, cert: &cert}
}

// PartnerCertificateKey is [CertificateKey] for a partner: x-auth-scheme partner-api.
func PartnerCertificateKey(key string, cert tls.Certificate) Credential {
	return &keyCredential{key: key, scheme: SchemePartnerCert, partner: true, cert: &cert}
}

func (k *keyCredential) Scheme() string { return k.scheme }
func (k *keyCredential) Partner() bool  { return k.partner }

func (k *keyCredential) EditRequest(_ context.Context, req *http.Request) error {
	return k.apply(req)
}

func (k *keyCredential) apply(req *http.Request) error {
	req.Header.Set(headerAPIKey, k.key)
	req.Header.Set(headerScheme, k.scheme)
	return nil
}

func (k *keyCredential) validate() error {
	if err := checkSecret(k.key, "API key"); err != nil {
		return err
	}
	if k.cert != nil && (len(k.cert.Certificate) == 0 || k.cert.PrivateKey == nil) {
		return errors.New("rhombus: certificate credential: the tls.Certificate needs a certificate and its private key")
	}
	return nil
}

func (k *keyCredential) secrets() []string             { return []string{k.key} }
func (k *keyCredential) certificate() *tls.Certificate { return k.cert }

func (k *keyCredential) String() string {
	kind := map[string]string{
		SchemeAPIToken:        "APIToken",
		SchemePartnerAPIToken: "PartnerAPIToken",
		SchemeCertificate:     "CertificateKey",
		SchemePartnerCert:     "PartnerCertificateKey",
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
	fixed string
	src   TokenSource
}

// OAuthToken is a fixed OAuth access token ("Sign in with Rhombus"):
// x-auth-access-token with x-auth-scheme api-oauth-token.
func OAuthToken(token string) Credential { return &oauthCredential{fixed: token} }

// OAuthTokenSource is like [OAuthToken] with a token from src on every request.
func OAuthTokenSource(src TokenSource) Credential { return &oauthCredential{src: src} }

func (o *oauthCredential) Scheme() string { return SchemeOAuthToken }
func (o *oauthCredential) Partner() bool  { return false }

func (o *oauthCredential) EditRequest(_ context.Context, req *http.Request) error {
	return o.apply(req)
}

func (o *oauthCredential) apply(req *http.Request) error {
	tok := o.fixed
	if o.src != nil {
		var err error
		if tok, err = o.src.Token(req.Context()); err != nil {
			return fmt.Errorf("rhombus: OAuth token source: %w", err)
		}
		if err := checkSecret(tok, "OAuth access token from the token source"); err != nil {
			return err
		}
	}
	req.Header.Set(headerAccessToken, tok)
	req.Header.Set(headerScheme, SchemeOAuthToken)
	return nil
}

func (o *oauthCredential) validate() error {
	if o.src != nil {
		return nil
	}
	return checkSecret(o.fixed, "OAuth access token")
}

// A token from a source is only known per request; a source must not return
// a token that is also in a returned error, so scrubbing the fixed one suffices.
func (o *oauthCredential) secrets() []string             { return []string{o.fixed} }
func (o *oauthCredential) certificate() *tls.Certificate { return nil }

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

// ClientOrg is a request editor that sets x-auth-org for one call of a
// generated client made with [Client.Do]. Prefer [Client.ForClientOrg],
// which also checks that the credential is a partner's.
func ClientOrg(org RUUID) func(context.Context, *http.Request) error {
	return func(_ context.Context, req *http.Request) error {
		if err := org.Validate(); err != nil {
			return fmt.Errorf("rhombus: client organisation: %w", err)
		}
		req.Header.Set(headerOrg, string(org))
		return nil
	}
}
