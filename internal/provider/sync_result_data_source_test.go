package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

// TestAccSyncResultDataSource reads single jobs: without job_id the
// latest sync (a failed one, though a reset is newer), a given job_id of
// any type, and found = false with null attributes for a connection that
// has not synced.
func TestAccSyncResultDataSource(t *testing.T) {
	clk := newTestClock()
	e := newAccEmulator(t, emulator.Options{Seed: 65, Now: clk.Now})
	start := clk.Now()
	api := e.apiClient()
	ctx := context.Background()
	conn := e.createOutsideTerraform(t, e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID)
	idle := e.createOutsideTerraform(t, e.Source(0, 1).SourceID, e.Destination(0, 0).DestinationID,
		client.StreamConfiguration{Name: "customers"})
	var ids []int64
	for i, kind := range []client.JobType{client.JobTypeSync, client.JobTypeSync, client.JobTypeReset} {
		if i == 1 {
			if err := e.emu.FailNextSync(conn.ConnectionID); err != nil {
				t.Fatal(err)
			}
		}
		job, err := api.CreateJob(ctx, conn.ConnectionID, kind)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, job.JobID)
		clk.Advance(time.Hour)
	}
	first, failed, reset := ids[0], ids[1], ids[2]
	str := knownvalue.StringExact
	const latest, byID, resetDS, none = "data.airbyte_sync_result.latest", "data.airbyte_sync_result.by_id",
		"data.airbyte_sync_result.reset", "data.airbyte_sync_result.none"

	accParallelTest(t, tfresource.TestCase{
		Steps: []tfresource.TestStep{{
			Config: e.ProviderConfig() + fmt.Sprintf(`
data "airbyte_sync_result" "latest" {
  connection_id = %[1]q
}

data "airbyte_sync_result" "by_id" {
  connection_id = %[1]q
  job_id        = %[2]d
}

data "airbyte_sync_result" "reset" {
  connection_id = %[1]q
  job_id        = %[3]d
}

data "airbyte_sync_result" "none" {
  connection_id = %[4]q
}
`, conn.ConnectionID, first, reset, idle.ConnectionID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(latest, tfjsonpath.New("found"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(latest, tfjsonpath.New("job_id"), knownvalue.Int64Exact(failed)),
				statecheck.ExpectKnownValue(latest, tfjsonpath.New("job_type"), str("sync")),
				statecheck.ExpectKnownValue(latest, tfjsonpath.New("status"), str("failed")),
				statecheck.ExpectKnownValue(latest, tfjsonpath.New("start_time"), str(start.Add(time.Hour).Format(time.RFC3339))),
				statecheck.ExpectKnownValue(latest, tfjsonpath.New("last_updated_at"),
					str(start.Add(time.Hour+emulator.DefaultJobDuration).Format(time.RFC3339))),
				statecheck.ExpectKnownValue(latest, tfjsonpath.New("duration"), str("PT2S")),
				statecheck.ExpectKnownValue(latest, tfjsonpath.New("job_url"), knownvalue.StringRegexp(regexp.MustCompile(
					fmt.Sprintf(`/workspaces/%s/connections/%s/timeline#%d::0$`, e.Workspace(0).WorkspaceID, conn.ConnectionID, failed)))),

				statecheck.ExpectKnownValue(byID, tfjsonpath.New("found"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(byID, tfjsonpath.New("job_id"), knownvalue.Int64Exact(first)),
				statecheck.ExpectKnownValue(byID, tfjsonpath.New("status"), str("succeeded")),
				statecheck.ExpectKnownValue(byID, tfjsonpath.New("start_time"), str(start.Format(time.RFC3339))),
				statecheck.ExpectKnownValue(byID, tfjsonpath.New("rows_synced"), positive()),
				statecheck.ExpectKnownValue(byID, tfjsonpath.New("bytes_synced"), positive()),

				statecheck.ExpectKnownValue(resetDS, tfjsonpath.New("job_type"), str("reset")),
				statecheck.ExpectKnownValue(resetDS, tfjsonpath.New("status"), str("succeeded")),

				statecheck.ExpectKnownValue(none, tfjsonpath.New("found"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(none, tfjsonpath.New("job_id"), knownvalue.Null()),
				statecheck.ExpectKnownValue(none, tfjsonpath.New("job_type"), knownvalue.Null()),
				statecheck.ExpectKnownValue(none, tfjsonpath.New("status"), knownvalue.Null()),
				statecheck.ExpectKnownValue(none, tfjsonpath.New("start_time"), knownvalue.Null()),
				statecheck.ExpectKnownValue(none, tfjsonpath.New("rows_synced"), knownvalue.Null()),
				statecheck.ExpectKnownValue(none, tfjsonpath.New("job_url"), knownvalue.Null()),
			},
		}},
	})
}

// TestAccSyncResultDataSource_errors: a job of another connection and an
// unknown job id are errors that say so, not found = false.
func TestAccSyncResultDataSource_errors(t *testing.T) {
	clk := newTestClock()
	e := newAccEmulator(t, emulator.Options{Seed: 66, Now: clk.Now})
	conn := e.createOutsideTerraform(t, e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID)
	other := e.createOutsideTerraform(t, e.Source(0, 1).SourceID, e.Destination(0, 0).DestinationID,
		client.StreamConfiguration{Name: "customers"})
	job, err := e.apiClient().CreateJob(context.Background(), other.ConnectionID, client.JobTypeSync)
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Hour)
	config := func(jobID int64) string {
		return e.ProviderConfig() + fmt.Sprintf(`
data "airbyte_sync_result" "r" {
  connection_id = %q
  job_id        = %d
}
`, conn.ConnectionID, jobID)
	}
	accParallelTest(t, tfresource.TestCase{
		Steps: []tfresource.TestStep{
			{
				Config: config(job.JobID),
				ExpectError: regexp.MustCompile(fmt.Sprintf(`(?s)Job of Another Connection.*job %d belongs to connection\s+%q,\s+not\s+to\s+connection\s+%q`,
					job.JobID, other.ConnectionID, conn.ConnectionID)),
			},
			{
				Config:      config(987654),
				ExpectError: regexp.MustCompile(`(?s)Unknown Job.*"987654"`),
			},
		},
	})
}

// TestAccSyncDataSources_workspaceMismatch reads a connection of another
// workspace through each of the four data sources: each refuses it with
// the workspace error, and the state data source, whose API call answers
// for any id, refuses an unknown connection too.
func TestAccSyncDataSources_workspaceMismatch(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 67})
	foreign := e.createOutsideTerraform(t, e.Source(1, 1).SourceID, e.Destination(1, 0).DestinationID, client.StreamConfiguration{Name: "issues"})
	mismatch := regexp.MustCompile(`(?s)Workspace Mismatch.*"` + foreign.ConnectionID + `"\s+belongs\s+to\s+workspace\s+"` +
		e.Workspace(1).WorkspaceID + `",\s+but\s+the\s+provider\s+is\s+configured\s+for\s+workspace\s+"` + e.Workspace(0).WorkspaceID + `"`)
	var steps []tfresource.TestStep
	for _, kind := range []string{"airbyte_connection_state", "airbyte_connection_catalog", "airbyte_sync_history", "airbyte_sync_result"} {
		steps = append(steps, tfresource.TestStep{
			Config: e.ProviderConfig() + fmt.Sprintf(`
data %q "x" {
  connection_id = %q
}
`, kind, foreign.ConnectionID),
			ExpectError: mismatch,
		})
	}
	steps = append(steps, tfresource.TestStep{
		Config: e.ProviderConfig() + `
data "airbyte_connection_state" "x" {
  connection_id = "00000000-0000-4000-8000-000000000000"
}
`,
		ExpectError: regexp.MustCompile(`(?s)Unknown Connection.*"00000000-0000-4000-8000-000000000000"`),
	})
	accParallelTest(t, tfresource.TestCase{Steps: steps})
}
