package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

const runSyncType = "airbyte_run_sync"

// accTestWithClock is accParallelTest with a provider whose waits take no
// time on clk: give the emulator the same clock (emulator.Options{Now:
// clk.Now}) and a sync of an hour runs in an instant. Each test owns its clock
// and emulator, so it runs in parallel with the other parallel tests.
func accTestWithClock(t *testing.T, clk client.Clock, tc resource.TestCase) {
	t.Helper()
	requireTerraform(t)
	tc.ProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
		"airbyte": providerserver.NewProtocol6WithError(newWithClock("test", clk)()),
	}
	resource.ParallelTest(t, tc)
}

// newSyncEmulator starts an emulator on a test clock, with a connection
// made outside Terraform in its first workspace.
func newSyncEmulator(t *testing.T, opts emulator.Options) (*accEmulator, *testClock, string) {
	t.Helper()
	clk := newTestClock()
	opts.Now = clk.Now
	e := newAccEmulator(t, opts)
	conn := e.createOutsideTerraform(t, e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID)
	return e, clk, conn.ConnectionID
}

// jobsOf returns the emulator's jobs of the connection, oldest first.
func (e *accEmulator) jobsOf(connectionID string) []emulator.SnapshotJob {
	var out []emulator.SnapshotJob
	for _, j := range e.emu.Snapshot().Jobs {
		if j.ConnectionID == connectionID {
			out = append(out, j)
		}
	}
	return out
}

// expectJobs checks the statuses of the emulator's jobs of the connection, oldest first.
func (e *accEmulator) expectJobs(connectionID string, statuses ...string) error {
	jobs := e.jobsOf(connectionID)
	var got []string
	for _, j := range jobs {
		got = append(got, j.Status)
	}
	if strings.Join(got, ",") != strings.Join(statuses, ",") {
		return fmt.Errorf("the emulator's jobs of the connection have statuses [%s], want [%s]", strings.Join(got, ","), strings.Join(statuses, ","))
	}
	return nil
}

// runSyncConfig is a run_sync resource "s" of the connection, with body inside.
func runSyncConfig(e *accEmulator, connectionID, body string) string {
	return e.ProviderConfig() + fmt.Sprintf(`
resource "airbyte_run_sync" "s" {
  connection_id = %q
%s
}
`, connectionID, body)
}

// diagRE matches an error with the summary and the detail, which
// Terraform prints apart and wraps: any white space may stand between
// words of the detail.
func diagRE(summary, detail string) *regexp.Regexp {
	parts := strings.Fields(detail)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile(`(?s)` + regexp.QuoteMeta(summary) + `.*` + strings.Join(parts, `\s+`))
}

