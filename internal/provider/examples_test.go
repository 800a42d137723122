package provider

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
)

// examplesDir is the examples directory, relative to this package.
const examplesDir = "../../examples"

// TestAccExamples checks that terraform fmt leaves the examples unchanged and
// that terraform validate accepts every example directory, with the provider
// built from this tree.
//
// The documentation snippets (resources/, data-sources/) leave out the
// required_providers block that every configuration using this provider
// needs; the test adds it when a directory has none, so that Terraform finds
// the provider under test. List resource examples (.tfquery.hcl) need
// Terraform 1.14 to be parsed and are left out of validation; import blocks
// with identity need 1.12, and actions 1.14; they are left out on older versions.
func TestAccExamples(t *testing.T) {
	tf := requireTerraform(t)
	if tf == "" {
		t.Skip("TF_ACC_TERRAFORM_VERSION asks the testing library to install terraform; this test runs only a terraform found on PATH or in TF_ACC_TERRAFORM_PATH")
	}
	tfVersion := terraformVersion(t)

	fmtCmd := exec.Command(tf, "fmt", "-check", "-recursive", "-diff", "-no-color", examplesDir)
	if out, err := fmtCmd.CombinedOutput(); err != nil {
		t.Fatalf("terraform fmt -check -recursive %s: %v; run `terraform fmt -recursive examples` to fix:\n%s", examplesDir, err, out)
	}

	dirs := exampleDirectories(t)
	if len(dirs) < 5 {
		t.Fatalf("found %d example directories, want at least 5: %v", len(dirs), dirs)
	}

	cliConfig := devOverridesConfig(t, buildProvider(t))
	for _, dir := range dirs {
		t.Run(dir, func(t *testing.T) {
			work := t.TempDir()
			requiresProviders := false
			entries, err := os.ReadDir(filepath.Join(examplesDir, dir))
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				name := e.Name()
				switch {
				case strings.HasSuffix(name, ".tfquery.hcl"):
					t.Logf("%s is not validated: list blocks need Terraform 1.14 and `terraform query`; this test runs `terraform validate` on .tf files only", name)
					continue
				case !strings.HasSuffix(name, ".tf"):
					continue
				}
				src, err := os.ReadFile(filepath.Join(examplesDir, dir, name))
				if err != nil {
					t.Fatal(err)
				}
				if importsByIdentity.Match(src) && tfVersion.LessThan(version.Must(version.NewVersion("1.12.0"))) {
					t.Logf("%s is not validated: import blocks with identity need Terraform 1.12, and this is %s", name, tfVersion)
					continue
				}
				if usesActions.Match(src) && tfVersion.LessThan(version.Must(version.NewVersion("1.14.0"))) {
					t.Logf("%s is not validated: actions need Terraform 1.14, and this is %s", name, tfVersion)
					continue
				}
				requiresProviders = requiresProviders || bytes.Contains(src, []byte("required_providers"))
				if err := os.WriteFile(filepath.Join(work, name), src, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if copied, _ := filepath.Glob(filepath.Join(work, "*.tf")); len(copied) == 0 {
				t.Skip("nothing here that terraform validate reads")
			}
			if !requiresProviders {
				versions := "terraform {\n  required_providers {\n    airbyte = {\n      source = \"airbyte-terraform/airbyte\"\n    }\n  }\n}\n"
				if err := os.WriteFile(filepath.Join(work, "versions_test_added.tf"), []byte(versions), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			cmd := exec.Command(tf, "validate", "-no-color")
			cmd.Dir = work
			cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig, "TF_IN_AUTOMATION=1")
			out, err := cmd.CombinedOutput()
			if err != nil || !strings.Contains(string(out), "The configuration is valid") {
				t.Fatalf("terraform validate in examples/%s: %v\n%s", dir, err, out)
			}
		})
	}
}

// importsByIdentity finds an import block that gives an identity.
var importsByIdentity = regexp.MustCompile(`(?m)^\s*identity\s*=\s*\{`)

// usesActions finds an action block or an action_trigger.
var usesActions = regexp.MustCompile(`(?m)^\s*(action\s+"|action_trigger\s*\{)`)

// exampleDirectories returns the directories under examples that hold .tf
// or .tfquery.hcl files, relative to examples.
func exampleDirectories(t *testing.T) []string {
	t.Helper()
	var dirs []string
	err := filepath.WalkDir(examplesDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && p != examplesDir {
			return filepath.SkipDir // such as .terraform
		}
		if d.IsDir() || !(strings.HasSuffix(p, ".tf") || strings.HasSuffix(p, ".tfquery.hcl")) {
			return nil
		}
		rel, err := filepath.Rel(examplesDir, filepath.Dir(p))
		if err != nil {
			return err
		}
		if !slices.Contains(dirs, rel) {
			dirs = append(dirs, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}

// buildProvider builds the provider binary from this tree into a temporary
// directory and returns the directory.
func buildProvider(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "terraform-provider-airbyte")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = "../.."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	return dir
}

// devOverridesConfig writes a Terraform CLI configuration that takes the
// provider from dir, and returns its path.
func devOverridesConfig(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "terraformrc")
	cfg := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", RegistryAddress, dir)
	if err := os.WriteFile(p, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
