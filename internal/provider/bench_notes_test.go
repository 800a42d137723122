//go:build bench

package provider

// benchNotes closes BENCHMARKS.md: what was done to cut the provider's CPU time per connection,
// what each step gave, and what was tried or weighed and left. Its figures are not this run's:
// they were measured once per step, as it says, on the same machine, and are kept here because a
// run of the benchmark cannot measure commits it does not build.
const benchNotes = `## Notes: cutting the provider's CPU per connection

A CPU profile of the provider during a plan (` + "`BENCH_PROFILE_DIR`" + `, which sets the provider's
` + "`AIRBYTE_PROVIDER_CPU_PROFILE`" + `) and of ` + "`BenchmarkConnectionRPC`" + ` (` + "`-cpuprofile`, `-memprofile`" + `) put
about 85% of the time in terraform-plugin-framework's generic work over the connection's value: walks of every
value of a request (` + "`tftypes.Transform`" + `: null collection blocks, defaults, write-only attributes), converting
each value's path (for an element of the ` + "`configurations.streams`" + ` set the path holds the whole stream, which is
converted and printed for every value below it), computing schema types, semantic equality and plan modifiers; the
framework's TRACE logging another 8%; the provider's own code about 7%. The steps, each its own commit:

| Step | Measured | Saved |
|---|---|---|
| Nested attributes of the connection and stream schemas carry their type, computed once, as ` + "`CustomType`" + ` (the same type): the framework asked them for it at every value it walked and rebuilt it from the attributes each time | ` + "`BenchmarkConnectionRPC`" + `, B/op and allocs/op (exact) | ` + "`ReadResource`" + ` 12.20 → 10.72 MB and 139.2k → 129.0k allocations; ` + "`PlanResourceChange`" + ` 21.13 → 17.32 MB and 222.0k → 195.9k; a plan of 100 at 0 ms 105.6 → 93.9 ms per connection (−11%; two runs) |
| The SDK logs at the level terraform shows, unless ` + "`TF_LOG_SDK`" + ` is set: ` + "`main`" + ` sets ` + "`TF_LOG_SDK`" + ` from ` + "`TF_LOG_PROVIDER`" + `, else ` + "`TF_LOG`" + ` (OFF when neither is set), as terraform reads them; before, the SDK and the framework formatted a TRACE line for every attribute of every request and terraform dropped it | plan and refresh of 100 at 0 ms, one run each, both providers in the same run | plan 93.9 → 82.5 ms per connection (−12%), refresh 48.2 → 40.8 (−15%) |
| The masked AES keys of encryption mappers are looked up in the prior streams only when the connection has an encryption mapper | ` + "`BenchmarkConnectionRPC`" + ` | ` + "`ReadResource`" + ` 10.72 → 10.11 MB, 129.0k → 120.8k allocations |
| ` + "`stream_names`" + ` reads the names of the planned streams without converting every stream | ` + "`BenchmarkConnectionRPC`" + ` | ` + "`PlanResourceChange`" + ` 17.32 → 16.75 MB, 195.9k → 188.2k allocations |

Tried or weighed, and left:

- **The newest framework.** v1.19.0, which the provider uses, is the newest terraform-plugin-framework release the
  Go module proxy serves (and v0.31.0 of terraform-plugin-go).
- **Dropping defaults, plan modifiers or semantic equality.** The framework's defaults pass, semantic equality and
  plan modifiers walk the whole value whatever the schema declares (none of them stops early when no attribute needs
  it), so taking ` + "`Default`" + ` off ` + "`delete_source_on_destroy`" + ` or the JSON type off the mapper settings would save
  nothing measurable and change behaviour.
- **A type that caches its Terraform type.** A custom object type would spare the framework rebuilding the
  Terraform type of a stream (about 10%), but its values would be of another type than ` + "`types.Object`" + `, which every
  conversion of streams and mappers, and the framework's element type checks, would have to follow.
- **Answering an unchanged plan without the framework.** Half of the CPU is ` + "`PlanResourceChange`" + `; when the proposed
  state is the prior one the plan is usually the prior state, but the resource's plan-time checks (the streams against
  the source's catalog, state loss, tags) and identity still have to run, so a shortcut would hide their diagnostics.
- **A larger ` + "`GOGC`" + `.** Less garbage collection for more memory; peak memory must not grow.

What is left is the framework's: its cost per connection grows with the number of values in the connection and the
size of a stream's type (the mapper settings of every kind), several times over per request. The target of 15 ms per
connection for a plan of 300 needs the framework to stop converting and printing set element paths for every value it
walks (or to walk only where the schema has defaults, collection blocks or write-only attributes), or the provider to
plan connections outside the framework.
`