// TestAccRunSync_succeeds is the CI pattern: create a connection and sync
// it; the job's figures and link are in state, the emulator shows one
// succeeded job, the next plan is empty, and the job can be imported.
func TestAccRunSync_succeeds(t *testing.T) {
	clk := newTestClock()
	e := newAccEmulator(t, emulator.Options{Seed: 61, Now: clk.Now, JobDuration: 10 * time.Minute})
	const res = "airbyte_run_sync.s"
	config := e.ProviderConfig() + fmt.Sprintf(`
resource "airbyte_connection" "c" {
  source_id      = %q
  destination_id = %q
}

resource "airbyte_run_sync" "s" {
  connection_id = airbyte_connection.c.connection_id
}

output "status" {
  value = airbyte_run_sync.s.status
}
`, e.Source(0, 1).SourceID, e.Destination(0, 0).DestinationID) // Stripe: created without streams, Airbyte selects the suggested ones
	var connID string
	accTestWithClock(t, clk, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(res, tfjsonpath.New("status"), knownvalue.StringExact("succeeded")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("job_type"), knownvalue.StringExact("sync")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("wait"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("timeout"), knownvalue.StringExact("30m")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("cancel_on_timeout"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("if_running"), knownvalue.StringExact("wait")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("duration"), knownvalue.StringExact("PT10M")),
					statecheck.ExpectKnownOutputValue("status", knownvalue.StringExact("succeeded")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPair(res, "connection_id", "airbyte_connection.c", "connection_id"),
					resource.TestCheckResourceAttrPair(res, "id", res, "job_id"),
					resource.TestMatchResourceAttr(res, "start_time", regexp.MustCompile(`^2026-06-01T09:\d\d:\d\dZ$`)),
					func(s *terraform.State) error {
						a := s.RootModule().Resources[res].Primary.Attributes
						connID = a["connection_id"]
						for _, k := range []string{"rows_synced", "bytes_synced"} {
							if n, _ := strconv.ParseInt(a[k], 10, 64); n <= 0 {
								return fmt.Errorf("%s = %q, want more than 0", k, a[k])
							}
						}
						want := "/workspaces/" + e.Workspace(0).WorkspaceID + "/connections/" + connID + "/timeline#" + a["job_id"] + "::0"
						if !strings.HasSuffix(a["job_url"], want) {
							return fmt.Errorf("job_url = %q, want it to end with %q", a["job_url"], want)
						}
						jobs := e.jobsOf(connID)
						if len(jobs) != 1 || jobs[0].Status != "succeeded" || strconv.FormatInt(jobs[0].JobID, 10) != a["job_id"] {
							return fmt.Errorf("the emulator's jobs of the connection are %+v, want job %s succeeded", jobs, a["job_id"])
						}
						if a["rows_synced"] != strconv.FormatInt(jobs[0].RowsSynced, 10) {
							return fmt.Errorf("rows_synced = %s, the emulator says %d", a["rows_synced"], jobs[0].RowsSynced)
						}
						return nil
					},
				),
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				// Changing a setting that only matters to Terraform starts nothing.
				Config: strings.Replace(config, "connection_id = airbyte_connection.c.connection_id",
					"connection_id = airbyte_connection.c.connection_id\n  if_running    = \"fail\"\n  timeout       = \"2h\"", 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
				}},
				Check: func(*terraform.State) error { return e.expectJobs(connID, "succeeded") },
			},
			{
				ResourceName:      res,
				ImportState:       true,
				ImportStateVerify: true,
				// The imported job gets the defaults of the Terraform-only settings.
				ImportStateVerifyIgnore: []string{"if_running", "timeout"},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			// Destroying forgets the job; Airbyte keeps it.
			return e.expectJobs(connID, "succeeded")
		},
	})
}

