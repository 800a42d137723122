package provider

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

// TestAccRunSync_attach: with a sync already running (started through the
// API), if_running = "attach" starts no job of its own: it waits for the
// running one and records it.
func TestAccRunSync_attach(t *testing.T) {
	e, clk, connID := newSyncEmulator(t, emulator.Options{Seed: 81, JobDuration: 10 * time.Minute})
	const res = "airbyte_run_sync.s"
	accTestWithClock(t, clk, resource.TestCase{
		Steps: []resource.TestStep{{
			PreConfig: func() {
				if _, err := e.apiClient().CreateJob(context.Background(), connID, client.JobTypeSync); err != nil {
					t.Fatalf("starting a sync through the API: %v", err)
				}
			},
			Config: runSyncConfig(e, connID, `  if_running = "attach"`),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(res, "job_id", "1"),
				resource.TestCheckResourceAttr(res, "status", "succeeded"),
				resource.TestCheckResourceAttr(res, "job_type", "sync"),
				resource.TestCheckResourceAttr(res, "attempts", "1"),
				func(*terraform.State) error { return e.expectJobs(connID, "succeeded") },
			),
		}},
	})
}

// TestAccRunSync_attachToAnotherType: a clear does not attach to a running
// sync: it waits for the sync to end, then runs its own job.
func TestAccRunSync_attachToAnotherType(t *testing.T) {
	e, clk, connID := newSyncEmulator(t, emulator.Options{Seed: 82, JobDuration: 10 * time.Minute})
	const res = "airbyte_run_sync.s"
	accTestWithClock(t, clk, resource.TestCase{
		Steps: []resource.TestStep{{
			PreConfig: func() {
				if _, err := e.apiClient().CreateJob(context.Background(), connID, client.JobTypeSync); err != nil {
					t.Fatalf("starting a sync through the API: %v", err)
				}
			},
			Config: runSyncConfig(e, connID, "  if_running = \"attach\"\n  job_type   = \"clear\""),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(res, "job_id", "2"),
				resource.TestCheckResourceAttr(res, "status", "succeeded"),
				resource.TestCheckResourceAttr(res, "job_type", "clear"),
				func(*terraform.State) error { return e.expectJobs(connID, "succeeded", "succeeded") },
			),
		}},
	})
}

// TestAccRunSync_jobArgumentsRefusedAtPlan: job arguments that do not fit
// together are refused at plan, naming the attribute, before any request.
func TestAccRunSync_jobArgumentsRefusedAtPlan(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 83})
	const connID = "00000000-0000-4000-8000-000000000000"
	var steps []resource.TestStep
	for _, c := range []struct{ body, summary, detail string }{
		{"  streams = [{ name = \"orders\" }]", "Streams Of A Sync", "a sync always syncs every stream"},
		{"  job_type = \"refresh\"", "Refresh Mode Required", "A refresh needs refresh_mode"},
		{"  job_type     = \"clear\"\n  refresh_mode = \"merge\"", "Refresh Mode Without A Refresh", `job_type is "clear"`},
		{"  job_type = \"clear\"\n  streams  = [{ name = \"a\" }, { name = \"a\" }]", "Stream Listed Twice", `The stream "a" is listed more than once`},
		{"  job_type = \"backfill\"", "Invalid Attribute Value Match", "job_type value must be one of"},
		{"  if_running = \"queue\"", "Invalid Attribute Value Match", "if_running value must be one of"},
	} {
		steps = append(steps, resource.TestStep{Config: runSyncConfig(e, connID, c.body), PlanOnly: true, ExpectError: diagRE(c.summary, c.detail)})
	}
	accParallelTest(t, resource.TestCase{Steps: steps})
	if n := e.emu.Stats().RequestsTotal; n != 0 {
		t.Errorf("the emulator had %d requests, want none", n)
	}
}

// TestProtocolRunSyncAction_attach: with a sync running, the action with
// if_running = "attach" reports that sync's success, and starts none.
func TestProtocolRunSyncAction_attach(t *testing.T) {
	e, clk, connID := newSyncEmulator(t, emulator.Options{Seed: 84, JobDuration: 2 * time.Minute})
	if _, err := e.apiClient().CreateJob(context.Background(), connID, client.JobTypeSync); err != nil {
		t.Fatal(err)
	}
	run := invokeRunSync(t, context.Background(), newActionServer(t, e, clk),
		map[string]any{"connection_id": connID, "if_running": "attach"}, nil)
	if hasError(run.diags) || !run.someMatch(`^Sync job 1 of connection .* succeeded`) {
		t.Fatalf("want the success of job 1 reported\n%s", run)
	}
	if err := e.expectJobs(connID, "succeeded"); err != nil {
		t.Fatal(err)
	}
}

// TestAccRunSync_unknownStreamStartsNothing: a clear of a stream the
// connection does not sync fails before anything starts, listing the
// connection's streams.
func TestAccRunSync_unknownStreamStartsNothing(t *testing.T) {
	e, clk, connID := newSyncEmulator(t, emulator.Options{Seed: 85})
	accTestWithClock(t, clk, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: runSyncConfig(e, connID, "  job_type = \"clear\"\n  streams  = [{ name = \"orders\" }]"),
			ExpectError: diagRE("Invalid Streams", `Nothing was started on the connection "`+connID+
				`". streams[0]: "orders" is not a stream the connection syncs; its streams are "public.users", "public.events".`),
		}},
	})
	if jobs := e.jobsOf(connID); len(jobs) != 0 {
		t.Errorf("the emulator has jobs %+v, want none", jobs)
	}
}

