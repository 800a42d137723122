//go:build bench

// The scale benchmark. It only builds with the bench tag, so `go test ./...` never
// runs it; `make bench` does:
//
//	go test -tags bench -count=1 -run TestBench -benchmem -bench 'BenchmarkGetProviderSchema|BenchmarkSyncPollingCost|BenchmarkConnectionRPC' -v -timeout 90m ./internal/provider/
//
// TestBench builds the provider and the emulator, runs the real terraform CLI against the
// emulator (at 0 ms and at 50 ms of added latency per request), prints one `bench:` line per
// case and writes BENCHMARKS.md at the root of the module (or to $BENCH_OUTPUT). It fails when
// terraform fails or a plan right after import or create is not empty, never on a missed target:
// the figures are reported, not gated on.
//
// The provider terraform starts is a small wrapper that runs the provider binary as its child and,
// when the child exits, appends the child's CPU time (user + system) and peak resident memory
// (from getrusage, the kernel's own accounting) to a file the benchmark reads after each command.
//
// BENCHMARKS.md names the commit it measured. Figures of a working tree with uncommitted changes
// belong to no commit, so TestBench refuses such a tree (the report file itself aside) unless
// BENCH_ALLOW_DIRTY=1, and then says so at the top of the report.
//
// Environment: GO (default: go on PATH), TERRAFORM (default: terraform on PATH), BENCH_OUTPUT
// (default: <module root>/BENCHMARKS.md), BENCH_SIZES (default "100,300,500"), BENCH_REPS (runs of each
// refresh and plan, the fastest counting; default 3, at most 2 for N=500), BENCH_ALLOW_DIRTY (1 to
// measure a tree with uncommitted changes), BENCH_BASELINE (a commit: its provider, built from
// `git archive` of that commit, is measured too, taking turns with this one on the same emulator and
// state, and its BenchmarkConnectionRPC is run, so that the report compares the two from one run),
// BENCH_OFFICIAL_PROVIDER (the path of another provider binary registered as airbytehq/airbyte,
// such as Airbyte's own: its plan and refresh of BENCH_OFFICIAL_N (default 300) imported connections
// are measured at 50 ms too; nothing of it is built or kept here), BENCH_PROFILE_DIR (a directory: the
// provider processes write CPU profiles there, through the provider's AIRBYTE_PROVIDER_CPU_PROFILE).

package provider

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

// Targets, reported as met or missed.
const (
	benchRefreshMaxRequests = 10               // refresh of N=500: API requests in total
	benchRefreshMaxRatio    = 1.3              // refresh of N=500: wall at 50 ms over wall at 0 ms
	benchCreateN            = 100              // connections created by the create case
	benchMaxPolls           = 80               // job polls of a 10-minute sync
	benchMaxLate            = 10 * time.Second // how late the end of a sync may be noticed
	benchMaxSchema          = 50 * time.Millisecond
	benchMaxBinaryBytes     = 40_000_000            // 40 MB, 1 MB = 10^6 bytes
	benchCPUN               = 300                   // N of the CPU-per-resource target
	benchMaxCPUPerResource  = 15 * time.Millisecond // provider CPU per connection in a plan of benchCPUN
	benchMemoryN            = 500                   // N whose peak memory the targets compare
	benchMaxRepsLarge       = 2                     // runs of each command at N=500 and above
	benchCaseWarn           = 10 * time.Minute
	benchCommandTimeout     = 20 * time.Minute
	benchParallelism        = "-parallelism=10"
	benchStreams            = 4 // streams of every seeded connection (each seeded source has 4)
	benchOfficialAddress    = "airbytehq/airbyte"
)

var benchLatencies = []time.Duration{0, 50 * time.Millisecond} // 0 first: the ratios need it

// benchCase is one measured terraform command.
type benchCase struct {
	Op       string // refresh, plan or create
	N        int
	Latency  time.Duration
	Provider string // "" for this commit's provider, else "baseline" or "official"
	Requests int64
	ByRoute  map[string]int64
	Wall     time.Duration   // the fastest of Walls
	Walls    []time.Duration // every run of the command
	CPU      time.Duration   // the least provider CPU time (user + system) of any run
	CPUs     []time.Duration // the provider CPU time of every run
	Procs    int             // provider processes terraform started in a run
	Ratio    float64         // Wall over the Wall of the same Op, N and Provider at 0 ms
	PeakKB   int64           // the largest peak resident memory of a provider process in any run
	Err      string          // what went wrong, if anything
}

func (c *benchCase) key() string { return fmt.Sprintf("%s/%d/%s", c.Op, c.N, c.Provider) }

// perResource is the provider CPU time per connection.
func (c *benchCase) perResource() time.Duration {
	if c.N == 0 {
		return 0
	}
	return c.CPU / time.Duration(c.N)
}

// benchProvider is a provider binary terraform runs through the rusage wrapper.
type benchProvider struct {
	name      string // "" (this commit), "baseline" or "official"
	label     string // how the report names it
	bin       string // the provider binary itself
	cliConfig string // a CLI configuration whose dev_overrides point at the wrapper
	address   string // the provider's registry address
}

// benchEnv is what every case shares: the binaries, the CLI configuration and the terraform CLI.
type benchEnv struct {
	t           *testing.T
	root        string
	tmp         string
	goBin       string
	terraform   string
	providerBin string
	emulatorBin string
	// providers are the providers the seeded cases take turns with: this commit's first, then
	// the baseline's, when BENCH_BASELINE is set.
	providers []*benchProvider
	official  *benchProvider // BENCH_OFFICIAL_PROVIDER, when set
	// setup records how long the untimed steps (import apply) took, for the report.
	setup []string
	// reps is how many times each refresh and plan runs (BENCH_REPS, default 3).
	reps int
	// refreshExit2 is set when a refresh-only plan said "No changes." but exited 2.
	refreshExit2 bool
	rusageSeq    int
}

