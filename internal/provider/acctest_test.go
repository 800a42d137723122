package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/conformance"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

// TestMain validates the API traffic the provider tests cause (requests the provider sends and
// responses the emulator returns) against the Airbyte OpenAPI documents when
// AIRBYTE_OPENAPI_SPEC and AIRBYTE_CONFIG_API_SPEC name them.
//
// It turns on shortcutVerify, and it also clears the provider's AIRBYTE_* environment variables, so that credentials or URLs
// in the shell running the tests never reach a test's provider, which would otherwise merge
// them into its configuration. Tests that need one set it with t.Setenv.
func TestMain(m *testing.M) {
	for _, name := range []string{envServerURL, envConfigAPIURL, envWorkspaceID, envClientID, envClientSecret,
		envTokenURL, envBearerToken, envUsername, envPassword, envStateLoss} {
		os.Unsetenv(name)
	}
	// Every answer the shortcut server gives without the framework is checked against the
	// framework's own answer: a difference fails the test that caused it.
	shortcutVerify = true
	os.Exit(conformance.Run(m, conformance.HandlerOptions{CheckRequests: true, CheckResponses: true}))
}

// testAccProtoV6ProviderFactories serves the provider in-process to the terraform CLI that
// acceptance tests run.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"airbyte": NewProtocol6Server(New("test")),
}

// accEmulator is an emulator served over HTTP to one test, behind the conformance check.
type accEmulator struct {
	t    *testing.T
	emu  *emulator.Emulator
	info emulator.Info
	srv  *httptest.Server
}

// newAccEmulator starts an emulator with opts for the duration of the test.
func newAccEmulator(t *testing.T, opts emulator.Options) *accEmulator {
	t.Helper()
	return newAccEmulatorBehind(t, opts, nil)
}