// TestAccRunSync_triggersReplace: a change of triggers replaces the
// resource, which runs a second sync; the first stays in Airbyte.
func TestAccRunSync_triggersReplace(t *testing.T) {
	e, clk, connID := newSyncEmulator(t, emulator.Options{Seed: 62})
	const res = "airbyte_run_sync.s"
	var firstJob string
	accTestWithClock(t, clk, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: runSyncConfig(e, connID, `  triggers = { config = "v1" }`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(res, "status", "succeeded"),
					resource.TestCheckResourceAttr(res, "triggers.config", "v1"),
					func(s *terraform.State) error {
						firstJob = s.RootModule().Resources[res].Primary.ID
						return e.expectJobs(connID, "succeeded")
					},
				),
			},
			{
				Config: runSyncConfig(e, connID, `  triggers = { config = "v2" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionReplace),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(res, "status", "succeeded"),
					func(s *terraform.State) error {
						jobs := e.jobsOf(connID)
						if id := s.RootModule().Resources[res].Primary.ID; id == firstJob || id != strconv.FormatInt(jobs[len(jobs)-1].JobID, 10) {
							return fmt.Errorf("state holds job %s; want the newest job, not the first (%s)", id, firstJob)
						}
						return e.expectJobs(connID, "succeeded", "succeeded")
					},
				),
			},
		},
	})
}

// TestAccRunSync_failedJobIsTainted: a sync that fails is an error naming
// the job, its status and link; the job is in state, tainted, so the next
// apply replaces it with a new sync.
func TestAccRunSync_failedJobIsTainted(t *testing.T) {
	e, clk, connID := newSyncEmulator(t, emulator.Options{Seed: 63})
	const res = "airbyte_run_sync.s"
	config := runSyncConfig(e, connID, "")
	accTestWithClock(t, clk, resource.TestCase{
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					if err := e.emu.FailNextSync(connID); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ExpectError: regexp.MustCompile(`(?s)Sync Failed.*sync\s+job\s+1\s+of\s+the\s+connection.*status\s+"failed".*timeline#1::0` +
					`.*marked\s+tainted`),
			},
			{
				RefreshState: true,
				Check: func(s *terraform.State) error {
					rs, ok := s.RootModule().Resources[res]
					if !ok {
						return fmt.Errorf("%s is not in state after the failed sync", res)
					}
					if !rs.Primary.Tainted {
						return fmt.Errorf("%s is not tainted after the failed sync", res)
					}
					if a := rs.Primary.Attributes; a["job_id"] != "1" || a["status"] != "failed" {
						return fmt.Errorf("state holds job %s with status %s, want job 1 failed", a["job_id"], a["status"])
					}
					return e.expectJobs(connID, "failed")
				},
				RefreshPlanChecks: resource.RefreshPlanChecks{PostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionReplace),
				}},
				ExpectNonEmptyPlan: true,
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionReplace),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(res, "job_id", "2"),
					resource.TestCheckResourceAttr(res, "status", "succeeded"),
					func(*terraform.State) error { return e.expectJobs(connID, "failed", "succeeded") },
				),
			},
		},
	})
}

// TestAccRunSync_pausedConnection: Airbyte syncs only active connections.
// A sync of a paused connection fails with an error that names the status
// and what to do, and no job is made.
func TestAccRunSync_pausedConnection(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 65})
	config := e.ProviderConfig() + fmt.Sprintf(`
resource "airbyte_connection" "c" {
  source_id      = %q
  destination_id = %q
  status         = "inactive"
}

resource "airbyte_run_sync" "s" {
  connection_id = airbyte_connection.c.connection_id
}
`, e.Source(0, 1).SourceID, e.Destination(0, 0).DestinationID)
	accParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: diagRE("Cannot Start Sync", `is inactive, so no sync was started. Enable it, with status = "active" on its airbyte_connection`),
		}},
		CheckDestroy: func(*terraform.State) error {
			if jobs := e.emu.Snapshot().Jobs; len(jobs) != 0 {
				return fmt.Errorf("the emulator has %d jobs, want none", len(jobs))
			}
			return nil
		},
	})
}

// TestAccRunSync_timeoutCancels: a sync that outlasts timeout is cancelled,
// and the error says so; the emulator shows the job cancelled.
func TestAccRunSync_timeoutCancels(t *testing.T) {
	e, clk, connID := newSyncEmulator(t, emulator.Options{Seed: 64, JobDuration: time.Hour})
	started := clk.Now()
	accTestWithClock(t, clk, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: runSyncConfig(e, connID, `  timeout = "5m"`),
				// With what the job committed before the cancel, read again after it.
				ExpectError: regexp.MustCompile(diagRE("Sync Timed Out", `The sync job 1 of the connection "`+connID+
					`" timed out after 5m, so it was cancelled (status "cancelled",`).String() + `\s+[1-9][0-9]*\s+rows`),
			},
			{
				RefreshState:       true,
				ExpectNonEmptyPlan: true, // tainted
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("airbyte_run_sync.s", "status", "cancelled"),
					func(*terraform.State) error { return e.expectJobs(connID, "cancelled") },
				),
			},
		},
	})
	// The wait took five minutes of the test clock, not an hour.
	if waited := clk.Now().Sub(started); waited < 5*time.Minute || waited > 10*time.Minute {
		t.Errorf("the test clock moved by %s; want a little over the 5m timeout", waited)
	}
}

