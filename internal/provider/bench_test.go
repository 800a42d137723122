//go:build bench

// The scale benchmark. It only builds with the bench tag, so `go test ./...` never
// runs it; `make bench` does:
//
//	go test -tags bench -count=1 -run TestBench -bench 'BenchmarkGetProviderSchema|BenchmarkSyncPollingCost' -v -timeout 60m ./internal/provider/
//
// TestBench builds the provider and the emulator, runs the real terraform CLI against the
// emulator (at 0 ms and at 50 ms of added latency per request), prints one `bench:` line per
// case and writes BENCHMARKS.md at the root of the module (or to $BENCH_OUTPUT). It fails when
// terraform fails or a plan right after import or create is not empty, never on a missed target:
// the figures are reported, not gated on.
//
// BENCHMARKS.md names the commit it measured. Figures of a working tree with uncommitted changes
// belong to no commit, so TestBench refuses such a tree (the report file itself aside) unless
// BENCH_ALLOW_DIRTY=1, and then says so at the top of the report.
//
// Environment: GO (default: go on PATH), TERRAFORM (default: terraform on PATH), BENCH_OUTPUT
// (default: <module root>/BENCHMARKS.md), BENCH_SIZES (default "10,100,500"), BENCH_REPS (runs of each
// refresh and plan, the fastest counting; default 3), BENCH_ALLOW_DIRTY (1 to measure a tree with
// uncommitted changes).

package provider

import (
	"bufio"
	"bytes"
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
	benchMaxBinaryBytes     = 40_000_000 // 40 MB, 1 MB = 10^6 bytes
	benchMemoryN            = 500        // N at which the provider's peak memory is sampled
	benchCaseWarn           = 10 * time.Minute
	benchCommandTimeout     = 20 * time.Minute
	benchParallelism        = "-parallelism=10"
)

var benchLatencies = []time.Duration{0, 50 * time.Millisecond} // 0 first: the ratios need it

// benchCase is one measured terraform command.
type benchCase struct {
	Op       string // refresh, plan or create
	N        int
	Latency  time.Duration
	Requests int64
	ByRoute  map[string]int64
	Wall     time.Duration   // the fastest of Walls
	Walls    []time.Duration // every run of the command
	Ratio    float64         // Wall over the Wall of the same Op and N at 0 ms
	PeakKB   int64           // the provider's VmHWM, when sampled
	Err      string          // what went wrong, if anything
}

func (c *benchCase) key() string { return fmt.Sprintf("%s/%d", c.Op, c.N) }