func TestBench(t *testing.T) {
	began := time.Now()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("%s is not the module root: %v", root, err)
	}
	out := os.Getenv("BENCH_OUTPUT")
	if out == "" {
		out = filepath.Join(root, "BENCHMARKS.md")
	}
	source := readBenchSource(root, out)
	if !source.clean() {
		if os.Getenv("BENCH_ALLOW_DIRTY") != "1" {
			t.Fatalf("refusing to measure: %s. The figures would belong to no commit; commit or stash the changes, "+
				"or set BENCH_ALLOW_DIRTY=1 to measure anyway (BENCHMARKS.md then says so at the top).", source)
		}
		t.Logf("measuring anyway (BENCH_ALLOW_DIRTY=1): %s", source)
	}
	tf := os.Getenv("TERRAFORM")
	if tf == "" {
		tf = "terraform"
	}
	tfPath, err := exec.LookPath(tf)
	if err != nil {
		t.Fatalf("no terraform CLI (looked for %q): %v. Install Terraform or set TERRAFORM.", tf, err)
	}
	goBin := os.Getenv("GO")
	if goBin == "" {
		goBin = "go"
	}
	sizes := []int{100, 300, 500}
	if s := os.Getenv("BENCH_SIZES"); s != "" {
		sizes = nil
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n <= 0 {
				t.Fatalf("BENCH_SIZES=%q: %q is not a positive number", s, f)
			}
			sizes = append(sizes, n)
		}
	}

	reps := 3
	if s := os.Getenv("BENCH_REPS"); s != "" {
		if reps, err = strconv.Atoi(s); err != nil || reps < 1 {
			t.Fatalf("BENCH_REPS=%q is not a positive number", s)
		}
	}

	tmp := t.TempDir()
	env := &benchEnv{t: t, root: root, tmp: tmp, goBin: goBin, terraform: tfPath, reps: reps,
		providerBin: filepath.Join(tmp, "bin", "terraform-provider-airbyte"),
		emulatorBin: filepath.Join(tmp, "airbyte-emulator"),
	}
	// The provider is built the way the binary-size target means it: -trimpath -ldflags "-s -w".
	benchRun(t, root, nil, goBin, "build", "-trimpath", "-ldflags", "-s -w -X main.version=dev", "-o", env.providerBin, ".")
	benchRun(t, root, nil, goBin, "build", "-trimpath", "-o", env.emulatorBin, "./cmd/airbyte-emulator")
	fi, err := os.Stat(env.providerBin)
	if err != nil {
		t.Fatal(err)
	}
	binaryBytes := fi.Size()
	fmt.Printf("bench: binary bytes=%d mb=%.1f\n", binaryBytes, float64(binaryBytes)/1e6)
	env.providers = append(env.providers, env.provider("", "this commit", env.providerBin, RegistryAddress))

	var baseline *benchBaseline
	if rev := os.Getenv("BENCH_BASELINE"); rev != "" {
		baseline = env.buildBaseline(rev)
		env.providers = append(env.providers, env.provider("baseline", "baseline `"+baseline.commit[:12]+"`", baseline.bin, RegistryAddress))
	}
	if bin := os.Getenv("BENCH_OFFICIAL_PROVIDER"); bin != "" {
		abs, err := filepath.Abs(bin)
		if err != nil {
			t.Fatal(err)
		}
		env.official = env.provider("official", "official provider", abs, benchOfficialAddress)
	}

	var cases []*benchCase
	zero := map[string]time.Duration{}
	report := func(c *benchCase) {
		if c.Latency == 0 {
			zero[c.key()] = c.Wall
			c.Ratio = 1
		} else if z := zero[c.key()]; z > 0 && c.Wall > 0 {
			c.Ratio = c.Wall.Seconds() / z.Seconds()
		}
		cases = append(cases, c)
		fmt.Printf("bench: op=%s n=%d latency=%s provider=%s requests=%d wall_s=%.2f ratio_to_zero_latency=%.2f cpu_s=%.2f cpu_ms_per_resource=%.1f peak_mb=%.1f\n",
			c.Op, c.N, benchLatency(c.Latency), cmp.Or(c.Provider, "this"), c.Requests, c.Wall.Seconds(), c.Ratio,
			c.CPU.Seconds(), float64(c.perResource())/1e6, float64(c.PeakKB)*1024/1e6)
		if c.Err != "" {
			t.Errorf("op=%s n=%d latency=%s provider=%s: %s", c.Op, c.N, benchLatency(c.Latency), cmp.Or(c.Provider, "this"), c.Err)
		}
	}
	for _, n := range sizes {
		start := time.Now()
		for _, c := range env.seededCases(n) {
			report(c)
		}
		if d := time.Since(start); d > benchCaseWarn {
			msg := fmt.Sprintf("the cases of n=%d took %s in all (import included), more than %s", n, d.Round(time.Second), benchCaseWarn)
			env.setup = append(env.setup, msg)
			t.Log(msg)
		}
	}
	if env.official != nil {
		n := benchCPUN
		if s := os.Getenv("BENCH_OFFICIAL_N"); s != "" {
			if n, err = strconv.Atoi(s); err != nil || n < 1 {
				t.Fatalf("BENCH_OFFICIAL_N=%q is not a positive number", s)
			}
		}
		for _, c := range env.officialCases(n) {
			report(c)
		}
	}
	for _, lat := range benchLatencies {
		report(env.createCase(lat, benchCreateN))
	}

	rpc := measureConnectionRPC(t)
	for _, r := range rpc {
		fmt.Printf("bench: rpc %s ns_per_op=%d bytes_per_op=%d allocs_per_op=%d\n", r.Name, r.NsPerOp, r.BytesPerOp, r.AllocsPerOp)
	}
	var baselineRPC []rpcResult
	if baseline != nil {
		baselineRPC = baseline.rpc(env)
	}

	cold := testing.Benchmark(benchSchemaCold)
	warm := testing.Benchmark(benchSchemaWarm)
	fmt.Printf("bench: schema op=GetProviderSchema cold_ns_per_op=%d warm_ns_per_op=%d under_50ms=%v\n",
		cold.NsPerOp(), warm.NsPerOp(), time.Duration(cold.NsPerOp()) < benchMaxSchema)

	poll := measureSyncPolling(t)
	fmt.Printf("bench: polling sync=10m polls=%d requests=%d end_noticed_late_s=%.2f\n", poll.Polls, poll.Requests, poll.Late.Seconds())

	if after := readBenchSource(root, out); after.String() != source.String() {
		source.note = "the working tree changed during the run; at its end: " + after.String()
	}
	md := env.markdown(benchFigures{
		Cases: cases, Sizes: sizes, BinaryBytes: binaryBytes, SchemaCold: cold, SchemaWarm: warm, Polling: poll,
		RPC: rpc, BaselineRPC: baselineRPC, Baseline: baseline,
		Began: began, Took: time.Since(began), Source: source,
	})
	if err := os.WriteFile(out, []byte(md), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (the run took %s)", out, time.Since(began).Round(time.Second))
}

// benchWrapperSource is the program terraform starts in place of a provider: it runs the
// provider binary (main.provider, set at build time) as its child with the same arguments,
// standard streams and environment, and when the child exits appends "<user µs> <system µs>
// <max RSS kB>" of the child, from getrusage, to $BENCH_RUSAGE_FILE. Terraform stops a provider
// through the plugin protocol, so the child exits on its own and the wrapper after it.
const benchWrapperSource = `package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

var provider string

func main() {
	signal.Ignore(syscall.SIGINT) // as the child gets it too; the child decides
	cmd := exec.Command(provider, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		fmt.Fprintln(os.Stderr, "bench wrapper:", err)
		os.Exit(1)
	}
	if path := os.Getenv("BENCH_RUSAGE_FILE"); path != "" {
		ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		line := fmt.Sprintf("%d %d %d\n", ru.Utime.Sec*1e6+ru.Utime.Usec, ru.Stime.Sec*1e6+ru.Stime.Usec, ru.Maxrss)
		if f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
			_, _ = f.WriteString(line)
			_ = f.Close()
		}
	}
	os.Exit(cmd.ProcessState.ExitCode())
}
`

