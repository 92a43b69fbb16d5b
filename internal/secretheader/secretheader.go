// Package secretheader names the HTTP headers that carry credentials, in one
// place, so that the client, the command line and the fake server keep the
// same ones out of errors, logs and records.
package secretheader

import "strings"

// names are lower case; HTTP header names are case-insensitive.
var names = []string{"x-auth-apikey", "x-auth-access-token", "authorization", "proxy-authorization", "cookie"}

// Is reports whether the header name, in any case, carries a credential.
func Is(name string) bool {
	for _, n := range names {
		if strings.EqualFold(name, n) {
			return true
		}
	}
	return false
}

// Names returns the names of the headers that carry credentials, in lower case.
func Names() []string { return append([]string(nil), names...) }
