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

const registerDeviceUsage = `
Registers hardware before it comes online; the registration completes when
the device first connects.

Flags (each sets the request field named in brackets):
  --serial-number TEXT   serial number of the device [serialNumber] (required)
  --org-uuid RUUID       organisation [orgUuid] (default: the key's own)
  --location-uuid RUUID  location [locationUuid]
  --wifi-ssid TEXT       Wi-Fi network name [wifiSsid]
  --wifi-psk BASE64      Wi-Fi pre-shared key as standard base64 [wifiPsk]; repeatable
  --cli-input-json FILE  the request body as JSON (- for stdin); flags given
                         explicitly override its fields

Example:
  rhombus register-device --serial-number RH123456789 --wifi-ssid Office_WiFi \
      --wifi-psk aSDinaTvuI8gbWludGxpZnk= --output table
`

const createUserUsage = `
Creates a user in the organisation. A user whose email exists already is
refused (USER_EXISTS, exit 1).

Flags (each sets the request field named in brackets):
  --email ADDRESS                       [email] (required)
  --name TEXT                           [name]
  --permission-group-uuid RUUID         [permissionGroupUuid]
  --app APP                             [accessibleRhombusApps]; repeatable:
                                        PARTNER, CONSOLE, RHOMBUS_KEY, UNKNOWN
  --suppress-welcome-email[=BOOL]       [suppressWelcomeEmail]
  --suppress-rhombus-key-welcome-email[=BOOL]
                                        [suppressRhombusKeyWelcomeEmail]
  --bypass-saml[=BOOL]                  [rhombusKeySettings.bypassSaml]
  --remote-unlock[=BOOL]                [rhombusKeySettings.remoteUnlockEnabled]
  --rhombus-key-access[=BOOL]           [rhombusKeySettings.rhombusKeyAccessEnabled]
  --max-mobile-creds N                  [...credentialProvisioningRules.maxMobileCredsAllowed]
  --start-date RFC3339                  [...credentialProvisioningRules.startDateProvisioner]
  --end-date RFC3339                    [...credentialProvisioningRules.endDateProvisioner]
  --cli-input-json FILE                 the request body as JSON (- for stdin); flags
                                        given explicitly override its fields

A boolean flag left out leaves its field unset; --bypass-saml alone means true.
Dates are RFC 3339 (2024-01-31T09:00:00Z) and are sent as epoch seconds.

Example:
  rhombus create-user --email jane.doe@example.com --name "Jane Doe" --app CONSOLE
`

const deviceLicensesUsage = `
Lists the device licenses of an organisation: a partner's view of a client
organisation (the vendor marks the operation deprecated).

Flags:
  --org-uuid RUUID       organisation [orgUuid] (required)
  --cli-input-json FILE  the request body as JSON (- for stdin); --org-uuid overrides it

Example:
  rhombus --partner --api-key KEY device-licenses --org-uuid AAAAAAAAAAAAAAAAAAAAAA --output table
`

const bulkFlagsUsage = `
Flags:
  --csv FILE            the rows to send (required)
  --results FILE        the results file (default FILE.results.csv)
  --concurrency N       rows in flight at once (default 4)
  --rate R              a fixed rate, requests a second; by default the rate is learned:
                        from 10/s it speeds up while answers succeed (to 100/s at
                        most) and slows down on 429 answers
  --burst N             requests sent at once after a pause (default 20)
  --no-limit            no client-side pacing at all (429 answers are still waited out)
  --skip-invalid        send the valid rows, report the invalid ones as skipped
  --resend-unknown      resend rows whose outcome is unknown (check them first)

Every row is checked before anything is sent; invalid rows are reported with
their line number, field and rule, and nothing is sent unless all rows are
valid or --skip-invalid is given (and then not when every row is invalid:
that exits 2, as a bad row does without it).

The results file gets a line per row as soon as the row ends (line, key,
outcome, uuid, detail, retry_safe), flushed to disk. Outcomes:
  created  done (uuid: createUser's userUuid)
  failed   refused by Rhombus (4xx, 429, a refusal in a 200) or never sent;
           retry_safe says a resend cannot create anything twice
  unknown  may have been applied: the connection broke, the server failed
           (5xx), or the run was killed while the request was in flight
  skipped  invalid, with --skip-invalid
Running the same command again resumes: created rows are not sent again,
retry-safe failed and skipped rows are, and unknown rows are listed for you
to check and resent only with --resend-unknown (a resend that finds the row
existing records it as created). Ctrl-C stops starting new rows and waits
for those in flight; a second Ctrl-C abandons them, leaving them unknown.
`

const registerDevicesUsage = `
Registers the devices of a CSV file (createPendingRegistration per row).

Columns (header row required, any order, unknown columns refused):
  serialNumber (required), orgUuid, locationUuid, wifiSsid,
  wifiPsk (standard base64; several separated by ;)
` + bulkFlagsUsage + `
Example:
  rhombus register-devices --csv devices.csv --concurrency 8
`

const createUsersUsage = `
Creates the users of a CSV file (createUser per row).

Columns (header row required, any order, unknown columns refused):
  email (required), name, permissionGroupUuid, apps (separated by ;),
  suppressWelcomeEmail, suppressRhombusKeyWelcomeEmail, bypassSaml,
  remoteUnlockEnabled, rhombusKeyAccessEnabled (true or false),
  maxMobileCredsAllowed, startDate, endDate (RFC 3339)
` + bulkFlagsUsage + `
Example:
  rhombus create-users --csv users.csv --results users.results.csv
`

const demoUsage = `
Starts a fake Rhombus API inside this program, makes the three calls
through the Go client, and shows a warning and a refused duplicate. It needs
no account, no network and no flags.
`

const callUsage = `
  rhombus call OPERATION_ID [--data JSON|@FILE|-] [--file FIELD=@PATH]... [--output-file PATH] [--all]

Calls any operation of openapi.yaml, or of the whole Rhombus API, by its
operationId (rhombus operations lists them), with the same credentials,
checks, retries, errors and exit status as the other commands. Every RUUID
of the body is checked before sending. An operation of the whole API that
openapi.yaml does not carry is treated as a write: never resent once it may
have reached the server.

  --data JSON   the request body, a JSON object (default {}); @FILE reads a
                file, - reads standard input. For an upload (a multipart
                form) its fields are the form's text fields
  --file FIELD=@PATH
                for an upload: send the file at PATH (- reads standard
                input) as the form's field FIELD, for example file=@plan.png;
                repeatable. The form is at most 64 MiB
  --output-file PATH
                write the answer to PATH instead of standard output. An
                export's answer (CSV, zip) is written as it came, not as JSON
  --all         for an operation that answers in pages (x-rhombus-pagination):
                walk every page, following its cursor, and write each item of
                its list as one JSON object per line (NDJSON), as it comes
`

const operationsUsage = `
Lists the operations of openapi.yaml that rhombus call can call, with their
path and whether they are resent after a failure (reads) or not (writes).

  --all         also list every other operation of the whole Rhombus API
`

const ruuidUsage = `
  rhombus ruuid UUID|RUUID...

Rhombus identifies every object by a RUUID: the 16 bytes of a UUID in
22 characters of base64url. Each argument in the standard UUID form
(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx) is converted to its RUUID, and each
RUUID to its UUID; the output says which was done. An argument that is
neither stops it, with nothing printed.

Example:
  rhombus ruuid 123e4567-e89b-12d3-a456-426614174000 --output table
`

const versionUsage = `
Prints the version of this command line (the one its requests send in their
User-Agent), the Go release that built it, and the commit it was built from
when the build recorded one.
`

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
