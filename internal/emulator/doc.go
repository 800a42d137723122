// Package emulator is an in-memory Airbyte server for tests and local use.
//
// It serves the public API under /api/public/v1 (self-managed layout) and
// /v1 (Cloud layout), the Config API endpoints clients use under /api/v1,
// GET /health, and test controls under /_emulator (see adminRoutes). Its
// behaviour follows the Airbyte server's source, airbytehq/airbyte-platform
// at commit 310e6cb6ac0e7bd310fe99bfd505d5c36ba71f2e: BEHAVIOUR.md, beside
// this file, lists each behaviour with the upstream file it follows and the
// test that checks it, and what the emulator does not imitate. The package
// imports nothing from the client or provider packages, so tests against it
// mean something.
//
// Seed data: two workspaces, each with two sources and two destinations,
// whose catalogs stand in for discovery. Ids derive from Options.Seed. Jobs
// advance lazily from Options.Now on every request, so an injected clock
// makes tests instant. Options.SeedFile (see ParseSeedFile and
// SEED_FILES.md) replaces the built-in workspaces with the user's own.
//
// Stats keys are the method plus the route pattern relative to the public
// root ("GET /connections/{connectionId}", "POST /applications/token",
// "GET /health"), whichever of /api/public/v1 and /v1 was used; Config API
// routes keep their prefix ("POST /api/v1/state/get"); requests matching no
// route count as "unmatched". Admin requests are never counted.
package emulator