// TestAccRunSync_timeoutLeavesJobRunning: with cancel_on_timeout = false a
// sync that outlasts timeout is left running, and the error says so.
func TestAccRunSync_timeoutLeavesJobRunning(t *testing.T) {
	// Pending for 3 minutes, then running.
	e, clk, connID := newSyncEmulator(t, emulator.Options{Seed: 65, JobDuration: 30 * time.Minute})
	accTestWithClock(t, clk, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: runSyncConfig(e, connID, `  timeout           = "5m"
  cancel_on_timeout = false`),
			ExpectError: diagRE("Sync Timed Out", `The sync job 1 of the connection "`+connID+
				`" timed out after 5m and was not cancelled: it is still running in Airbyte.`),
		}},
	})
	if err := e.expectJobs(connID, "running"); err != nil {
		t.Fatal(err)
	}
}

// TestAccRunSync_ifRunning: with a sync already running (started through
// the API), if_running = "fail" errors naming that job and starts nothing;
// if_running = "wait" waits it out and then runs its own.
func TestAccRunSync_ifRunning(t *testing.T) {
	e, clk, connID := newSyncEmulator(t, emulator.Options{Seed: 66, JobDuration: 10 * time.Minute})
	startOutside := func() {
		if _, err := e.apiClient().CreateJob(context.Background(), connID, client.JobTypeSync); err != nil {
			t.Fatalf("starting a sync through the API: %v", err)
		}
	}
	const res = "airbyte_run_sync.s"
	accTestWithClock(t, clk, resource.TestCase{
		Steps: []resource.TestStep{
			{
				PreConfig: startOutside,
				Config:    runSyncConfig(e, connID, `  if_running = "fail"`),
				ExpectError: diagRE("Sync Already Running", `Another sync (job 1, pending) is running on the connection "`+connID+
					`", and if_running is "fail", so no sync was started.`),
			},
			{
				// Nothing was started, and nothing is in state.
				Config: runSyncConfig(e, connID, `  if_running = "fail"`),
				PreConfig: func() {
					if err := e.expectJobs(connID, "pending"); err != nil {
						t.Fatal(err)
					}
				},
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				Config: runSyncConfig(e, connID, `  if_running = "wait"`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(res, "job_id", "2"),
					resource.TestCheckResourceAttr(res, "status", "succeeded"),
					func(*terraform.State) error { return e.expectJobs(connID, "succeeded", "succeeded") },
				),
			},
		},
	})
}

// TestAccRunSync_noWait: with wait = false the apply returns as soon as the
// job has started; a later refresh sees it end. A timeout without waiting
// is refused at plan time.
func TestAccRunSync_noWait(t *testing.T) {
	e, clk, connID := newSyncEmulator(t, emulator.Options{Seed: 67, JobDuration: time.Hour})
	const res = "airbyte_run_sync.s"
	config := runSyncConfig(e, connID, `  wait = false`)
	accTestWithClock(t, clk, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config:      runSyncConfig(e, connID, "  wait    = false\n  timeout = \"10m\""),
				PlanOnly:    true,
				ExpectError: diagRE("Timeout Without Waiting", `timeout bounds the wait for the sync, but wait is false`),
			},
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(res, "status", "pending"),
					resource.TestCheckResourceAttr(res, "rows_synced", "0"),
					resource.TestCheckNoResourceAttr(res, "duration"),
					func(*terraform.State) error { return e.expectJobs(connID, "pending") },
				),
			},
			{
				PreConfig:    func() { clk.Advance(2 * time.Hour) },
				RefreshState: true,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(res, "status", "succeeded"),
					resource.TestCheckResourceAttr(res, "duration", "PT1H"),
					func(*terraform.State) error { return e.expectJobs(connID, "succeeded") },
				),
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
		},
	})
}

