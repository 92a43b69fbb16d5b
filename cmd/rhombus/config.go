package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// configOptions configures the client like the vendor's command line tool,
// with the flags on top: a flag beats the environment, which beats the
// ~/.rhombus files. The flags have been validated already.
func configOptions(g *globals) ([]rhombus.Option, error) {
	// FromEnvironment reads the profile and the key from the process
	// environment only. Setting them from the flags here gives exactly the
	// vendor tool's precedence without reimplementing its file formats: an
	// API key from the flag still takes the profile's auth_type, is_partner
	// and endpoint_url, as RHOMBUS_API_KEY does.
	if g.profile != "" {
		if err := os.Setenv(rhombus.EnvProfile, g.profile); err != nil {
			return nil, err
		}
	}
	if g.apiKey != "" {
		if err := os.Setenv(rhombus.EnvAPIKey, g.apiKey); err != nil {
			return nil, err
		}
	}
	opts := []rhombus.Option{rhombus.FromEnvironment()}
	if g.partner {
		key := os.Getenv(rhombus.EnvAPIKey)
		if key == "" {
			return nil, &usageError{problems: []problem{{"--partner", "needs the key from --api-key or " + rhombus.EnvAPIKey +
				"; for a key in a profile, set is_partner = true in its section of ~/.rhombus/credentials instead"}}}
		}
		opts = append(opts, rhombus.WithCredential(rhombus.PartnerAPIToken(key)))
	}
	switch {
	case g.endpoint != "":
		opts = append(opts, rhombus.WithEndpoint(g.endpoint))
	case g.region != "":
		r, _ := parseRegion(g.region) // validated with the other flags
		opts = append(opts, rhombus.WithRegion(r))
	}
	if g.partnerOrg != "" {
		opts = append(opts, rhombus.WithClientOrg(rhombus.RUUID(g.partnerOrg)))
	}
	return opts, nil
}

// newClient builds the one client a command uses. Warnings go to stderr
// unless extra says otherwise; --verbose logs every request and response.
func newClient(a *app, g *globals, extra ...rhombus.Option) (*rhombus.Client, error) {
	opts, err := configOptions(g)
	if err != nil {
		return nil, err
	}
	opts = append(opts, rhombus.WithWarningHandler(func(_ context.Context, w rhombus.Warning) {
		fmt.Fprintln(a.stderr, w.String())
	}))
	opts = append(opts, extra...)
	if !g.verbose {
		c, err := rhombus.New(opts...)
		if err != nil {
			return nil, configError(err)
		}
		return c, nil
	}
	v := newVerbose(a.stderr, g.apiKey, os.Getenv(rhombus.EnvAPIKey))
	c, err := rhombus.New(append(opts, rhombus.WithHTTPClient(v.httpClient()), rhombus.WithObserver(v.observe))...)
	if err == nil {
		return c, nil
	}
	// A certificate credential needs the client's own *http.Transport for
	// its TLS settings, so no logging transport can wrap it; log the
	// attempts the client reports instead.
	c, err2 := rhombus.New(append(opts, rhombus.WithObserver(v.observe))...)
	if err2 != nil {
		return nil, configError(err)
	}
	fmt.Fprintln(a.stderr, "verbose: this credential needs the default HTTP transport; showing attempts, not the requests' headers and bodies")
	return c, nil
}

// configError is a client that cannot be built from the configuration:
// like a bad flag, it exits 2 before anything is sent.
func configError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "rhombus: ")
	switch {
	case strings.Contains(msg, "no API key"):
		msg += ", or pass --api-key"
	case strings.Contains(msg, "needs a partner credential"):
		msg += " (pass --partner when the API key is a partner API token)"
	}
	return &usageError{msg: "configuration: " + msg}
}