// provider builds the rusage wrapper for bin and a CLI configuration whose dev_overrides make
// terraform start the wrapper for address.
func (env *benchEnv) provider(name, label, bin, address string) *benchProvider {
	t := env.t
	dir := filepath.Join(env.tmp, "wrapper-"+cmp.Or(name, "this"))
	if err := os.MkdirAll(filepath.Join(dir, "src"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "src", "main.go"), []byte(benchWrapperSource), 0o644); err != nil {
		t.Fatal(err)
	}
	typ := address[strings.LastIndex(address, "/")+1:]
	wrapper := filepath.Join(dir, "terraform-provider-"+typ)
	benchRun(t, filepath.Join(dir, "src"), append(os.Environ(), "GO111MODULE=off", "GOFLAGS="), env.goBin,
		"build", "-ldflags", "-X main.provider="+bin, "-o", wrapper, "main.go")
	p := &benchProvider{name: name, label: label, bin: bin, address: address, cliConfig: filepath.Join(dir, "terraformrc")}
	// A CLI configuration of our own, as examples/quickstart/demo.sh writes it.
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", address, dir)
	if err := os.WriteFile(p.cliConfig, []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// benchBaseline is the provider of another commit, built from `git archive` of it.
type benchBaseline struct {
	commit string
	dir    string // the extracted tree
	bin    string
}

func (env *benchEnv) buildBaseline(rev string) *benchBaseline {
	t := env.t
	commit := strings.TrimSpace(benchRun(t, env.root, nil, "git", "rev-parse", "--verify", rev+"^{commit}"))
	dir := filepath.Join(env.tmp, "baseline-src")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	archive := exec.Command("git", "-C", env.root, "archive", commit)
	extract := exec.Command("tar", "-x", "-C", dir)
	pipe, err := archive.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	extract.Stdin = pipe
	if err := extract.Start(); err != nil {
		t.Fatal(err)
	}
	if err := archive.Run(); err != nil {
		t.Fatalf("git archive %s: %v", commit, err)
	}
	if err := extract.Wait(); err != nil {
		t.Fatalf("extracting git archive %s: %v", commit, err)
	}
	b := &benchBaseline{commit: commit, dir: dir, bin: filepath.Join(env.tmp, "baseline-bin", "terraform-provider-airbyte")}
	benchRun(t, dir, nil, env.goBin, "build", "-trimpath", "-ldflags", "-s -w -X main.version=dev", "-o", b.bin, ".")
	return b
}

// rpc runs the baseline's own BenchmarkConnectionRPC and reads its results.
func (b *benchBaseline) rpc(env *benchEnv) []rpcResult {
	out := benchRun(env.t, b.dir, nil, env.goBin, "test", "-tags", "bench", "-count=1", "-run", "^$",
		"-bench", "^BenchmarkConnectionRPC$", "-benchmem", "-benchtime", "2s", "./internal/provider/")
	var res []rpcResult
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 8 || !strings.HasPrefix(f[0], "BenchmarkConnectionRPC/") {
			continue
		}
		name, _, _ := strings.Cut(strings.TrimPrefix(f[0], "BenchmarkConnectionRPC/"), "-")
		r := rpcResult{Name: name}
		r.NsPerOp, _ = strconv.ParseInt(f[2], 10, 64)
		r.BytesPerOp, _ = strconv.ParseInt(f[4], 10, 64)
		r.AllocsPerOp, _ = strconv.ParseInt(f[6], 10, 64)
		res = append(res, r)
	}
	if len(res) == 0 {
		env.t.Errorf("the baseline's BenchmarkConnectionRPC printed no results:\n%s", out)
	}
	return res
}

// seedBench lists the n connections seeded in the emulator's first workspace and gives each a
// hashing mapper (at 0 ms latency), so that every connection has benchStreams streams and 1 mapper.
func seedBench(emu *benchEmulator, n int) ([]client.Connection, error) {
	api, err := client.New(client.Config{ServerURL: emu.vars["AIRBYTE_SERVER_URL"],
		ClientID: emu.vars["AIRBYTE_CLIENT_ID"], ClientSecret: emu.vars["AIRBYTE_CLIENT_SECRET"]})
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	ctx := context.Background()
	conns, err := api.ListConnections(ctx, client.ListConnectionsParams{WorkspaceIDs: []string{emu.vars["AIRBYTE_WORKSPACE_ID"]}})
	if err != nil {
		return nil, fmt.Errorf("listing the seeded connections: %w", err)
	}
	if len(conns) != n {
		return nil, fmt.Errorf("the emulator lists %d connections in its first workspace, want the %d seeded", len(conns), n)
	}
	for i := range conns {
		if len(conns[i].Configurations.Streams) != benchStreams {
			return nil, fmt.Errorf("seeded connection %s has %d streams, want %d", conns[i].ConnectionID, len(conns[i].Configurations.Streams), benchStreams)
		}
		if err := addBenchMapper(ctx, api, &conns[i]); err != nil {
			return nil, err
		}
	}
	return conns, nil
}

// seededCases measures `terraform plan -refresh-only` and `terraform plan` of n seeded
// connections (4 streams and 1 mapper each) brought under management by an (untimed) import
// apply, at every latency and with every provider. One emulator, started with the largest
// latency, serves every run; its latency is switched through POST /_emulator/faults before each
// run, and the latencies (and the providers) take turns run by run, so that the load other work
// puts on the machine falls alike on all and the ratio compares like with like. The providers
// share the imported state: their schemas are the same.
func (env *benchEnv) seededCases(n int) []*benchCase {
	var cases []*benchCase
	type key struct {
		op       string
		lat      time.Duration
		provider string
	}
	byKey := map[key]*benchCase{}
	for _, op := range []string{"refresh", "plan"} {
		for _, p := range env.providers {
			for _, lat := range benchLatencies {
				c := &benchCase{Op: op, N: n, Latency: lat, Provider: p.name}
				byKey[key{op, lat, p.name}] = c
				cases = append(cases, c)
			}
		}
	}
	fail := func(format string, args ...any) []*benchCase {
		msg := fmt.Sprintf(format, args...)
		for _, c := range cases {
			c.Err = msg
		}
		return cases
	}

	top := benchLatencies[len(benchLatencies)-1]
	emu, conns, err := env.seededEmulator(fmt.Sprintf("seeded-%d", n), top, n)
	if err != nil {
		return fail("%v", err)
	}
	defer emu.stop()
	var cfg strings.Builder
	cfg.WriteString(emu.providerBlock())
	for i, c := range conns {
		name := fmt.Sprintf("c%04d", i+1)
		fmt.Fprintf(&cfg, "\nimport {\n  to = airbyte_connection.%s\n  id = %q\n}\n", name, c.ConnectionID)
		fmt.Fprintf(&cfg, "resource \"airbyte_connection\" %q {\n  source_id      = %q\n  destination_id = %q\n}\n", name, c.SourceID, c.DestinationID)
	}
	dir, err := env.workDir(emu.name, cfg.String())
	if err != nil {
		return fail("%v", err)
	}

	this := env.providers[0]
	imp := env.tf(this, dir, "apply", "-auto-approve", "-input=false", "-no-color", "-lock=false", benchParallelism)
	env.setup = append(env.setup, fmt.Sprintf("import of n=%d at latency=%s: %.2f s, provider CPU %.2f s", n, benchLatency(top), imp.wall.Seconds(), imp.cpu.Seconds()))
	if n == benchMemoryN && imp.peakKB > 0 {
		env.setup = append(env.setup, fmt.Sprintf("provider peak memory during the import apply of n=%d at latency=%s: %.1f MB", n, benchLatency(top), float64(imp.peakKB)*1024/1e6))
	}
	if imp.err != nil {
		return fail("terraform apply of the imports: %v\n%s", imp.err, tail(imp.out))
	}
	env.t.Logf("imported %d connections at latency %s in %.2f s", n, benchLatency(top), imp.wall.Seconds())

	reps := env.reps
	if n >= benchMemoryN {
		reps = min(reps, benchMaxRepsLarge)
	}
	for _, op := range []string{"refresh", "plan"} {
		args := []string{"plan", "-detailed-exitcode", "-input=false", "-no-color", "-lock=false", benchParallelism}
		if op == "refresh" {
			args = append(args, "-refresh-only")
		}
		// Each command runs reps times at each latency with each provider, taking turns; the
		// fastest run counts (the machine is shared and noisy).
		for range reps {
			for _, lat := range benchLatencies {
				for _, p := range env.providers {
					c := byKey[key{op, lat, p.name}]
					if c.Err != "" {
						continue
					}
					env.measure(c, emu, p, dir, args)
				}
			}
		}
	}
	return cases
}

// measure runs terraform with args in dir at c's latency and records the run in c.
func (env *benchEnv) measure(c *benchCase, emu *benchEmulator, p *benchProvider, dir string, args []string) {
	if err := emu.setLatency(c.Latency); err != nil {
		c.Err = err.Error()
		return
	}
	if err := emu.resetStats(); err != nil {
		c.Err = err.Error()
		return
	}
	r := env.tf(p, dir, args...)
	c.Walls = append(c.Walls, r.wall)
	if c.Wall == 0 || r.wall < c.Wall {
		c.Wall = r.wall
	}
	c.CPUs = append(c.CPUs, r.cpu)
	if c.CPU == 0 || r.cpu < c.CPU {
		c.CPU = r.cpu
	}
	c.Procs = max(c.Procs, r.procs)
	c.PeakKB = max(c.PeakKB, r.peakKB)
	st, err := emu.stats()
	if err != nil {
		c.Err = err.Error()
		return
	}
	if st.RequestsTotal > c.Requests {
		c.Requests, c.ByRoute = st.RequestsTotal, st.ByRoute
	}
	op := c.Op
	switch {
	case r.exit == 2 && op == "refresh" && strings.Contains(r.out, "No changes."):
		// Terraform 1.11 exits 2 from a refresh-only plan whenever the refreshed state
		// is not exactly the previous one, even with no drift to show; "No changes."
		// is the verdict that counts (see hashicorp/terraform#36403).
		env.refreshExit2 = true
	case r.exit == 2 && c.Provider == "official":
		// Another provider's plan of the imports need not be empty; it is timed all the same.
	case r.exit == 2:
		c.Err = fmt.Sprintf("terraform %s right after the import is not empty:\n%s", strings.Join(args, " "), tail(r.out))
	case r.err != nil:
		c.Err = fmt.Sprintf("terraform %s: %v\n%s", strings.Join(args, " "), r.err, tail(r.out))
	}
}

// officialCases measures the official provider's plan and refresh of n imported connections
// at 50 ms, on an emulator of its own seeded as seededCases seeds it. Its configuration is its
// own: the same import blocks and source_id and destination_id, and its provider settings.
func (env *benchEnv) officialCases(n int) []*benchCase {
	lat := benchLatencies[len(benchLatencies)-1]
	p := env.official
	cases := []*benchCase{{Op: "refresh", N: n, Latency: lat, Provider: p.name}, {Op: "plan", N: n, Latency: lat, Provider: p.name}}
	fail := func(format string, args ...any) []*benchCase {
		for _, c := range cases {
			c.Err = fmt.Sprintf(format, args...)
		}
		return cases
	}
	emu, conns, err := env.seededEmulator(fmt.Sprintf("official-%d", n), lat, n)
	if err != nil {
		return fail("%v", err)
	}
	defer emu.stop()
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "terraform {\n  required_providers {\n    airbyte = {\n      source = %q\n    }\n  }\n}\n\n", benchOfficialAddress)
	fmt.Fprintf(&cfg, "provider \"airbyte\" {\n  server_url    = %s\n  token_url     = %s\n  client_id     = %s\n  client_secret = %s\n}\n",
		hclString(emu.vars["AIRBYTE_SERVER_URL"]), hclString(strings.TrimSuffix(emu.vars["AIRBYTE_SERVER_URL"], "/")+"/applications/token"),
		hclString(emu.vars["AIRBYTE_CLIENT_ID"]), hclString(emu.vars["AIRBYTE_CLIENT_SECRET"]))
	for i, c := range conns {
		name := fmt.Sprintf("c%04d", i+1)
		fmt.Fprintf(&cfg, "\nimport {\n  to = airbyte_connection.%s\n  id = %q\n}\n", name, c.ConnectionID)
		fmt.Fprintf(&cfg, "resource \"airbyte_connection\" %q {\n  source_id      = %q\n  destination_id = %q\n}\n", name, c.SourceID, c.DestinationID)
	}
	dir, err := env.workDir(emu.name, cfg.String())
	if err != nil {
		return fail("%v", err)
	}
	imp := env.tf(p, dir, "apply", "-auto-approve", "-input=false", "-no-color", "-lock=false", benchParallelism)
	env.setup = append(env.setup, fmt.Sprintf("official provider: import of n=%d at latency=%s: %.2f s", n, benchLatency(lat), imp.wall.Seconds()))
	if imp.err != nil {
		return fail("terraform apply of the imports with the official provider: %v\n%s", imp.err, tail(imp.out))
	}
	for _, c := range cases {
		args := []string{"plan", "-detailed-exitcode", "-input=false", "-no-color", "-lock=false", benchParallelism}
		if c.Op == "refresh" {
			args = append(args, "-refresh-only")
		}
		for range min(env.reps, benchMaxRepsLarge) {
			if c.Err == "" {
				env.measure(c, emu, p, dir, args)
			}
		}
	}
	return cases
}

