package rhombus

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync"
)

// LoadCertificateKey reads a certificate key's client certificate and
// private key from PEM files and returns the credential (scheme api, or
// partner-api when partner is true).
//
// Rhombus issues certificates with negative serial numbers, which
// crypto/x509 refuses to parse since Go 1.23. The certificate is therefore
// not parsed here: its DER blocks are presented on the TLS connection as
// they are, which is all a TLS client needs to do with its own certificate.
func LoadCertificateKey(key, certFile, keyFile string, partner bool) (Credential, error) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return nil, fmt.Errorf("rhombus: certificate file: %w", err)
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, fmt.Errorf("rhombus: private key file: %w", err)
	}
	cert, err := CertificateFromPEM(certPEM, keyPEM)
	if err != nil {
		return nil, err
	}
	if partner {
		return PartnerCertificateKey(key, cert), nil
	}
	return CertificateKey(key, cert), nil
}

// CertificateFromPEM builds a tls.Certificate from PEM-encoded certificate
// blocks and a private key (PKCS#8, PKCS#1 or SEC 1), without parsing the
// certificates strictly, so a negative serial number is tolerated. The
// private key must match the first certificate's public key (read without
// the strict checks when x509.ParseCertificate refuses the certificate; Leaf
// is then nil).
func CertificateFromPEM(certPEM, keyPEM []byte) (tls.Certificate, error) {
	var out tls.Certificate
	for rest := certPEM; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type == "CERTIFICATE" {
			out.Certificate = append(out.Certificate, block.Bytes)
		}
	}
	if len(out.Certificate) == 0 {
		return out, errors.New("rhombus: certificate: no PEM block of type CERTIFICATE found")
	}
	var keyDER *pem.Block
	for rest := keyPEM; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type == "PRIVATE KEY" || block.Type == "RSA PRIVATE KEY" || block.Type == "EC PRIVATE KEY" {
			keyDER = block
			break
		}
	}
	if keyDER == nil {
		return out, errors.New("rhombus: private key: no PEM block of type PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY found")
	}
	priv, err := parsePrivateKey(keyDER.Bytes)
	if err != nil {
		return out, err
	}
	out.PrivateKey = priv
	leaf, err := x509.ParseCertificate(out.Certificate[0])
	var pub crypto.PublicKey
	if err == nil {
		pub = leaf.PublicKey
	} else if pub, err = rawPublicKey(out.Certificate[0]); err != nil {
		// Neither parser can read it: it is not a certificate at all.
		return out, fmt.Errorf("rhombus: certificate: the first CERTIFICATE block is not an X.509 certificate: %w", err)
	}
	if !publicKeyMatches(pub, priv) {
		return out, errors.New("rhombus: certificate: the private key does not match the certificate's public key")
	}
	out.Leaf = leaf
	return out, nil
}

// rawPublicKey reads the subject public key of a DER certificate without the
// checks of x509.ParseCertificate, so that the key of a certificate with a
// negative serial number (every certificate Rhombus issues) can still be
// compared with the private key.
func rawPublicKey(der []byte) (crypto.PublicKey, error) {
	var cert struct {
		TBS    asn1.RawValue
		SigAlg asn1.RawValue
		Sig    asn1.BitString
	}
	if rest, err := asn1.Unmarshal(der, &cert); err != nil {
		return nil, err
	} else if len(rest) != 0 {
		return nil, errors.New("trailing data after the certificate")
	}
	var fields []asn1.RawValue
	if _, err := asn1.Unmarshal(cert.TBS.FullBytes, &fields); err != nil {
		return nil, err
	}
	// TBSCertificate: [0] version (optional), serialNumber, signature,
	// issuer, validity, subject, subjectPublicKeyInfo, ...
	i := 5
	if len(fields) > 0 && fields[0].Class == asn1.ClassContextSpecific && fields[0].Tag == 0 {
		i = 6
	}
	if len(fields) <= i {
		return nil, errors.New("the certificate has no subject public key")
	}
	return x509.ParsePKIXPublicKey(fields[i].FullBytes)
}

func parsePrivateKey(der []byte) (crypto.Signer, error) {
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		if s, ok := k.(crypto.Signer); ok {
			return s, nil
		}
		return nil, errors.New("rhombus: private key: unsupported key type")
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return k, nil
	}
	if k, err := x509.ParseECPrivateKey(der); err == nil {
		return k, nil
	}
	return nil, errors.New("rhombus: private key: not a PKCS#8, PKCS#1 or SEC 1 key")
}

func publicKeyMatches(pub crypto.PublicKey, priv crypto.Signer) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	switch p := pub.(type) {
	case *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey:
		if e, ok := p.(equaler); ok {
			return e.Equal(priv.Public())
		}
	}
	return true
}

// httpClientFor returns the client requests go through: a copy of hc (or a
// default one) that does not follow redirects, with the credential's
// certificate added to a copy of its transport. hc itself is not changed.
func httpClientFor(hc *http.Client, cred Credential) (*http.Client, error) {
	if hc == nil {
		hc = &http.Client{Transport: defaultTransport()}
	}
	// net/http copies custom headers such as x-auth-apikey to wherever a
	// redirect points, even another host over plain http. Rhombus has no
	// reason to redirect a POST, so a redirect is answered, not followed;
	// it comes back as an *APIError with its 3xx status.
	cp := *hc
	cp.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	hc = &cp
	cert := cred.certificate()
	if cert == nil {
		return hc, nil
	}
	var base *http.Transport
	switch t := hc.Transport.(type) {
	case nil:
		base = http.DefaultTransport.(*http.Transport)
	case *http.Transport:
		base = t
	default:
		return nil, fmt.Errorf("rhombus: a certificate credential needs the HTTP client's Transport to be an *http.Transport, got %T", hc.Transport)
	}
	tr := base.Clone()
	if tr.TLSClientConfig == nil {
		tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	// GetClientCertificate hands the certificate over without crypto/tls
	// parsing it, which would fail on a negative serial number.
	c := *cert
	tr.TLSClientConfig.Certificates = nil
	tr.TLSClientConfig.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
		return &c, nil
	}
	hc.Transport = tr
	return hc, nil
}

// defaultTransport is the transport of clients built without
// WithHTTPClient, shared by all of them like http.DefaultTransport, but
// keeping enough idle connections per host for the concurrency a client is
// used with: http.DefaultTransport keeps 2, so 16 goroutines open and close
// connections by the hundred and leave thousands in TIME_WAIT.
var defaultTransport = sync.OnceValue(func() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 2 * maxIdlePerHost
	t.MaxIdleConnsPerHost = maxIdlePerHost
	// More would be requests in flight beyond any organisation's rate
	// limit; a request past it waits for a connection instead of opening
	// one that is closed again.
	t.MaxConnsPerHost = maxIdlePerHost
	// With as many idle places as connections allowed, a connection is
	// never closed for want of a place to wait: connections do not grow
	// with the number of calls. (A dial started for a request that is then
	// served by a returning connection is kept for the next call.)
	return t
})

// maxIdlePerHost is the most goroutines the command line runs at once
// (its bulk --concurrency), and the most connections the default client
// opens to one host: a program running more calls at once still works, its
// extra calls waiting for a free connection.
const maxIdlePerHost = 64
