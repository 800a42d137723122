package moduletest

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/conformance"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/provider"
)

// repoRoot is the repository's root, relative to this package.
const repoRoot = "../.."

// TestMain validates the API traffic of the modules' tests against the Airbyte OpenAPI documents when
// AIRBYTE_OPENAPI_SPEC and AIRBYTE_CONFIG_API_SPEC name them, as the provider's tests do.
func TestMain(m *testing.M) {
	os.Exit(conformance.Run(m, conformance.HandlerOptions{CheckRequests: true, CheckResponses: true}))
}

// TestConnectionFleetModule runs the connection-fleet module's `terraform test` against an emulator started
// from examples/emulator/workspace.json: every run of tests/ must pass, and tests/plan_errors, which plans a
// stream the source does not have, must fail with the provider's error and nothing else. Afterwards the
// emulator must hold what the runs did: two connections, both destroyed, and three syncs.
func TestConnectionFleetModule(t *testing.T) {
	tf := requireTerraform(t, "1.9.0") // the module's cross-variable validations need 1.9
	emu, env := startEmulator(t, filepath.Join(repoRoot, "examples", "emulator", "workspace.json"))
	work := copyModule(t, filepath.Join(repoRoot, "examples", "modules", "connection-fleet"))
	env = append(env, "TF_CLI_CONFIG_FILE="+devOverridesConfig(t, buildProvider(t)))

	// `terraform get` installs the helper module the tests read back with; `terraform init` would also
	// look the provider up in the registry, which dev_overrides make pointless.
	if out, err := terraform(tf, work, env, "get", "-no-color"); err != nil {
		t.Fatalf("terraform get: %v\n%s", err, out)
	}

	out, err := terraform(tf, work, env, "test", "-no-color")
	if err != nil {
		t.Fatalf("terraform test: %v\n%s", err, out)
	}
	runs := runResults(out)
	wantRuns := runNames(t, filepath.Join(work, "tests", "fleet.tftest.hcl"))
	for _, name := range wantRuns {
		if runs[name] != "pass" {
			t.Errorf("run %q: %q, want pass", name, runs[name])
		}
	}
	if len(runs) != len(wantRuns) || !strings.Contains(out, fmt.Sprintf("Success! %d passed, 0 failed.", len(wantRuns))) {
		t.Errorf("terraform test ran %d runs, want the %d of fleet.tftest.hcl, all passing:\n%s", len(runs), len(wantRuns), out)
	}

	snap := emu.Snapshot()
	if len(snap.Connections) != 2 {
		t.Errorf("the emulator holds %d connections, want the 2 the module created (no replacement, no duplicate): %+v", len(snap.Connections), snap.Connections)
	}
	for _, c := range snap.Connections {
		if c.Status != "deprecated" {
			t.Errorf("connection %s (%s) is %s after the tests' teardown, want deprecated (deleted)", c.ConnectionID, c.Name, c.Status)
		}
	}
	syncs := 0
	for _, j := range snap.Jobs {
		if j.JobType == "sync" {
			syncs++
		}
	}
	if syncs != 3 {
		t.Errorf("the emulator ran %d syncs, want 3 (one per connection when syncs were turned on, one after the stream change): %+v", syncs, snap.Jobs)
	}

	// A stream the source does not have: the run must fail at plan with the provider's error, creating nothing.
	out, err = terraform(tf, work, env, "test", "-no-color", "-test-directory=tests/plan_errors")
	if err == nil {
		t.Fatalf("terraform test of tests/plan_errors passed; it should fail at plan:\n%s", out)
	}
	words := strings.Join(strings.Fields(out), " ") // terraform wraps its messages
	if got := strings.Count(out, "Error: "); got != 1 || !strings.Contains(out, "Error: Unknown Stream") ||
		!strings.Contains(words, `has no stream named "invoices"`) || runResults(out)["unknown_stream"] != "fail" {
		t.Errorf("terraform test of tests/plan_errors should fail only with the provider's Unknown Stream error; it said:\n%s", out)
	}
	if n := len(emu.Snapshot().Connections); n != 2 {
		t.Errorf("the failed plan changed the emulator: %d connections, want 2", n)
	}
}

