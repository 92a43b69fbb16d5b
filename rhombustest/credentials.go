package rhombustest

import "fmt"

// CredentialKind is one of the ways a caller proves who it is; each has its
// own x-auth-scheme value.
type CredentialKind int

const (
	// OrgAPIToken is an organisation API key: x-auth-apikey with
	// x-auth-scheme: api-token.
	OrgAPIToken CredentialKind = iota + 1
	// PartnerAPIToken is a partner API key: x-auth-apikey with
	// x-auth-scheme: partner-api-token.
	PartnerAPIToken
	// OrgCertificateKey is an organisation certificate key: x-auth-apikey
	// with x-auth-scheme: api. The fake does not check the client
	// certificate that goes with it.
	OrgCertificateKey
	// PartnerCertificateKey is a partner certificate key: x-auth-apikey with
	// x-auth-scheme: partner-api.
	PartnerCertificateKey
	// OAuthAccessToken is an OAuth access token of an organisation user:
	// x-auth-access-token with x-auth-scheme: api-oauth-token.
	OAuthAccessToken
)

// Kinds lists every credential kind.
func Kinds() []CredentialKind {
	return []CredentialKind{OrgAPIToken, PartnerAPIToken, OrgCertificateKey, PartnerCertificateKey, OAuthAccessToken}
}

// The request headers of the credentials (canonical form).
const (
	headerAuthScheme  = "X-Auth-Scheme"
	headerAPIKey      = "X-Auth-Apikey"
	headerAccessToken = "X-Auth-Access-Token"
	headerOrg         = "X-Auth-Org"
)

// scheme returns the x-auth-scheme value of the kind.
func (k CredentialKind) scheme() string {
	switch k {
	case OrgAPIToken:
		return "api-token"
	case PartnerAPIToken:
		return "partner-api-token"
	case OrgCertificateKey:
		return "api"
	case PartnerCertificateKey:
		return "partner-api"
	case OAuthAccessToken:
		return "api-oauth-token"
	}
	return ""
}

// String names the kind for messages.
func (k CredentialKind) String() string {
	switch k {
	case OrgAPIToken:
		return "organisation API token"
	case PartnerAPIToken:
		return "partner API token"
	case OrgCertificateKey:
		return "organisation certificate key"
	case PartnerCertificateKey:
		return "partner certificate key"
	case OAuthAccessToken:
		return "OAuth access token"
	}
	return fmt.Sprintf("CredentialKind(%d)", int(k))
}

// isPartner reports whether the kind belongs to a partner, and so may use
// x-auth-org.
func (k CredentialKind) isPartner() bool { return k == PartnerAPIToken || k == PartnerCertificateKey }

func (k CredentialKind) valid() bool { return k >= OrgAPIToken && k <= OAuthAccessToken }

// secretHeader is the header that carries the kind's secret.
func (k CredentialKind) secretHeader() string {
	if k == OAuthAccessToken {
		return headerAccessToken
	}
	return headerAPIKey
}

func kindForScheme(scheme string) (CredentialKind, bool) {
	for _, k := range Kinds() {
		if k.scheme() == scheme {
			return k, true
		}
	}
	return 0, false
}