// createCase measures an apply that creates n connections, then checks that a plan is empty.
func (env *benchEnv) createCase(lat time.Duration, n int) *benchCase {
	c := &benchCase{Op: "create", N: n, Latency: lat}
	emu, err := env.startEmulator(fmt.Sprintf("create-%d-%s", n, benchLatency(lat)), lat, 0)
	if err != nil {
		c.Err = err.Error()
		return c
	}
	defer emu.stop()
	var cfg strings.Builder
	cfg.WriteString(emu.providerBlock())
	for i := range n {
		fmt.Fprintf(&cfg, "\nresource \"airbyte_connection\" \"c%04d\" {\n  name           = \"bench-%04d\"\n  source_id      = %q\n  destination_id = %q\n}\n",
			i+1, i+1, emu.vars["AIRBYTE_EMULATOR_SOURCE_ID"], emu.vars["AIRBYTE_EMULATOR_DESTINATION_ID"])
	}
	dir, err := env.workDir(emu.name, cfg.String())
	if err != nil {
		c.Err = err.Error()
		return c
	}
	if err := emu.resetStats(); err != nil {
		c.Err = err.Error()
		return c
	}
	this := env.providers[0]
	r := env.tf(this, dir, "apply", "-auto-approve", "-input=false", "-no-color", "-lock=false", benchParallelism)
	c.Wall, c.Walls = r.wall, []time.Duration{r.wall}
	c.CPU, c.CPUs, c.Procs, c.PeakKB = r.cpu, []time.Duration{r.cpu}, r.procs, r.peakKB
	st, err := emu.stats()
	if err != nil {
		c.Err = err.Error()
	}
	c.Requests, c.ByRoute = st.RequestsTotal, st.ByRoute
	if r.err != nil {
		c.Err = fmt.Sprintf("terraform apply: %v\n%s", r.err, tail(r.out))
		return c
	}
	p := env.tf(this, dir, "plan", "-detailed-exitcode", "-input=false", "-no-color", "-lock=false", benchParallelism)
	switch {
	case p.exit == 2:
		c.Err = fmt.Sprintf("terraform plan right after creating %d connections is not empty:\n%s", n, tail(p.out))
	case p.err != nil:
		c.Err = fmt.Sprintf("terraform plan after the create: %v\n%s", p.err, tail(p.out))
	}
	return c
}

// benchEmulator is a running cmd/airbyte-emulator.
type benchEmulator struct {
	name  string
	cmd   *exec.Cmd
	vars  map[string]string // from its -env-file
	base  string            // scheme://host:port, where /_emulator lives
	log   *bytes.Buffer
	done  chan struct{}
	once  sync.Once
	httpc *http.Client
}

// seededEmulator starts an emulator of n connections, gives them their
// mappers without latency (seedBench), then sets the latency lat. The caller
// stops it.
func (env *benchEnv) seededEmulator(name string, lat time.Duration, n int) (*benchEmulator, []client.Connection, error) {
	emu, err := env.startEmulator(name, lat, n)
	if err != nil {
		return nil, nil, err
	}
	var conns []client.Connection
	err = emu.setLatency(0)
	if err == nil {
		conns, err = seedBench(emu, n)
	}
	if err == nil {
		err = emu.setLatency(lat)
	}
	if err != nil {
		emu.stop()
		return nil, nil, err
	}
	return emu, conns, nil
}

func (env *benchEnv) startEmulator(name string, lat time.Duration, seed int) (*benchEmulator, error) {
	envFile := filepath.Join(env.tmp, name+".env")
	e := &benchEmulator{name: name, log: &bytes.Buffer{}, done: make(chan struct{}), httpc: &http.Client{Timeout: time.Minute}}
	e.cmd = exec.Command(env.emulatorBin, "-addr", "127.0.0.1:0", "-env-file", envFile,
		"-latency", lat.String(), "-seed-connections", strconv.Itoa(seed), "-seed", "6")
	e.cmd.Stdout = io.Discard
	e.cmd.Stderr = e.log
	if err := e.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the emulator: %w", err)
	}
	go func() { _ = e.cmd.Wait(); close(e.done) }() // the exit status is of no interest: stop ends it
	env.t.Cleanup(e.stop)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if b, err := os.ReadFile(envFile); err == nil && len(b) > 0 {
			e.vars = parseEnvFile(string(b))
			break
		}
		select {
		case <-e.done:
			return nil, fmt.Errorf("the emulator exited before it was ready: %s", e.log.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			e.stop()
			return nil, errors.New("the emulator did not write its -env-file within 30 s")
		}
	}
	u, err := url.Parse(e.vars["AIRBYTE_SERVER_URL"])
	if err != nil || u.Host == "" {
		e.stop()
		return nil, fmt.Errorf("the emulator's AIRBYTE_SERVER_URL %q: %v", e.vars["AIRBYTE_SERVER_URL"], err)
	}
	e.base = u.Scheme + "://" + u.Host
	return e, nil
}

