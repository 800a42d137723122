// Package emulator is an in-memory Airbyte server for tests and local use.
//
// It serves the public API under /api/public/v1 (self-managed layout) and
// /v1 (Cloud layout), the two Config API endpoints the provider needs under
// /api/v1, GET /health, and test controls under /_emulator (see
// adminRoutes). It is an independent implementation of the server's
// behaviour as described in the shared REFERENCE.md, and imports nothing
// from the client or provider packages, so tests against it mean
// something.
//
// Seed data: two workspaces, each with two sources (four or more
// discovered streams each; one CDC source per workspace whose syncs write
// global state) and two destinations (one supporting every destination
// sync mode, one only overwrite, append and append_dedup). Ids derive from
// Options.Seed. Jobs advance lazily from Options.Now on every request, so an
// injected clock makes tests instant.
//
// Stats keys are the method plus the route pattern relative to the public
// root ("GET /connections/{connectionId}", "POST /applications/token",
// "GET /health"), whichever of /api/public/v1 and /v1 was used; Config API
// routes keep their prefix ("POST /api/v1/state/get"); requests matching no
// route count as "unmatched". Admin requests are never counted.
//
// # Where we follow the server rather than the spec
//
//   - Unknown connection, source, destination, workspace and job ids answer
//     403 forbidden (the server's role check fails before the lookup), not
//     404; Options.UnknownIDStatus = 404 gives the instance-admin behaviour.
//   - DELETE /connections/{id} is a soft delete: the connection is still
//     readable with status "deprecated", listed only with includeDeleted,
//     and a second DELETE answers 204 again.
//   - Schedules read back with " UTC" appended to the cron expression; a
//     trailing "UTC" is stripped on input. Quartz cron expressions (6 or 7
//     fields, seconds first) are required, so 5-field Unix crons are 400.
//   - Pagination: next is set whenever the page is non-empty (so a client
//     makes one extra call that returns no data), previous whenever offset
//     is not 0. Links carry only what the server's mappers put in them:
//     includeDeleted and comma-joined workspaceIds for connections,
//     sources, destinations and workspaces (tagIds are dropped); jobType and
//     connectionId or workspaceIds for jobs (orderBy, status and date
//     filters are dropped).
//   - GET /jobs defaults to createdAt|ASC; POST /jobs answers 409
//     try-again-later while any job of the connection is unfinished, and
//     422 for jobType refresh; a clear request starts a job of type reset.
//   - DELETE /jobs/{id} answers 200 with the cancelled job, and 409
//     state-conflict once the job has finished.
//   - JobResponse.startTime and lastUpdatedAt use Java's
//     OffsetDateTime.toString format (seconds omitted when zero); duration
//     uses Java's Duration format ("PT5M7S").
//   - Problem bodies are sent as application/json with documentationUrl
//     null; malformed or mistyped JSON bodies (and unknown enum values) are
//     422 {"errorId"}, empty bodies and out-of-range limit/offset are 400
//     {"errorId"}, bad client credentials are 401 {"errorId"}, and an
//     unknown connection in the Config API's web_backend call is 404
//     {"errorId"}. None of these bodies is in api.yaml.
//   - POST /applications/token accepts JSON and form bodies, with or
//     without grant_type (the spec requires it and spells it grant-type).
//   - POST /api/v1/state/get does not check that the connection exists.
//   - The Config API's AirbyteStream is sent with jsonSchema (what the
//     server sends) although config.yaml requires json_schema and forbids
//     additional properties.
//   - Sync-mode validation messages print enum values the way the Kotlin
//     server does (upper-case names in a Java list); the list of valid modes
//     is in enum declaration order, where the server's set has no order.
//   - A primary key equal to the source-defined one is accepted; only a
//     different key is "already pre-defined".
//
// # Choices where the reference leaves the behaviour open
//
//   - Absent optional fields are omitted rather than sent as null, so
//     responses validate against api.yaml (OpenAPI 3.1 types are not
//     nullable); clients must treat absent and null alike anyway.
//   - A deleted source or destination answers 404 resource-not-found to
//     GET and DELETE whatever UnknownIDStatus says (it still resolves to its
//     workspace, so only the lookup fails), and cannot be used in new
//     connections. Deleting a destination soft-deletes its connections like
//     deleting a source does; soft-deleting a connection cancels its
//     unfinished jobs.
//   - A connection created without a name is named "<source> → <destination>".
//   - PATCH of a deprecated connection is allowed; PATCH of a locked one is
//     409 ConnectionLockedProblem. POST /jobs on a deprecated connection is
//     409 try-again-later.
//   - Quartz expressions must have "?" in exactly one of the day-of-month
//     and day-of-week fields, as Quartz and cron-utils require.
//   - A successful sync of a non-CDC source writes stream state only for
//     its incremental streams and leaves the state alone when there are
//     none; a successful reset clears the state.
//   - Workspace filters naming unknown workspaces answer 403 in the default
//     mode and match nothing in 404 mode.
//   - Faults (latency, rate limit, failures, lost responses) apply to every
//     public and Config API route including the token endpoint, but not to
//     /health or /_emulator.
package emulator
