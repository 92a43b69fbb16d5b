package rhombustest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"sync"
	"time"

	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// Client returns a wrapper client pointed at the server with the default
// organisation's API token; opts come after the server's own options, so
// they can override them: another credential
// (rhombus.WithCredential(s.Credential(kind))), WithRetryPolicy,
// WithLimiter, ... Every answer the client receives is also checked
// against the spec from the client's side, except with a certificate
// credential, which needs a plain *http.Transport to add its certificate
// to. A construction error fails the test; without a test it panics, as a
// program should build its client with rhombus.New and Credential.
func (s *Server) Client(opts ...rhombus.Option) *rhombus.Client {
	c, err := s.newClient(opts)
	if err != nil {
		if tb := s.cfg.tb; tb != nil {
			tb.Helper()
			tb.Fatalf("rhombustest: building a client: %v", err)
			return nil
		}
		panic("rhombustest: building a client: " + err.Error())
	}
	return c
}

func (s *Server) newClient(opts []rhombus.Option) (*rhombus.Client, error) {
	if s.client == nil {
		return nil, errors.New("the server is not started")
	}
	base := []rhombus.Option{rhombus.WithEndpoint(s.URL), rhombus.WithCredential(s.Credential(OrgAPIToken))}
	if s.spec != nil {
		checked := *s.client
		checked.Transport = &contractTransport{base: s.client.Transport, spec: s.spec, report: s.reportf}
		c, err := rhombus.New(append(append(base, rhombus.WithHTTPClient(&checked)), opts...)...)
		if err == nil {
			return c, nil
		}
		// The options' credential is only known to rhombus.New; one with a
		// certificate refuses the checking transport, and gets the plain one.
	}
	return rhombus.New(append(append(base, rhombus.WithHTTPClient(s.client)), opts...)...)
}

// Credential returns the seeded credential of kind as a wrapper
// credential: for rhombus.WithCredential, or, through its EditRequest, for
// the generated client (api.WithRequestEditorFn) and raw requests. The
// server does not check TLS client certificates, so a certificate kind
// carries a throwaway self-signed certificate. Without a seeded key
// (WithoutDefaults) its key is empty, which rhombus.New refuses.
func (s *Server) Credential(kind CredentialKind) rhombus.Credential {
	key := s.Key(kind)
	switch kind {
	case PartnerAPIToken:
		return rhombus.PartnerAPIToken(key)
	case OAuthAccessToken:
		return rhombus.OAuthToken(key)
	case OrgCertificateKey, PartnerCertificateKey:
		// A failure leaves the certificate empty, which rhombus.New refuses
		// with its own message.
		cert, _ := throwawayCertificate()
		if kind == PartnerCertificateKey {
			return rhombus.PartnerCertificateKey(key, cert)
		}
		return rhombus.CertificateKey(key, cert)
	}
	return rhombus.APIToken(key)
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