func (e *benchEmulator) stop() {
	e.once.Do(func() {
		select {
		case <-e.done:
			return
		default:
		}
		_ = e.cmd.Process.Signal(syscall.SIGTERM) // a process that already exited is what we want
		select {
		case <-e.done:
		case <-time.After(10 * time.Second):
			_ = e.cmd.Process.Kill()
			<-e.done
		}
	})
}

func (e *benchEmulator) providerBlock() string {
	var b strings.Builder
	b.WriteString("terraform {\n  required_providers {\n    airbyte = {\n      source = \"airbyte-terraform/airbyte\"\n    }\n  }\n}\n\nprovider \"airbyte\" {\n")
	for _, kv := range [][2]string{
		{"server_url", "AIRBYTE_SERVER_URL"}, {"config_api_url", "AIRBYTE_CONFIG_API_URL"},
		{"client_id", "AIRBYTE_CLIENT_ID"}, {"client_secret", "AIRBYTE_CLIENT_SECRET"}, {"workspace_id", "AIRBYTE_WORKSPACE_ID"},
	} {
		fmt.Fprintf(&b, "  %-14s = %s\n", kv[0], hclString(e.vars[kv[1]]))
	}
	b.WriteString("}\n")
	return b.String()
}

// setLatency changes the latency the emulator adds to every API request.
func (e *benchEmulator) setLatency(d time.Duration) error {
	body := strings.NewReader(fmt.Sprintf(`{"latency": %q}`, d.String()))
	resp, err := e.httpc.Post(e.base+"/_emulator/faults", "application/json", body)
	if err != nil {
		return fmt.Errorf("setting the emulator's latency: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("setting the emulator's latency: %s", resp.Status)
	}
	return nil
}

func (e *benchEmulator) resetStats() error {
	resp, err := e.httpc.Post(e.base+"/_emulator/reset-stats", "application/json", nil)
	if err != nil {
		return fmt.Errorf("resetting the emulator's stats: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("resetting the emulator's stats: %s", resp.Status)
	}
	return nil
}

func (e *benchEmulator) stats() (emulator.Stats, error) {
	var st emulator.Stats
	resp, err := e.httpc.Get(e.base + "/_emulator/stats")
	if err != nil {
		return st, fmt.Errorf("reading the emulator's stats: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return st, fmt.Errorf("reading the emulator's stats: %s", resp.Status)
	}
	err = json.NewDecoder(resp.Body).Decode(&st)
	return st, err
}

// parseEnvFile reads the NAME='value' lines cmd/airbyte-emulator writes.
func parseEnvFile(s string) map[string]string {
	vars := map[string]string{}
	for _, line := range strings.Split(s, "\n") {
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		value = strings.ReplaceAll(value, `'\''`, "\x00")
		value = strings.ReplaceAll(strings.Trim(value, "'"), "\x00", "'")
		vars[name] = value
	}
	return vars
}

func (env *benchEnv) workDir(name, cfg string) (string, error) {
	dir := filepath.Join(env.tmp, "work-"+name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return dir, os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg), 0o644)
}

// tfResult is one terraform command.
type tfResult struct {
	wall   time.Duration
	exit   int
	err    error // nil for exit status 0, and for 2 (changes) of a -detailed-exitcode plan
	out    string
	cpu    time.Duration // user + system CPU time of every provider process the command started
	procs  int           // provider processes the command started
	peakKB int64         // the largest peak resident set (ru_maxrss, VmHWM at exit) of those processes
}

// tf runs terraform in dir with provider p (through its rusage wrapper), the CLI configuration
// that points at it and no TF_* settings from the caller's environment, and reads the CPU time
// and peak memory of the provider processes it started.
func (env *benchEnv) tf(p *benchProvider, dir string, args ...string) tfResult {
	ctx, cancel := context.WithTimeout(context.Background(), benchCommandTimeout)
	defer cancel()
	env.rusageSeq++
	rusage := filepath.Join(env.tmp, fmt.Sprintf("rusage-%04d", env.rusageSeq))
	cmd := exec.CommandContext(ctx, env.terraform, append([]string{"-chdir=" + dir}, args...)...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_") && !strings.HasPrefix(kv, "AIRBYTE_") && !strings.HasPrefix(kv, "CHECKPOINT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "TF_IN_AUTOMATION=1", "TF_CLI_CONFIG_FILE="+p.cliConfig, "CHECKPOINT_DISABLE=1", "BENCH_RUSAGE_FILE="+rusage)
	if dir := os.Getenv("BENCH_PROFILE_DIR"); dir != "" {
		// The provider (of a commit that knows the variable) writes a CPU profile per process.
		cmd.Env = append(cmd.Env, fmt.Sprintf("AIRBYTE_PROVIDER_CPU_PROFILE=%s/%04d-%s-%s", dir, env.rusageSeq, cmp.Or(p.name, "this"), args[0]))
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out

	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	r := tfResult{wall: wall, out: out.String(), exit: -1}
	if cmd.ProcessState != nil {
		r.exit = cmd.ProcessState.ExitCode()
	}
	if err != nil && !(r.exit == 2 && slices.Contains(args, "-detailed-exitcode")) {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (gave up after %s)", err, benchCommandTimeout)
		}
		r.err = err
	}
	// Terraform waits for its providers to exit before it does, and the wrapper writes its line
	// before it exits, so the file is complete here.
	if b, rerr := os.ReadFile(rusage); rerr == nil {
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			var user, sys, rss int64
			if _, serr := fmt.Sscanf(line, "%d %d %d", &user, &sys, &rss); serr == nil {
				r.cpu += time.Duration(user+sys) * time.Microsecond
				r.peakKB = max(r.peakKB, rss)
				r.procs++
			}
		}
	}
	if r.procs == 0 && r.err == nil {
		r.err = fmt.Errorf("no provider process reported its CPU time (%s is empty)", rusage)
	}
	if len(args) > 0 {
		env.t.Logf("terraform %s in %s with %s: exit %d, %.2f s, provider CPU %.2f s in %d processes, peak %.1f MB",
			strings.Join(args, " "), filepath.Base(dir), p.label, r.exit, wall.Seconds(), r.cpu.Seconds(), r.procs, float64(r.peakKB)*1024/1e6)
	}
	return r
}

// benchRun runs a command in dir and fails the test if it fails.
func benchRun(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if env != nil {
		cmd.Env = env
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func benchLatency(d time.Duration) string { return fmt.Sprintf("%dms", d.Milliseconds()) }

// tail returns the last lines of terraform's output, enough to see an error or a plan.
func tail(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > 60 {
		lines = append([]string{"…"}, lines[len(lines)-60:]...)
	}
	return strings.Join(lines, "\n")
}

// BenchmarkGetProviderSchema fetches the provider schema through the plugin protocol (the
// tfprotov6 server the plugin serves), in-process. cold makes a new server for each fetch, as
// every terraform command starts a new provider process; warm asks the same server again.
func BenchmarkGetProviderSchema(b *testing.B) {
	b.Run("cold", benchSchemaCold)
	b.Run("warm", benchSchemaWarm)
}

func benchSchemaCold(b *testing.B) {
	for b.Loop() {
		getSchema(b, newSchemaServer(b))
	}
	reportUnder50ms(b)
}

func benchSchemaWarm(b *testing.B) {
	s := newSchemaServer(b)
	getSchema(b, s)
	for b.Loop() {
		getSchema(b, s)
	}
	reportUnder50ms(b)
}

func newSchemaServer(b *testing.B) tfprotov6.ProviderServer {
	s, err := providerserver.NewProtocol6WithError(New("bench")())()
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func getSchema(b *testing.B, s tfprotov6.ProviderServer) {
	resp, err := s.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		b.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			b.Fatalf("GetProviderSchema: %s: %s", d.Summary, d.Detail)
		}
	}
	if len(resp.ResourceSchemas) == 0 {
		b.Fatal("GetProviderSchema returned no resource schemas")
	}
}

func reportUnder50ms(b *testing.B) {
	if b.N == 0 {
		return
	}
	perOp := b.Elapsed() / time.Duration(b.N)
	under := 0.0
	if perOp < benchMaxSchema {
		under = 1
	}
	b.ReportMetric(under, "under_50ms")
}

// syncPolling is what following one 10-minute sync cost.
type syncPolling struct {
	Polls    int64         // GET /jobs/{jobId}
	Requests int64         // every API request, token and start included
	Late     time.Duration // how long after the job's end the runner saw it
	ByRoute  map[string]int64
}

// measureSyncPolling follows a 10-minute sync with the provider's sync runner against an
// emulator on a test clock (waits take no time), as TestSyncRunnerPollingCost does.
func measureSyncPolling(tb testing.TB) syncPolling {
	tb.Helper()
	clk := newTestClock()
	emu := emulator.New(emulator.Options{Seed: 42, JobDuration: 10 * time.Minute, Now: clk.Now})
	srv := httptest.NewServer(emu)
	defer srv.Close()
	info := emu.Info(srv.URL)
	c, err := client.New(client.Config{
		ServerURL: info.ServerURL, ClientID: info.ClientID, ClientSecret: info.ClientSecret,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond, Clock: clk,
	})
	if err != nil {
		tb.Fatal(err)
	}
	ws := info.Workspaces[0]
	conn, err := c.CreateConnection(context.Background(), client.ConnectionCreateRequest{
		Name: "synced", SourceID: ws.Sources[0].SourceID, DestinationID: ws.Destinations[0].DestinationID,
	})
	if err != nil {
		tb.Fatal(err)
	}
	runner := &syncRunner{client: c, clock: clk}
	begin := clk.Now()
	emu.ResetStats()
	job, err := runner.run(context.Background(), syncRequest{ConnectionID: conn.ConnectionID, Wait: true,
		Timeout: 30 * time.Minute, CancelOnTimeout: true, IfRunning: ifRunningWait})
	if err != nil {
		tb.Fatal(err)
	}
	if job.Status != client.JobStatusSucceeded {
		tb.Fatalf("the sync ended %s, want succeeded", job.Status)
	}
	st := emu.Stats()
	return syncPolling{Polls: st.ByRoute["GET /jobs/{jobId}"], Requests: st.RequestsTotal,
		Late: clk.Now().Sub(begin) - 10*time.Minute, ByRoute: st.ByRoute}
}

// BenchmarkSyncPollingCost reports what following a 10-minute sync costs: job polls, requests
// and how late its end is noticed. The clock is a test clock, so ns/op is only the CPU cost.
func BenchmarkSyncPollingCost(b *testing.B) {
	var p syncPolling
	for b.Loop() {
		p = measureSyncPolling(b)
	}
	b.ReportMetric(float64(p.Polls), "polls/sync")
	b.ReportMetric(float64(p.Requests), "requests/sync")
	b.ReportMetric(p.Late.Seconds(), "late_s")
}

// benchFigures is everything BENCHMARKS.md reports.
type benchFigures struct {
	Cases                  []*benchCase
	Sizes                  []int
	BinaryBytes            int64
	SchemaCold, SchemaWarm testing.BenchmarkResult
	Polling                syncPolling
	RPC, BaselineRPC       []rpcResult
	Baseline               *benchBaseline
	Began                  time.Time
	Took                   time.Duration
	Source                 benchSource
}

func (env *benchEnv) markdown(f benchFigures) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	metMissed := func(ok bool) string {
		if ok {
			return "met"
		}
		return "**missed**"
	}
	find := func(op string, n int, lat time.Duration, provider string) *benchCase {
		for _, c := range f.Cases {
			if c.Op == op && c.N == n && c.Latency == lat && c.Provider == provider {
				return c
			}
		}
		return nil
	}
	label := func(name string) string {
		for _, p := range append(slices.Clone(env.providers), env.official) {
			if p != nil && p.name == name {
				return p.label
			}
		}
		return name
	}
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/1e6) }
	mb := func(kb int64) string { return fmt.Sprintf("%.1f MB", float64(kb)*1024/1e6) }
	top := benchLatencies[len(benchLatencies)-1]

	w("# Benchmarks\n\n")
	if !f.Source.clean() {
		w("**Not the figures of a commit: measured on a working tree with uncommitted changes** (`BENCH_ALLOW_DIRTY=1`): %s.\n\n",
			f.Source)
	}
	w("Written by `make bench` (`internal/provider/bench_test.go`, build tag `bench`) on %s, at %s; the run took %s.\n\n",
		f.Began.UTC().Format("2006-01-02 15:04 UTC"), f.Source.where(), f.Took.Round(time.Second))
	if f.Baseline != nil {
		w("The same run measured the provider of the baseline commit `%s` (`BENCH_BASELINE`, built from `git archive` of it) "+
			"taking turns with this commit's, on the same emulators and states.\n\n", f.Baseline.commit)
	}
	w("**The figures come from one run on a noisy 2-core machine** shared with other work; wall times in particular can vary " +
		"by tens of percent between runs. Request counts are exact and repeatable; CPU times vary less than wall times.\n\n")

	w("## Machine\n\n")
	w("| | |\n|---|---|\n")
	w("| CPUs (`nproc`) | %d |\n", runtime.NumCPU())
	w("| Memory | %s |\n", memTotal())
	w("| CPU model | %s |\n", cpuModel())
	w("| Go | %s |\n", runtime.Version())
	w("| Terraform | %s |\n", terraformVersionLine(env.terraform))
	w("| Source | %s |\n", f.Source)
	w("| Date | %s |\n\n", f.Began.UTC().Format("2006-01-02"))

	w("## Targets\n\n")
	w("| Target | Measured | Result |\n|---|---|---|\n")
	if r, z := find("refresh", 500, top, ""), find("refresh", 500, 0, ""); r != nil && z != nil {
		w("| Refresh of N=500 at 50 ms: at most %d API requests | %d requests | %s |\n", benchRefreshMaxRequests, r.Requests, metMissed(r.Err == "" && r.Requests <= benchRefreshMaxRequests))
		w("| Refresh of N=500: wall at 50 ms within %.1f× of 0 ms | %.2f s / %.2f s = %.2f× | %s |\n", benchRefreshMaxRatio, r.Wall.Seconds(), z.Wall.Seconds(), r.Ratio, metMissed(r.Err == "" && r.Ratio <= benchRefreshMaxRatio))
	} else {
		w("| Refresh of N=500 | not measured (N=500 not in BENCH_SIZES) | — |\n")
	}
	for _, lat := range benchLatencies {
		if c := find("plan", benchCPUN, lat, ""); c != nil {
			w("| Plan of N=%d at %s: provider CPU per connection at most %s | %s (%.2f s of CPU) | %s |\n", benchCPUN, benchLatency(lat),
				ms(benchMaxCPUPerResource), ms(c.perResource()), c.CPU.Seconds(), metMissed(c.Err == "" && c.perResource() <= benchMaxCPUPerResource))
		}
	}
	if f.Baseline != nil {
		for _, lat := range benchLatencies {
			if c, base := find("plan", benchMemoryN, lat, ""), find("plan", benchMemoryN, lat, "baseline"); c != nil && base != nil {
				w("| Plan of N=%d at %s: provider peak memory not above the baseline's | %s (baseline %s) | %s |\n", benchMemoryN, benchLatency(lat),
					mb(c.PeakKB), mb(base.PeakKB), metMissed(c.Err == "" && c.PeakKB <= base.PeakKB))
			}
		}
	}
	limit := 1.05*benchCreateN + 5
	for _, lat := range benchLatencies {
		if c := find("create", benchCreateN, lat, ""); c != nil {
			w("| Apply creating %d connections at %s: requests ≤ 1.05·N+5 = %.0f | %d requests | %s |\n", benchCreateN, benchLatency(lat), limit, c.Requests, metMissed(c.Err == "" && float64(c.Requests) <= limit))
		}
	}
	w("| A 10-minute sync: at most %d job polls | %d polls (%d requests in all) | %s |\n", benchMaxPolls, f.Polling.Polls, f.Polling.Requests, metMissed(f.Polling.Polls <= benchMaxPolls))
	w("| A 10-minute sync: end noticed within %s | %.2f s late | %s |\n", benchMaxLate, f.Polling.Late.Seconds(), metMissed(f.Polling.Late <= benchMaxLate))
	cold := time.Duration(f.SchemaCold.NsPerOp())
	w("| Schema fetch (`GetProviderSchema`, new server) under %s | %s | %s |\n", benchMaxSchema, fmtDur(cold), metMissed(cold < benchMaxSchema))
	w("| Provider binary under 40 MB (`-trimpath -ldflags \"-s -w\"`) | %d bytes = %.1f MB | %s |\n\n", f.BinaryBytes, float64(f.BinaryBytes)/1e6, metMissed(f.BinaryBytes < benchMaxBinaryBytes))

	if f.Baseline != nil {
		w("## Before and after\n\n")
		w("This commit against the baseline `%s`, from this run. CPU is the provider processes' user + system time, the least of the runs; "+
			"wall is the fastest run.\n\n", f.Baseline.commit[:12])
		w("| Figure | Baseline | This commit | Change |\n|---|---:|---:|---:|\n")
		change := func(before, after float64) string {
			if before == 0 {
				return "—"
			}
			return fmt.Sprintf("%+.0f%%", (after-before)/before*100)
		}
		for _, n := range f.Sizes {
			for _, op := range []string{"plan", "refresh"} {
				for _, lat := range benchLatencies {
					c, base := find(op, n, lat, ""), find(op, n, lat, "baseline")
					if c == nil || base == nil {
						continue
					}
					w("| %s of N=%d at %s: provider CPU per connection | %s | %s | %s |\n", op, n, benchLatency(lat),
						ms(base.perResource()), ms(c.perResource()), change(float64(base.CPU), float64(c.CPU)))
					if lat == top {
						w("| %s of N=%d at %s: wall | %.2f s | %.2f s | %s |\n", op, n, benchLatency(lat),
							base.Wall.Seconds(), c.Wall.Seconds(), change(base.Wall.Seconds(), c.Wall.Seconds()))
					}
					if n == benchMemoryN {
						w("| %s of N=%d at %s: provider peak memory | %s | %s | %s |\n", op, n, benchLatency(lat),
							mb(base.PeakKB), mb(c.PeakKB), change(float64(base.PeakKB), float64(c.PeakKB)))
					}
				}
			}
		}
		w("\n")
	}

	w("## One connection, RPC by RPC\n\n")
	w("`BenchmarkConnectionRPC` (`internal/provider/bench_rpc_test.go`; `go test -tags bench -run '^$' -bench BenchmarkConnectionRPC -benchmem ./internal/provider/`): " +
		"one imported connection with 4 streams and 1 mapper, configured with only `source_id` and `destination_id`, through the plugin protocol " +
		"in-process against an in-process emulator without latency (`ReadResource` includes one HTTP round trip on loopback). Terraform calls " +
		"`ValidateResourceConfig`, `UpgradeResourceState`, `ReadResource` and `PlanResourceChange` once per connection in a plan; " +
		"`ValidateResourceConfigStreams` validates the configuration with the 4 streams listed, each with its name and sync mode. The rows " +
		"ending in `Framework` are the same requests answered by terraform-plugin-framework itself, as every one was before the provider " +
		"answered unchanged connections itself, and as a connection that changed still is; a baseline without a row shows –.\n\n")
	baseRPC := map[string]rpcResult{}
	for _, r := range f.BaselineRPC {
		baseRPC[r.Name] = r
	}
	if f.Baseline != nil {
		w("| RPC | ns/op (baseline) | ns/op | B/op (baseline) | B/op | allocs/op (baseline) | allocs/op |\n|---|---:|---:|---:|---:|---:|---:|\n")
		for _, r := range f.RPC {
			ns, bytes, allocs := "–", "–", "–"
			if base, ok := baseRPC[r.Name]; ok {
				ns, bytes, allocs = strconv.FormatInt(base.NsPerOp, 10), strconv.FormatInt(base.BytesPerOp, 10), strconv.FormatInt(base.AllocsPerOp, 10)
			}
			w("| `%s` | %s | %d | %s | %d | %s | %d |\n", r.Name, ns, r.NsPerOp, bytes, r.BytesPerOp, allocs, r.AllocsPerOp)
		}
	} else {
		w("| RPC | ns/op | B/op | allocs/op |\n|---|---:|---:|---:|\n")
		for _, r := range f.RPC {
			w("| `%s` | %d | %d | %d |\n", r.Name, r.NsPerOp, r.BytesPerOp, r.AllocsPerOp)
		}
	}
	w("\n")

	if env.official != nil {
		w("## The official provider\n\n")
		w("`BENCH_OFFICIAL_PROVIDER` named another provider binary, registered as `%s` (Airbyte's own provider, built from its source; "+
			"not part of this repository). Its plan and refresh of the same seeded connections were measured at %s on an emulator of "+
			"its own, with its own configuration (the same `import` blocks, `source_id` and `destination_id`, and its provider "+
			"settings); its plan of the imports need not be empty.\n\n", benchOfficialAddress, benchLatency(top))
		w("| op | N | latency | provider | requests | wall (s) | provider CPU (s) | CPU per connection | peak memory |\n|---|---:|---|---|---:|---:|---:|---:|---:|\n")
		for _, c := range f.Cases {
			if c.Latency != top || (c.Op != "plan" && c.Op != "refresh") {
				continue
			}
			if o := find(c.Op, c.N, top, "official"); o == nil || c.Provider == "baseline" {
				continue
			}
			w("| %s | %d | %s | %s | %d | %.2f | %.2f | %s | %s |\n", c.Op, c.N, benchLatency(c.Latency), label(c.Provider), c.Requests,
				c.Wall.Seconds(), c.CPU.Seconds(), ms(c.perResource()), mb(c.PeakKB))
		}
		w("\n")
	}

	w("## Refresh, plan and create\n\n")
	w("Each N gets its own emulator (`cmd/airbyte-emulator -seed-connections N -latency 50ms`), whose N connections have %d streams each; "+
		"before the import each gets one hashing mapper on one stream through `PATCH /connections/{connectionId}`. The connections are "+
		"imported (`import` blocks with `source_id` and `destination_id`, one untimed `terraform apply` at 50 ms). `refresh` is "+
		"`terraform plan -refresh-only`, `plan` is `terraform plan`, both against that state; each runs %d times (%d at N ≥ %d) at each "+
		"latency with each provider, the emulator's latency switched through `POST /_emulator/faults` and its counters reset before "+
		"every run, latencies and providers taking turns so that load from other work on the machine falls alike on all. The fastest run "+
		"is the wall time (all runs are listed); CPU is the least provider CPU time of the runs; requests are the most any run made (the runs "+
		"agree). `create` is an apply creating %d connections from an empty state, once per latency, each on a fresh emulator started "+
		"with that `-latency`. All run with `-parallelism=10 -lock=false`, `TF_IN_AUTOMATION=1` and a `dev_overrides` CLI configuration; "+
		"wall time is the whole terraform command, provider start-up included. The ratio is the wall time over that of the same op, N and "+
		"provider at 0 ms.\n\n", benchStreams, env.reps, min(env.reps, benchMaxRepsLarge), benchMemoryN, benchCreateN)
	w("Provider CPU time and peak memory come from a small wrapper terraform starts in the provider's place: it runs the provider binary " +
		"as its child and, when the child exits, reads the child's resource usage (`getrusage`: user + system CPU time, and `ru_maxrss`, " +
		"which is the peak resident set, `VmHWM`). CPU is summed over the provider processes a command starts (procs), CPU per connection " +
		"is that over N, and peak memory is the largest of any of them.\n\n")
	w("| op | N | latency | provider | requests | wall (s) | ratio to 0 ms | provider CPU (s) | CPU per connection | procs | peak memory | runs: wall (s) | runs: CPU (s) | requests by route |\n" +
		"|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|---|\n")
	for _, c := range f.Cases {
		status := ""
		if c.Err != "" {
			status = " (failed, see below)"
		}
		var runs, cpus []string
		for _, d := range c.Walls {
			runs = append(runs, fmt.Sprintf("%.2f", d.Seconds()))
		}
		for _, d := range c.CPUs {
			cpus = append(cpus, fmt.Sprintf("%.2f", d.Seconds()))
		}
		ratio := "—"
		if c.Ratio > 0 {
			ratio = fmt.Sprintf("%.2f", c.Ratio)
		}
		w("| %s | %d | %s | %s | %d | %.2f | %s | %.2f | %s | %d | %s | %s | %s | %s%s |\n", c.Op, c.N, benchLatency(c.Latency), label(c.Provider),
			c.Requests, c.Wall.Seconds(), ratio, c.CPU.Seconds(), ms(c.perResource()), c.Procs, mb(c.PeakKB),
			strings.Join(runs, ", "), strings.Join(cpus, ", "), routes(c.ByRoute), status)
	}
	w("\n")

	w("## Other figures\n\n")
	w("| Figure | Value |\n|---|---|\n")
	w("| Provider binary (`go build -trimpath -ldflags \"-s -w\"`) | %d bytes (%.1f MB) |\n", f.BinaryBytes, float64(f.BinaryBytes)/1e6)
	w("| `GetProviderSchema`, new provider server each time | %s/op (%d iterations) |\n", fmtDur(cold), f.SchemaCold.N)
	w("| `GetProviderSchema`, same server again | %s/op (%d iterations) |\n", fmtDur(time.Duration(f.SchemaWarm.NsPerOp())), f.SchemaWarm.N)
	w("| 10-minute sync: job polls | %d |\n", f.Polling.Polls)
	w("| 10-minute sync: API requests in all | %d (%s) |\n", f.Polling.Requests, routes(f.Polling.ByRoute))
	w("| 10-minute sync: end noticed after | %.2f s |\n", f.Polling.Late.Seconds())
	for _, s := range env.setup {
		w("| Setup | %s |\n", s)
	}
	w("\nThe sync figures follow one 10-minute sync with the provider's sync runner against the " +
		"emulator on a test clock (`BenchmarkSyncPollingCost`; the waits take no real time).\n")

	if env.refreshExit2 {
		w("\nThe refresh-only plans printed \"No changes.\" and showed no drift, yet `terraform plan -refresh-only -detailed-exitcode` " +
			"exited 2 (Terraform 1.11 reports a refresh-only plan as applyable whenever the refreshed state differs from the previous " +
			"one in any way, even one it does not show; `terraform_data` exits 0 on the same machine). The benchmark counts \"No changes.\" " +
			"as an empty plan; a normal `terraform plan -detailed-exitcode` must exit 0.\n")
	}

	w("\n%s", benchNotes)

	var failed []*benchCase
	for _, c := range f.Cases {
		if c.Err != "" {
			failed = append(failed, c)
		}
	}
	if len(failed) > 0 {
		w("\n## Failures\n\n")
		for _, c := range failed {
			w("- op=%s n=%d latency=%s provider=%s:\n\n```\n%s\n```\n", c.Op, c.N, benchLatency(c.Latency), label(c.Provider), c.Err)
		}
	}
	return b.String()
}

