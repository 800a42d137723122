package provider

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

// Credentials of TestAccSecretsNotLogged. Each is distinctive and made only of
// characters that neither URL nor JSON encoding changes, so that a secret
// written to a log in any of those forms is still found by a plain search.
const (
	leakClientID     = "leakcheck-client-id"
	leakClientSecret = "leakcheck-CLIENT-SECRET-7f3kQ9zW2pXv"
	leakBearerToken  = "leakcheck-BEARER-TOKEN-Jm4tR8sLq1Yc"
	leakUsername     = "leakcheck-user"
	leakPassword     = "leakcheck-PASSWORD-Hd6wN0bVe5Ua"
)

// TestAccSecretsNotLogged runs the provider with every log Terraform and the
// provider can write at TRACE, under each way of authenticating, and checks
// that no credential, and no access token the provider was issued, appears in
// any of them.
//
// Terraform core and the provider under test write to one file: the testing
// library points both at the file TF_LOG_PATH_MASK names (the provider runs in
// this process and logs through the tflog test sink, which follows the same
// variable). TF_LOG=JSON sets the provider's loggers to TRACE and writes their
// lines as JSON objects, which tells them apart from Terraform's text lines.
func TestAccSecretsNotLogged(t *testing.T) {
	requireSensitiveProviderSettings(t, "client_secret", "bearer_auth", "password")
	requireTerraform(t)

	dir := t.TempDir()
	t.Setenv("TF_LOG", "JSON")
	t.Setenv("TF_LOG_PATH_MASK", filepath.Join(dir, "%s.log"))
	// Variables that would send the logs elsewhere or lower a level in them.
	for _, name := range []string{"TF_ACC_LOG_PATH", "TF_ACC_LOG", "TF_LOG_CORE", "TF_LOG_PROVIDER", "TF_LOG_PROVIDER_AIRBYTE",
		"TF_LOG_PATH", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_SDK_HELPER_RESOURCE"} {
		t.Setenv(name, "")
	}

	logFile := func(t *testing.T) string {
		return filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "__")+".log")
	}

	t.Run("client_credentials", func(t *testing.T) {
		e, seen := newCredentialRecordingEmulator(t, emulator.Options{
			Seed: 91, ClientID: leakClientID, ClientSecret: leakClientSecret, JobDuration: 500 * time.Millisecond,
		})
		cfg := secretsProviderConfig(e, [][2]string{{"client_id", leakClientID}, {"client_secret", leakClientSecret}})
		runFullCycle(t, e, cfg)

		tokens := seen.issuedTokens()
		if len(tokens) == 0 {
			t.Fatal("the emulator issued no access token; the provider did not use the client-credentials flow")
		}
		for _, tok := range tokens {
			if !seen.sent("Bearer " + tok) {
				t.Errorf("the provider never sent the access token %s it was issued; finding it in no log proves little", tok)
			}
		}
		logs := readCollectedLogs(t, logFile(t))
		logs.requireProviderRequestLine(t, "POST", "/applications/token")
		logs.requireProviderRequestLine(t, "POST", "/jobs")
		secrets := map[string]string{"client secret": leakClientSecret}
		for i, tok := range tokens {
			secrets[fmt.Sprintf("access token %d", i+1)] = tok
		}
		logs.requireAbsent(t, secrets)
	})

	t.Run("bearer_auth", func(t *testing.T) {
		e, seen := newCredentialRecordingEmulator(t, emulator.Options{Seed: 92, BearerToken: leakBearerToken})
		runShortCycle(t, e, secretsProviderConfig(e, [][2]string{{"bearer_auth", leakBearerToken}}))

		if !seen.sent("Bearer " + leakBearerToken) {
			t.Fatal("the provider never sent the bearer token")
		}
		if tokens := seen.issuedTokens(); len(tokens) != 0 {
			t.Errorf("the provider fetched %d access tokens although it was given a bearer token", len(tokens))
		}
		logs := readCollectedLogs(t, logFile(t))
		logs.requireProviderRequestLine(t, "POST", "/connections")
		logs.requireAbsent(t, map[string]string{"bearer token": leakBearerToken})
	})

	t.Run("basic_auth", func(t *testing.T) {
		e, seen := newCredentialRecordingEmulator(t, emulator.Options{Seed: 93, Username: leakUsername, Password: leakPassword})
		runShortCycle(t, e, secretsProviderConfig(e, [][2]string{{"username", leakUsername}, {"password", leakPassword}}))

		basic := base64.StdEncoding.EncodeToString([]byte(leakUsername + ":" + leakPassword))
		if !seen.sent("Basic " + basic) {
			t.Fatal("the provider never sent the basic credentials")
		}
		logs := readCollectedLogs(t, logFile(t))
		logs.requireProviderRequestLine(t, "POST", "/connections")
		logs.requireAbsent(t, map[string]string{"password": leakPassword, "base64 of username:password": basic})
	})
}