// requireTerraform returns the terraform CLI to run: TF_ACC_TERRAFORM_PATH, or terraform on PATH. It skips
// the test without TF_ACC (as every acceptance test does), without a terraform CLI, or with one older than
// minVersion.
func requireTerraform(t *testing.T, minVersion string) string {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test skipped: set TF_ACC=1 to run it (make test and make testacc do)")
	}
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		p, err := exec.LookPath("terraform")
		if err != nil {
			t.Skip("module test skipped: no terraform CLI on PATH. Install Terraform, or set TF_ACC_TERRAFORM_PATH to a terraform binary.")
		}
		tf = p
	}
	out, err := exec.Command(tf, "version", "-json").Output()
	if err != nil {
		t.Fatalf("%s version -json: %v", tf, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("%s version -json: %v: %s", tf, err, out)
	}
	got, err := version.NewVersion(v.Version)
	if err != nil {
		t.Fatalf("%s version -json: %v", tf, err)
	}
	if got.LessThan(version.Must(version.NewVersion(minVersion))) {
		t.Skipf("module test skipped: terraform %s is older than %s", got, minVersion)
	}
	return tf
}

// startEmulator serves an emulator seeded from seedFile on a loopback port for the duration of the test, behind
// the conformance check, and returns it with the environment that points the provider at it.
func startEmulator(t *testing.T, seedFile string) (*emulator.Emulator, []string) {
	t.Helper()
	r, err := os.Open(seedFile)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	seed, err := emulator.ParseSeedFile(r)
	if err != nil {
		t.Fatalf("%s: %v", seedFile, err)
	}
	emu := emulator.New(emulator.Options{SeedFile: seed})
	srv := httptest.NewServer(conformance.Wrap(emu))
	t.Cleanup(srv.Close)
	info := emu.Info(srv.URL)

	var env []string
	for _, kv := range os.Environ() {
		// The shell's Airbyte settings and Terraform settings would reach the provider or change what
		// terraform reads.
		if strings.HasPrefix(kv, "AIRBYTE_") || strings.HasPrefix(kv, "TF_") {
			continue
		}
		env = append(env, kv)
	}
	return emu, append(env,
		"AIRBYTE_SERVER_URL="+info.ServerURL,
		"AIRBYTE_CONFIG_API_URL="+info.ConfigAPIURL,
		"AIRBYTE_CLIENT_ID="+info.ClientID,
		"AIRBYTE_CLIENT_SECRET="+info.ClientSecret,
		"AIRBYTE_WORKSPACE_ID="+info.Workspaces[0].WorkspaceID,
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
	)
}

// copyModule copies the module at dir into a temporary directory, leaving out anything terraform left there
// (.terraform, lock files), so that the test writes nothing into the repository.
func copyModule(t *testing.T, dir string) string {
	t.Helper()
	work := t.TempDir()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		switch {
		case d.IsDir() && strings.HasPrefix(d.Name(), ".") && rel != ".":
			return filepath.SkipDir
		case d.IsDir():
			return os.MkdirAll(filepath.Join(work, rel), 0o755)
		case strings.HasPrefix(d.Name(), "."), strings.HasSuffix(d.Name(), ".tfstate"):
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(work, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return work
}

// buildProvider builds the provider binary from this tree into a temporary directory and returns the directory.
func buildProvider(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "terraform-provider-airbyte")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = repoRoot
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	return dir
}

// devOverridesConfig writes a Terraform CLI configuration that takes the provider from dir, and returns its path.
func devOverridesConfig(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "terraformrc")
	cfg := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", provider.RegistryAddress, dir)
	if err := os.WriteFile(p, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// terraform runs the terraform CLI in dir and returns its combined output.
func terraform(tf, dir string, env []string, args ...string) (string, error) {
	cmd := exec.Command(tf, args...)
	cmd.Dir = dir
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// runLine is a line of `terraform test` output reporting a run: `  run "create"... pass`.
var runLine = regexp.MustCompile(`(?m)^\s*run "([^"]+)"\.\.\. (\w+)`)

// runResults returns the result (pass, fail, skip) of each run that terraform test reported.
func runResults(out string) map[string]string {
	results := map[string]string{}
	for _, m := range runLine.FindAllStringSubmatch(out, -1) {
		results[m[1]] = m[2]
	}
	return results
}

// runBlock is the start of a run block in a .tftest.hcl file.
var runBlock = regexp.MustCompile(`(?m)^run "([^"]+)"`)

// runNames returns the names of the run blocks of a .tftest.hcl file, so that a run terraform did not report
// is noticed.
func runNames(t *testing.T, file string) []string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range runBlock.FindAllStringSubmatch(string(b), -1) {
		names = append(names, m[1])
	}
	if len(names) == 0 {
		t.Fatalf("%s has no run blocks", file)
	}
	return names
}