// newAccEmulatorBehind is newAccEmulator with the emulator served behind
// front, a handler that may answer in the emulator's place (a network
// fault, a lost response) or pass the request on to it.
func newAccEmulatorBehind(t *testing.T, opts emulator.Options, front func(emu http.Handler) http.Handler) *accEmulator {
	t.Helper()
	emu := emulator.New(opts)
	h := conformance.Wrap(emu)
	if front != nil {
		h = front(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &accEmulator{t: t, emu: emu, info: emu.Info(srv.URL), srv: srv}
}

// ProviderConfig returns a provider block that points at the emulator, with its client
// credentials and its first workspace.
func (e *accEmulator) ProviderConfig() string {
	return e.ProviderConfigWith("")
}

// ProviderConfigWith returns ProviderConfig with extra, such as `max_retries = 0`, added inside
// the provider block.
func (e *accEmulator) ProviderConfigWith(extra string) string {
	var b strings.Builder
	b.WriteString("provider \"airbyte\" {\n")
	for _, kv := range [][2]string{
		{"server_url", e.info.ServerURL},
		{"config_api_url", e.info.ConfigAPIURL},
		{"client_id", e.info.ClientID},
		{"client_secret", e.info.ClientSecret},
		{"workspace_id", e.Workspace(0).WorkspaceID},
		{"request_timeout", "10s"},
	} {
		fmt.Fprintf(&b, "  %-15s = %s\n", kv[0], hclString(kv[1]))
	}
	if extra = strings.TrimSpace(extra); extra != "" {
		for _, line := range strings.Split(extra, "\n") {
			b.WriteString("  " + strings.TrimSpace(line) + "\n")
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// settings returns the provider settings of ProviderConfig, in the form providerConfig takes.
func (e *accEmulator) settings() map[string]any {
	return map[string]any{
		"server_url":      e.info.ServerURL,
		"config_api_url":  e.info.ConfigAPIURL,
		"client_id":       e.info.ClientID,
		"client_secret":   e.info.ClientSecret,
		"workspace_id":    e.Workspace(0).WorkspaceID,
		"request_timeout": "10s",
	}
}

// Workspace returns the i-th seeded workspace.
func (e *accEmulator) Workspace(i int) emulator.WorkspaceInfo {
	e.t.Helper()
	if i < 0 || i >= len(e.info.Workspaces) {
		e.t.Fatalf("the emulator has %d workspaces; there is no workspace %d", len(e.info.Workspaces), i)
	}
	return e.info.Workspaces[i]
}

// Source returns the i-th source of workspace ws.
func (e *accEmulator) Source(ws, i int) emulator.SourceInfo {
	e.t.Helper()
	sources := e.Workspace(ws).Sources
	if i < 0 || i >= len(sources) {
		e.t.Fatalf("workspace %d of the emulator has %d sources; there is no source %d", ws, len(sources), i)
	}
	return sources[i]
}

// Destination returns the i-th destination of workspace ws.
func (e *accEmulator) Destination(ws, i int) emulator.DestinationInfo {
	e.t.Helper()
	destinations := e.Workspace(ws).Destinations
	if i < 0 || i >= len(destinations) {
		e.t.Fatalf("workspace %d of the emulator has %d destinations; there is no destination %d", ws, len(destinations), i)
	}
	return destinations[i]
}

// hclString quotes s as an HCL string literal.
func hclString(s string) string {
	q := strconv.Quote(s)
	q = strings.ReplaceAll(q, "${", "$${")
	return strings.ReplaceAll(q, "%{", "%%{")
}

// requireTerraform skips the test unless TF_ACC is set and a terraform CLI can be found, and
// returns the CLI's path ("" when TF_ACC_TERRAFORM_VERSION asks the testing library to install
// one). It must run before resource.Test, which ends the whole test process, not only the
// test, when it finds no terraform CLI.
func requireTerraform(t *testing.T) string {
	t.Helper()
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skip("acceptance test skipped: set TF_ACC=1 to run it (make test and make testacc do)")
	}
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		info, err := os.Stat(p)
		if err != nil || info.IsDir() || info.Mode()&0o111 == 0 {
			t.Fatalf("TF_ACC_TERRAFORM_PATH is %q, which is not an executable file. Point it at a terraform binary, "+
				"or unset it to use the terraform found on PATH.", p)
		}
		return p
	}
	if os.Getenv("TF_ACC_TERRAFORM_VERSION") != "" {
		return ""
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("acceptance test skipped: no terraform CLI on PATH. Install Terraform, or set TF_ACC_TERRAFORM_PATH to a terraform binary.")
	}
	return p
}

// accTest runs an acceptance test with the in-process provider, after requireTerraform. A test
// of a feature that newer Terraform adds gates it with TerraformVersionChecks, such as
// tfversion.SkipBelow(tfversion.Version1_14_0) for actions and list resources (resource identity
// needs 1.12); resource.Test runs those checks once it has found the CLI, which requireTerraform
// has made sure it will.
func accTest(t *testing.T, tc resource.TestCase) {
	t.Helper()
	requireTerraform(t)
	tc.ProtoV6ProviderFactories = testAccProtoV6ProviderFactories
	resource.Test(t, tc)
}

// accParallelTest is accTest run with resource.ParallelTest, alongside the other parallel tests,
// for a test that owns everything it touches: its own emulator, no t.Setenv, no package-level
// state. It may be called once per test.
func accParallelTest(t *testing.T, tc resource.TestCase) {
	t.Helper()
	requireTerraform(t)
	tc.ProtoV6ProviderFactories = testAccProtoV6ProviderFactories
	resource.ParallelTest(t, tc)
}

// terraformVersions caches terraformVersion by binary path.
var terraformVersions sync.Map // string → *version.Version

// terraformVersion returns the version of the terraform CLI the acceptance tests use, skipping
// the test as requireTerraform does when there is none.
func terraformVersion(t *testing.T) *version.Version {
	t.Helper()
	bin := requireTerraform(t)
	if bin == "" {
		v, err := version.NewVersion(os.Getenv("TF_ACC_TERRAFORM_VERSION"))
		if err != nil {
			t.Fatalf("TF_ACC_TERRAFORM_VERSION is not a version: %v", err)
		}
		return v
	}
	if v, ok := terraformVersions.Load(bin); ok {
		return v.(*version.Version)
	}
	out, err := exec.Command(bin, "version", "-json").Output()
	if err != nil {
		t.Fatalf("running %s version -json: %v", bin, err)
	}
	var parsed struct {
		TerraformVersion string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &parsed); err != nil {
		t.Fatalf("reading the output of %s version -json: %v\n%s", bin, err, out)
	}
	v, err := version.NewVersion(parsed.TerraformVersion)
	if err != nil {
		t.Fatalf("%s reports version %q: %v", bin, parsed.TerraformVersion, err)
	}
	terraformVersions.Store(bin, v)
	return v
}

// newProtocolServer returns the provider as a protocol 6 server, with its schema read and
// configured for e, for tests that drive the plugin protocol directly, such as those of features
// the local terraform CLI is too old to use.
// Settings in extra are added to the emulator's, or override them (such as max_retries).
func newProtocolServer(t *testing.T, e *accEmulator, extra ...map[string]any) tfprotov6.ProviderServer {
	t.Helper()
	return newProtocolServerOf(t, New("test"), e, extra...)
}

// newProtocolServerOf is newProtocolServer for the provider that newProvider
// makes, such as one with a test clock (newWithClock).
func newProtocolServerOf(t *testing.T, newProvider func() provider.Provider, e *accEmulator, extra ...map[string]any) tfprotov6.ProviderServer {
	t.Helper()
	ctx := context.Background()
	server, err := NewProtocol6Server(newProvider)()
	if err != nil {
		t.Fatalf("starting the provider server: %v", err)
	}
	schema, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatalf("GetProviderSchema: %v", err)
	}
	failOnErrors(t, "GetProviderSchema", schema.Diagnostics)

	settings := e.settings()
	for _, m := range extra {
		for k, v := range m {
			settings[k] = v
		}
	}
	cfg := providerConfig(t, settings)
	validated, err := server.ValidateProviderConfig(ctx, &tfprotov6.ValidateProviderConfigRequest{Config: cfg})
	if err != nil {
		t.Fatalf("ValidateProviderConfig: %v", err)
	}
	failOnErrors(t, "ValidateProviderConfig", validated.Diagnostics)
	configured, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: cfg})
	if err != nil {
		t.Fatalf("ConfigureProvider: %v", err)
	}
	failOnErrors(t, "ConfigureProvider", configured.Diagnostics)
	return server
}

