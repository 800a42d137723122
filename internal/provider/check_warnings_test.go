package provider

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

// terraformDir is a Terraform working directory whose commands run the
// terraform CLI directly against the provider served in this process, for
// what terraform-plugin-testing does not show, such as warnings.
type terraformDir struct {
	t   *testing.T
	bin string
	dir string
	env []string
}

// newTerraformDir writes config (with its required_providers block) into a
// temporary directory, serves the provider with clock clk in this process
// for the test's duration, and runs terraform init. It skips the test as
// requireTerraform does, and when the tests are to install Terraform
// themselves (TF_ACC_TERRAFORM_VERSION).
func newTerraformDir(t *testing.T, clk client.Clock, config string) *terraformDir {
	t.Helper()
	bin := requireTerraform(t)
	if bin == "" {
		t.Skip("this test runs a terraform CLI found on PATH or in TF_ACC_TERRAFORM_PATH")
	}
	dir := t.TempDir()
	config = "terraform {\n  required_providers {\n    airbyte = {\n      source = \"airbyte-terraform/airbyte\"\n    }\n  }\n}\n\n" + config
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	reattach := make(chan *plugin.ReattachConfig)
	closed := make(chan struct{})
	served := make(chan error, 1)
	go func() {
		served <- tf6server.Serve(RegistryAddress, providerserver.NewProtocol6(newWithClock("test", clk)()),
			tf6server.WithDebug(ctx, reattach, closed), tf6server.WithLoggingSink(t),
			tf6server.WithGoPluginLogger(hclog.NewNullLogger()))
	}()
	var rc *plugin.ReattachConfig
	select {
	case rc = <-reattach:
	case err := <-served:
		cancel()
		t.Fatalf("serving the provider: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		<-closed
	})
	reattachJSON, err := json.Marshal(map[string]any{RegistryAddress: map[string]any{
		"Protocol": string(rc.Protocol), "ProtocolVersion": rc.ProtocolVersion, "Pid": rc.Pid, "Test": true,
		"Addr": map[string]string{"Network": rc.Addr.Network(), "String": rc.Addr.String()},
	}})
	if err != nil {
		t.Fatal(err)
	}

	d := &terraformDir{t: t, bin: bin, dir: dir}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_") && !strings.HasPrefix(kv, "AIRBYTE_") && !strings.HasPrefix(kv, "CHECKPOINT_") {
			d.env = append(d.env, kv)
		}
	}
	d.env = append(d.env, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "TF_CLI_CONFIG_FILE="+os.DevNull,
		"TF_REATTACH_PROVIDERS="+string(reattachJSON))
	if out, code := d.run("init", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("terraform init exited with %d:\n%s", code, out)
	}
	return d
}

// run runs terraform with args in the directory and returns its standard
// output and exit status.
func (d *terraformDir) run(args ...string) (string, int) {
	d.t.Helper()
	cmd := exec.Command(d.bin, append([]string{"-chdir=" + d.dir}, args...)...)
	cmd.Env = d.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		d.t.Fatalf("running terraform %s: %v", strings.Join(args, " "), err)
	}
	return stdout.String() + stderr.String(), cmd.ProcessState.ExitCode()
}

// jsonDiagnostic is a diagnostic line of terraform's -json output.
type jsonDiagnostic struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
	Address  string `json:"address"`
}

// diagnostics returns the diagnostics of terraform's -json output.
func diagnostics(t *testing.T, out string) []jsonDiagnostic {
	t.Helper()
	var diags []jsonDiagnostic
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var line struct {
			Type       string          `json:"type"`
			Diagnostic *jsonDiagnostic `json:"diagnostic"`
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Type == "diagnostic" && line.Diagnostic != nil {
			diags = append(diags, *line.Diagnostic)
		}
	}
	return diags
}
