// Package rhombustest is an in-process fake of the Rhombus API for tests,
// shaped like net/http/httptest. It links neither testing nor httptest, so
// programs run it too: the command line's demo, and `rhombus fake`, which
// serves it as a process for tests in any language.
//
//	s := rhombustest.NewServer(t)
//	_, err := s.Client().CreateUser(ctx, api.CreateUserRequest{Email: email, Name: name})
//	users := s.Users(s.DefaultOrg())
//
// The whole surface, in the order a test meets it:
//
//   - NewServer(t, opts...) starts a server and closes it when the test
//     ends; NewUnstartedServer(t, opts...) lets a test seed or script
//     first, then Start. A program passes a nil t, checks Start's error
//     and calls Close. Options are set at construction: WithSpec,
//     WithRateLimit, WithRequestLog, WithAddr, WithLogf, WithoutDefaults.
//   - s.URL; s.HTTPClient() for raw requests; s.Client(opts...), the
//     wrapper client, with DefaultOrg's API token unless opts name another
//     credential (rhombus.WithCredential(s.Credential(kind))). A
//     Credential's EditRequest serves the generated client too; s.Key(kind)
//     is the seeded key itself.
//   - Seeding: AddOrg, AddPartner, AddAPIKey, AddPermissionGroup,
//     AddLicense (NewDeviceLicense); the defaults: DefaultOrg,
//     DefaultPartner, PermissionGroup.
//   - Answers: Fail(op, fault) with a Fault (RateLimited(d).Times(2),
//     ServerError(503).Always(), ...), ClearFaults; Handle and ServePages.
//   - Inspection: Requests, Users, Registrations, Licenses, Families, and
//     the counters Connections, RateLimited, DroppedRequests.
//
// What it is for:
//
//   - It answers like the real API from the same spec the client is generated
//     from (openapi.yaml, embedded in the module root): every request is validated with kin-openapi
//     (path, method, Content-Type, credentials, body schema including RUUID
//     formats and enums), and a request the spec forbids gets the answer the
//     real API gives (400, 401 or 403 with the vendor's bodies).
//   - It answers every operation of the spec: the three it models with
//     state (below), every other one with the 200 example the spec gives,
//     else an answer built from the schema (the same on every run). Handle
//     answers an operation a test's own way; WithSpec serves another
//     document, such as the whole API's.
//   - It keeps state per organisation: pending registrations (a duplicate
//     serial number is refused), users (a duplicate email is USER_EXISTS),
//     permission groups and device licenses, which a test arranges and
//     checks with the seeding and inspection methods above. A spec whose
//     operations carry x-rhombus-resource (the whole API's do: users,
//     locations, policies, ...) has state for those resource families too:
//     what a family's create makes comes back from its list and get,
//     update changes it, delete removes it, and an unknown RUUID gets the
//     envelope's failure (Families lists them).
//   - It keeps the document's own rules: no writeOnly property in an
//     answer, and an operation that declares only a default answer gets
//     its refusals in that answer's shape.
//   - It fails on demand: Fail scripts faults per operation and per call
//     (429 with Retry-After, 5xx, 401, 403, a 200 with "error": true, a
//     success with warningMsg, malformed or truncated JSON, a wrong content
//     type, a slow answer, a connection closed before or after the request
//     is applied), WithRateLimit runs the vendor's token bucket per
//     organisation, and Connections counts accepted TCP connections so a
//     test can prove keep-alive reuse.
//   - It checks itself: every answer it builds (injected faults aside) is
//     validated against the spec, and a violation fails the test that owns
//     the server; a client from Client checks each answer again from its
//     own side.
//
// What it must not do: it listens on the loopback interface only and never
// opens any other network connection; it is not a production server, a
// proxy or a recorder of the real API. Its keys are random per server and
// are never written to a log line, an error message or Requests (those
// headers are redacted). It does not check TLS client certificates: a
// certificate key is accepted on its key alone.
package rhombustest
