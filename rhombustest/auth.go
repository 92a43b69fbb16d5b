package rhombustest

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/rhombuskit/rhombus-go/ruuid"
)

// caller is an authenticated request: who sent it and where it acts.
type caller struct {
	kind   CredentialKind
	owner  ruuid.RUUID // the organisation (or partner) the credential belongs to
	acting ruuid.RUUID // the organisation the request acts in
	viaOrg bool        // x-auth-org chose acting
	used   map[string]bool
}

// refusal is an answer given before the body is looked at: 400, 401, 403.
type refusal struct {
	status int
	reason string // for 400 and 403 bodies; never holds a credential
}

func (r *refusal) Error() string { return r.reason }

func unauthenticated(reason string) *refusal {
	return &refusal{status: http.StatusUnauthorized, reason: reason}
}

func denied(format string, args ...any) *refusal {
	return &refusal{status: http.StatusForbidden, reason: "Access Denied: " + fmt.Sprintf(format, args...)}
}

// authenticate reads the credential headers as the facts describe: a
// missing or unknown credential is 401, a known one used where it is not
// allowed is 403, a header value of the wrong shape is 400.
func (s *Server) authenticate(h http.Header, op *operation) (*caller, *refusal) {
	scheme := h.Get(headerAuthScheme)
	if scheme == "" {
		return nil, unauthenticated("x-auth-scheme is missing")
	}
	kind, known := kindForScheme(scheme)
	if !known {
		return nil, &refusal{status: http.StatusBadRequest,
			reason: "Invalid value for header: x-auth-scheme: " + s.spec.checkValue(op.authScheme, scheme)}
	}
	secret := h.Get(kind.secretHeader())
	if secret == "" {
		return nil, unauthenticated("credential is missing")
	}
	cred, ok := s.state.credential(secret)
	if !ok || cred.kind != kind {
		return nil, unauthenticated("credential is unknown for this scheme")
	}
	if kind == OAuthAccessToken {
		if !op.accessToken {
			return nil, denied("x-auth-scheme %q is not accepted by %s", scheme, op.id)
		}
	} else if why := s.spec.checkValue(op.authScheme, scheme); why != "" {
		return nil, denied("x-auth-scheme %q is not accepted by %s: %s", scheme, op.id, why)
	}
	c := &caller{kind: kind, owner: cred.org, acting: cred.org,
		used: map[string]bool{headerAuthScheme: true, kind.secretHeader(): true}}
	if _, sent := h[headerOrg]; !sent {
		return c, nil
	}
	if !kind.isPartner() {
		return nil, denied("x-auth-org is accepted only with the partner schemes partner-api-token and partner-api")
	}
	org := h.Get(headerOrg)
	if why := s.spec.checkValue(s.spec.ruuid, org); why != "" {
		return nil, &refusal{status: http.StatusBadRequest, reason: "Invalid value for header: x-auth-org: " + why}
	}
	if !s.state.manages(cred.org, ruuid.RUUID(org)) {
		return nil, denied("the organisation in x-auth-org is not managed by this partner")
	}
	c.acting, c.viaOrg, c.used[headerOrg] = ruuid.RUUID(org), true, true
	return c, nil
}

// canAccess says whether the caller may name org in a request body: its
// own organisation, or a client organisation when a partner acts as itself.
func (s *Server) canAccess(c *caller, org ruuid.RUUID) bool {
	if org == c.acting {
		return true
	}
	return c.kind.isPartner() && !c.viaOrg && s.state.manages(c.owner, org)
}

// errNotThisAlternative fails a security alternative whose header was not
// the one the caller used; another alternative may still match.
var errNotThisAlternative = errors.New("credential not presented this way")

// authState adapts authenticate to openapi3filter: the spec's security
// alternatives decide which header combinations are acceptable, and
// authenticate, run once per request, decides whether the credential is.
type authState struct {
	s       *Server
	header  http.Header
	op      *operation
	done    bool
	caller  *caller
	refusal *refusal
}

func (a *authState) check(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	if !a.done {
		a.done = true
		a.caller, a.refusal = a.s.authenticate(a.header, a.op)
	}
	if a.refusal != nil {
		return a.refusal
	}
	sc := in.SecurityScheme
	if sc != nil && sc.Type == "apiKey" && sc.In == openapi3.ParameterInHeader && a.caller.used[http.CanonicalHeaderKey(sc.Name)] {
		return nil
	}
	return errNotThisAlternative
}
