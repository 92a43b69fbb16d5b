package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// setup is the configuration a command runs with: the options that build
// its client, and the profile and where it came from, for messages.
type setup struct {
	opts          []rhombus.Option
	profile       string // the profile read, "default" when none was named
	profileSource string // "--profile", "RHOMBUS_PROFILE", or "" for the default
}

// configure reads the configuration like the vendor's command line tool,
// with the flags on top: a flag beats the environment, which beats the
// ~/.rhombus files. The flags have been validated already.
func configure(a *app, g *globals) (*setup, error) {
	cfg := rhombus.Config{
		Profile:     a.getenv(rhombus.EnvProfile),
		APIKey:      a.getenv(rhombus.EnvAPIKey),
		EndpointURL: a.getenv(rhombus.EnvEndpointURL),
		Home:        a.home(),
	}
	// A variable set to "" is unset, as in the vendor's tool and
	// rhombus.FromEnvironment; one of only white space is a mistake, unless
	// a flag overrides it.
	onlySpace := func(v string) bool { return v != "" && strings.TrimSpace(v) == "" }
	switch {
	case g.profile == "" && onlySpace(cfg.Profile):
		return nil, &usageError{msg: "configuration: " + rhombus.EnvProfile + " is only white space: unset it, or give a value"}
	case g.endpoint == "" && onlySpace(cfg.EndpointURL):
		return nil, &usageError{msg: "configuration: " + rhombus.EnvEndpointURL + " is only white space: unset it, or give a value"}
	case onlySpace(g.endpoint):
		return nil, &usageError{problems: []problem{{"--endpoint-url", "must not be only white space"}}}
	}
	st := &setup{profileSource: rhombus.EnvProfile}
	if g.profile != "" {
		cfg.Profile, st.profileSource = g.profile, "--profile"
	}
	if cfg.Profile == "" {
		st.profile, st.profileSource = rhombus.DefaultProfile, ""
	} else {
		st.profile = cfg.Profile
	}
	if g.apiKey != "" {
		cfg.APIKey = g.apiKey
	}
	if g.endpoint != "" {
		cfg.EndpointURL = g.endpoint
	}
	st.opts = []rhombus.Option{rhombus.FromConfig(cfg)}
	if g.partner {
		if cfg.APIKey == "" {
			return nil, &usageError{problems: []problem{{"--partner", "needs the key from --api-key or " + rhombus.EnvAPIKey +
				"; for a key in a profile, set is_partner = true in its section of ~/.rhombus/credentials instead"}}}
		}
		st.opts = append(st.opts, rhombus.WithCredential(rhombus.PartnerAPIToken(cfg.APIKey)))
	}
	if g.region != "" && g.endpoint == "" {
		r, _ := parseRegion(g.region) // validated with the other flags
		st.opts = append(st.opts, rhombus.WithRegion(r))
	}
	if g.partnerOrg != "" {
		st.opts = append(st.opts, rhombus.WithClientOrg(rhombus.RUUID(g.partnerOrg)))
	}
	return st, nil
}

// describe names the profile and endpoint, for --verbose and errors.
func (st *setup) describe(endpoint string) string {
	s := "profile " + st.profile
	if st.profileSource != "" {
		s += " (from " + st.profileSource + ")"
	}
	return s + ", endpoint " + endpoint
}

// newClient builds the one client a command uses. Warnings go to stderr
// unless extra says otherwise; --verbose logs every request and response;
// on a terminal, each retry is announced on stderr.
func newClient(a *app, g *globals, extra ...rhombus.Option) (*rhombus.Client, error) {
	st, err := configure(a, g)
	if err != nil {
		return nil, err
	}
	opts := append(st.opts, rhombus.WithWarningHandler(func(_ context.Context, w rhombus.Warning) {
		fmt.Fprintln(a.stderr, w.String())
	}))
	shared, err := commandLimiter(a, g)
	if err != nil {
		return nil, err
	}
	opts = append(opts, shared...)
	opts = append(opts, extra...)
	var observers []func(rhombus.Event)
	if a.stderrIsTerminal() && !g.verbose {
		observers = append(observers, retryNotice(a))
	}
	var v *verbose
	if g.verbose {
		v = newVerbose(a.stderr)
		observers = append(observers, v.observe)
	}
	if len(observers) > 0 {
		opts = append(opts, rhombus.WithObserver(func(e rhombus.Event) {
			for _, o := range observers {
				o(e)
			}
		}))
	}
	var c *rhombus.Client
	if v == nil {
		c, err = rhombus.New(opts...)
	} else {
		c, err = rhombus.New(append(opts, rhombus.WithHTTPClient(v.httpClient()))...)
		if err != nil {
			// A certificate credential needs the client's own *http.Transport
			// for its TLS settings, so no logging transport can wrap it; log
			// the attempts the client reports instead.
			if c2, err2 := rhombus.New(opts...); err2 == nil {
				fmt.Fprintln(a.stderr, "verbose: this credential needs the default HTTP transport; showing attempts, not the requests' headers and bodies")
				c, err = c2, nil
			}
		}
	}
	if err != nil {
		return nil, st.configError(a, g, err)
	}
	a.where = st.describe(c.BaseURL())
	if v != nil {
		v.printf(nil, "~ %s", a.where)
	}
	return c, nil
}

// configError is a client that cannot be built from the configuration:
// like a bad flag, it exits 2 before anything is sent.
func (st *setup) configError(a *app, g *globals, err error) error {
	msg := strings.TrimPrefix(err.Error(), "rhombus: ")
	switch {
	case errors.Is(err, rhombus.ErrNoCredentials):
		msg += ", or pass --api-key"
	case errors.Is(err, rhombus.ErrNoEndpoint):
		msg += ", or pass --endpoint-url or --region"
	case strings.HasPrefix(msg, "endpoint "): // the wrapper refused the URL
		msg += " (" + endpointSource(g, a.getenv, st.profile) + ")"
	case g.partnerOrg != "" && !g.partner:
		msg += " (--partner-org needs a partner credential: pass --partner when the API key is a partner API token)"
	}
	if st.profileSource != "" && (errors.Is(err, rhombus.ErrNoCredentials) || errors.Is(err, rhombus.ErrNoEndpoint)) {
		msg += " (the profile is from " + st.profileSource + ")"
	}
	return &usageError{msg: "configuration: " + msg}
}
