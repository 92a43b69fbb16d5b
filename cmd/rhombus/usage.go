package main

import (
	"fmt"
	"strings"
)

// The usage texts are written by hand, for people; a test checks that every
// flag a command accepts appears in its text.

func mainUsage() string {
	var b strings.Builder
	b.WriteString(`rhombus calls the Rhombus API (cloud physical security) from the command line.

Usage:
  rhombus [global flags] <command> [flags]
  rhombus help [command]
  rhombus --version

Commands:
`)
	for _, c := range built() {
		fmt.Fprintf(&b, "  %-18s %s\n", c.name, c.summary)
	}
	b.WriteString(globalUsage)
	b.WriteString(`
Configuration, as for the vendor's command line tool: RHOMBUS_API_KEY,
RHOMBUS_ENDPOINT_URL and RHOMBUS_PROFILE, then the [profile] sections of
~/.rhombus/credentials (api_key, auth_type, cert_file, key_file, is_partner)
and ~/.rhombus/config (endpoint_url). Flags override both.

Exit status: 0 success; 1 the API refused or failed a call, or a bulk row
failed or has an unknown outcome; 2 bad flags or input (nothing was sent).
`)
	// A build without the fake has no demo to point a newcomer to.
	if fakeBuilt {
		b.WriteString("\nNew here? Run: rhombus demo\n")
	} else {
		b.WriteString("\nNew here? Run: rhombus help register-device\n")
	}
	return b.String()
}

const globalUsage = `
Global flags (before or after the command):
  --profile NAME        profile in ~/.rhombus (default $RHOMBUS_PROFILE, else "default")
  --api-key KEY         API key (default $RHOMBUS_API_KEY, else the profile's api_key);
                        other users can see it in the process list, so prefer those
  --partner             the API key is a partner API token (else the profile's is_partner)
  --partner-org RUUID   act inside this client organisation (x-auth-org); needs a partner key
  --endpoint-url URL    API base URL (default $RHOMBUS_ENDPOINT_URL, else the profile's
                        endpoint_url, else the region's)
  --region us|eu        use the region's endpoint; a key works only in its own region
  --output json|table   output format (default json: the API's answer as decoded)
  --verbose             log each request and response to stderr, credentials [REDACTED]
  --limit-url URL       share the organisation's rate limit with other processes and
                        machines through Redis: redis://HOST:PORT/DB (default
                        $RHOMBUS_LIMIT_URL); without it each process paces itself
  --limit-key NAME      the shared limit's name: one per organisation (default
                        $RHOMBUS_LIMIT_KEY, else --partner-org, else the profile)
`

func commandUsage(c *command) string {
	return fmt.Sprintf("rhombus %s: %s\n\nUsage:\n  rhombus %s [flags]\n%s%s", c.name, c.summary, c.name, c.usage, globalUsage)
}
