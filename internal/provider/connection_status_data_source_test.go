package provider

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

const connectionStatusType = "airbyte_connection_status"

// TestAccConnectionStatusDataSource reads four connections, on one clock
// shared by the emulator and the provider: one that synced two hours ago,
// one that never synced, one whose sync failed with a configuration error
// and one whose sync is running. is_stale follows max_age on the provider's
// clock: the two-hour-old sync is fresh for 24h and stale for 1h.
func TestAccConnectionStatusDataSource(t *testing.T) {
	clk := newTestClock()
	e := newAccEmulator(t, emulator.Options{Seed: 91, Now: clk.Now})
	api := e.apiClient()
	src, dst := e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID
	synced := e.createOutsideTerraform(t, src, dst).ConnectionID
	never := e.createOutsideTerraform(t, e.Source(0, 1).SourceID, dst, client.StreamConfiguration{Name: "customers"}).ConnectionID
	failed := e.createOutsideTerraform(t, src, dst).ConnectionID
	running := e.createOutsideTerraform(t, src, dst).ConnectionID

	start := clk.Now()
	syncJob := startSyncOutsideTerraform(t, api, synced)
	clk.Advance(time.Hour)
	if err := e.emu.FailNextSync(failed); err != nil {
		t.Fatal(err)
	}
	failedJob := startSyncOutsideTerraform(t, api, failed)
	clk.Advance(time.Hour)
	e.emu.SetFaults(emulator.Faults{JobDuration: 3 * time.Hour}) // jobs created from now on take 3h
	runningJob := startSyncOutsideTerraform(t, api, running)
	clk.Advance(time.Minute)

	str, null := knownvalue.StringExact, knownvalue.Null()
	ds := func(name string) string { return "data." + connectionStatusType + "." + name }
	expect := func(name, attr string, want knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(ds(name), tfjsonpath.New(attr), want)
	}
	checks := []statecheck.StateCheck{
		expect("synced", "sync_status", str("synced")),
		expect("synced", "last_successful_sync", str(start.Add(emulator.DefaultJobDuration).Format(time.RFC3339))),
		expect("synced", "last_sync_job_id", knownvalue.Int64Exact(syncJob)),
		expect("synced", "active_job_id", null),
		expect("synced", "failure_message", null),
		expect("synced", "failure_origin", null),
		expect("synced", "failure_type", null),
		expect("synced", "is_stale", knownvalue.Bool(false)),
		expect("synced_1h", "is_stale", knownvalue.Bool(true)),

		expect("never", "sync_status", str("pending")),
		expect("never", "last_successful_sync", null),
		expect("never", "last_sync_job_id", null),
		expect("never", "active_job_id", null),
		expect("never", "failure_message", null),
		expect("never", "is_stale", null),
		expect("never_24h", "is_stale", knownvalue.Bool(true)),

		expect("failed", "sync_status", str("failed")),
		expect("failed", "last_successful_sync", null),
		expect("failed", "last_sync_job_id", knownvalue.Int64Exact(failedJob)),
		expect("failed", "active_job_id", null),
		expect("failed", "failure_message", str("The source rejected its configuration (emulated config_error).")),
		expect("failed", "failure_origin", str("source")),
		expect("failed", "failure_type", str("config_error")),
		expect("failed", "is_stale", knownvalue.Bool(true)),

		expect("running", "sync_status", str("running")),
		expect("running", "active_job_id", knownvalue.Int64Exact(runningJob)),
		expect("running", "last_sync_job_id", null),
		expect("running", "last_successful_sync", null),
		expect("running", "is_stale", knownvalue.Bool(true)),
	}

	accTestWithClock(t, clk, tfresource.TestCase{
		Steps: []tfresource.TestStep{{
			Config: e.ProviderConfig() +
				connectionStatusConfig("synced", synced, "24h") + connectionStatusConfig("synced_1h", synced, "1h") +
				connectionStatusConfig("never", never, "") + connectionStatusConfig("never_24h", never, "24h") +
				connectionStatusConfig("failed", failed, "24h") + connectionStatusConfig("running", running, "24h"),
			ConfigStateChecks: checks,
		}},
	})
}