// TestAccRunSync_workspaceMismatch refuses a connection of another
// workspace and starts nothing.
func TestAccRunSync_workspaceMismatch(t *testing.T) {
	clk := newTestClock()
	e := newAccEmulator(t, emulator.Options{Seed: 68, Now: clk.Now})
	foreign := e.createOutsideTerraform(t, e.Source(1, 1).SourceID, e.Destination(1, 0).DestinationID, client.StreamConfiguration{Name: "issues"})
	accTestWithClock(t, clk, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: runSyncConfig(e, foreign.ConnectionID, ""),
			ExpectError: regexp.MustCompile(`(?s)Workspace Mismatch.*belongs to\s+workspace\s+"` + e.Workspace(1).WorkspaceID +
				`",\s+but\s+the\s+provider\s+is\s+configured\s+for\s+workspace\s+"` + e.Workspace(0).WorkspaceID + `"`),
		}},
	})
	if jobs := e.emu.Snapshot().Jobs; len(jobs) != 0 {
		t.Fatalf("a refused sync started %d jobs", len(jobs))
	}
}

// TestAccRunSync_validation refuses bad arguments at plan time.
func TestAccRunSync_validation(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 69})
	conn := "9924bcd0-99be-453d-ba47-c2c9766f7da5"
	cases := []struct{ name, id, body, want string }{
		{"connection id", "not-a-uuid", "", `Invalid Airbyte ID`},
		{"timeout", conn, `  timeout = "soon"`, `Invalid Duration`},
		{"if_running", conn, `  if_running = "queue"`, `(?s)if_running.*value must be one of`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config: runSyncConfig(e, c.id, c.body), PlanOnly: true, ExpectError: regexp.MustCompile(c.want),
		})
	}
	accParallelTest(t, resource.TestCase{Steps: steps})
	if jobs := e.emu.Snapshot().Jobs; len(jobs) != 0 {
		t.Fatalf("refused configurations started %d jobs", len(jobs))
	}
}

// answerJobNotFound answers 404 to reads of the job whose id hidden holds,
// as Airbyte does for a job it no longer has.
func answerJobNotFound(hidden *atomic.Int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if id := hidden.Load(); id != 0 && r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/jobs/"+strconv.FormatInt(id, 10)) {
				w.Header().Set("Content-Type", "application/problem+json")
				w.WriteHeader(http.StatusNotFound)
				fmt.Fprint(w, `{"status":404,"type":"https://reference.airbyte.com/reference/errors#not-found","title":"resource-not-found",`+
					`"detail":"The requested resource could not be found."}`)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// TestAccRunSync_jobGone: a job Airbyte no longer has is removed from state
// on refresh, so the next apply runs a new sync.
func TestAccRunSync_jobGone(t *testing.T) {
	clk := newTestClock()
	var hidden atomic.Int64
	e := newAccEmulatorBehind(t, emulator.Options{Seed: 70, Now: clk.Now}, answerJobNotFound(&hidden))
	connID := e.createOutsideTerraform(t, e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID).ConnectionID
	config := runSyncConfig(e, connID, "")
	const res = "airbyte_run_sync.s"
	accTestWithClock(t, clk, resource.TestCase{
		Steps: []resource.TestStep{
			{Config: config, Check: resource.TestCheckResourceAttr(res, "job_id", "1")},
			{
				PreConfig: func() { hidden.Store(1) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionCreate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(res, "job_id", "2"),
					func(*terraform.State) error { return e.expectJobs(connID, "succeeded", "succeeded") },
				),
			},
		},
	})
}

// runSyncState is a state of the run_sync resource with the given attributes.
func runSyncState(t *testing.T, server tfprotov6.ProviderServer, values map[string]any) (tftypes.Object, *tfprotov6.DynamicValue) {
	t.Helper()
	schemas, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	typ := schemas.ResourceSchemas[runSyncType].ValueType().(tftypes.Object)
	return typ, objectValue(t, typ, values)
}

// TestProtocolRunSync_readJobGone: reading a job Airbyte answers 404 for
// removes the resource with a warning; another error keeps it.
func TestProtocolRunSync_readJobGone(t *testing.T) {
	var hidden atomic.Int64
	e := newAccEmulatorBehind(t, emulator.Options{Seed: 71}, answerJobNotFound(&hidden))
	connID := e.createOutsideTerraform(t, e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID).ConnectionID
	job, err := e.apiClient().CreateJob(context.Background(), connID, client.JobTypeSync)
	if err != nil {
		t.Fatal(err)
	}
	server := newProtocolServer(t, e)
	typ, state := runSyncState(t, server, map[string]any{"id": strconv.FormatInt(job.JobID, 10), "connection_id": connID})
	read := func() *tfprotov6.ReadResourceResponse {
		resp, err := server.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{TypeName: runSyncType, CurrentState: state})
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}

	resp := read()
	failOnErrors(t, "ReadResource", resp.Diagnostics)
	if got := stringAt(t, attributes(t, typ, resp.NewState), "status"); got != "pending" && got != "running" {
		t.Errorf("status = %s, want pending or running", got)
	}

	hidden.Store(job.JobID)
	resp = read()
	if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityWarning ||
		!strings.Contains(resp.Diagnostics[0].Detail, fmt.Sprintf("no longer has the sync job %d", job.JobID)) {
		t.Errorf("diagnostics:\n%s\nwant one warning that the job is gone", diagnosticsText(resp.Diagnostics))
	}
	v, err := resp.NewState.Unmarshal(typ)
	if err != nil || !v.IsNull() {
		t.Errorf("new state %v (%v), want null: the resource is removed", v, err)
	}
}

