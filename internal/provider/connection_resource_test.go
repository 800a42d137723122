package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

// connectionInEmulator returns the emulator's record of the connection
// that the named resource holds in state.
func (e *accEmulator) connectionInEmulator(s *terraform.State, name string) (emulator.SnapshotConnection, error) {
	rs, ok := s.RootModule().Resources[name]
	if !ok {
		return emulator.SnapshotConnection{}, fmt.Errorf("%s is not in state", name)
	}
	id := rs.Primary.Attributes["connection_id"]
	for _, c := range e.emu.Snapshot().Connections {
		if c.ConnectionID == id {
			return c, nil
		}
	}
	return emulator.SnapshotConnection{}, fmt.Errorf("the emulator has no connection %q", id)
}

// checkEmulator checks the emulator's record of the connection in the named resource.
func (e *accEmulator) checkEmulator(name string, check func(c emulator.SnapshotConnection) error) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		c, err := e.connectionInEmulator(s, name)
		if err != nil {
			return err
		}
		return check(c)
	}
}

// liveConnections returns the connections the emulator holds that are not deleted.
func (e *accEmulator) liveConnections() []emulator.SnapshotConnection {
	var out []emulator.SnapshotConnection
	for _, c := range e.emu.Snapshot().Connections {
		if c.Status != "deprecated" {
			out = append(out, c)
		}
	}
	return out
}

func streamSummary(c emulator.SnapshotConnection) string {
	var parts []string
	for _, s := range c.Streams {
		parts = append(parts, s.Name+":"+s.SyncMode)
	}
	slices.Sort(parts)
	return strings.Join(parts, ",")
}

func expect(what, got, want string) error {
	if got != want {
		return fmt.Errorf("emulator %s = %q, want %q", what, got, want)
	}
	return nil
}