// requireSensitiveProviderSettings fails the test unless the provider schema,
// as Terraform reads it over the plugin protocol, marks each named setting
// sensitive: Terraform keeps sensitive values out of its plan output and UI.
func requireSensitiveProviderSettings(t *testing.T, names ...string) {
	t.Helper()
	server := providerserver.NewProtocol6(New("test")())()
	resp, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatalf("GetProviderSchema: %v", err)
	}
	failOnErrors(t, "GetProviderSchema", resp.Diagnostics)
	sensitive := map[string]bool{}
	for _, a := range resp.Provider.Block.Attributes {
		sensitive[a.Name] = a.Sensitive
	}
	for _, name := range names {
		if !sensitive[name] {
			t.Errorf("provider setting %s is not marked sensitive", name)
		}
	}
}

// secretsProviderConfig is a provider block for e that authenticates with auth
// alone, unlike ProviderConfig, which always uses client credentials.
func secretsProviderConfig(e *accEmulator, auth [][2]string) string {
	settings := append([][2]string{
		{"server_url", e.info.ServerURL},
		{"config_api_url", e.info.ConfigAPIURL},
		{"workspace_id", e.Workspace(0).WorkspaceID},
		{"request_timeout", "10s"},
	}, auth...)
	var b strings.Builder
	b.WriteString("provider \"airbyte\" {\n")
	for _, kv := range settings {
		fmt.Fprintf(&b, "  %-15s = %s\n", kv[0], hclString(kv[1]))
	}
	b.WriteString("}\n")
	return b.String()
}

// runFullCycle is a user's session: create a connection with streams and a cron
// schedule and sync it, read its state and sync history, plan with nothing to
// change, change the connection, and destroy everything.
func runFullCycle(t *testing.T, e *accEmulator, providerBlock string) {
	t.Helper()
	connection := func(name, cron string) string {
		return providerBlock + fmt.Sprintf(`
resource "airbyte_connection" "c" {
  source_id      = %q
  destination_id = %q
  name           = %q
  schedule = {
    schedule_type   = "cron"
    cron_expression = %q
  }
  configurations = {
    streams = [
      { name = "users", sync_mode = "full_refresh_overwrite" },
      { name = "orders", sync_mode = "full_refresh_append" },
    ]
  }
}

resource "airbyte_run_sync" "s" {
  connection_id = airbyte_connection.c.connection_id
}
`, e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID, name, cron)
	}
	const reads = `
data "airbyte_connection_state" "c" {
  connection_id = airbyte_connection.c.connection_id
}

data "airbyte_sync_history" "c" {
  connection_id = airbyte_connection.c.connection_id
  depends_on    = [airbyte_run_sync.s]
}
`
	before := connection("Secrets check", "0 0 12 * * ?") + reads
	after := connection("Secrets check, renamed", "0 30 6 * * ?") + reads
	accTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: connection("Secrets check", "0 0 12 * * ?"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("airbyte_run_sync.s", tfjsonpath.New("status"), knownvalue.StringExact("succeeded")),
				},
			},
			{
				Config: before,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.airbyte_sync_history.c", tfjsonpath.New("jobs"), knownvalue.ListSizeExact(1)),
					statecheck.ExpectKnownValue("data.airbyte_connection_state.c", tfjsonpath.New("state_type"), knownvalue.NotNull()),
				},
			},
			{
				Config:   before,
				PlanOnly: true,
			},
			{
				Config: after,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("airbyte_connection.c", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("airbyte_run_sync.s", plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("airbyte_connection.c", tfjsonpath.New("name"), knownvalue.StringExact("Secrets check, renamed")),
				},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if live := e.liveConnections(); len(live) != 0 {
				return fmt.Errorf("after destroy the emulator still holds %d live connections", len(live))
			}
			return nil
		},
	})
}

// runShortCycle creates a connection, reads it back with a plan that must be
// empty, and destroys it.
func runShortCycle(t *testing.T, e *accEmulator, providerBlock string) {
	t.Helper()
	accTest(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: providerBlock + fmt.Sprintf(`
resource "airbyte_connection" "c" {
  source_id      = %q
  destination_id = %q
}
`, e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("airbyte_connection.c", tfjsonpath.New("status"), knownvalue.StringExact("active")),
			},
		}},
	})
}

// credentialRecorder records what the provider sent in Authorization headers
// and the access tokens the token endpoint handed out, which exist only on the
// wire: the emulator keeps no list of them.
type credentialRecorder struct {
	mu            sync.Mutex
	authorization map[string]bool
	tokens        []string
}