// TestAccConnectionStatusDataSource_errors: a max_age that is not a
// duration is refused at plan time, a connection of another workspace is
// refused, and without a Config API URL the error says what to set.
func TestAccConnectionStatusDataSource_errors(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 92})
	conn := e.createOutsideTerraform(t, e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID).ConnectionID
	foreign := e.createOutsideTerraform(t, e.Source(1, 1).SourceID, e.Destination(1, 0).DestinationID,
		client.StreamConfiguration{Name: "issues"}).ConnectionID
	// The emulator serves the Public API at /v1 too, a root the Config API's
	// URL cannot be derived from.
	base := strings.TrimSuffix(e.info.ServerURL, "/api/public/v1")
	noConfigAPI := fmt.Sprintf(`
provider "airbyte" {
  server_url    = %q
  client_id     = %q
  client_secret = %q
}
`, base+"/v1", e.info.ClientID, e.info.ClientSecret)

	accParallelTest(t, tfresource.TestCase{
		Steps: []tfresource.TestStep{
			{
				Config:      e.ProviderConfig() + connectionStatusConfig("s", conn, "1d"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid Duration.*max_age.*"1d" is not a duration`),
			},
			{
				Config: e.ProviderConfig() + connectionStatusConfig("s", foreign, ""),
				ExpectError: regexp.MustCompile(`(?s)Workspace Mismatch.*"` + foreign + `"\s+belongs\s+to\s+workspace\s+"` +
					e.Workspace(1).WorkspaceID + `"`),
			},
			{
				Config: noConfigAPI + connectionStatusConfig("s", conn, ""),
				ExpectError: regexp.MustCompile(`(?s)Config API URL Needed.*` + conn + `.*Set\s+config_api_url\s+to\s+the\s+Config\s+API\s+root.*The\s+` +
					envConfigAPIURL + `\s+environment\s+variable\s+sets\s+it\s+too`),
			},
		},
	})
}

// connectionStatusConfig is an airbyte_connection_status data source of
// the connection, with max_age when it is not "".
func connectionStatusConfig(name, connectionID, maxAge string) string {
	body := fmt.Sprintf("  connection_id = %q\n", connectionID)
	if maxAge != "" {
		body += fmt.Sprintf("  max_age       = %q\n", maxAge)
	}
	return fmt.Sprintf("\ndata %q %q {\n%s}\n", connectionStatusType, name, body)
}

// startSyncOutsideTerraform starts a sync of the connection through the API and returns
// the job's id.
func startSyncOutsideTerraform(t *testing.T, api *client.Client, connectionID string) int64 {
	t.Helper()
	job, err := api.CreateJob(context.Background(), connectionID, client.JobTypeSync)
	if err != nil {
		t.Fatalf("starting a sync of %s: %v", connectionID, err)
	}
	return job.JobID
}

// freshnessCheckConfig is a check block "name" whose scoped
// airbyte_connection_status data source (of the same name) fails its assertion when the
// connection's data is older than a day.
func freshnessCheckConfig(name, connectionID string) string {
	return fmt.Sprintf(`
check %[1]q {
  data "airbyte_connection_status" %[1]q {
    connection_id = %[2]q
    max_age       = "24h"
  }

  assert {
    condition     = !data.airbyte_connection_status.%[1]s.is_stale
    error_message = "Connection %[2]s has not synced successfully for more than a day (last: ${coalesce(data.airbyte_connection_status.%[1]s.last_successful_sync, "never")})."
  }
}
`, name, connectionID)
}

// freshnessFixture is a connection synced 25 hours ago ("stale") and one
// synced an hour ago ("fresh"), on a test clock.
type freshnessFixture struct {
	e            *accEmulator
	clk          *testClock
	fresh, stale string
	// staleMessage is the failed assertion's message for the stale connection.
	staleMessage string
}

func newFreshnessFixture(t *testing.T, seed int64) freshnessFixture {
	t.Helper()
	clk := newTestClock()
	e := newAccEmulator(t, emulator.Options{Seed: seed, Now: clk.Now})
	api := e.apiClient()
	f := freshnessFixture{e: e, clk: clk,
		stale: e.createOutsideTerraform(t, e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID).ConnectionID,
		fresh: e.createOutsideTerraform(t, e.Source(0, 1).SourceID, e.Destination(0, 0).DestinationID,
			client.StreamConfiguration{Name: "customers"}).ConnectionID,
	}
	f.staleMessage = fmt.Sprintf("Connection %s has not synced successfully for more than a day (last: %s).",
		f.stale, clk.Now().Add(emulator.DefaultJobDuration).Format(time.RFC3339))
	startSyncOutsideTerraform(t, api, f.stale)
	clk.Advance(24 * time.Hour)
	startSyncOutsideTerraform(t, api, f.fresh)
	clk.Advance(time.Hour)
	return f
}