// TestProtocolRunSync_readDeletedConnection: a job whose connection was
// deleted leaves the state with a warning instead of failing every refresh.
func TestProtocolRunSync_readDeletedConnection(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 72})
	api := e.apiClient()
	connID := e.createOutsideTerraform(t, e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID).ConnectionID
	job, err := api.CreateJob(context.Background(), connID, client.JobTypeSync)
	if err != nil {
		t.Fatal(err)
	}
	if err := api.DeleteConnection(context.Background(), connID); err != nil {
		t.Fatal(err)
	}
	server := newProtocolServer(t, e)
	typ, state := runSyncState(t, server, map[string]any{"id": strconv.FormatInt(job.JobID, 10), "connection_id": connID})
	resp, err := server.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{TypeName: runSyncType, CurrentState: state})
	if err != nil {
		t.Fatal(err)
	}
	if hasError(resp.Diagnostics) || !strings.Contains(diagnosticsText(resp.Diagnostics), "Connection Of Sync Job Deleted") {
		t.Errorf("diagnostics:\n%s\nwant a warning that the connection was deleted", diagnosticsText(resp.Diagnostics))
	}
	if v, err := resp.NewState.Unmarshal(typ); err != nil || !v.IsNull() {
		t.Errorf("new state %v (%v), want null", v, err)
	}
}

