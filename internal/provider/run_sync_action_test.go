package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

// These tests drive the action through the plugin protocol, in-process,
// because actions need Terraform 1.14. TestAccRunSyncAction_trigger runs it
// with the CLI when the CLI is new enough.

// actionServer is a provider server with the action RPCs.
type actionServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ActionServer
}

// newActionServer returns the provider, configured for e and timed by clk,
// as a server that answers the action RPCs.
func newActionServer(t *testing.T, e *accEmulator, clk client.Clock) actionServer {
	t.Helper()
	server, ok := newProtocolServerOf(t, newWithClock("test", clk), e).(actionServer)
	if !ok {
		t.Fatal("the provider server does not answer the action RPCs")
	}
	return server
}

// actionRun is what one invocation of the action sent back.
type actionRun struct {
	progress []string
	diags    []*tfprotov6.Diagnostic
	took     time.Duration // wall-clock time
}

func (r actionRun) String() string {
	return "progress:\n  " + strings.Join(r.progress, "\n  ") + "\ndiagnostics:\n" + diagnosticsText(r.diags)
}

// invokeRunSync validates, plans and invokes the action with the given
// arguments, as Terraform does, and collects the events of the invocation.
// onProgress, when set, hears of each progress event as it arrives.
func invokeRunSync(t *testing.T, ctx context.Context, server actionServer, args map[string]any, onProgress func(string)) actionRun {
	t.Helper()
	schemas, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	as := schemas.ActionSchemas[runSyncType]
	if as == nil {
		t.Fatalf("the provider has no %s action", runSyncType)
	}
	cfg := objectValue(t, as.Schema.ValueType().(tftypes.Object), args)

	validated, err := server.ValidateActionConfig(ctx, &tfprotov6.ValidateActionConfigRequest{ActionType: runSyncType, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	if hasError(validated.Diagnostics) {
		return actionRun{diags: validated.Diagnostics}
	}
	planned, err := server.PlanAction(ctx, &tfprotov6.PlanActionRequest{ActionType: runSyncType, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	failOnErrors(t, "PlanAction", planned.Diagnostics)

	start := time.Now()
	stream, err := server.InvokeAction(ctx, &tfprotov6.InvokeActionRequest{ActionType: runSyncType, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	var run actionRun
	completed := 0
	for ev := range stream.Events {
		switch ev := ev.Type.(type) {
		case tfprotov6.ProgressInvokeActionEventType:
			if completed > 0 {
				t.Errorf("progress event %q after the completed event", ev.Message)
			}
			run.progress = append(run.progress, ev.Message)
			if onProgress != nil {
				onProgress(ev.Message)
			}
		case tfprotov6.CompletedInvokeActionEventType:
			completed++
			run.diags = ev.Diagnostics
		default:
			t.Errorf("unexpected event %T", ev)
		}
	}
	if completed != 1 {
		t.Errorf("the invocation sent %d completed events, want 1", completed)
	}
	run.took = time.Since(start)
	return run
}

// someMatch reports whether a progress message matches pattern.
func (r actionRun) someMatch(pattern string) bool {
	re := regexp.MustCompile(pattern)
	return slices.ContainsFunc(r.progress, re.MatchString)
}

// TestProtocolRunSyncAction_succeeds: a sync of ten minutes reports pending,
// then running with rows and bytes at least every 30 seconds, then success.
func TestProtocolRunSyncAction_succeeds(t *testing.T) {
	e, clk, connID := newSyncEmulator(t, emulator.Options{Seed: 81, JobDuration: 10 * time.Minute})
	server := newActionServer(t, e, clk)
	run := invokeRunSync(t, context.Background(), server, map[string]any{"connection_id": connID}, nil)
	if hasError(run.diags) {
		t.Fatalf("the action failed:\n%s", run)
	}
	for _, want := range []string{
		`^Sync job 1 pending, 0s elapsed: 0 rows, 0 B\.$`,
		`^Sync job 1 running, [\dhms]+ elapsed: [1-9]\d* rows, [\d.]+ [kM]?B\.$`,
		`^Sync job 1 running, 5m\d*s? elapsed: [1-9]\d* rows`,
		`^Sync job 1 of connection ` + connID + ` succeeded: [1-9]\d* rows, [\d.]+ [kM]?B\. http://\S+/timeline#1::0$`,
	} {
		if !run.someMatch(want) {
			t.Errorf("no progress message matches %s\n%s", want, run)
		}
	}
	// At least every 30 s over ten minutes: twenty reports or more.
	if n := len(run.progress); n < 20 {
		t.Errorf("%d progress events over a sync of ten minutes, want at least 20\n%s", n, run)
	}
	if err := e.expectJobs(connID, "succeeded"); err != nil {
		t.Fatal(err)
	}
}

// TestProtocolRunSyncAction_fails: a sync that fails is an error naming the
// job, its status and link.
func TestProtocolRunSyncAction_fails(t *testing.T) {
	e, clk, connID := newSyncEmulator(t, emulator.Options{Seed: 82})
	if err := e.emu.FailNextSync(connID); err != nil {
		t.Fatal(err)
	}
	run := invokeRunSync(t, context.Background(), newActionServer(t, e, clk), map[string]any{"connection_id": connID}, nil)
	text := diagnosticsText(run.diags)
	if !hasError(run.diags) || !strings.Contains(text, "Sync Failed") ||
		!strings.Contains(text, `The sync job 1 of the connection "`+connID+`" ended with status "failed"`) || !strings.Contains(text, "timeline#1::0") {
		t.Fatalf("want a Sync Failed error naming job 1 and its link\n%s", run)
	}
	if strings.Contains(text, "tainted") {
		t.Errorf("the action's error speaks of state, which actions do not have:\n%s", text)
	}
	if err := e.expectJobs(connID, "failed"); err != nil {
		t.Fatal(err)
	}
}

// TestProtocolRunSyncAction_timeoutCancels: past timeout the job is
// cancelled, and the error says so.
func TestProtocolRunSyncAction_timeoutCancels(t *testing.T) {
	e, clk, connID := newSyncEmulator(t, emulator.Options{Seed: 83, JobDuration: time.Hour})
	run := invokeRunSync(t, context.Background(), newActionServer(t, e, clk),
		map[string]any{"connection_id": connID, "timeout": "5m"}, nil)
	if text := diagnosticsText(run.diags); !strings.Contains(text, "Sync Timed Out") || !strings.Contains(text, "timed out after 5m, so it was cancelled") {
		t.Fatalf("want a Sync Timed Out error saying the job was cancelled\n%s", run)
	}
	if err := e.expectJobs(connID, "cancelled"); err != nil {
		t.Fatal(err)
	}
}

// TestProtocolRunSyncAction_interrupted: when Terraform is interrupted (the
// context ends) while the sync runs, the job is cancelled and the action
// returns at once with an error that says so.
func TestProtocolRunSyncAction_interrupted(t *testing.T) {
	e, clk, connID := newSyncEmulator(t, emulator.Options{Seed: 84, JobDuration: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var interruptedAt time.Time
	run := invokeRunSync(t, ctx, newActionServer(t, e, clk), map[string]any{"connection_id": connID}, func(msg string) {
		if strings.Contains(msg, " running, ") && interruptedAt.IsZero() {
			interruptedAt = clk.Now()
			cancel()
		}
	})
	if interruptedAt.IsZero() {
		t.Fatalf("the sync never reported running\n%s", run)
	}
	if text := diagnosticsText(run.diags); !strings.Contains(text, "Sync Interrupted") || !strings.Contains(text, "so the job was cancelled") {
		t.Fatalf("want a Sync Interrupted error saying the job was cancelled\n%s", run)
	}
	if err := e.expectJobs(connID, "cancelled"); err != nil {
		t.Fatal(err)
	}
	// It stopped right away: no more waiting on the test clock, and no real waiting.
	if waited := clk.Now().Sub(interruptedAt); waited > 10*time.Second {
		t.Errorf("the action went on waiting %s after the interruption", waited)
	}
	if run.took > 5*time.Second {
		t.Errorf("the action took %s", run.took)
	}
}

// TestProtocolRunSyncAction_waitsForRunningSync: with another sync running,
// the action reports that it waits, then runs its own.
func TestProtocolRunSyncAction_waitsForRunningSync(t *testing.T) {
	e, clk, connID := newSyncEmulator(t, emulator.Options{Seed: 85, JobDuration: 2 * time.Minute})
	if _, err := e.apiClient().CreateJob(context.Background(), connID, client.JobTypeSync); err != nil {
		t.Fatal(err)
	}
	server := newActionServer(t, e, clk)

	run := invokeRunSync(t, context.Background(), server, map[string]any{"connection_id": connID, "if_running": "fail"}, nil)
	if text := diagnosticsText(run.diags); !strings.Contains(text, "Sync Already Running") || !strings.Contains(text, "Another sync (job 1, pending)") {
		t.Fatalf("want a Sync Already Running error naming job 1\n%s", run)
	}
	if err := e.expectJobs(connID, "pending"); err != nil {
		t.Fatal(err)
	}

	run = invokeRunSync(t, context.Background(), server, map[string]any{"connection_id": connID}, nil)
	if hasError(run.diags) {
		t.Fatalf("the action failed:\n%s", run)
	}
	if !run.someMatch(`^Waiting for another sync \(job 1, pending\)`) || !run.someMatch(`^Sync job 2 of connection .* succeeded`) {
		t.Errorf("want a report of waiting for job 1 and the success of job 2\n%s", run)
	}
	if err := e.expectJobs(connID, "succeeded", "succeeded"); err != nil {
		t.Fatal(err)
	}
}

// TestProtocolRunSyncAction_noWait: with wait = false the action returns as
// soon as the job has started.
func TestProtocolRunSyncAction_noWait(t *testing.T) {
	e, clk, connID := newSyncEmulator(t, emulator.Options{Seed: 86, JobDuration: time.Hour})
	run := invokeRunSync(t, context.Background(), newActionServer(t, e, clk), map[string]any{"connection_id": connID, "wait": false}, nil)
	if hasError(run.diags) || !run.someMatch(`^Started sync job 1 of connection \S+ \(pending\); not waiting for it to end\.`) {
		t.Fatalf("want the job started without waiting\n%s", run)
	}
	if err := e.expectJobs(connID, "pending"); err != nil {
		t.Fatal(err)
	}
}

// TestProtocolRunSyncAction_refused: a timeout without waiting, bad values
// and a connection of another workspace are refused, and nothing starts.
func TestProtocolRunSyncAction_refused(t *testing.T) {
	e, clk, connID := newSyncEmulator(t, emulator.Options{Seed: 87})
	foreign := e.createOutsideTerraform(t, e.Source(1, 1).SourceID, e.Destination(1, 0).DestinationID, client.StreamConfiguration{Name: "issues"})
	server := newActionServer(t, e, clk)
	for _, c := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"connection_id": connID, "wait": false, "timeout": "5m"}, "Timeout Without Waiting"},
		{map[string]any{"connection_id": connID, "timeout": "soon"}, "Invalid Duration"},
		{map[string]any{"connection_id": connID, "if_running": "queue"}, "value must be one of"},
		{map[string]any{"connection_id": "nope"}, "Invalid Airbyte ID"},
		{map[string]any{"connection_id": foreign.ConnectionID}, "Workspace Mismatch"},
	} {
		run := invokeRunSync(t, context.Background(), server, c.args, nil)
		if !hasError(run.diags) || !strings.Contains(diagnosticsText(run.diags), c.want) {
			t.Errorf("%v: want an error with %q\n%s", c.args, c.want, run)
		}
	}
	if jobs := e.emu.Snapshot().Jobs; len(jobs) != 0 {
		t.Fatalf("refused invocations started %d jobs", len(jobs))
	}
}

// TestProtocolRunSyncAction_announced: the provider announces the action.
func TestProtocolRunSyncAction_announced(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 88})
	server := newActionServer(t, e, newTestClock())
	meta, err := server.GetMetadata(context.Background(), &tfprotov6.GetMetadataRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(meta.Actions, func(m tfprotov6.ActionMetadata) bool { return m.TypeName == runSyncType }) {
		t.Errorf("GetMetadata lists actions %v, without %s", meta.Actions, runSyncType)
	}
	schemas, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range schemas.ActionSchemas[runSyncType].Schema.Block.Attributes {
		names = append(names, a.Name)
		if strings.TrimSpace(a.Description) == "" {
			t.Errorf("action argument %s has no description", a.Name)
		}
	}
	slices.Sort(names)
	if want := []string{"cancel_on_timeout", "connection_id", "if_running", "job_type", "refresh_mode", "streams", "timeout", "wait"}; !slices.Equal(names, want) {
		t.Errorf("action arguments %v, want %v", names, want)
	}
}

// TestAccRunSyncAction_trigger runs the action with the CLI, from an
// action_trigger after a resource is created; it needs Terraform 1.14.
// terraform-plugin-testing runs plan and apply only (no -invoke), so the
// action runs the way a lifecycle trigger runs it.
func TestAccRunSyncAction_trigger(t *testing.T) {
	e, clk, connID := newSyncEmulator(t, emulator.Options{Seed: 89})
	accTestWithClock(t, clk, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		Steps: []resource.TestStep{{
			Config: e.ProviderConfig() + fmt.Sprintf(`
action "airbyte_run_sync" "now" {
  config {
    connection_id = %q
  }
}

resource "terraform_data" "deploy" {
  input = "v1"

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.airbyte_run_sync.now]
    }
  }
}
`, connID),
			Check: func(*terraform.State) error { return e.expectJobs(connID, "succeeded") },
		}},
	})
}