// newCredentialRecordingEmulator starts an emulator behind a credentialRecorder.
func newCredentialRecordingEmulator(t *testing.T, opts emulator.Options) (*accEmulator, *credentialRecorder) {
	t.Helper()
	rec := &credentialRecorder{authorization: map[string]bool{}}
	e := newAccEmulatorBehind(t, opts, func(emu http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec.mu.Lock()
			if h := r.Header.Get("Authorization"); h != "" {
				rec.authorization[h] = true
			}
			rec.mu.Unlock()
			if !strings.HasSuffix(r.URL.Path, "/applications/token") {
				emu.ServeHTTP(w, r)
				return
			}
			tee := &teeResponseWriter{ResponseWriter: w}
			emu.ServeHTTP(tee, r)
			var body struct {
				AccessToken string `json:"access_token"`
			}
			if json.Unmarshal(tee.body.Bytes(), &body) == nil && body.AccessToken != "" {
				rec.mu.Lock()
				rec.tokens = append(rec.tokens, body.AccessToken)
				rec.mu.Unlock()
			}
		})
	})
	return e, rec
}

// sent reports whether the provider sent this Authorization header.
func (r *credentialRecorder) sent(authorization string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.authorization[authorization]
}

// issuedTokens returns the access tokens issued so far.
func (r *credentialRecorder) issuedTokens() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.tokens...)
}

// teeResponseWriter keeps a copy of the response body it writes.
type teeResponseWriter struct {
	http.ResponseWriter
	body bytes.Buffer
}

func (w *teeResponseWriter) Write(p []byte) (int, error) {
	w.body.Write(p)
	return w.ResponseWriter.Write(p)
}

// collectedLogs is the log file of one test: Terraform core's text lines and
// the provider's JSON lines, interleaved.
type collectedLogs struct {
	raw      []byte
	core     [][]byte
	provider []map[string]any
	// providerLines holds the raw JSON lines, parallel to provider.
	providerLines [][]byte
	coreBytes     int
	providerBytes int
}

// readCollectedLogs reads the log file of a finished test and checks that
// both writers wrote to it, so that finding no secret in it means something.
func readCollectedLogs(t *testing.T, path string) *collectedLogs {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading the collected logs: %v. TF_LOG_PATH_MASK did not reach Terraform or the provider.", err)
	}
	l := &collectedLogs{raw: raw}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var entry map[string]any
		if bytes.HasPrefix(line, []byte("{")) && json.Unmarshal(line, &entry) == nil && entry["@module"] != nil {
			l.provider = append(l.provider, entry)
			l.providerLines = append(l.providerLines, bytes.Clone(line))
			l.providerBytes += len(line) + 1
			continue
		}
		l.core = append(l.core, bytes.Clone(line))
		l.coreBytes += len(line) + 1
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("reading the collected logs: %v", err)
	}
	t.Logf("collected %d bytes of logs: Terraform core %d bytes in %d lines, provider %d bytes in %d lines",
		len(raw), l.coreBytes, len(l.core), l.providerBytes, len(l.provider))

	coreTrace := 0
	for _, line := range l.core {
		if bytes.Contains(line, []byte("[TRACE]")) {
			coreTrace++
		}
	}
	if coreTrace == 0 || !bytes.Contains(raw, []byte("Terraform version:")) {
		t.Fatalf("the collected logs hold no TRACE lines of Terraform core (%d lines not from the provider)", len(l.core))
	}
	providerTrace := 0
	for _, entry := range l.provider {
		if entry["@level"] == "trace" {
			providerTrace++
		}
	}
	if providerTrace == 0 {
		t.Fatalf("the collected logs hold no TRACE lines of the provider (%d provider lines)", len(l.provider))
	}
	return l
}

// requireProviderRequestLine fails the test unless the provider's client
// subsystem logged sending a request with method to a path ending in path.
func (l *collectedLogs) requireProviderRequestLine(t *testing.T, method, path string) {
	t.Helper()
	for _, entry := range l.provider {
		// The module is the provider's logger name, "airbyte" under
		// Terraform, then the subsystem.
		module, _ := entry["@module"].(string)
		p, _ := entry["path"].(string)
		if strings.HasSuffix(module, "."+client.LogSubsystem) && entry["@message"] == "Sending HTTP request" &&
			entry["method"] == method && strings.HasSuffix(p, path) {
			return
		}
	}
	t.Fatalf("the provider's logs have no client line \"Sending HTTP request\" for %s %s; the provider's logs were not collected", method, path)
}

// requireAbsent fails the test for each secret found anywhere in the logs,
// naming the lines that hold it.
func (l *collectedLogs) requireAbsent(t *testing.T, secrets map[string]string) {
	t.Helper()
	names := make([]string, 0, len(secrets))
	for name := range secrets {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		secret := []byte(secrets[name])
		if len(secret) == 0 {
			t.Fatalf("the %s to look for is empty", name)
		}
		if !bytes.Contains(l.raw, secret) {
			continue
		}
		var where []string
		for _, line := range l.providerLines {
			if bytes.Contains(line, secret) && len(where) < 5 {
				where = append(where, "provider: "+truncate(string(line), 600))
			}
		}
		for _, line := range l.core {
			if bytes.Contains(line, secret) && len(where) < 5 {
				where = append(where, "terraform: "+truncate(string(line), 600))
			}
		}
		t.Errorf("the logs contain the %s %q, %d times, for example:\n  %s",
			name, secret, bytes.Count(l.raw, secret), strings.Join(where, "\n  "))
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