// checks is the freshness check blocks of both connections.
func (f freshnessFixture) checks() string {
	return freshnessCheckConfig("fresh", f.fresh) + freshnessCheckConfig("stale", f.stale)
}

// TestAccConnectionStatusDataSource_freshnessCheck runs the freshness
// guide's check block against a connection synced an hour ago and one
// synced 25 hours ago: Terraform records the check of the first as passed
// and of the second as failed, with its message, both in the plan and in
// the state, and the run itself succeeds (a failed check is a warning).
func TestAccConnectionStatusDataSource_freshnessCheck(t *testing.T) {
	f := newFreshnessFixture(t, 93)
	want := map[string]checkOutcome{"fresh": {status: "pass"}, "stale": {status: "fail", message: f.staleMessage}}
	accTestWithClock(t, f.clk, tfresource.TestCase{
		Steps: []tfresource.TestStep{{
			Config:            f.e.ProviderConfig() + f.checks(),
			ConfigPlanChecks:  tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{expectCheckResults{want: want}}},
			ConfigStateChecks: []statecheck.StateCheck{expectCheckResults{want: want}},
			// A check block's data sources are planned to be read again at
			// every apply, so the plan is never empty.
			ExpectNonEmptyPlan: true,
		}},
	})
}

// checkOutcome is the result Terraform records for one check block.
type checkOutcome struct {
	status  string // pass, fail, error or unknown
	message string // the failed assertion's error_message
}

// expectCheckResults compares the results Terraform records for check
// blocks, in a plan or in the state, with want, by check block name.
type expectCheckResults struct {
	want map[string]checkOutcome
}

func (c expectCheckResults) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = c.compare("plan", req.Plan.Checks)
}

func (c expectCheckResults) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil {
		resp.Error = errors.New("there is no state")
		return
	}
	resp.Error = c.compare("state", req.State.Checks)
}

func (c expectCheckResults) compare(where string, results []tfjson.CheckResultStatic) error {
	got := map[string]checkOutcome{}
	for _, r := range results {
		if r.Address.Kind != tfjson.CheckKindCheckBlock {
			continue
		}
		o := checkOutcome{status: string(r.Status)}
		for _, in := range r.Instances {
			for _, p := range in.Problems {
				o.message = p.Message
			}
		}
		got[r.Address.Name] = o
	}
	if !reflect.DeepEqual(got, c.want) {
		return fmt.Errorf("the %s records check blocks %+v, want %+v", where, got, c.want)
	}
	return nil
}

// TestAccConnectionStatusDataSource_freshnessWarning runs terraform plan
// and apply with the freshness guide's check blocks directly, to read what
// terraform-plugin-testing does not show: the warning. Each command warns
// once, for the stale connection only, with the assertion's message, and
// succeeds.
func TestAccConnectionStatusDataSource_freshnessWarning(t *testing.T) {
	f := newFreshnessFixture(t, 94)
	tf := newTerraformDir(t, f.clk, f.e.ProviderConfig()+f.checks())
	want := []jsonDiagnostic{{Severity: "warning", Summary: "Check block assertion failed", Detail: f.staleMessage}}

	for _, args := range [][]string{
		{"plan", "-json", "-input=false", "-detailed-exitcode", "-out=tfplan"},
		{"apply", "-json", "-input=false", "-auto-approve"},
	} {
		out, code := tf.run(args...)
		// A check block's data sources are read again at apply, which is a
		// change: plan -detailed-exitcode says 2 whether checks pass or fail.
		if wantCode := map[string]int{"plan": 2, "apply": 0}[args[0]]; code != wantCode {
			t.Errorf("terraform %s exited with %d, want %d:\n%s", args[0], code, wantCode, out)
		}
		var got []jsonDiagnostic
		for _, d := range diagnostics(t, out) {
			d.Address = "" // Terraform 1.11 gives none; later versions give check.stale
			got = append(got, d)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("terraform %s gave diagnostics %+v, want %+v\n%s", args[0], got, want, out)
		}
	}
}
