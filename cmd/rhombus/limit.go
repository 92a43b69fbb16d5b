package main

import (
	"fmt"

	"github.com/redis/go-redis/v9/logging"

	"github.com/rhombuskit/rhombus-go/redislimit"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// The environment variables of the shared rate limit.
const (
	envLimitURL = "RHOMBUS_LIMIT_URL"
	envLimitKey = "RHOMBUS_LIMIT_KEY"
)

// The bulk commands' pacing: unless --rate fixes it, the rate is learned
// from a cautious start up to ten times that, since the organisation's rate
// is not known in advance (older documentation says 10/s; organisations
// get more).
const (
	bulkBurst   = 20
	bulkMaxRate = 10 * rhombus.DefaultRate
)

// limiter is the bulk run's limiter: none with --no-limit, fixed with
// --rate, else learned; shared through Redis with --limit-url.
func (f *bulkFlags) limiter(a *app, g *globals) (rhombus.RateLimiter, error) {
	if f.noLimit {
		return nil, nil
	}
	adaptive := !f.set["rate"]
	if url := limitURL(a, g); url != "" {
		var opts []redislimit.Option
		if adaptive {
			opts = append(opts, redislimit.Adaptive(), redislimit.MaxRate(bulkMaxRate))
		}
		return sharedLimiter(a, g, url, f.rate, f.burst, opts...)
	}
	var opts []rhombus.LimiterOption
	if adaptive {
		opts = append(opts, rhombus.Adaptive(), rhombus.MaxRate(bulkMaxRate))
	}
	l, err := rhombus.NewLimiter(f.rate, f.burst, opts...)
	if err != nil {
		return nil, &usageError{msg: err.Error()}
	}
	return l, nil
}

// commandLimiter is the limiter of a single call: the shared one with
// --limit-url, else the client's default.
func commandLimiter(a *app, g *globals) ([]rhombus.Option, error) {
	url := limitURL(a, g)
	if url == "" {
		return nil, nil
	}
	l, err := sharedLimiter(a, g, url, rhombus.DefaultRate, rhombus.DefaultBurst)
	if err != nil {
		return nil, err
	}
	return []rhombus.Option{rhombus.WithLimiter(l)}, nil
}

func limitURL(a *app, g *globals) string {
	if g.limitURL != "" {
		return g.limitURL
	}
	return a.getenv(envLimitURL)
}

// sharedLimiter connects the limit shared through Redis. Its key names the
// organisation: --limit-key, else the partner organisation acted in, else
// the profile, so runs of one profile on several machines share it.
func sharedLimiter(a *app, g *globals, url string, rate float64, burst int, opts ...redislimit.Option) (rhombus.RateLimiter, error) {
	key := g.limitKey
	if key == "" {
		key = a.getenv(envLimitKey)
	}
	if key == "" {
		key = g.partnerOrg
	}
	if key == "" {
		key = "profile:" + profileName(a, g)
	}
	opts = append(opts, redislimit.WithWarning(func(err error) {
		if err != nil {
			fmt.Fprintln(a.stderr, "rhombus:", err)
			return
		}
		fmt.Fprintln(a.stderr, "rhombus: redislimit: Redis is back; the rate limit is shared again")
	}))
	l, err := redislimit.FromURL(url, key, rate, burst, opts...)
	if err != nil {
		// FromURL's error holds no password; it names the rule broken.
		return nil, &usageError{problems: []problem{{limitURLSource(g), err.Error()}}}
	}
	// go-redis logs a line of its own on standard error for each failed
	// dial; the warning above already says, once per outage, what failed
	// and what the command does about it.
	logging.Disable()
	return l, nil
}

// limitURLSource names where the Redis URL came from, for its errors.
func limitURLSource(g *globals) string {
	if g.limitURL != "" {
		return "--limit-url"
	}
	return envLimitURL
}

// profileName is the profile the command reads, as configure chooses it.
func profileName(a *app, g *globals) string {
	if g.profile != "" {
		return g.profile
	}
	if p := a.getenv(rhombus.EnvProfile); p != "" {
		return p
	}
	return rhombus.DefaultProfile
}