// TestAccConnection_lifecycle is a user's session: create, change every
// argument in turn, import, destroy; after each step the emulator agrees
// and the next plan is empty.
func TestAccConnection_lifecycle(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 21})
	src, dst := e.Source(0, 0), e.Destination(0, 0)
	config := func(body string) string {
		return e.ProviderConfig() + fmt.Sprintf(`
resource "airbyte_connection" "test" {
  source_id      = %q
  destination_id = %q
%s
}
`, src.SourceID, dst.DestinationID, body)
	}
	const res = "airbyte_connection.test"

	accParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: config(`
  name   = "Postgres to Snowflake"
  prefix = "raw_"
  schedule = {
    schedule_type   = "cron"
    cron_expression = "0 0 12 * * ?"
  }
  configurations = {
    streams = [
      { name = "users", sync_mode = "full_refresh_overwrite" },
      { name = "orders", sync_mode = "full_refresh_append" },
    ]
  }`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(res, tfjsonpath.New("name"), knownvalue.StringExact("Postgres to Snowflake")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("workspace_id"), knownvalue.StringExact(e.Workspace(0).WorkspaceID)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("status"), knownvalue.StringExact("active")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("schedule").AtMapKey("cron_expression"), knownvalue.StringExact("0 0 12 * * ?")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("stream_names"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("orders"), knownvalue.StringExact("users")})),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("delete_source_on_destroy"), knownvalue.Bool(false)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPair(res, "id", res, "connection_id"),
					resource.TestMatchResourceAttr(res, "connection_url", regexp.MustCompile(`/workspaces/[0-9a-f-]{36}/connections/[0-9a-f-]{36}$`)),
					resource.TestMatchResourceAttr(res, "job_history_url", regexp.MustCompile(`/connections/[0-9a-f-]{36}/timeline$`)),
					resource.TestCheckResourceAttr(res, "configurations.streams.#", "2"),
					resource.TestCheckTypeSetElemNestedAttrs(res, "configurations.streams.*", map[string]string{
						"name": "users", "namespace": "public", "sync_mode": "full_refresh_overwrite"}),
					e.checkEmulator(res, func(c emulator.SnapshotConnection) error {
						return errorsJoin(
							expect("name", c.Name, "Postgres to Snowflake"),
							expect("prefix", c.Prefix, "raw_"),
							expect("schedule", c.ScheduleType+" "+c.CronExpression, "cron 0 0 12 * * ?"),
							expect("streams", streamSummary(c), "orders:full_refresh_append,users:full_refresh_overwrite"))
					}),
				),
			},
			{
				// Rename, change the prefix, drop a stream, add one and change a sync mode.
				Config: config(`
  name   = "Postgres to Snowflake, renamed"
  prefix = "stage_"
  schedule = {
    schedule_type   = "cron"
    cron_expression = "0 0 12 * * ?"
  }
  configurations = {
    streams = [
      { name = "users", sync_mode = "incremental_deduped_history" },
      { name = "audit_log" },
    ]
  }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(res, "name", "Postgres to Snowflake, renamed"),
					resource.TestCheckTypeSetElemNestedAttrs(res, "configurations.streams.*", map[string]string{
						"name": "users", "sync_mode": "incremental_deduped_history", "cursor_field.0": "updated_at", "primary_key.0.0": "id"}),
					e.checkEmulator(res, func(c emulator.SnapshotConnection) error {
						return errorsJoin(
							expect("name", c.Name, "Postgres to Snowflake, renamed"),
							expect("prefix", c.Prefix, "stage_"),
							expect("streams", streamSummary(c), "audit_log:full_refresh_overwrite,users:incremental_deduped_history"))
					}),
				),
			},
			{
				// Pause it and make it manual.
				Config: config(`
  name   = "Postgres to Snowflake, renamed"
  prefix = "stage_"
  status = "inactive"
  schedule = {
    schedule_type = "manual"
  }`),
				Check: e.checkEmulator(res, func(c emulator.SnapshotConnection) error {
					return errorsJoin(
						expect("status", c.Status, "inactive"),
						expect("schedule", c.ScheduleType, "manual"),
						// Streams left out of the configuration keep what the connection has.
						expect("streams", streamSummary(c), "audit_log:full_refresh_overwrite,users:incremental_deduped_history"))
				}),
			},
			{
				// Back to a cron schedule, written the way the API reads it back.
				Config: config(`
  name   = "Postgres to Snowflake, renamed"
  prefix = "stage_"
  status = "active"
  schedule = {
    schedule_type   = "cron"
    cron_expression = "0 30 6 ? * MON-FRI UTC"
  }`),
				Check: e.checkEmulator(res, func(c emulator.SnapshotConnection) error {
					return errorsJoin(
						expect("status", c.Status, "active"),
						expect("schedule", c.ScheduleType+" "+c.CronExpression, "cron 0 30 6 ? * MON-FRI"))
				}),
			},
			{
				ResourceName:      res,
				ImportState:       true,
				ImportStateVerify: true,
				// The expression is stored as the API reads it back, without
				// " UTC"; the configuration above spelled it with the suffix.
				ImportStateVerifyIgnore: []string{"schedule.cron_expression"},
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

func errorsJoin(errs ...error) error {
	var msgs []string
	for _, err := range errs {
		if err != nil {
			msgs = append(msgs, err.Error())
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return fmt.Errorf("%s", strings.Join(msgs, "; "))
}

// apiClient is a client of the emulator, for changes made outside
// Terraform (in the Airbyte UI, as far as the provider can tell).
func (e *accEmulator) apiClient() *client.Client {
	e.t.Helper()
	c, err := client.New(client.Config{ServerURL: e.info.ServerURL, ClientID: e.info.ClientID, ClientSecret: e.info.ClientSecret})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func ptr[T any](v T) *T { return &v }

// createOutsideTerraform creates a connection through the API, as a user
// would in the Airbyte UI, with settings other than the API's defaults.
// Without streams it selects users and events, streams of the first seeded source.
func (e *accEmulator) createOutsideTerraform(t *testing.T, src, dst string, streams ...client.StreamConfiguration) *client.Connection {
	t.Helper()
	if len(streams) == 0 {
		streams = []client.StreamConfiguration{
			{Name: "users", SyncMode: client.SyncModeIncrementalDedupedHistory},
			{Name: "events", SyncMode: client.SyncModeIncrementalAppend},
		}
	}
	conn, err := e.apiClient().CreateConnection(context.Background(), client.ConnectionCreateRequest{
		Name: "Made in the UI", SourceID: src, DestinationID: dst, Prefix: ptr("ui_"),
		NamespaceDefinition:              client.NamespaceDefinitionSource,
		NonBreakingSchemaUpdatesBehavior: "propagate_columns",
		Schedule:                         &client.ConnectionSchedule{ScheduleType: client.ScheduleTypeCron, CronExpression: "0 15 3 * * ?"},
		Configurations:                   &client.StreamConfigurations{Streams: streams},
	})
	if err != nil {
		t.Fatalf("creating a connection outside Terraform: %v", err)
	}
	return conn
}

// TestAccConnection_importMinimal imports a connection made outside
// Terraform into a configuration that names only its source and
// destination: the plan is empty and nothing on the server changes.
func TestAccConnection_importMinimal(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 22})
	src, dst := e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID
	conn := e.createOutsideTerraform(t, src, dst)
	config := e.ProviderConfig() + fmt.Sprintf(`
resource "airbyte_connection" "imported" {
  source_id      = %q
  destination_id = %q
}
`, src, dst)
	const res = "airbyte_connection.imported"
	before := e.emu.Snapshot().Connections

	accParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config:             config,
				ResourceName:       res,
				ImportState:        true,
				ImportStateId:      conn.ConnectionID,
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 {
						return fmt.Errorf("imported %d instances, want 1", len(states))
					}
					a := states[0].Attributes
					for k, want := range map[string]string{
						"name": "Made in the UI", "prefix": "ui_", "namespace_definition": "source",
						"non_breaking_schema_updates_behavior": "propagate_columns", "schedule.schedule_type": "cron",
						"schedule.cron_expression": "0 15 3 * * ?", "configurations.streams.#": "2", "delete_source_on_destroy": "false",
					} {
						if a[k] != want {
							return fmt.Errorf("imported %s = %q, want %q", k, a[k], want)
						}
					}
					return nil
				},
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: func(*terraform.State) error {
					if after := e.emu.Snapshot().Connections; fmt.Sprint(after) != fmt.Sprint(before) {
						return fmt.Errorf("importing changed the connection:\nbefore %+v\nafter  %+v", before, after)
					}
					return nil
				},
			},
		},
	})
}

// TestAccConnection_importBlock imports through an import block by id.
func TestAccConnection_importBlock(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 23})
	src, dst := e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID
	conn := e.createOutsideTerraform(t, src, dst)
	accParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: e.ProviderConfig() + fmt.Sprintf(`
import {
  to = airbyte_connection.imported
  id = %q
}

resource "airbyte_connection" "imported" {
  source_id      = %q
  destination_id = %q
  name           = "Made in the UI"
  schedule = {
    schedule_type   = "cron"
    cron_expression = "0 15 3 * * ?"
  }
}
`, conn.ConnectionID, src, dst),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("airbyte_connection.imported", plancheck.ResourceActionNoop),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("airbyte_connection.imported", tfjsonpath.New("connection_id"), knownvalue.StringExact(conn.ConnectionID)),
			},
		}},
	})
}

// TestAccConnection_basicSchedule keeps a basic schedule made in the UI,
// refuses to create one, and replaces it with a cron schedule on request.
func TestAccConnection_basicSchedule(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 24})
	src, dst := e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID
	conn := e.createOutsideTerraform(t, src, dst)
	if err := e.emu.OverrideConnection(conn.ConnectionID, emulator.ConnectionOverride{
		BasicTiming: &emulator.BasicTiming{Units: 24, TimeUnit: "hours"}}); err != nil {
		t.Fatal(err)
	}
	const res = "airbyte_connection.c"
	config := func(schedule string) string {
		return e.ProviderConfig() + fmt.Sprintf(`
import {
  to = airbyte_connection.c
  id = %q
}

resource "airbyte_connection" "c" {
  source_id      = %q
  destination_id = %q
  %s
}
`, conn.ConnectionID, src, dst, schedule)
	}
	accParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: config(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionNoop),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(res, "schedule.schedule_type", "basic"),
					resource.TestCheckResourceAttr(res, "schedule.basic_timing", "Every 24 HOURS"),
				),
			},
			{
				// Written out, as -generate-config-out writes it: still no change.
				Config: config(`schedule = { schedule_type = "basic" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				Config: config(`schedule = { schedule_type = "cron", cron_expression = "0 0 */6 * * ?" }`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckNoResourceAttr(res, "schedule.basic_timing"),
					e.checkEmulator(res, func(c emulator.SnapshotConnection) error {
						return expect("schedule", c.ScheduleType+" "+c.CronExpression, "cron 0 0 */6 * * ?")
					}),
				),
			},
			{
				Config:      config(`schedule = { schedule_type = "basic" }`),
				ExpectError: regexp.MustCompile(`cannot create a "basic" schedule`),
			},
		},
	})
}

