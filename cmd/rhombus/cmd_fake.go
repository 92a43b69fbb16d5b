//go:build !nofake

package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"strings"
	"syscall"

	"github.com/rhombuskit/rhombus-go/fullapi/fullops"
	"github.com/rhombuskit/rhombus-go/rhombustest"
)

var fakeCmd = &command{
	name: "fake", summary: "serve the fake Rhombus API on loopback for tests in any language",
	usage: fakeUsage, flags: func(fs *flag.FlagSet) { (&fakeFlags{}).register(fs) },
	run: runFake, fake: true,
}

// runFake serves the fake Rhombus API as a process, for tests in any
// language, until an interrupt or SIGTERM. The first lines of standard
// output say where and with what key, so a script can read them:
//
//	endpoint url: http://127.0.0.1:PORT
//	api key: KEY
//	partner api key: KEY
//	client organisation: RUUID   (a client of the partner; the api key's own)
//	permission group: RUUID      (in the client organisation)
func runFake(a *app, g *globals, args []string) error {
	var f fakeFlags
	fs := newFlagSet("fake", g)
	f.register(fs)
	set, err := parseFlags(fs, args, g)
	if err != nil {
		return err
	}
	switch {
	case f.rateLimit < 0 || math.IsNaN(f.rateLimit) || math.IsInf(f.rateLimit, 0):
		return &usageError{problems: []problem{{"--rate-limit", fmt.Sprintf("must be a number of requests a second, 0 for no limit, got %v", f.rateLimit)}}}
	case f.burst < 1:
		return &usageError{problems: []problem{{"--burst", fmt.Sprintf("must be at least 1, got %d", f.burst)}}}
	case set["burst"] && f.rateLimit == 0:
		return &usageError{problems: []problem{{"--burst", "is the rate limit's burst; it needs --rate-limit"}}}
	case f.keepRequests < 0:
		return &usageError{problems: []problem{{"--keep-requests", fmt.Sprintf("must be 0 or more, got %d", f.keepRequests)}}}
	case f.keepBody < 0:
		return &usageError{problems: []problem{{"--keep-body", fmt.Sprintf("must be 0 or more, got %d", f.keepBody)}}}
	}
	logf := func(format string, args ...any) { fmt.Fprintf(a.stderr, format+"\n", args...) }
	// What the process keeps of the requests it receives is bounded, so
	// its memory does not grow with what it is sent.
	opts := []rhombustest.Option{rhombustest.WithAddr(f.listen), rhombustest.WithLogf(logf),
		rhombustest.WithRequestLog(f.keepRequests, f.keepBody)}
	served := "openapi.yaml"
	switch f.spec {
	case "module":
	case "whole":
		opts, served = append(opts, rhombustest.WithSpec(fullops.Spec)), "the whole Rhombus API"
	default:
		return &usageError{msg: fmt.Sprintf("--spec must be module (openapi.yaml) or whole (every operation of the Rhombus API), got %q", f.spec)}
	}
	limited := ""
	if f.rateLimit > 0 {
		// The vendor's limit: one bucket per organisation, 429 with
		// Retry-After in whole seconds when it is empty.
		opts = append(opts, rhombustest.WithRateLimit(f.rateLimit, f.burst))
		limited = fmt.Sprintf(" Each organisation may send %v requests a second (bursts of %d); beyond that the answer is 429.", f.rateLimit, f.burst)
	}
	s := rhombustest.NewUnstartedServer(nil, opts...)
	err = s.Start()
	if errors.Is(err, syscall.EADDRINUSE) {
		return &usageError{msg: fmt.Sprintf("--listen: %s is in use by another program; give another port, or port 0 for a free one (--listen 127.0.0.1:0)", f.listen)}
	}
	if err != nil {
		return &usageError{msg: fmt.Sprintf("--listen: %v", err)}
	}
	ctx, stop := a.interruptContext()
	defer stop()
	// The client organisation and its permission group are what a partner
	// command names (--partner-org, --org-uuid, --permission-group-uuid).
	fmt.Fprintf(a.stdout, "endpoint url: %s\napi key: %s\npartner api key: %s\nclient organisation: %s\npermission group: %s\n",
		s.URL, s.Key(rhombustest.OrgAPIToken), s.Key(rhombustest.PartnerAPIToken), s.DefaultOrg(), s.PermissionGroup())
	fmt.Fprintf(a.stderr, "The fake Rhombus API is listening on %s (loopback only). Every operation of %s is served;%s Ctrl-C stops it.\nTry: RHOMBUS_API_KEY=<api key> rhombus --endpoint-url %s call getLocations --data '{}'\n", s.URL, served, limited, s.URL)
	if families, ops := s.Families(); len(families) > 0 {
		// What keeps state, so a user knows which answers follow their calls.
		fmt.Fprintf(a.stderr, "State is kept for %d resource families over %d operations (what is created comes back from their list and get): %s.\n", len(families), ops, strings.Join(families, ", "))
	}
	<-ctx.Done()
	s.Close()
	fmt.Fprintln(a.stderr, "The fake Rhombus API has stopped.")
	return nil
}

// fakeFlags are fake's flags.
type fakeFlags struct {
	listen, spec           string
	rateLimit              float64
	burst                  int
	keepRequests, keepBody int
}

func (f *fakeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.listen, "listen", "127.0.0.1:0", "")
	fs.StringVar(&f.spec, "spec", "module", "")
	fs.Float64Var(&f.rateLimit, "rate-limit", 0, "")
	fs.IntVar(&f.burst, "burst", bulkBurst, "")
	fs.IntVar(&f.keepRequests, "keep-requests", rhombustest.DefaultKeptRequests, "")
	fs.IntVar(&f.keepBody, "keep-body", rhombustest.DefaultKeptBody, "")
}

const fakeUsage = `
Serves the fake Rhombus API (the one the demo uses) as a process, so that
tests in any language can call it. It listens on loopback only, answers
every operation of openapi.yaml (the three modelled ones with state, the
others from the spec), logs one line per request on stderr, and stops
cleanly on Ctrl-C or SIGTERM. Standard output starts with

  endpoint url: http://127.0.0.1:PORT
  api key: KEY
  partner api key: KEY

  --listen HOST:PORT   where to listen (default 127.0.0.1:0, a free port);
                       the host must be a loopback address or localhost
  --spec module|whole  serve openapi.yaml (module, the default) or every
                       operation of the whole Rhombus API (whole), each
                       answered from the spec; organisation API keys only
  --rate-limit N       the vendor's rate limit: N requests a second per
                       organisation, answering 429 with Retry-After in whole
                       seconds beyond it (default 0: no limit)
  --burst N            the limit's burst: requests at once when the bucket
                       is full (default 20; needs --rate-limit)
  --keep-requests N    how many requests the fake keeps in memory, the last
                       ones (default 1000; 0 keeps none), so that its memory
                       does not grow with what it is sent
  --keep-body BYTES    how much of each kept request's body (default 65536)
`
