package rhombus

import "net/http"

// RedactCredentials returns text with every credential req carries (the
// values of its x-auth-apikey, x-auth-access-token and other credential
// headers) replaced by [REDACTED], matched as the client matches them in
// what it returns: ASCII letters in either case, percent-encoded, in
// base64, and inside JSON strings once their escapes are decoded.
//
// It is for an [http.RoundTripper] given to [WithHTTPClient] that logs the
// exchanges: such a transport sees each answer before the client scrubs it,
// and a server may echo the key back. The request is the one the transport
// was given, so whatever the credential and wherever its key came from,
// what it sent is what is redacted.
func RedactCredentials(req *http.Request, text string) string {
	if req == nil {
		return text
	}
	return scrubString(text, spellings(credentialValues(req.Header)))
}