// TestAccConnection_driftCorrected changes a connection behind Terraform's
// back; the next plan shows it and applying puts it back.
func TestAccConnection_driftCorrected(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 25})
	src, dst := e.Source(0, 0), e.Destination(0, 0)
	config := e.ProviderConfig() + fmt.Sprintf(`
resource "airbyte_connection" "c" {
  name           = "drifting"
  source_id      = %q
  destination_id = %q
  prefix         = "raw_"
  configurations = {
    streams = [{ name = "users" }, { name = "orders" }]
  }
}
`, src.SourceID, dst.DestinationID)
	const res = "airbyte_connection.c"
	var id string
	drift := func() {
		_, err := e.apiClient().PatchConnection(context.Background(), id, client.ConnectionPatchRequest{
			Name: ptr("renamed in the UI"), Prefix: ptr("ui_"),
			Configurations: &client.StreamConfigurations{Streams: []client.StreamConfiguration{{Name: "audit_log"}}},
		})
		if err != nil {
			t.Fatalf("changing the connection outside Terraform: %v", err)
		}
	}
	accParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					id = s.RootModule().Resources[res].Primary.ID
					return nil
				},
			},
			{
				PreConfig: drift,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
				}},
				Check: e.checkEmulator(res, func(c emulator.SnapshotConnection) error {
					return errorsJoin(
						expect("name", c.Name, "drifting"),
						expect("prefix", c.Prefix, "raw_"),
						expect("streams", streamSummary(c), "orders:full_refresh_overwrite,users:full_refresh_overwrite"))
				}),
			},
			{
				// Deleted outside Terraform: removed from state with a warning and created again.
				PreConfig: func() {
					if err := e.apiClient().DeleteConnection(context.Background(), id); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionCreate),
				}},
				Check: func(*terraform.State) error {
					if n := len(e.liveConnections()); n != 1 {
						return fmt.Errorf("the emulator holds %d live connections, want 1", n)
					}
					return nil
				},
			},
		},
	})
}