// benchEnv is what every case shares: the binaries, the CLI configuration and the terraform CLI.
type benchEnv struct {
	t           *testing.T
	root        string
	tmp         string
	terraform   string
	providerBin string
	emulatorBin string
	cliConfig   string
	// setup records how long the untimed steps (import apply) took, for the report.
	setup []string
	// reps is how many times each refresh and plan runs (BENCH_REPS, default 3).
	reps int
	// refreshExit2 is set when a refresh-only plan said "No changes." but exited 2.
	refreshExit2 bool
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
	sizes := []int{10, 100, 500}
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
	env := &benchEnv{t: t, root: root, tmp: tmp, terraform: tfPath, reps: reps,
		providerBin: filepath.Join(tmp, "providers", "terraform-provider-airbyte"),
		emulatorBin: filepath.Join(tmp, "airbyte-emulator"),
		cliConfig:   filepath.Join(tmp, "terraformrc"),
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

	// A CLI configuration of our own, as examples/quickstart/demo.sh writes it.
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n",
		RegistryAddress, filepath.Dir(env.providerBin))
	if err := os.WriteFile(env.cliConfig, []byte(rc), 0o600); err != nil {
		t.Fatal(err)
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
		fmt.Printf("bench: op=%s n=%d latency=%s requests=%d wall_s=%.2f ratio_to_zero_latency=%.2f\n",
			c.Op, c.N, benchLatency(c.Latency), c.Requests, c.Wall.Seconds(), c.Ratio)
		if c.Err != "" {
			t.Errorf("op=%s n=%d latency=%s: %s", c.Op, c.N, benchLatency(c.Latency), c.Err)
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
	for _, lat := range benchLatencies {
		report(env.createCase(lat, benchCreateN))
	}
	for _, c := range cases {
		if c.PeakKB > 0 {
			fmt.Printf("bench: peak_memory op=%s n=%d latency=%s vmhwm_kb=%d mb=%.1f\n",
				c.Op, c.N, benchLatency(c.Latency), c.PeakKB, float64(c.PeakKB)*1024/1e6)
		}
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
		Began: began, Took: time.Since(began), Source: source,
	})
	if err := os.WriteFile(out, []byte(md), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (the run took %s)", out, time.Since(began).Round(time.Second))
}

// seededCases measures `terraform plan -refresh-only` and `terraform plan` of n seeded
// connections brought under management by an (untimed) import apply, at every latency. One
// emulator, started with the largest latency, serves every run; its latency is switched through
// POST /_emulator/faults before each run, and the latencies take turns run by run, so that the
// load other work puts on the machine falls alike on both and the ratio compares like with like.
func (env *benchEnv) seededCases(n int) []*benchCase {
	var cases []*benchCase
	byOp := map[string]map[time.Duration]*benchCase{}
	for _, op := range []string{"refresh", "plan"} {
		byOp[op] = map[time.Duration]*benchCase{}
		for _, lat := range benchLatencies {
			c := &benchCase{Op: op, N: n, Latency: lat}
			byOp[op][lat] = c
			cases = append(cases, c)
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
	emu, err := env.startEmulator(fmt.Sprintf("seeded-%d", n), top, n)
	if err != nil {
		return fail("%v", err)
	}
	defer emu.stop()

	api, err := client.New(client.Config{ServerURL: emu.vars["AIRBYTE_SERVER_URL"],
		ClientID: emu.vars["AIRBYTE_CLIENT_ID"], ClientSecret: emu.vars["AIRBYTE_CLIENT_SECRET"]})
	if err != nil {
		return fail("client: %v", err)
	}
	conns, err := api.ListConnections(context.Background(), client.ListConnectionsParams{WorkspaceIDs: []string{emu.vars["AIRBYTE_WORKSPACE_ID"]}})
	if err != nil {
		return fail("listing the seeded connections: %v", err)
	}
	if len(conns) != n {
		return fail("the emulator lists %d connections in its first workspace, want the %d seeded", len(conns), n)
	}
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

	sample := n == benchMemoryN
	imp := env.tf(dir, sample, "apply", "-auto-approve", "-input=false", "-no-color", "-lock=false", benchParallelism)
	env.setup = append(env.setup, fmt.Sprintf("import of n=%d at latency=%s: %.2f s", n, benchLatency(top), imp.wall.Seconds()))
	if sample && imp.peakKB > 0 {
		env.setup = append(env.setup, fmt.Sprintf("provider peak memory (VmHWM) during the import apply of n=%d at latency=%s: %.1f MB", n, benchLatency(top), float64(imp.peakKB)*1024/1e6))
	}
	if imp.err != nil {
		return fail("terraform apply of the imports: %v\n%s", imp.err, tail(imp.out))
	}
	env.t.Logf("imported %d connections at latency %s in %.2f s", n, benchLatency(top), imp.wall.Seconds())

	for _, op := range []string{"refresh", "plan"} {
		args := []string{"plan", "-detailed-exitcode", "-input=false", "-no-color", "-lock=false", benchParallelism}
		if op == "refresh" {
			args = append(args, "-refresh-only")
		}
		// Each command runs env.reps times at each latency, the latencies taking turns; the
		// fastest run counts (the machine is shared and noisy).
		for range env.reps {
			for _, lat := range benchLatencies {
				c := byOp[op][lat]
				if c.Err != "" {
					continue
				}
				if err := emu.setLatency(lat); err != nil {
					c.Err = err.Error()
					continue
				}
				if err := emu.resetStats(); err != nil {
					c.Err = err.Error()
					continue
				}
				r := env.tf(dir, sample, args...)
				c.Walls = append(c.Walls, r.wall)
				if c.Wall == 0 || r.wall < c.Wall {
					c.Wall = r.wall
				}
				c.PeakKB = max(c.PeakKB, r.peakKB)
				st, err := emu.stats()
				if err != nil {
					c.Err = err.Error()
					continue
				}
				if st.RequestsTotal > c.Requests {
					c.Requests, c.ByRoute = st.RequestsTotal, st.ByRoute
				}
				switch {
				case r.exit == 2 && op == "refresh" && strings.Contains(r.out, "No changes."):
					// Terraform 1.11 exits 2 from a refresh-only plan whenever the refreshed state
					// is not exactly the previous one, even with no drift to show; "No changes."
					// is the verdict that counts (see hashicorp/terraform#36403).
					env.refreshExit2 = true
				case r.exit == 2:
					c.Err = fmt.Sprintf("terraform %s right after the import is not empty:\n%s", strings.Join(args, " "), tail(r.out))
				case r.err != nil:
					c.Err = fmt.Sprintf("terraform %s: %v\n%s", strings.Join(args, " "), r.err, tail(r.out))
				}
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
	r := env.tf(dir, false, "apply", "-auto-approve", "-input=false", "-no-color", "-lock=false", benchParallelism)
	c.Wall, c.Walls = r.wall, []time.Duration{r.wall}
	st, err := emu.stats()
	if err != nil {
		c.Err = err.Error()
	}
	c.Requests, c.ByRoute = st.RequestsTotal, st.ByRoute
	if r.err != nil {
		c.Err = fmt.Sprintf("terraform apply: %v\n%s", r.err, tail(r.out))
		return c
	}
	p := env.tf(dir, false, "plan", "-detailed-exitcode", "-input=false", "-no-color", "-lock=false", benchParallelism)
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
	peakKB int64
}

// tf runs terraform in dir with the bench's CLI configuration and no TF_* settings from the
// caller's environment. With sample it records the provider's peak memory: the largest VmHWM of
// any process running the provider binary, read from /proc every 20 ms until terraform exits.
func (env *benchEnv) tf(dir string, sample bool, args ...string) tfResult {
	ctx, cancel := context.WithTimeout(context.Background(), benchCommandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, env.terraform, append([]string{"-chdir=" + dir}, args...)...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_") && !strings.HasPrefix(kv, "AIRBYTE_") && !strings.HasPrefix(kv, "CHECKPOINT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "TF_IN_AUTOMATION=1", "TF_CLI_CONFIG_FILE="+env.cliConfig, "CHECKPOINT_DISABLE=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out

	var peak int64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return tfResult{err: err, exit: -1}
	}
	if sample {
		go func() {
			defer close(sampled)
			tick := time.NewTicker(20 * time.Millisecond)
			defer tick.Stop()
			for {
				if kb := providerHWM(env.providerBin); kb > peak {
					peak = kb
				}
				select {
				case <-stop:
					return
				case <-tick.C:
				}
			}
		}()
	} else {
		close(sampled)
	}
	err := cmd.Wait()
	wall := time.Since(start)
	close(stop)
	<-sampled
	r := tfResult{wall: wall, out: out.String(), peakKB: peak, exit: cmd.ProcessState.ExitCode()}
	if err != nil && !(r.exit == 2 && slices.Contains(args, "-detailed-exitcode")) {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (gave up after %s)", err, benchCommandTimeout)
		}
		r.err = err
	}
	if len(args) > 0 {
		env.t.Logf("terraform %s in %s: exit %d, %.2f s", strings.Join(args, " "), filepath.Base(dir), r.exit, wall.Seconds())
	}
	return r
}

// providerHWM returns the largest VmHWM, in kB, of the processes whose executable is bin.
func providerHWM(bin string) int64 {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	var peak int64
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		if exe, err := os.Readlink("/proc/" + e.Name() + "/exe"); err != nil || exe != bin {
			continue
		}
		f, err := os.Open("/proc/" + e.Name() + "/status")
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				peak = max(peak, kb)
				break
			}
		}
		f.Close()
	}
	return peak
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
	find := func(op string, n int, lat time.Duration) *benchCase {
		for _, c := range f.Cases {
			if c.Op == op && c.N == n && c.Latency == lat {
				return c
			}
		}
		return nil
	}

	w("# Benchmarks\n\n")
	if !f.Source.clean() {
		w("**Not the figures of a commit: measured on a working tree with uncommitted changes** (`BENCH_ALLOW_DIRTY=1`): %s.\n\n",
			f.Source)
	}
	w("Written by `make bench` (`internal/provider/bench_test.go`, build tag `bench`) on %s, at %s; the run took %s.\n\n",
		f.Began.UTC().Format("2006-01-02 15:04 UTC"), f.Source.where(), f.Took.Round(time.Second))
	w("**The figures come from one run on a noisy 2-core machine** shared with other work; wall times in particular can vary " +
		"by tens of percent between runs. Request counts are exact and repeatable.\n\n")

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
	if r, z := find("refresh", 500, 50*time.Millisecond), find("refresh", 500, 0); r != nil && z != nil {
		w("| Refresh of N=500 at 50 ms: at most %d API requests | %d requests | %s |\n", benchRefreshMaxRequests, r.Requests, metMissed(r.Err == "" && r.Requests <= benchRefreshMaxRequests))
		w("| Refresh of N=500: wall at 50 ms within %.1f× of 0 ms | %.2f s / %.2f s = %.2f× | %s |\n", benchRefreshMaxRatio, r.Wall.Seconds(), z.Wall.Seconds(), r.Ratio, metMissed(r.Err == "" && r.Ratio <= benchRefreshMaxRatio))
	} else {
		w("| Refresh of N=500 | not measured (N=500 not in BENCH_SIZES) | — |\n")
	}
	limit := 1.05*benchCreateN + 5
	for _, lat := range benchLatencies {
		if c := find("create", benchCreateN, lat); c != nil {
			w("| Apply creating %d connections at %s: requests ≤ 1.05·N+5 = %.0f | %d requests | %s |\n", benchCreateN, benchLatency(lat), limit, c.Requests, metMissed(c.Err == "" && float64(c.Requests) <= limit))
		}
	}
	w("| A 10-minute sync: at most %d job polls | %d polls (%d requests in all) | %s |\n", benchMaxPolls, f.Polling.Polls, f.Polling.Requests, metMissed(f.Polling.Polls <= benchMaxPolls))
	w("| A 10-minute sync: end noticed within %s | %.2f s late | %s |\n", benchMaxLate, f.Polling.Late.Seconds(), metMissed(f.Polling.Late <= benchMaxLate))
	cold := time.Duration(f.SchemaCold.NsPerOp())
	w("| Schema fetch (`GetProviderSchema`, new server) under %s | %s | %s |\n", benchMaxSchema, fmtDur(cold), metMissed(cold < benchMaxSchema))
	w("| Provider binary under 40 MB (`-trimpath -ldflags \"-s -w\"`) | %d bytes = %.1f MB | %s |\n\n", f.BinaryBytes, float64(f.BinaryBytes)/1e6, metMissed(f.BinaryBytes < benchMaxBinaryBytes))

	w("## Refresh, plan and create\n\n")
	w("Each N gets its own emulator (`cmd/airbyte-emulator -seed-connections N -latency 50ms`); its N connections are imported "+
		"(`import` blocks with `source_id` and `destination_id`, one untimed `terraform apply` at 50 ms). `refresh` is "+
		"`terraform plan -refresh-only`, `plan` is `terraform plan`, both against that state; each runs %d times at each latency, "+
		"the emulator's latency switched through `POST /_emulator/faults` and its counters reset before every run, 0 ms and "+
		"50 ms taking turns so that load from other work on the machine falls alike on both. The fastest run is the wall time "+
		"(all runs are listed); requests are the most any run made (the runs agree). `create` is an apply creating %d connections "+
		"from an empty state, once per latency, each on a fresh emulator started with that `-latency`. All run with "+
		"`-parallelism=10 -lock=false`, `TF_IN_AUTOMATION=1` and a `dev_overrides` CLI configuration; wall time is the whole "+
		"terraform command, provider start-up included. The ratio is the wall time over that of the same op and N at 0 ms.\n\n",
		env.reps, benchCreateN)
	w("| op | N | latency | requests | wall (s) | ratio to 0 ms | runs (s) | requests by route |\n|---|---:|---|---:|---:|---:|---|---|\n")
	for _, c := range f.Cases {
		status := ""
		if c.Err != "" {
			status = " (failed, see below)"
		}
		var runs []string
		for _, d := range c.Walls {
			runs = append(runs, fmt.Sprintf("%.2f", d.Seconds()))
		}
		w("| %s | %d | %s | %d | %.2f | %.2f | %s | %s%s |\n", c.Op, c.N, benchLatency(c.Latency), c.Requests, c.Wall.Seconds(), c.Ratio,
			strings.Join(runs, ", "), routes(c.ByRoute), status)
	}
	w("\n")

	w("## Other figures\n\n")
	w("| Figure | Value |\n|---|---|\n")
	w("| Provider binary (`go build -trimpath -ldflags \"-s -w\"`) | %d bytes (%.1f MB) |\n", f.BinaryBytes, float64(f.BinaryBytes)/1e6)
	w("| `GetProviderSchema`, new provider server each time | %s/op (%d iterations) |\n", fmtDur(cold), f.SchemaCold.N)
	w("| `GetProviderSchema`, same server again | %s/op (%d iterations) |\n", fmtDur(time.Duration(f.SchemaWarm.NsPerOp())), f.SchemaWarm.N)
	for _, c := range f.Cases {
		if c.PeakKB > 0 {
			w("| Provider peak memory (VmHWM), %s of N=%d at %s | %.1f MB |\n", c.Op, c.N, benchLatency(c.Latency), float64(c.PeakKB)*1024/1e6)
		}
	}
	w("| 10-minute sync: job polls | %d |\n", f.Polling.Polls)
	w("| 10-minute sync: API requests in all | %d (%s) |\n", f.Polling.Requests, routes(f.Polling.ByRoute))
	w("| 10-minute sync: end noticed after | %.2f s |\n", f.Polling.Late.Seconds())
	for _, s := range env.setup {
		w("| Setup | %s |\n", s)
	}
	w("\nPeak memory is the largest `VmHWM` of `/proc/<pid>/status` of the provider processes terraform starts, sampled every " +
		"20 ms while the command runs. The sync figures follow one 10-minute sync with the provider's sync runner against the " +
		"emulator on a test clock (`BenchmarkSyncPollingCost`; the waits take no real time).\n")

	if env.refreshExit2 {
		w("\nThe refresh-only plans printed \"No changes.\" and showed no drift, yet `terraform plan -refresh-only -detailed-exitcode` " +
			"exited 2 (Terraform 1.11 reports a refresh-only plan as applyable whenever the refreshed state differs from the previous " +
			"one in any way, even one it does not show; `terraform_data` exits 0 on the same machine). The benchmark counts \"No changes.\" " +
			"as an empty plan; a normal `terraform plan -detailed-exitcode` must exit 0.\n")
	}

	var failed []*benchCase
	for _, c := range f.Cases {
		if c.Err != "" {
			failed = append(failed, c)
		}
	}
	if len(failed) > 0 {
		w("\n## Failures\n\n")
		for _, c := range failed {
			w("- op=%s n=%d latency=%s:\n\n```\n%s\n```\n", c.Op, c.N, benchLatency(c.Latency), c.Err)
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
