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
| The plan shortcut: the provider's plugin server answers ` + "`PlanResourceChange`" + ` of a connection whose proposed new state is its prior state (Terraform encodes both, so equal values are equal bytes), with its two defaults holding, with the prior state, as the framework would; anything else goes to the framework | ` + "`BenchmarkConnectionRPC`" + ` (the ` + "`PlanResourceChangeFramework`" + ` row is the framework answering the same request) | ` + "`PlanResourceChange`" + ` about 50 ms → 0.01 ms, 16.75 MB → 1.6 kB, 188.2k → 39 allocations |
| The read shortcut: a framework read that reports nothing leaves a fingerprint in the private state, a SHA-256 digest of the state it made (sets and object attributes in canonical order, so Terraform's encoding digests the same) and of the Airbyte record it read, with the build and the web UI root; a read whose state and record (from the same listing) give that fingerprint again keeps the state | ` + "`BenchmarkConnectionRPC`" + ` | ` + "`ReadResource`" + ` about 30 ms → 0.2 ms, 10.1 MB → 48 kB, 120.8k → 987 allocations; with the plan shortcut, a plan of 300 at 50 ms 94.9 → 10.4 ms per connection (one run of ` + "`BENCH_SIZES=300 BENCH_REPS=1`" + `, not the run above) |
| The upgrade shortcut: ` + "`UpgradeResourceState`" + ` of a state of the schema's version makes the framework's own library calls (terraform-plugin-go's JSON decoding into the schema's type, then its MessagePack encoding) with the type computed once, where the framework computed it at every call | ` + "`BenchmarkConnectionRPC`" + ` (` + "`UpgradeResourceStateFramework`" + ` row) | ` + "`UpgradeResourceState`" + ` about 2.5 → 1.0 ms, 965 → 445 kB, 9.8k → 4.1k allocations; a plan of 300 at 50 ms 10.4 → 5.8 ms per connection (one run, as above) |

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
- **Skipping the plan-time checks.** The plan shortcut answers only a proposal equal to the prior state: the
  resource's own plan-time work (streams against the source's catalog, tags, state loss) checks only what changes, and
  keeps ` + "`status_reason`" + ` and ` + "`stream_names`" + ` as they are, so it has nothing to report for it; every other plan,
  including any change of the configuration, is the framework's, with every check.
- **Fingerprints written by applies.** A connection an apply created or changed gets its fingerprint from the next
  refresh an apply saves; until then its refresh is the framework's. Writing one from the apply would rest on a read
  of the apply's result giving that result again, which the record the apply got back does not promise.
- **A larger ` + "`GOGC`" + `.** Less garbage collection for more memory; peak memory must not grow.

Every shortcut is an answer the framework gives: the tests run with the check on (` + "`shortcutVerify`" + `, set by
` + "`TestMain`" + `), which asks the framework too for every request a shortcut answered, under the real CLI in the
acceptance tests, and fails the test on any difference in state, identity, private state or diagnostics.

What is left, from a CPU profile of the provider during a plan of 300 after the shortcuts: about 30% is
` + "`UpgradeResourceState`" + ` (terraform-plugin-go decoding the stored JSON and encoding MessagePack), about 26%
` + "`ValidateResourceConfig`" + ` (the framework's validators over the configuration, which grows with what the
configuration writes), the rest the plugin's gRPC and garbage collection. A configuration that lists its streams
costs more to validate: ` + "`ValidateResourceConfigStreams`" + ` (each of the 4 streams with its name and sync mode) takes
several milliseconds more per connection than the imports' ` + "`source_id`" + ` and ` + "`destination_id`" + ` alone, all of it the
framework's walk of the configuration with the schema's validators, which runs once per connection in every plan and
which the provider cannot answer for it: the diagnostics are the validators' own.
`
