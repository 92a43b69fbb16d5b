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
// ~/.rhombus files of the vendor's command line tool. Credentials never appear
// in errors, logs or the %v of any value this package returns, and are sent
// over plain http only to a loopback host.
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
// [ErrRateLimited], [ErrUserExists], [ErrNotFound], ...) and errors.As for the
// details. A warningMsg on a success stays on the result and also goes to an
// optional handler ([WithWarningHandler]) or logger ([WithLogger]).
package rhombus
