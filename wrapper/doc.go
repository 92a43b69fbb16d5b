// Package rhombus is the Rhombus API client that Go programs import. It wraps
// the client generated from openapi.yaml (package api) with what the spec
// cannot say: credentials, RUUID checks, and one error and warning model.
//
// The package lives in the module's wrapper folder; import it as
//
//	import rhombus "github.com/rhombuskit/rhombus-go/wrapper"
//
// # Calls
//
// Build a [Client] once with [New] and share it; every call takes a context
// first and is one statement:
//
//	c, err := rhombus.New(rhombus.WithCredential(rhombus.APIToken(key)))
//	user, err := c.CreateUser(ctx, api.CreateUserRequest{Email: "jane@example.com", Name: "Jane Doe"})
//
// Every operation of the spec has a typed method, generated from the spec
// (calls.gen.go), so an operation added to openapi.yaml gets one by running
// go generate. Each operation can also be called through [Client.API] with
// the same credentials and error handling; [Client.Do] does the same for generated clients of other
// specs, whose generated operation table [WithOperations] adds.
//
// An upload (a multipart/form-data request) has a typed method taking a form
// struct whose files are [File]s; an export (a CSV or zip answer) one
// returning a [Stream], scrubbed and capped as it is read. The form is built
// in memory, at most [DefaultMaxUploadBytes], so that it can be resent under
// the retry rules of any operation.
//
// # Models
//
// The request and result types are generated (package api). Optional
// fields are plain values, left out of the JSON when zero, except booleans
// and numbers, where zero is a real value: those are pointers (set one with
// new(true)), read without a nil check through generated getters such as
// GetSuppressWelcomeEmail. A result is a success, so it carries no error
// fields; a warningMsg stays on it.
//
// # Credentials
//
// Organisation and partner API tokens, certificate keys (mutual TLS), OAuth
// access tokens (fixed or from a [TokenSource]) and partner scoping to a
// client organisation ([WithClientOrg]) each send
// exactly the headers Rhombus reads. [FromEnvironment] reads the variables and
// ~/.rhombus files of the vendor's command line tool. Credentials are sent
// over plain http only to a loopback host.
//
// A credential never comes back out of the package: the value it sends (a
// key, an OAuth token, every token a TokenSource gave during the call) is
// replaced by [REDACTED] wherever it occurs as it is, in any ASCII letter
// case, percent-encoded, in base64, or inside a JSON string once its
// escapes are decoded. This is done
// at two points: each answer as soon as it is read (status line, header and
// trailer names and values, body), so every result, warning and error field
// made from it is clean, APIError.Header included; and each error and
// [Event] on its way out, field by field. Credentials and clients print as
// their kind with %v, %+v and %#v; x-auth-org is not a secret.
//
// # RUUIDs
//
// The generated models carry the [RUUID] type (through x-go-type in the
// spec) rather than plain strings, so an identifier is typed where it is
// written and its methods (parse, conversion to and from UUIDs) are at hand.
// The type is a string so that an identifier from the server is kept exactly
// as sent, and encodes again as it was read. Validation therefore happens at
// the edge: every RUUID in a request, at any depth, is checked before
// anything is sent, whether the request is a typed value or a JSON body
// given to a generated ...WithBody method, and the error (*ValidationError)
// names the field's JSON path and the rule broken.
//
// # Errors and warnings
//
// Every failure is one of five types: *APIError (Rhombus answered with a
// failure: any non-200 status, a 200 with "error": true, or a responseStatus
// other than SUCCESS), *DecodeError (the answer could not be read),
// *ValidationError (refused before sending), *RequestError (no answer) and
// *OutcomeUnknownError (a write that may have been applied; never resent).
// Programs branch with errors.Is on the sentinels ([ErrUnauthorized],
// [ErrRateLimited], [ErrNotFound], ...), on an answer's responseStatus with
// [Status], and errors.As for the details. A warningMsg on a success stays on the result and also goes to an
// optional handler ([WithWarningHandler]) or logger ([WithLogger]).
package rhombus