// TestProtocolRunSyncAction_failureAndClear: the action reports a failed
// sync with Airbyte's reason, then clears one stream: that stream's state
// goes, the other's stays.
func TestProtocolRunSyncAction_failureAndClear(t *testing.T) {
	e, clk, connID := newSyncEmulator(t, emulator.Options{Seed: 86})
	server := newActionServer(t, e, clk)
	if run := invokeRunSync(t, context.Background(), server, map[string]any{"connection_id": connID}, nil); hasError(run.diags) {
		t.Fatalf("the first sync failed:\n%s", run)
	}
	if err := e.emu.FailNextSyncWith(connID, emulator.SyncFailure{FailureOrigin: "destination", FailureType: "transient_error",
		Message: "The warehouse closed the connection"}); err != nil {
		t.Fatal(err)
	}
	// A transient error is retried: the first attempt fails, the second succeeds.
	run := invokeRunSync(t, context.Background(), server, map[string]any{"connection_id": connID}, nil)
	if hasError(run.diags) || !run.someMatch(`^Sync job 2 of connection .* succeeded`) {
		t.Fatalf("want job 2 to succeed on its second attempt\n%s", run)
	}
	if got := fmt.Sprint(streamStates(t, e, connID)); got != "[users events]" {
		t.Fatalf("state after the syncs is for streams %s, want [users events]", got)
	}

	streamsType := tftypes.List{ElementType: tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"name": tftypes.String, "namespace": tftypes.String}}}
	streams := tftypes.NewValue(streamsType, []tftypes.Value{tftypes.NewValue(streamsType.ElementType, map[string]tftypes.Value{
		"name": tftypes.NewValue(tftypes.String, "users"), "namespace": tftypes.NewValue(tftypes.String, nil)})})
	run = invokeRunSync(t, context.Background(), server, map[string]any{"connection_id": connID, "job_type": "clear", "streams": streams}, nil)
	if hasError(run.diags) || !run.someMatch(`^Clear job 3 of connection .* succeeded`) {
		t.Fatalf("want clear job 3 to succeed\n%s", run)
	}
	if got := fmt.Sprint(streamStates(t, e, connID)); got != "[events]" {
		t.Errorf("state after clearing users is for streams %s, want [events]", got)
	}

	if err := e.emu.FailNextSyncWith(connID, emulator.SyncFailure{FailureOrigin: "source", FailureType: "config_error",
		Message: "Invalid API key"}); err != nil {
		t.Fatal(err)
	}
	run = invokeRunSync(t, context.Background(), server, map[string]any{"connection_id": connID}, nil)
	if text := diagnosticsText(run.diags); !strings.Contains(text, "Sync Failed") ||
		!strings.Contains(text, "It failed after 1 attempt. Airbyte reports a source config error: Invalid API key.") ||
		!strings.Contains(text, "Fix the source's configuration in Airbyte") {
		t.Errorf("want the failure's origin, type and message in the error\n%s", run)
	}
}

// TestSyncRunnerRefreshRacesASync: when a sync starts between the runner's
// look for a running job and its refresh request, Airbyte keeps the refresh
// for the next run and answers with the sync it has just created; the
// runner reports that, and does not follow the sync as the refresh.
func TestSyncRunnerRefreshRacesASync(t *testing.T) {
	var f *runnerFixture
	var once sync.Once
	front := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/connections/refresh") {
				once.Do(func() {
					if _, err := f.runner.client.CreateJob(r.Context(), f.connID, client.JobTypeSync); err != nil {
						t.Errorf("starting the racing sync: %v", err)
					}
				})
			}
			next.ServeHTTP(w, r)
		})
	}
	f = newRunnerFixture(t, emulator.Options{Seed: 87, JobDuration: time.Minute}, front)
	req := f.request()
	req.JobType, req.RefreshMode = jobTypeRefresh, refreshMerge
	_, err := f.runner.run(context.Background(), req)
	if err == nil || !strings.Contains(err.Error(), "the refresh was recorded, but no job started") {
		t.Fatalf("run: %v; want the refresh reported as kept for the next run", err)
	}
	if jobs := f.jobs(); len(jobs) != 1 || jobs[0].JobType != "sync" {
		t.Errorf("the emulator's jobs are %+v, want only the racing sync", jobs)
	}
}

// TestAccRunSync_importedClearKeepsItsJob imports a clear job made outside Terraform, which
// Airbyte reports as a reset, into a configuration saying job_type = "clear": the plan
// renames it in place rather than running another clear, and the next plan is empty.
func TestAccRunSync_importedClearKeepsItsJob(t *testing.T) {
	e, clk, connID := newSyncEmulator(t, emulator.Options{Seed: 95})
	job, err := e.apiClient().CreateJob(context.Background(), connID, client.JobTypeReset)
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Hour)
	const res = "airbyte_run_sync.s"
	config := runSyncConfig(e, connID, `  job_type = "clear"`) + fmt.Sprintf(`
import {
  to = airbyte_run_sync.s
  id = "%d"
}
`, job.JobID)
	accTestWithClock(t, clk, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
			}},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(res, "job_id", fmt.Sprint(job.JobID)),
				resource.TestCheckResourceAttr(res, "job_type", "clear"),
				func(*terraform.State) error { return e.expectJobs(connID, "succeeded") },
			),
		}},
	})
}
