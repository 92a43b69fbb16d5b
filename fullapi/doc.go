// Package fullapi is the whole Rhombus API, typed: models and a client for
// every operation of the vendor's published document (upstream/openapi.json,
// pinned), generated through an automated repair step (internal/upstream)
// and the same generator options as package api. Nothing here is written by
// hand.
//
// Call it through the wrapper, so every operation gets credentials, the
// error and warning model, the rate limiter and the retry rules:
//
//	c, _ := rhombus.New(rhombus.FromEnvironment())
//	full, _ := fullapi.NewClientWithResponses(c.BaseURL(), fullapi.WithHTTPClient(c))
//
// An operation of this package that openapi.yaml does not carry has no
// recorded decision about resending, so the wrapper treats it as a write:
// it is resent only after a 429 or when the request provably never left.
// Operations imported into openapi.yaml with `make import` get the
// decisions recorded there, through package api.
//
// The package is large (about 250,000 lines); only programs that import it
// pay for compiling it.
package fullapi