// routes renders request counts by route, largest first.
func routes(m map[string]int64) string {
	type kv struct {
		k string
		v int64
	}
	var list []kv
	for k, v := range m {
		list = append(list, kv{k, v})
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].v != list[j].v {
			return list[i].v > list[j].v
		}
		return list[i].k < list[j].k
	})
	var parts []string
	for _, e := range list {
		parts = append(parts, fmt.Sprintf("`%s` %d", e.k, e.v))
	}
	return strings.Join(parts, ", ")
}

func fmtDur(d time.Duration) string {
	return fmt.Sprintf("%.3f ms", float64(d)/float64(time.Millisecond))
}

func memTotal() string {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err == nil {
				return fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
			}
		}
	}
	return "unknown"
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func terraformVersionLine(tf string) string {
	cmd := exec.Command(tf, "version")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "CHECKPOINT_DISABLE=1", "TF_CLI_CONFIG_FILE=/dev/null")
	out, err := cmd.Output()
	if err != nil {
		return "unknown"
	}
	line, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(line)
}

// benchSource is the state of the source tree that a run measures.
type benchSource struct {
	commit  string   // git rev-parse HEAD; "" when it cannot be read
	changes []string // git status --porcelain, one line per path, the report file left out
	err     string   // why git could not be asked, if it could not
	note    string   // what else the report should say about the tree
}

