package rhombustest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"time"

	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// Client returns a wrapper client pointed at the server with the default
// organisation's API token. opts come after the server's own options, so they
// can override them (WithRetryPolicy, WithLimiter, ...). A construction
// error fails the test; without a test use NewClient.
func (s *Server) Client(opts ...rhombus.Option) *rhombus.Client {
	return s.ClientFor(OrgAPIToken, opts...)
}

// ClientFor is Client with the default credential of the given kind; a
// partner kind acts for the default partner.
func (s *Server) ClientFor(kind CredentialKind, opts ...rhombus.Option) *rhombus.Client {
	c, err := s.NewClient(kind, opts...)
	if err != nil {
		if s.cfg.tb != nil {
			s.cfg.tb.Helper()
			s.cfg.tb.Fatalf("rhombustest: building a client: %v", err)
		}
		s.reportf("rhombustest: building a client: %v", err)
	}
	return c
}

// NewClient returns a wrapper client pointed at the server with the default
// credential of kind, or the error New gave.
func (s *Server) NewClient(kind CredentialKind, opts ...rhombus.Option) (*rhombus.Client, error) {
	if s.client == nil {
		return nil, errors.New("rhombustest: the server is not started")
	}
	cred, err := s.Credential(kind)
	if err != nil {
		return nil, err
	}
	hc := s.HTTPClient()
	// Certificate credentials need the plain *http.Transport to add their
	// certificate to; every other client also checks each answer against the
	// spec from its own side.
	if kind != OrgCertificateKey && kind != PartnerCertificateKey && s.spec != nil {
		cp := *hc
		cp.Transport = &contractTransport{base: hc.Transport, spec: s.spec, report: s.reportf}
		hc = &cp
	}
	base := []rhombus.Option{
		rhombus.WithEndpoint(s.URL),
		rhombus.WithHTTPClient(hc),
		rhombus.WithCredential(cred),
	}
	return rhombus.New(append(base, opts...)...)
}

// Credential returns the default credential of kind as a wrapper credential.
// The server does not check TLS client certificates, so a certificate kind
// carries a throwaway self-signed certificate.
func (s *Server) Credential(kind CredentialKind) (rhombus.Credential, error) {
	key := s.Key(kind)
	if key == "" {
		return nil, fmt.Errorf("rhombustest: the server has no default %v credential (WithoutDefaults?)", kind)
	}
	switch kind {
	case OrgAPIToken:
		return rhombus.APIToken(key), nil
	case PartnerAPIToken:
		return rhombus.PartnerAPIToken(key), nil
	case OAuthAccessToken:
		return rhombus.OAuthToken(key), nil
	case OrgCertificateKey, PartnerCertificateKey:
		cert, err := throwawayCertificate()
		if err != nil {
			return nil, err
		}
		if kind == PartnerCertificateKey {
			return rhombus.PartnerCertificateKey(key, cert), nil
		}
		return rhombus.CertificateKey(key, cert), nil
	}
	return nil, fmt.Errorf("rhombustest: unknown credential kind %v", kind)
}

var throwawayCertificate = sync.OnceValues(func() (tls.Certificate, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "rhombustest client"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: priv}, nil
})