// TestProtocolRunSync_importOtherWorkspace: importing a job of a connection
// in another workspace is refused.
func TestProtocolRunSync_importOtherWorkspace(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 73})
	foreign := e.createOutsideTerraform(t, e.Source(1, 1).SourceID, e.Destination(1, 0).DestinationID, client.StreamConfiguration{Name: "issues"})
	job, err := e.apiClient().CreateJob(context.Background(), foreign.ConnectionID, client.JobTypeSync)
	if err != nil {
		t.Fatal(err)
	}
	server := newProtocolServer(t, e)
	imported, err := server.ImportResourceState(context.Background(), &tfprotov6.ImportResourceStateRequest{
		TypeName: runSyncType, ID: strconv.FormatInt(job.JobID, 10)})
	if err != nil {
		t.Fatal(err)
	}
	failOnErrors(t, "ImportResourceState", imported.Diagnostics)
	resp, err := server.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{
		TypeName: runSyncType, CurrentState: imported.ImportedResources[0].State})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(diagnosticsText(resp.Diagnostics), "Workspace Mismatch") {
		t.Errorf("diagnostics:\n%s\nwant Workspace Mismatch", diagnosticsText(resp.Diagnostics))
	}

	bad, err := server.ImportResourceState(context.Background(), &tfprotov6.ImportResourceStateRequest{TypeName: runSyncType, ID: "latest"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(diagnosticsText(bad.Diagnostics), "Invalid Import ID") {
		t.Errorf("importing \"latest\": %s, want Invalid Import ID", diagnosticsText(bad.Diagnostics))
	}
}

func TestFormatBytesAndDuration(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 999: "999 B", 1000: "1.0 kB", 1_500_000: "1.5 MB", 3_200_000_000: "3.2 GB"} {
		if got := formatBytes(n); got != want {
			t.Errorf("formatBytes(%d) = %q, want %q", n, got, want)
		}
	}
	for d, want := range map[time.Duration]string{5 * time.Minute: "5m", time.Hour: "1h", 90 * time.Second: "1m30s", 2*time.Hour + 5*time.Minute: "2h5m", 45 * time.Second: "45s"} {
		if got := formatDuration(d); got != want {
			t.Errorf("formatDuration(%s) = %q, want %q", d, got, want)
		}
	}
}

// TestProtocolRunSync_interrupted: when Terraform is interrupted while the
// resource waits for its sync, the job is cancelled, the error says so, and
// the job is still saved in state (as a tainted resource).
func TestProtocolRunSync_interrupted(t *testing.T) {
	clk := newTestClock()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Terraform is interrupted once the provider looks at the running job.
	e := newAccEmulatorBehind(t, emulator.Options{Seed: 74, Now: clk.Now, JobDuration: time.Hour}, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/jobs/1") {
				cancel()
			}
			next.ServeHTTP(w, r)
		})
	})
	connID := e.createOutsideTerraform(t, e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID).ConnectionID
	server := newProtocolServerOf(t, newWithClock("test", clk), e)
	typ, cfg := runSyncState(t, server, map[string]any{"connection_id": connID})
	null, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, nil))
	if err != nil {
		t.Fatal(err)
	}
	planned, err := server.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{
		TypeName: runSyncType, PriorState: &null, ProposedNewState: cfg, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	failOnErrors(t, "PlanResourceChange", planned.Diagnostics)

	start := time.Now()
	applied, err := server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: runSyncType, PriorState: &null, PlannedState: planned.PlannedState, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("the interrupted apply took %s", took)
	}
	text := diagnosticsText(applied.Diagnostics)
	if !strings.Contains(text, "Sync Interrupted") || !strings.Contains(text, "so the job was cancelled") || !strings.Contains(text, "marked tainted") {
		t.Errorf("diagnostics:\n%s\nwant Sync Interrupted saying the job was cancelled and kept in state", text)
	}
	attrs := attributes(t, typ, applied.NewState)
	if got := stringAt(t, attrs, "id"); got != "1" {
		t.Errorf("state holds job %s, want 1", got)
	}
	if got := stringAt(t, attrs, "status"); got != "cancelled" {
		t.Errorf("state holds status %s, want cancelled", got)
	}
	if err := e.expectJobs(connID, "cancelled"); err != nil {
		t.Fatal(err)
	}
}