// readBenchSource reads the commit checked out at root and its uncommitted changes, untracked
// files included, leaving out the report file, which the run itself rewrites.
func readBenchSource(root, report string) benchSource {
	head, err := exec.Command("git", "-C", root, "rev-parse", "HEAD").Output()
	if err != nil {
		return benchSource{err: fmt.Sprintf("git rev-parse HEAD failed (%v): not a git checkout?", err)}
	}
	src := benchSource{commit: strings.TrimSpace(string(head))}
	status, err := exec.Command("git", "-C", root, "status", "--porcelain").Output()
	if err != nil {
		src.err = fmt.Sprintf("git status --porcelain failed: %v", err)
		return src
	}
	skip, _ := filepath.Rel(root, report)
	for _, line := range strings.Split(strings.TrimRight(string(status), "\n"), "\n") {
		if len(line) > 3 && line[3:] != filepath.ToSlash(skip) {
			src.changes = append(src.changes, line)
		}
	}
	return src
}

// clean reports whether the tree is exactly its commit.
func (s benchSource) clean() bool {
	return s.commit != "" && s.err == "" && len(s.changes) == 0 && s.note == ""
}

func (s benchSource) commitText() string {
	if s.commit == "" {
		return "no known commit"
	}
	return "commit `" + s.commit + "`"
}

// where is the commit, and whether the tree had changes on top of it, in a few words.
func (s benchSource) where() string {
	if s.clean() {
		return s.commitText()
	}
	return s.commitText() + " with uncommitted changes"
}

// String describes the tree for the report and for messages.
func (s benchSource) String() string {
	var parts []string
	switch {
	case s.err != "":
		parts = append(parts, s.commitText()+"; "+s.err)
	case len(s.changes) == 0:
		parts = append(parts, s.commitText()+", clean working tree (`git status --porcelain` empty)")
	default:
		quoted := make([]string, len(s.changes))
		for i, c := range s.changes {
			quoted[i] = "`" + c + "`"
		}
		paths := "paths"
		if len(s.changes) == 1 {
			paths = "path"
		}
		parts = append(parts, fmt.Sprintf("%s with uncommitted changes to %d %s (`git status --porcelain`): %s",
			s.commitText(), len(s.changes), paths, strings.Join(quoted, ", ")))
	}
	if s.note != "" {
		parts = append(parts, s.note)
	}
	return strings.Join(parts, "; ")
}
