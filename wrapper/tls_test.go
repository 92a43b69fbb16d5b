package rhombus_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"log"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/api"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// mtlsKey is the fake API key of the certificate tests.
const mtlsKey = "test-key-123"

// mtlsNoRetry makes a failed call fail at once, so refused handshakes do not
// wait for backoff.
var mtlsNoRetry = rhombus.WithRetryPolicy(rhombus.RetryPolicy{MaxAttempts: 1})

// mtlsCA is a certificate authority made for one test.
type mtlsCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool
}

func newMTLSCA(t *testing.T) *mtlsCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "rhombus-go test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &mtlsCA{cert: cert, key: key, pool: pool}
}

// issue returns a client certificate (DER) for cn, signed by the CA, and its key.
func (ca *mtlsCA) issue(t *testing.T, cn string) ([]byte, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: serial.Add(serial, big.NewInt(1)),
		Subject:      pkix.Name{CommonName: cn, Organization: []string{"rhombus-go tests"}},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	require.NoError(t, err)
	return der, key
}

// issueNegativeSerial is issue with a negative serial number, as Rhombus
// issues them. x509.CreateCertificate refuses negative serials, so a normal
// certificate is made, its TBSCertificate re-encoded with the serial
// replaced, and the result signed again with the CA key.
func (ca *mtlsCA) issueNegativeSerial(t *testing.T, cn string, serial *big.Int) ([]byte, *ecdsa.PrivateKey) {
	t.Helper()
	require.Equal(t, -1, serial.Sign(), "the serial must be negative")
	der, key := ca.issue(t, cn)

	var cert struct {
		TBS    asn1.RawValue
		SigAlg asn1.RawValue
		Sig    asn1.BitString
	}
	rest, err := asn1.Unmarshal(der, &cert)
	require.NoError(t, err)
	require.Empty(t, rest)
	var fields []asn1.RawValue
	_, err = asn1.Unmarshal(cert.TBS.FullBytes, &fields)
	require.NoError(t, err)
	// fields[0] is the [0] EXPLICIT version (v3), fields[1] the serial number.
	require.Equal(t, asn1.ClassContextSpecific, fields[0].Class, "TBSCertificate must start with its version")
	require.Equal(t, asn1.TagInteger, fields[1].Tag, "the serial number must follow the version")
	serialDER, err := asn1.Marshal(serial)
	require.NoError(t, err)
	fields[1] = asn1.RawValue{FullBytes: serialDER}
	var body []byte
	for _, f := range fields {
		body = append(body, f.FullBytes...)
	}
	tbs, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSequence, IsCompound: true, Bytes: body})
	require.NoError(t, err)

	// The CA's key is ECDSA P-256, so the signature algorithm CreateCertificate
	// chose (and that cert.SigAlg names) is ECDSA with SHA-256.
	digest := sha256.Sum256(tbs)
	sig, err := ecdsa.SignASN1(rand.Reader, ca.key, digest[:])
	require.NoError(t, err)
	out, err := asn1.Marshal(struct {
		TBS    asn1.RawValue
		SigAlg asn1.RawValue
		Sig    asn1.BitString
	}{asn1.RawValue{FullBytes: tbs}, cert.SigAlg, asn1.BitString{Bytes: sig, BitLength: 8 * len(sig)}})
	require.NoError(t, err)
	return out, key
}

func mtlsCertPEM(ders ...[]byte) []byte {
	var b bytes.Buffer
	for _, d := range ders {
		_ = pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: d})
	}
	return b.Bytes()
}

func mtlsPKCS8PEM(t *testing.T, key *ecdsa.PrivateKey) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

func mtlsSEC1PEM(t *testing.T, key *ecdsa.PrivateKey) []byte {
	t.Helper()
	der, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})
}

// writePEMFiles writes the certificate and key PEM to dir and returns their paths.
func mtlsWritePEM(t *testing.T, dir string, cert, key []byte) (certFile, keyFile string) {
	t.Helper()
	certFile, keyFile = filepath.Join(dir, "client.pem"), filepath.Join(dir, "client.key")
	require.NoError(t, os.WriteFile(certFile, cert, 0o600))
	require.NoError(t, os.WriteFile(keyFile, key, 0o600))
	return certFile, keyFile
}