// failOnErrors fails the test when diags holds an error, listing every diagnostic.
func failOnErrors(t *testing.T, call string, diags []*tfprotov6.Diagnostic) {
	t.Helper()
	if !hasError(diags) {
		return
	}
	var b strings.Builder
	for _, d := range diags {
		fmt.Fprintf(&b, "\n  %s: %s: %s", d.Severity, d.Summary, d.Detail)
	}
	t.Fatalf("%s returned errors:%s", call, b.String())
}

func TestAccHarness(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{})
	accParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: e.ProviderConfig() + `
output "x" {
  value = "ok"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("x", knownvalue.StringExact("ok")),
			},
		}},
	})
}

func TestHarnessProviderConfig(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 3})
	cfg := e.ProviderConfigWith("max_retries = 0\n")
	for _, want := range []string{
		`server_url      = "` + e.info.ServerURL + `"`,
		`config_api_url  = "` + e.info.ConfigAPIURL + `"`,
		`client_id       = "` + e.info.ClientID + `"`,
		`client_secret   = "` + e.info.ClientSecret + `"`,
		`workspace_id    = "` + e.info.Workspaces[0].WorkspaceID + `"`,
		`request_timeout = "10s"`,
		"  max_retries = 0\n}\n",
	} {
		if !strings.Contains(cfg, want) {
			t.Errorf("provider block lacks %q:\n%s", want, cfg)
		}
	}
	if !strings.HasPrefix(e.info.ServerURL, e.srv.URL) {
		t.Errorf("server_url %q is not served by %s", e.info.ServerURL, e.srv.URL)
	}
	if s := e.Source(0, 0); s.Name != "Postgres Production" || len(s.Streams) == 0 {
		t.Errorf("Source(0, 0) = %+v, want the seeded Postgres source with streams", s)
	}
	if d := e.Destination(0, 0); !isUUID(d.DestinationID) {
		t.Errorf("Destination(0, 0) = %+v", d)
	}
	if w := e.Workspace(1); w.WorkspaceID == e.Workspace(0).WorkspaceID {
		t.Error("Workspace(1) is Workspace(0)")
	}
	if got := hclString("a${b}%{c}\"d"); got != `"a$${b}%%{c}\"d"` {
		t.Errorf("hclString = %s", got)
	}
}

func TestProtocolServerConfigures(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{})
	server := newProtocolServer(t, e)
	// The configured server answers further calls; a schema read after Configure still works.
	resp, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || resp.Provider == nil {
		t.Fatalf("GetProviderSchema after Configure: %v", err)
	}
}

func TestRequireTerraformSkipsWithoutTFAcc(t *testing.T) {
	t.Setenv(resource.EnvTfAcc, "")
	ran := false
	t.Run("inner", func(t *testing.T) {
		requireTerraform(t)
		ran = true
	})
	if ran {
		t.Fatal("requireTerraform did not stop the test without TF_ACC")
	}
}

func TestRequireTerraformSkipsWithoutTerraform(t *testing.T) {
	t.Setenv(resource.EnvTfAcc, "1")
	t.Setenv("TF_ACC_TERRAFORM_PATH", "")
	t.Setenv("TF_ACC_TERRAFORM_VERSION", "")
	t.Setenv("PATH", t.TempDir())
	ran := false
	t.Run("inner", func(t *testing.T) {
		requireTerraform(t)
		ran = true
	})
	if ran {
		t.Fatal("requireTerraform did not stop the test without a terraform CLI")
	}
}

// TestAccTerraformVersion checks terraformVersion, and that the version gates tests use
// (tfversion.SkipBelow through accTest) run a test on a new enough CLI and skip it on an older one.
func TestAccTerraformVersion(t *testing.T) {
	v := terraformVersion(t)
	if v.LessThan(version.Must(version.NewVersion("1.0.0"))) {
		t.Fatalf("terraform version %s is implausible", v)
	}
	e := newAccEmulator(t, emulator.Options{})
	gated := func(minimum *version.Version, ran *bool) resource.TestCase {
		return resource.TestCase{
			TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(minimum)},
			Steps: []resource.TestStep{{
				Config: e.ProviderConfig(),
				Check:  func(*terraform.State) error { *ran = true; return nil },
			}},
		}
	}
	var ranOnNewer, ranOnOlder, skipped bool
	t.Run("cli newer than minimum", func(t *testing.T) {
		accTest(t, gated(version.Must(version.NewVersion("1.0.0")), &ranOnNewer))
	})
	if !ranOnNewer {
		t.Fatal("tfversion.SkipBelow(1.0.0) skipped the test")
	}
	t.Run("cli older than minimum", func(t *testing.T) {
		t.Cleanup(func() { skipped = t.Skipped() })
		accTest(t, gated(version.Must(version.NewVersion("999.0.0")), &ranOnOlder))
	})
	if ranOnOlder || !skipped {
		t.Fatal("tfversion.SkipBelow(999.0.0) did not skip the test")
	}
}

// TestAccTestSkipsWithoutTerraform checks that a version-gated acceptance test skips, rather
// than ending the test process as resource.Test does when it finds no terraform CLI, without
// TF_ACC and without a terraform CLI.
func TestAccTestSkipsWithoutTerraform(t *testing.T) {
	gated := resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_0_0)},
		Steps:                  []resource.TestStep{{Config: `output "x" { value = "ok" }`}},
	}
	for name, env := range map[string]map[string]string{
		"without TF_ACC":    {resource.EnvTfAcc: ""},
		"without terraform": {resource.EnvTfAcc: "1", "TF_ACC_TERRAFORM_PATH": "", "TF_ACC_TERRAFORM_VERSION": "", "PATH": t.TempDir()},
	} {
		t.Run(name, func(t *testing.T) {
			for k, v := range env {
				t.Setenv(k, v)
			}
			ran, skipped := false, false
			t.Run("inner", func(t *testing.T) {
				t.Cleanup(func() { skipped = t.Skipped() })
				accTest(t, gated)
				ran = true
			})
			if ran || !skipped {
				t.Fatalf("accTest ran or failed %s instead of skipping", name)
			}
		})
	}
}