// TestAccConnection_deleteCascade deletes the source and destination with
// the connection when asked, and only the connection otherwise.
func TestAccConnection_deleteCascade(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 26})
	keep, drop := e.Source(0, 0), e.Source(0, 1)
	dst := e.Destination(0, 0)
	accParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: e.ProviderConfig() + fmt.Sprintf(`
resource "airbyte_connection" "kept" {
  source_id      = %q
  destination_id = %q
}

resource "airbyte_connection" "cascade" {
  source_id                = %q
  destination_id           = %q
  delete_source_on_destroy = true
}
`, keep.SourceID, dst.DestinationID, drop.SourceID, dst.DestinationID),
			},
		},
		CheckDestroy: func(*terraform.State) error {
			snap := e.emu.Snapshot()
			deleted := map[string]bool{}
			for _, s := range snap.Sources {
				deleted[s.SourceID] = s.Deleted
			}
			for _, d := range snap.Destinations {
				deleted[d.DestinationID] = d.Deleted
			}
			if !deleted[drop.SourceID] {
				return fmt.Errorf("the source of the connection with delete_source_on_destroy was not deleted")
			}
			if deleted[keep.SourceID] || deleted[dst.DestinationID] {
				return fmt.Errorf("a source or destination was deleted without being asked")
			}
			if n := len(e.liveConnections()); n != 0 {
				return fmt.Errorf("%d connections left after destroy", n)
			}
			return nil
		},
	})
}

// TestAccConnection_workspaceMismatch refuses objects of another workspace
// and changes nothing.
func TestAccConnection_workspaceMismatch(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 27})
	foreignSrc, foreignDst := e.Source(1, 0).SourceID, e.Destination(1, 0).DestinationID
	foreign := e.createOutsideTerraform(t, e.Source(1, 1).SourceID, foreignDst, client.StreamConfiguration{Name: "issues"})
	before := fmt.Sprint(e.emu.Snapshot())
	accParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: e.ProviderConfig() + fmt.Sprintf(`
resource "airbyte_connection" "c" {
  source_id      = %q
  destination_id = %q
}
`, foreignSrc, foreignDst),
				// Terraform wraps the message, so any white space may stand between words.
				ExpectError: regexp.MustCompile(`(?s)Workspace Mismatch.*belongs to\s+workspace\s+"` + e.Workspace(1).WorkspaceID +
					`",\s+but\s+the\s+provider\s+is\s+configured\s+for\s+workspace\s+"` + e.Workspace(0).WorkspaceID + `"`),
			},
			{
				Config: e.ProviderConfig() + fmt.Sprintf(`
import {
  to = airbyte_connection.c
  id = %q
}

resource "airbyte_connection" "c" {
  source_id      = %q
  destination_id = %q
}
`, foreign.ConnectionID, e.Source(1, 1).SourceID, foreignDst),
				ExpectError: regexp.MustCompile(`Workspace Mismatch`),
			},
		},
	})
	if after := fmt.Sprint(e.emu.Snapshot()); after != before {
		t.Fatalf("a refused apply changed the emulator:\nbefore %s\nafter  %s", before, after)
	}
}