// mtlsLogBuffer is a bytes.Buffer the server's error log can write to while
// the test reads it.
type mtlsLogBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *mtlsLogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *mtlsLogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// mtlsServer is a loopback HTTPS server that requires a client certificate
// and records, per request, the client certificate and x-auth-scheme.
type mtlsServer struct {
	*httptest.Server
	errLog *mtlsLogBuffer

	mu      sync.Mutex
	peers   []*x509.Certificate // the leaf client certificate of each request
	schemes []string
	keyOK   []bool // x-auth-apikey equal to mtlsKey, sent once
}

func (s *mtlsServer) requests() (peers []*x509.Certificate, schemes []string, keyOK []bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*x509.Certificate(nil), s.peers...), append([]string(nil), s.schemes...), append([]bool(nil), s.keyOK...)
}

// newMTLSServer starts a server with ClientAuth RequireAndVerifyClientCert
// trusting ca; edit may change the TLS configuration before it starts.
func newMTLSServer(t *testing.T, ca *mtlsCA, edit func(*tls.Config)) *mtlsServer {
	t.Helper()
	s := &mtlsServer{errLog: &mtlsLogBuffer{}}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		var leaf *x509.Certificate
		if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
			leaf = r.TLS.PeerCertificates[0]
		}
		s.peers = append(s.peers, leaf)
		s.schemes = append(s.schemes, r.Header.Get("x-auth-scheme"))
		keys := r.Header.Values("x-auth-apikey")
		s.keyOK = append(s.keyOK, len(keys) == 1 && keys[0] == mtlsKey)
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"deviceLicenses":[]}`))
	}))
	s.Config.ErrorLog = log.New(s.errLog, "", 0)
	s.TLS = &tls.Config{
		ClientAuth: tls.RequireAndVerifyClientCert,
		ClientCAs:  ca.pool,
		MinVersion: tls.VersionTLS12,
	}
	if edit != nil {
		edit(s.TLS)
	}
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

func (s *mtlsServer) client(t *testing.T, cred rhombus.Credential) *rhombus.Client {
	t.Helper()
	c, err := rhombus.New(
		rhombus.WithEndpoint(s.URL),
		rhombus.WithCredential(cred),
		rhombus.WithHTTPClient(s.Client()),
		mtlsNoRetry,
	)
	require.NoError(t, err)
	return c
}

var mtlsOrg = rhombus.MustParseRUUID("Ej5FZ-ibEtOkVkJmFBdAAA")

func TestMutualTLSHandshake(t *testing.T) {
	ca := newMTLSCA(t)
	der, key := ca.issue(t, "rhombus-go test client")
	srv := newMTLSServer(t, ca, nil)

	dir := t.TempDir()
	certFile, keyFile := mtlsWritePEM(t, dir, mtlsCertPEM(der), mtlsPKCS8PEM(t, key))
	fromFiles, err := rhombus.LoadCertificateKey(mtlsKey, certFile, keyFile, false)
	require.NoError(t, err, "LoadCertificateKey")
	partnerFromFiles, err := rhombus.LoadCertificateKey(mtlsKey, certFile, keyFile, true)
	require.NoError(t, err, "LoadCertificateKey partner")

	tlsCert := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	cases := []struct {
		name       string
		cred       rhombus.Credential
		wantScheme string
	}{
		{"CertificateKey", rhombus.CertificateKey(mtlsKey, tlsCert), "api"},
		{"PartnerCertificateKey", rhombus.PartnerCertificateKey(mtlsKey, tlsCert), "partner-api"},
		{"LoadCertificateKey from PEM files", fromFiles, "api"},
		{"LoadCertificateKey partner from PEM files", partnerFromFiles, "partner-api"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := srv.client(t, tc.cred)
			res, err := c.GetDeviceLicensesForOrg(context.Background(), api.GetDeviceLicensesForOrgRequest{OrgUUID: mtlsOrg})
			require.NoError(t, err, "the call over mutual TLS must succeed")
			require.NotNil(t, res)

			peers, schemes, keyOK := srv.requests()
			require.Len(t, peers, i+1, "requests the server received")
			require.NotNil(t, peers[i], "the server saw no client certificate")
			assert.Equal(t, "rhombus-go test client", peers[i].Subject.CommonName, "client certificate subject seen by the server")
			assert.Equal(t, der, peers[i].Raw, "the server must see exactly the client certificate's DER")
			assert.Equal(t, tc.wantScheme, schemes[i], "x-auth-scheme")
			assert.True(t, keyOK[i], "x-auth-apikey must carry the credential's key exactly once")
		})
	}

	t.Run("without the certificate the handshake is refused", func(t *testing.T) {
		before, _, _ := srv.requests()
		c := srv.client(t, rhombus.APIToken(mtlsKey))
		res, err := c.GetDeviceLicensesForOrg(context.Background(), api.GetDeviceLicensesForOrgRequest{OrgUUID: mtlsOrg})
		require.Error(t, err, "a server requiring a client certificate must refuse the call")
		assert.Nil(t, res)
		var reqErr *rhombus.RequestError
		require.True(t, errors.As(err, &reqErr), "error %T must unwrap to *rhombus.RequestError: %v", err, err)
		assert.Equal(t, "getDeviceLicensesForOrg", reqErr.Operation)
		assert.False(t, strings.Contains(err.Error(), mtlsKey), "the error text must not hold the key")
		after, _, _ := srv.requests()
		assert.Equal(t, len(before), len(after), "the handler must not have been reached")
		require.Eventually(t, func() bool { return strings.Contains(srv.errLog.String(), "TLS handshake error") },
			5*time.Second, 10*time.Millisecond, "the server must log the refused handshake; log: %s", srv.errLog.String())
	})
}

func TestNegativeSerialCertificate(t *testing.T) {
	ca := newMTLSCA(t)
	serial := new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(0x5eed), 100))
	der, key := ca.issueNegativeSerial(t, "rhombus-go negative serial", serial)
	cPEM, kPEM := mtlsCertPEM(der), mtlsPKCS8PEM(t, key)

	// The point of the test: the standard library refuses this certificate.
	_, err := x509.ParseCertificate(der)
	require.Error(t, err, "x509.ParseCertificate must refuse a negative serial (GODEBUG x509negativeserial must be off here)")
	assert.Contains(t, err.Error(), "negative serial number")
	_, err = tls.X509KeyPair(cPEM, kPEM)
	require.Error(t, err, "tls.X509KeyPair must refuse the negative-serial certificate")
	assert.Contains(t, err.Error(), "negative serial number")

	// The package accepts it, from memory and from files, with the DER unchanged.
	got, err := rhombus.CertificateFromPEM(cPEM, kPEM)
	require.NoError(t, err, "CertificateFromPEM must tolerate a negative serial")
	require.Len(t, got.Certificate, 1)
	assert.Equal(t, der, got.Certificate[0], "the certificate DER must be kept as it is")
	assert.Nil(t, got.Leaf, "Leaf cannot be parsed for a negative serial")
	assert.Equal(t, key, got.PrivateKey, "private key")

	_, err = rhombus.CertificateFromPEM(cPEM, mtlsSEC1PEM(t, key))
	require.NoError(t, err, "CertificateFromPEM with a SEC 1 (EC PRIVATE KEY) key")

	certFile, keyFile := mtlsWritePEM(t, t.TempDir(), cPEM, kPEM)
	cred, err := rhombus.LoadCertificateKey(mtlsKey, certFile, keyFile, false)
	require.NoError(t, err, "LoadCertificateKey must tolerate a negative serial")
	assert.Equal(t, "api", cred.Scheme())

	// A real handshake. The client side presents the DER without parsing it
	// (GetClientCertificate), but a Go TLS server always runs
	// x509.ParseCertificate on every client certificate it receives, in
	// processCertsFromClient, before VerifyPeerCertificate, VerifyConnection
	// or ClientAuth are consulted: RequireAnyClientCert with a raw-DER check
	// does not help. First show that refusal, then let the server side parse
	// it by turning x509negativeserial on for this test only (GODEBUG is read
	// again when the environment variable changes); the client credential was
	// built above with the setting off, so the client-side tolerance is still
	// what was tested.
	var (
		mu     sync.Mutex
		rawDER [][]byte
	)
	srv := newMTLSServer(t, ca, func(cfg *tls.Config) {
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			mu.Lock()
			defer mu.Unlock()
			if len(cs.PeerCertificates) == 0 {
				return errors.New("no client certificate")
			}
			rawDER = append(rawDER, cs.PeerCertificates[0].Raw)
			if !bytes.Equal(cs.PeerCertificates[0].Raw, der) {
				return errors.New("unexpected client certificate")
			}
			return nil
		}
	})

	t.Run("the Go TLS server refuses it by default", func(t *testing.T) {
		c := srv.client(t, cred)
		_, err := c.GetDeviceLicensesForOrg(context.Background(), api.GetDeviceLicensesForOrgRequest{OrgUUID: mtlsOrg})
		require.Error(t, err, "without x509negativeserial=1 the Go server cannot parse the certificate")
		var reqErr *rhombus.RequestError
		require.True(t, errors.As(err, &reqErr), "error %T must unwrap to *rhombus.RequestError: %v", err, err)
		require.Eventually(t, func() bool {
			return strings.Contains(srv.errLog.String(), "failed to parse client certificate") &&
				strings.Contains(srv.errLog.String(), "negative serial number")
		}, 5*time.Second, 10*time.Millisecond, "server log: %s", srv.errLog.String())
		peers, _, _ := srv.requests()
		assert.Empty(t, peers, "the handler must not have been reached")
	})

	t.Run("handshake succeeds when the server tolerates it", func(t *testing.T) {
		godebug := "x509negativeserial=1"
		if prev := os.Getenv("GODEBUG"); prev != "" {
			godebug = prev + "," + godebug
		}
		t.Setenv("GODEBUG", godebug)
		_, err := x509.ParseCertificate(der)
		require.NoError(t, err, "precondition: GODEBUG x509negativeserial=1 must have taken effect")

		c := srv.client(t, cred)
		res, err := c.GetDeviceLicensesForOrg(context.Background(), api.GetDeviceLicensesForOrgRequest{OrgUUID: mtlsOrg})
		require.NoError(t, err, "the mutual-TLS call with a negative-serial certificate must succeed")
		require.NotNil(t, res)
		peers, schemes, keyOK := srv.requests()
		require.Len(t, peers, 1)
		require.NotNil(t, peers[0])
		assert.Equal(t, der, peers[0].Raw, "the server must see exactly the negative-serial DER")
		assert.Equal(t, 0, peers[0].SerialNumber.Cmp(serial), "serial seen by the server: %s, want %s", peers[0].SerialNumber, serial)
		assert.Equal(t, "rhombus-go negative serial", peers[0].Subject.CommonName)
		assert.Equal(t, "api", schemes[0], "x-auth-scheme")
		assert.True(t, keyOK[0], "x-auth-apikey must carry the credential's key exactly once")
		mu.Lock()
		defer mu.Unlock()
		require.NotEmpty(t, rawDER, "VerifyConnection must have run")
		assert.Equal(t, der, rawDER[len(rawDER)-1], "VerifyConnection saw another certificate")
	})
}

func TestCertificateFromPEMErrors(t *testing.T) {
	ca := newMTLSCA(t)
	der, key := ca.issue(t, "client")
	otherDER, otherKey := ca.issue(t, "other")
	negDER, _ := ca.issueNegativeSerial(t, "negative", big.NewInt(-42))
	cPEM, kPEM := mtlsCertPEM(der), mtlsPKCS8PEM(t, key)

	const (
		noCert    = "rhombus: certificate: no PEM block of type CERTIFICATE found"
		noKey     = "rhombus: private key: no PEM block of type PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY found"
		badKey    = "rhombus: private key: not a PKCS#8, PKCS#1 or SEC 1 key"
		mismatch  = "rhombus: certificate: the private key does not match the certificate's public key"
		notX509   = "rhombus: certificate: the first CERTIFICATE block is not an X.509 certificate: "
		keyAsCert = "rhombus: certificate: no PEM block of type CERTIFICATE found"
	)
	cases := []struct {
		name       string
		cert, key  []byte
		want       string // exact error text, or its prefix when prefix is set
		wantPrefix bool
	}{
		{"empty certificate", nil, kPEM, noCert, false},
		{"garbage certificate", []byte("this is not PEM at all"), kPEM, noCert, false},
		{"key PEM given as certificate", kPEM, kPEM, keyAsCert, false},
		{"certificate block of garbage", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("garbage")}), kPEM, notX509, true},
		{"empty key", cPEM, nil, noKey, false},
		{"garbage key", cPEM, []byte("-----not a key-----"), noKey, false},
		{"certificate given as key", cPEM, cPEM, noKey, false},
		{"public key block", cPEM, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte{1, 2, 3}}), noKey, false},
		{"key block of garbage", cPEM, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("garbage")}), badKey, false},
		{"key of another certificate", cPEM, mtlsPKCS8PEM(t, otherKey), mismatch, false},
		{"key of another certificate, SEC 1", mtlsCertPEM(otherDER), mtlsSEC1PEM(t, key), mismatch, false},
		{"key not matching a negative-serial certificate", mtlsCertPEM(negDER), kPEM, mismatch, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := rhombus.CertificateFromPEM(tc.cert, tc.key)
			require.Error(t, err)
			if tc.wantPrefix {
				assert.True(t, strings.HasPrefix(err.Error(), tc.want), "error %q must start with %q", err.Error(), tc.want)
			} else {
				assert.Equal(t, tc.want, err.Error())
			}
			// Key material never appears in the message.
			for _, block := range [][]byte{tc.key, kPEM} {
				if p, _ := pem.Decode(block); p != nil && len(p.Bytes) > 8 {
					assert.False(t, strings.Contains(err.Error(), string(p.Bytes)), "the error holds key bytes")
				}
			}
		})
	}

	t.Run("valid forms", func(t *testing.T) {
		// An EC PARAMETERS block before the key (openssl ecparam -genkey) is skipped,
		// and a chain keeps every certificate in order.
		params := pem.EncodeToMemory(&pem.Block{Type: "EC PARAMETERS", Bytes: []byte{0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07}})
		got, err := rhombus.CertificateFromPEM(mtlsCertPEM(der, ca.cert.Raw), append(params, mtlsSEC1PEM(t, key)...))
		require.NoError(t, err)
		require.Len(t, got.Certificate, 2, "the chain must be kept")
		assert.Equal(t, der, got.Certificate[0])
		assert.Equal(t, ca.cert.Raw, got.Certificate[1])
		require.NotNil(t, got.Leaf, "a parsable leaf is kept in Leaf")
		assert.Equal(t, "client", got.Leaf.Subject.CommonName)
	})

	t.Run("LoadCertificateKey file errors", func(t *testing.T) {
		dir := t.TempDir()
		certFile, keyFile := mtlsWritePEM(t, dir, cPEM, kPEM)
		missing := filepath.Join(dir, "missing.pem")
		_, err := rhombus.LoadCertificateKey(mtlsKey, missing, keyFile, false)
		require.Error(t, err)
		assert.True(t, strings.HasPrefix(err.Error(), "rhombus: certificate file: "), "got %q", err.Error())
		assert.True(t, errors.Is(err, os.ErrNotExist), "must unwrap to os.ErrNotExist: %v", err)
		_, err = rhombus.LoadCertificateKey(mtlsKey, certFile, missing, false)
		require.Error(t, err)
		assert.True(t, strings.HasPrefix(err.Error(), "rhombus: private key file: "), "got %q", err.Error())
		assert.True(t, errors.Is(err, os.ErrNotExist), "must unwrap to os.ErrNotExist: %v", err)
		_, err = rhombus.LoadCertificateKey(mtlsKey, keyFile, keyFile, false)
		require.Error(t, err)
		assert.Equal(t, noCert, err.Error())
		_, err = rhombus.LoadCertificateKey(mtlsKey, certFile, certFile, false)
		require.Error(t, err)
		assert.Equal(t, noKey, err.Error())
	})

	t.Run("New refuses a certificate without a key", func(t *testing.T) {
		for name, cert := range map[string]tls.Certificate{
			"no certificate": {PrivateKey: key},
			"no private key": {Certificate: [][]byte{der}},
		} {
			_, err := rhombus.New(rhombus.WithCredential(rhombus.CertificateKey(mtlsKey, cert)))
			require.Error(t, err, name)
			assert.Equal(t, "rhombus: certificate credential: the tls.Certificate needs a certificate and its private key", err.Error(), name)
		}
	})
}