// TestDescribeSyncError: every way a sync can go wrong has an error that
// names the job, says what happened to it, and links to it when it can.
func TestDescribeSyncError(t *testing.T) {
	const conn, ws, web = "9924bcd0-99be-453d-ba47-c2c9766f7da5", "871d9b60-11d1-44cb-8c92-c246d53bf87e", "https://cloud.airbyte.com"
	req := syncRequest{ConnectionID: conn, Timeout: 90 * time.Minute}
	job := func(id int64, status client.JobStatus) *client.Job {
		return &client.Job{JobID: id, Status: status, ConnectionID: conn, RowsSynced: 1200, BytesSynced: 340_000}
	}
	locked := &client.APIError{Method: "POST", Path: "/jobs", StatusCode: 409, Title: "connection-locked", Message: "Connection is locked"}
	cases := []struct {
		name          string
		err           error
		summary, want string
	}{
		{"failed", &syncError{Kind: syncFailed, Job: job(7, client.JobStatusFailed)}, "Sync Failed",
			`The sync job 7 of the connection "` + conn + `" ended with status "failed", having moved 1200 rows (340.0 kB). See ` +
				web + "/workspaces/" + ws + "/connections/" + conn + "/timeline#7::0 for its logs."},
		{"cancelled elsewhere", &syncError{Kind: syncFailed, Job: job(7, client.JobStatusCancelled)}, "Sync Cancelled", `ended with status "cancelled"`},
		{"already running", &syncError{Kind: syncAlreadyRunning, Job: job(6, client.JobStatusRunning)}, "Sync Already Running",
			`Another sync (job 6, running) is running on the connection "` + conn + `", and if_running is "fail", so no sync was started.`},
		{"timed out, cancelled", &syncError{Kind: syncTimedOut, Job: job(7, client.JobStatusCancelled), Cancelled: true, Timeout: req.Timeout}, "Sync Timed Out",
			"timed out after 1h30m, so it was cancelled"},
		{"timed out, left running", &syncError{Kind: syncTimedOut, Job: job(7, client.JobStatusRunning), Timeout: req.Timeout}, "Sync Timed Out",
			"timed out after 1h30m and was not cancelled: it is still running in Airbyte."},
		{"timed out, cancel failed", &syncError{Kind: syncTimedOut, Job: job(7, client.JobStatusRunning), Timeout: req.Timeout, Err: errors.New("cancelling job 7 failed: boom")},
			"Sync Timed Out", "Also: cancelling job 7 failed: boom."},
		{"timed out waiting", &syncError{Kind: syncTimedOut, Job: job(6, client.JobStatusRunning), Waiting: true, Timeout: req.Timeout}, "Sync Timed Out",
			"Another sync (job 6) of the connection \"" + conn + "\" was still running when the timeout of 1h30m passed, so this sync was not started"},
		{"interrupted, cancelled", &syncError{Kind: syncInterrupted, Job: job(7, client.JobStatusCancelled), Cancelled: true, Err: context.Canceled}, "Sync Interrupted",
			"so the job was cancelled (status \"cancelled\")."},
		{"interrupted before start", &syncError{Kind: syncInterrupted, Err: context.Canceled}, "Sync Interrupted", "no sync was started."},
		{"start refused", &syncError{Kind: syncStartFailed, Err: locked}, "Cannot Start Sync",
			"Connection is locked. The connection may be locked or disabled"},
		{"start refused, inactive", &syncError{Kind: syncStartFailed, Err: locked, ConnectionStatus: client.ConnectionStatusInactive}, "Cannot Start Sync",
			`Airbyte syncs only active connections, and the connection "` + conn + `" is inactive, so no sync was started. Enable it, with status = "active"`},
		{"start refused, locked", &syncError{Kind: syncStartFailed, Err: locked, ConnectionStatus: client.ConnectionStatusLocked}, "Cannot Start Sync",
			`is locked, so no sync was started. Airbyte locked it; unlock it in the Airbyte UI`},
		{"start refused, deleted", &syncError{Kind: syncStartFailed, Err: locked, ConnectionStatus: client.ConnectionStatusDeprecated}, "Cannot Start Sync",
			`is deprecated, so no sync was started. It was deleted`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			summary, detail := describeSyncError(c.err, req, ws, web)
			if summary != c.summary || !strings.Contains(detail, c.want) {
				t.Errorf("got %q: %s\nwant %q with %q", summary, detail, c.summary, c.want)
			}
		})
	}
	// Without the web UI's address there is no link, and no broken one.
	if _, detail := describeSyncError(cases[0].err, req, ws, ""); strings.Contains(detail, "See ") || !strings.Contains(detail, "job history in the Airbyte UI") {
		t.Errorf("without a web root: %s", detail)
	}
}