// TestAccConnection_validation refuses bad input at plan time with an error
// that names the attribute, and sends nothing that changes the server.
func TestAccConnection_validation(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 28})
	src, dst := e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID
	cases := []struct {
		name, body string
		want       string
	}{
		{"unix cron", `schedule = { schedule_type = "cron", cron_expression = "0 12 * * *" }`, `(?s)Invalid Cron Expression.*0 0 12 \* \* \?`},
		{"sub-hourly cron", `schedule = { schedule_type = "cron", cron_expression = "* 0 12 * * ?" }`, `(?s)Invalid Cron Expression.*seconds`},
		{"garbage cron", `schedule = { schedule_type = "cron", cron_expression = "every day" }`, `Invalid Cron Expression`},
		{"cron without expression", `schedule = { schedule_type = "cron" }`, `(?s)Missing Cron Expression.*cron_expression is required`},
		{"manual with expression", `schedule = { schedule_type = "manual", cron_expression = "0 0 12 * * ?" }`, `Unexpected Cron Expression`},
		{"manual with time zone", `schedule = { schedule_type = "manual", cron_time_zone = "Europe/Paris" }`, `(?s)Unexpected Time Zone.*Remove cron_time_zone`},
		{"etc time zone", `schedule = { schedule_type = "cron", cron_expression = "0 0 12 * * ?", cron_time_zone = "Etc/UTC" }`, `(?s)Invalid Time Zone.*Etc/`},
		{"zone in expression", `schedule = { schedule_type = "cron", cron_expression = "0 0 12 * * ? Europe/Paris" }`, `(?s)Invalid Cron Expression.*cron_time_zone`},
		{"schedule without type", `schedule = { cron_expression = "0 0 12 * * ?" }`, `schedule.schedule_type is required`},
		{"basic on create", `schedule = { schedule_type = "basic" }`, `cannot create a "basic" schedule`},
		{"unknown schedule type", `schedule = { schedule_type = "hourly" }`, `(?s)schedule.schedule_type.*value must be one of`},
		{"duplicate stream", `configurations = { streams = [{ name = "users", sync_mode = "full_refresh_append" }, { name = "users" }] }`, `(?s)Duplicate Stream.*"users"`},
		{"no streams", `configurations = { streams = [] }`, `(?s)configurations.streams.*at least 1`},
		{"stream without name", `configurations = { streams = [{ sync_mode = "full_refresh_append" }] }`, `Missing Stream Name`},
		{"bad sync mode", `configurations = { streams = [{ name = "users", sync_mode = "incremental" }] }`, `(?s)sync_mode.*value must be one of`},
		{"bad status", `status = "paused"`, `(?s)status.*value must be one of`},
		{"bad namespace definition", `namespace_definition = "custom"`, `(?s)namespace_definition.*value must be one of`},
		{"empty name", `name = ""`, `(?s)name.*at least 1`},
		{"tag without id", `tags = [{ workspace_id = "` + src + `", name = "x", color = "FF5733" }]`, `tags\[0\].tag_id is required`},
	}
	before := fmt.Sprint(e.emu.Snapshot())
	var steps []resource.TestStep
	for _, tc := range cases {
		steps = append(steps, resource.TestStep{
			Config: e.ProviderConfig() + fmt.Sprintf(`
resource "airbyte_connection" "c" {
  source_id      = %q
  destination_id = %q
  %s
}
`, src, dst, tc.body),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(tc.want),
		})
	}
	steps = append(steps, resource.TestStep{
		Config: e.ProviderConfig() + `
resource "airbyte_connection" "c" {
  source_id      = "not-a-uuid"
  destination_id = "also-not"
}
`,
		PlanOnly:    true,
		ExpectError: regexp.MustCompile(`(?s)Invalid Airbyte ID.*"not-a-uuid" is not a UUID`),
	})
	accParallelTest(t, resource.TestCase{Steps: steps})
	if after := fmt.Sprint(e.emu.Snapshot()); after != before {
		t.Fatalf("refused configurations changed the emulator")
	}
}

// TestAccConnection_generateConfig imports a connection made outside
// Terraform with `terraform plan -generate-config-out`: the configuration
// Terraform writes plans no change.
func TestAccConnection_generateConfig(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 29})
	conn := e.createOutsideTerraform(t, e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID)
	accParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config:          e.ProviderConfig(),
			ResourceName:    "airbyte_connection.generated",
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
			ImportStateId:   conn.ConnectionID,
			GenerateConfig:  true,
		}},
	})
}
